// CSV text, byte for byte: the numbers of the chosen columns become series (one channel per column), and
// everything else (the header, blank lines, other columns, line endings, and any cell whose exact text the
// numbers cannot give back) is kept as text in the block's side bytes. Decoding puts the cells back and so
// rebuilds the identical bytes.
//
// A cell is coded as a number when it is canonical: /^-?(0|[1-9]\d*)(\.\d+)?$/, not a negative zero, at most
// 9 decimals and 15 digits. Its value is the mantissa scaled to the block's largest decimal count D of that
// column (v = m · 10^(D − d)); a cell with fewer decimals records its deficit D − d. Any other cell of a coded
// column ("007", "-0", "+5", "1e3", "NA", "") stays as text (the series holds the previous value there, so
// prediction is not disturbed), as does a value that does not fit int32 at the block's scale.
//
// Side bytes of a block (before the CLI deflates them): one byte D per column, then one record per line:
//   0x00 template          a data row, every coded cell numeric with deficit 0
//   0x01 line              any other line (header, blank, …), verbatim
//   0x02 flags template    a data row with one byte per coded column: deficit 0..9, 0xFE text kept in the
//                          template, 0xFF the row has no such cell
// A template is the line with the coded cells emptied; it ends at '\n' (included) or at the end of the file.
// Text is handled as latin1, one character per byte, so any bytes (UTF-8 or not) survive unchanged.
import { CodecDecodeError } from './rangeCoder';

export const TAG_PLAIN = 0;
export const TAG_LINE = 1;
export const TAG_FLAGS = 2;
const KEPT = 0xfe;
const ABSENT = 0xff;
const CANONICAL = /^-?(0|[1-9]\d*)(?:\.(\d+))?$/;
const LOOSE_NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** Splits a line (without its terminator) into cells at the commas outside double quotes. join(',') gives it back. */
export function splitCells(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const cells: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charCodeAt(i);
    if (ch === 34) quoted = !quoted;
    else if (ch === 44 && !quoted) {
      cells.push(line.slice(start, i));
      start = i + 1;
    }
  }
  cells.push(line.slice(start));
  return cells;
}

/** The line without its '\n' / '\r\n', and the terminator. */
function cutEnd(line: string): [string, string] {
  if (line.endsWith('\r\n')) return [line.slice(0, -2), '\r\n'];
  if (line.endsWith('\n')) return [line.slice(0, -1), '\n'];
  return [line, ''];
}

/** Whether a cell reads as a number at all (for header detection and column choice). */
export function looksNumeric(cell: string): boolean {
  return LOOSE_NUMBER.test(cell);
}

interface Parsed {
  mantissa: number;
  decimals: number;
}

function parseCanonical(cell: string): Parsed | undefined {
  const m = CANONICAL.exec(cell);
  if (m === null) return undefined;
  const frac = m[2] ?? '';
  if (frac.length > 9 || m[1]!.length + frac.length > 15) return undefined;
  const mag = Number(m[1]! + frac);
  if (mag === 0 && cell.startsWith('-')) return undefined;
  return { mantissa: cell.startsWith('-') ? -mag : mag, decimals: frac.length };
}

/** Formats v at scale 10^decimals, the inverse of parseCanonical. */
export function formatScaled(v: number, decimals: number): string {
  if (decimals === 0) return String(v);
  const digits = String(Math.abs(v)).padStart(decimals + 1, '0');
  return `${v < 0 ? '-' : ''}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** Collects the lines of one block: data rows become frames, the rest text. */
export class CsvBlockBuilder {
  readonly values: Int32Array[];
  frames = 0;
  private readonly lines: string[] = [];
  /** Whether each line is a data row (else verbatim text). */
  private readonly isRow: boolean[] = [];
  private readonly last: number[];
  constructor(
    readonly columns: readonly number[],
    readonly capacity: number,
    /** The value a text cell holds in the series (the last value of the column before this block). */
    carry?: readonly number[],
  ) {
    this.values = columns.map(() => new Int32Array(capacity));
    this.last = columns.map((_, i) => carry?.[i] ?? 0);
  }

  /** Adds a non-data line (header, blank line) verbatim. */
  addText(line: string): void {
    this.lines.push(line);
    this.isRow.push(false);
  }

  /** Adds a data row; false when the block is full (the caller starts a new block). */
  addRow(line: string): boolean {
    if (this.frames === this.capacity) return false;
    this.lines.push(line);
    this.isRow.push(true);
    this.frames++;
    return true;
  }

  get full(): boolean {
    return this.frames === this.capacity;
  }

  get hasLines(): boolean {
    return this.lines.length > 0;
  }

  /** The last value of each column (carried into the next block's text cells). */
  get carry(): number[] {
    return this.last.slice();
  }

  /** Fills values and returns the side bytes (latin1 string, one char per byte). */
  build(): string {
    const cols = this.columns;
    // Pass 1: parse the coded cells, find each column's decimal count.
    const rows: { cells: string[]; end: string; parsed: (Parsed | undefined)[] }[] = [];
    const decimals = cols.map(() => 0);
    for (let r = 0; r < this.lines.length; r++) {
      const line = this.lines[r]!;
      if (!this.isRow[r]) {
        rows.push({ cells: [], end: '', parsed: [] });
        continue;
      }
      const [body, end] = cutEnd(line);
      const cells = splitCells(body);
      const parsed = cols.map((c) => (c < cells.length ? parseCanonical(cells[c]!) : undefined));
      parsed.forEach((p, i) => {
        if (p !== undefined && p.decimals > decimals[i]!) decimals[i] = p.decimals;
      });
      rows.push({ cells, end, parsed });
    }
    // Pass 2: values and records. A cell whose scaled value leaves int32 stays text.
    const out: string[] = [String.fromCharCode(...decimals)];
    let frame = 0;
    for (let r = 0; r < this.lines.length; r++) {
      const line = this.lines[r]!;
      if (!this.isRow[r]) {
        out.push(String.fromCharCode(TAG_LINE), line);
        continue;
      }
      const { cells, end, parsed } = rows[r]!;
      const flags = cols.map((c, i) => {
        const p = parsed[i];
        if (c >= cells.length) return ABSENT;
        const v = p === undefined ? undefined : p.mantissa * POW10[decimals[i]! - p.decimals]!;
        if (p === undefined || v! > 0x7fffffff || v! < -0x80000000) {
          this.values[i]![frame] = this.last[i]!;
          return KEPT;
        }
        this.values[i]![frame] = v!;
        this.last[i] = v!;
        cells[c] = '';
        return decimals[i]! - p.decimals;
      });
      const template = cells.join(',') + end;
      if (flags.every((f) => f === 0)) out.push(String.fromCharCode(TAG_PLAIN), template);
      else out.push(String.fromCharCode(TAG_FLAGS, ...flags), template);
      frame++;
    }
    return out.join('');
  }
}

/** Rebuilds the text of a block from its side bytes and decoded values; calls emit per line with its data-row number or −1. */
export function rebuildCsvBlock(
  side: string,
  columns: readonly number[],
  values: readonly Int32Array[],
  frames: number,
  emit: (line: string, row: number) => void,
): void {
  const bad = (why: string) => new CodecDecodeError('value', `CSV text: ${why}`);
  if (side.length < columns.length) throw bad('side bytes shorter than the column scales');
  const decimals = columns.map((_, i) => side.charCodeAt(i));
  if (decimals.some((d) => d > 9)) throw bad('column scale above 9 decimals');
  let at = columns.length;
  let frame = 0;
  while (at < side.length) {
    const tag = side.charCodeAt(at++);
    let flags: number[] | undefined;
    if (tag === TAG_FLAGS) {
      if (at + columns.length > side.length) throw bad('row flags cut short');
      flags = columns.map((_, i) => side.charCodeAt(at + i));
      at += columns.length;
    } else if (tag !== TAG_PLAIN && tag !== TAG_LINE) throw bad(`unknown record tag ${tag}`);
    const nl = side.indexOf('\n', at);
    const stop = nl < 0 ? side.length : nl + 1;
    const text = side.slice(at, stop);
    at = stop;
    if (tag === TAG_LINE) {
      emit(text, -1);
      continue;
    }
    if (frame >= frames) throw bad('more data rows than samples');
    const [body, end] = cutEnd(text);
    const cells = splitCells(body);
    columns.forEach((c, i) => {
      const f = flags === undefined ? 0 : flags[i]!;
      if (f === KEPT || f === ABSENT) return;
      if (f > decimals[i]! || c >= cells.length || cells[c] !== '') throw bad('row flags do not match the template');
      const v = values[i]![frame]!;
      const scale = POW10[f]!;
      if (v % scale !== 0) throw bad('value not a multiple of its decimal deficit');
      cells[c] = formatScaled(v / scale, decimals[i]! - f);
    });
    emit(cells.join(',') + end, frame);
    frame++;
  }
  if (frame !== frames) throw bad(`${frame} data rows for ${frames} samples`);
}
