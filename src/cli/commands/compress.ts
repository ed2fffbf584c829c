// `qres compress IN OUT` / `qres decompress IN OUT`: the series codec on files (docs/CODEC.md).
//
// Inputs: WAV (PCM 8/16/24/32-bit, any channel count, detected by its RIFF header), CSV (the chosen numeric
// columns become series, the rest is kept as text: decompress gives back the identical bytes), or raw
// little-endian samples (`--format int16|q16`, q16 = int32 Q16.16). Both commands stream: they read and write
// one block at a time, so memory stays bounded whatever the file size. The output goes to OUT.partial first and
// is renamed when complete, so a failure never leaves a file that looks whole.
import { closeSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { UsageError, numberFlag, type Command, type Values } from '../command';
import { CodecDecodeError } from '../../core/codec/rangeCoder';
import {
  DEFAULT_BLOCK_FRAMES,
  defaultBlockFrames,
  KIND_CSV,
  KIND_INT16,
  KIND_INT32,
  KIND_NAMES,
  KIND_WAV,
  MAX_BLOCK_FRAMES,
  CodecFileError,
  SeriesReader,
  SeriesWriter,
  type ByteSource,
  type Damage,
} from '../../core/codec/container';
import { CsvBlockBuilder, looksNumeric, rebuildCsvBlock, splitCells } from '../../core/codec/csvText';
import { WavError, canonicalHeader, channelsToPcm, fitsBits, isWav, parseWavHeader, pcmToChannels, type WavInfo } from '../../core/codec/wav';

const FORMATS = ['auto', 'csv', 'wav', 'int16', 'q16'] as const;
type Format = (typeof FORMATS)[number];
/** How much of a CSV is read to find its header and columns. */
const CSV_PROBE = 1 << 20;
const READ_CHUNK = 1 << 20;
/** Bound on an inflated CSV side (one block of text): a forged file cannot make decompress allocate more. */
const MAX_SIDE_TEXT = 1 << 28;

/** The input file is not what it should be: printed as one clear line, exit code 1. */
export class BadFileError extends Error {
  override readonly name = 'BadFileError';
}

/** Sequential reads of a file in chunks. */
class FileReader {
  private pos = 0;
  constructor(
    readonly fd: number,
    readonly size: number,
  ) {}
  /** Up to n bytes (fewer only at the end). */
  read(n: number): Buffer {
    const buf = Buffer.allocUnsafe(Math.max(0, Math.min(n, this.size - this.pos)));
    let got = 0;
    while (got < buf.length) {
      const k = readSync(this.fd, buf, got, buf.length - got, this.pos + got);
      if (k === 0) break;
      got += k;
    }
    this.pos += got;
    return buf.subarray(0, got);
  }
  private scratch = Buffer.alloc(0);
  /**
   * As read(), into one buffer reused from call to call (valid until the next readScratch): the per-block reads.
   * A fresh buffer per block left hundreds of them for the garbage collector, whose runs are rare now that the
   * coder allocates little (the 1 GiB compress peaked 25 MiB higher).
   */
  readScratch(n: number): Buffer {
    const want = Math.max(0, Math.min(n, this.size - this.pos));
    if (this.scratch.length < want) this.scratch = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      const k = readSync(this.fd, this.scratch, got, want - got, this.pos + got);
      if (k === 0) break;
      got += k;
    }
    this.pos += got;
    return this.scratch.subarray(0, got);
  }
  seek(pos: number): void {
    this.pos = pos;
  }
}

function fileSource(fd: number): ByteSource {
  return {
    read: (offset, length) => {
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const k = readSync(fd, buf, got, length - got, offset + got);
        if (k === 0) break;
        got += k;
      }
      return new Uint8Array(buf.buffer, buf.byteOffset, got);
    },
  };
}

/** Writes through a small buffer to a file descriptor. */
class Out {
  private buf = Buffer.allocUnsafe(1 << 20);
  private fill = 0;
  written = 0;
  constructor(readonly fd: number) {}
  write(bytes: Uint8Array): void {
    if (bytes.length >= this.buf.length) {
      this.flush();
      writeSync(this.fd, bytes);
      this.written += bytes.length;
      return;
    }
    if (this.fill + bytes.length > this.buf.length) this.flush();
    this.buf.set(bytes, this.fill);
    this.fill += bytes.length;
    this.written += bytes.length;
  }
  text(s: string): void {
    this.write(Buffer.from(s, 'latin1'));
  }
  flush(): void {
    if (this.fill > 0) writeSync(this.fd, this.buf.subarray(0, this.fill));
    this.fill = 0;
  }
}

function openInput(path: string): { fd: number; size: number } {
  try {
    const fd = openSync(path, 'r');
    return { fd, size: statSync(path).size };
  } catch (err) {
    throw new BadFileError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** Runs body with OUT.partial, renamed to OUT on success and removed on failure. */
function withOutput<T>(path: string, body: (out: Out) => T): T {
  const partial = `${path}.partial`;
  let fd: number;
  try {
    fd = openSync(partial, 'w');
  } catch (err) {
    throw new BadFileError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const out = new Out(fd);
  try {
    const result = body(out);
    out.flush();
    closeSync(fd);
    renameSync(partial, path);
    return result;
  } catch (err) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw err;
  }
}

interface CompressReport {
  format: string;
  channels: number;
  frames: number;
  blocks: number;
  inputBytes: number;
  outputBytes: number;
  ratio: number;
  columns?: string[];
}

// ── compress ───────────────────────────────────────────────────────────────────────────────────────────────

function compressRaw(input: FileReader, out: Out, width: 2 | 4, block: number | undefined, best: boolean): { frames: number; blockFrames: number } {
  const blockFrames = block ?? defaultBlockFrames(1);
  if (input.size % width !== 0)
    throw new BadFileError(`${input.size} bytes is not a whole number of ${width === 2 ? 'int16' : 'q16'} samples (${width} bytes each)`);
  const writer = new SeriesWriter({ kind: width === 2 ? KIND_INT16 : KIND_INT32, channels: 1, blockFrames, meta: new Uint8Array(0) }, (b) => out.write(b), {
    best,
  });
  const x = new Int32Array(blockFrames);
  for (;;) {
    const chunk = input.readScratch(blockFrames * width);
    if (chunk.length === 0) break;
    const n = chunk.length / width;
    for (let i = 0, o = 0; i < n; i++, o += width)
      x[i] = width === 2 ? ((chunk[o]! | (chunk[o + 1]! << 8)) << 16) >> 16 : chunk[o]! | (chunk[o + 1]! << 8) | (chunk[o + 2]! << 16) | (chunk[o + 3]! << 24);
    writer.pushChannels([x], n);
  }
  writer.finish();
  return { frames: writer.framesWritten, blockFrames };
}

function compressWav(input: FileReader, out: Out, block: number | undefined, best: boolean): { frames: number; channels: number; blockFrames: number } {
  const head = input.read(Math.min(input.size, 1 << 20));
  let info: WavInfo;
  try {
    info = parseWavHeader(head);
  } catch (err) {
    if (err instanceof WavError) throw new BadFileError(`WAV: ${err.message}`);
    throw err;
  }
  const available = input.size - info.dataOffset;
  const dataBytes = Math.min(info.declaredDataBytes, available);
  const frames = Math.floor(dataBytes / info.blockAlign);
  const meta = head.subarray(0, info.dataOffset);
  const blockFrames = block ?? defaultBlockFrames(info.channels);
  const writer = new SeriesWriter({ kind: KIND_WAV, channels: info.channels, blockFrames, meta }, (b) => out.write(b), { best });
  const channels = Array.from({ length: info.channels }, () => new Int32Array(blockFrames));
  input.seek(info.dataOffset);
  for (let done = 0; done < frames; ) {
    const n = Math.min(blockFrames, frames - done);
    const chunk = input.readScratch(n * info.blockAlign);
    pcmToChannels(chunk, info, n, channels);
    writer.pushChannels(channels, n);
    done += n;
  }
  // Whatever follows the whole frames (a partial frame, the pad byte, LIST chunks) is the trailer.
  const trailerBytes = input.size - info.dataOffset - frames * info.blockAlign;
  if (trailerBytes > 1 << 24) throw new BadFileError(`WAV: ${trailerBytes} bytes after the samples (more than 16 MiB of trailing chunks)`);
  writer.finish(input.read(trailerBytes));
  return { frames, channels: info.channels, blockFrames };
}

/** Lines of a file, read in chunks, each with its terminator (latin1: one char per byte). */
function* lines(input: FileReader, first: string): Generator<string> {
  let rest = first;
  for (;;) {
    let start = 0;
    for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n', start)) {
      yield rest.slice(start, nl + 1);
      start = nl + 1;
    }
    rest = rest.slice(start);
    const chunk = input.readScratch(READ_CHUNK);
    if (chunk.length === 0) break;
    rest += chunk.toString('latin1');
  }
  if (rest.length > 0) yield rest;
}

/** Parses --column: indices into the header, or every column whose first data cell is numeric (`all`). */
export function chooseColumns(header: string[] | undefined, firstRow: string[], spec: string | undefined): number[] {
  const names = header ?? firstRow.map((_, i) => String(i));
  const list = `${names.length} column${names.length === 1 ? '' : 's'} (${names.map((n, i) => (header ? `${i}: ${n}` : String(i))).join(', ')})`;
  if (spec === undefined) {
    if (names.length === 1) return [0];
    throw new UsageError(`the CSV has ${list}: pick with --column N|name[,N|name…] or --column all`);
  }
  if (spec === 'all') {
    const numeric = firstRow.map((c, i) => (looksNumeric(c) ? i : -1)).filter((i) => i >= 0);
    if (numeric.length === 0) throw new UsageError(`no numeric column in the first data row; the CSV has ${list}`);
    return numeric;
  }
  const picked = spec.split(',').map((part) => {
    const name = part.trim();
    const byName = header?.indexOf(name) ?? -1;
    const index = byName >= 0 ? byName : /^\d+$/.test(name) ? Number(name) : -1;
    if (index < 0 || index >= names.length) throw new UsageError(`no column ${JSON.stringify(name)}: the CSV has ${list}`);
    return index;
  });
  if (new Set(picked).size !== picked.length) throw new UsageError('--column names a column twice');
  return picked.sort((a, b) => a - b);
}

function compressCsv(
  input: FileReader,
  out: Out,
  spec: string | undefined,
  blockFlagValue: number | undefined,
  best: boolean,
): { frames: number; columns: string[]; blockFrames: number } {
  const probe = input.read(CSV_PROBE).toString('latin1');
  // The first non-blank line: a header if any of its cells is not a number.
  const probeLines = probe.split('\n').map((l) => l.replace(/\r$/, ''));
  const firstIndex = probeLines.findIndex((l) => l.trim() !== '');
  if (firstIndex < 0) throw new BadFileError('the CSV file has no data (empty or blank lines only)');
  const firstCells = splitCells(probeLines[firstIndex]!);
  const hasHeader = firstCells.some((c) => !looksNumeric(c));
  const dataLine = hasHeader ? probeLines.slice(firstIndex + 1).find((l) => l.trim() !== '') : probeLines[firstIndex];
  if (dataLine === undefined) throw new BadFileError('the CSV file has a header but no data rows');
  const columns = chooseColumns(hasHeader ? firstCells.map((c) => c.trim()) : undefined, splitCells(dataLine), spec);
  const names = columns.map((c) => (hasHeader ? (firstCells[c] ?? String(c)).trim() : String(c)));
  for (const [i, c] of columns.entries()) {
    const cell = splitCells(dataLine)[c];
    if (cell === undefined || !looksNumeric(cell)) {
      throw new BadFileError(`column ${JSON.stringify(names[i])} is not numeric: its first data cell is ${JSON.stringify(cell ?? '')}`);
    }
  }
  const meta = new Uint8Array(2 + 2 * columns.length);
  meta[0] = columns.length & 0xff;
  meta[1] = columns.length >> 8;
  columns.forEach((c, i) => {
    meta[2 + 2 * i] = c & 0xff;
    meta[3 + 2 * i] = c >> 8;
  });
  const blockFrames = blockFlagValue ?? defaultBlockFrames(columns.length);
  const writer = new SeriesWriter({ kind: KIND_CSV, channels: columns.length, blockFrames, meta }, (b) => out.write(b), { best });
  let block = new CsvBlockBuilder(columns, blockFrames);
  let seenFirst = false;
  const flush = () => {
    const side = deflateRawSync(Buffer.from(block.build(), 'latin1'));
    writer.writeBlock(block.values, block.frames, side);
    block = new CsvBlockBuilder(columns, blockFrames, block.carry);
  };
  for (const line of lines(input, probe)) {
    const blank = line.trim() === '';
    const isHeader = !seenFirst && !blank && hasHeader;
    if (!blank) seenFirst = true;
    if (blank || isHeader) {
      block.addText(line);
      continue;
    }
    if (block.full) flush();
    block.addRow(line);
  }
  // Trailing text lines with no data row after them go in the end block's trailer.
  let trailer = new Uint8Array(0);
  if (block.frames > 0) flush();
  if (block.hasLines) trailer = deflateRawSync(Buffer.from(block.build(), 'latin1'));
  if (writer.framesWritten === 0) throw new BadFileError('the CSV file has no data rows');
  writer.finish(trailer);
  return { frames: writer.framesWritten, columns: names, blockFrames };
}

function detectFormat(values: Values, input: FileReader): Exclude<Format, 'auto'> {
  const f = (values.format as string | undefined) ?? 'auto';
  if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  if (f !== 'auto') return f as Exclude<Format, 'auto'>;
  const head = input.read(12);
  input.seek(0);
  return isWav(head) ? 'wav' : 'csv';
}

/** --block, or undefined for the default (which depends on the channel count). */
function blockFlag(values: Values): number | undefined {
  const b = numberFlag(values, 'block');
  if (b === undefined) return undefined;
  if (!Number.isInteger(b) || b < 16 || b > MAX_BLOCK_FRAMES) throw new UsageError(`--block must be an integer from 16 to ${MAX_BLOCK_FRAMES}`);
  return b;
}

function paths(positionals: string[]): [string, string] {
  if (positionals.length !== 2) throw new UsageError(`expects IN and OUT, got ${positionals.length} path(s)`);
  return [positionals[0]!, positionals[1]!];
}

/**
 * Runs a body: a bad file is one line on stderr and exit code 1; a usage error is one line, a pointer to the
 * command's help, and exit code 2 (not the whole usage text, which buries the message).
 */
async function guarded(name: string, body: () => number): Promise<number> {
  try {
    return body();
  } catch (err) {
    if (err instanceof BadFileError || err instanceof CodecDecodeError) {
      process.stderr.write(`qres ${name}: ${err.message}\n`);
      return 1;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`qres ${name}: ${err.message}\n(see: npm run qres -- help ${name})\n`);
      return 2;
    }
    throw err;
  }
}

export const compressCommand: Command = {
  name: 'compress',
  summary: 'compress WAV, CSV columns or raw int16/Q16 samples losslessly, in seekable checksummed blocks',
  usage: [
    'usage: npm run qres -- compress IN OUT [--format auto|csv|wav|int16|q16] [--column N|name[,…]|all] [--best] [--block FRAMES] [--json]',
    '  auto (default): WAV when IN starts with a RIFF/WAVE header, else CSV.',
    '  CSV: the chosen columns (0-based index or header name; `all` = every numeric column; needed when there is',
    '       more than one column) are coded as numbers, everything else as text: decompress gives back the identical bytes.',
    '  WAV: PCM 8/16/24/32-bit, any number of channels (mid/side for stereo where it pays).',
    '  int16 / q16: raw little-endian int16 or int32 (Q16.16) samples.',
    `  --best: higher prediction orders and a sub-frame search (slower, a little smaller). --block: frames per block (default ${DEFAULT_BLOCK_FRAMES}, fewer above 8 channels).`,
  ].join('\n'),
  options: { column: { type: 'string' }, format: { type: 'string' }, json: { type: 'boolean' }, best: { type: 'boolean' }, block: { type: 'string' } },
  positionals: true,
  run: async (values, positionals) => {
    let opened: { fd: number; size: number } | undefined;
    try {
      return await guarded('compress', () => {
        const [inputPath, outputPath] = paths(positionals);
        const blockFrames = blockFlag(values);
        const best = values.best === true;
        if (values.format !== undefined && !(FORMATS as readonly string[]).includes(values.format as string))
          throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
        if (values.format !== undefined && values.format !== 'csv' && values.format !== 'auto' && values.column !== undefined)
          throw new UsageError('--column applies to CSV input only');
        opened = openInput(inputPath);
        const input = new FileReader(opened.fd, opened.size);
        const format = detectFormat(values, input);
        if (format !== 'csv' && values.column !== undefined) throw new UsageError('--column applies to CSV input only');
        const result = withOutput(outputPath, (out) => {
          if (format === 'int16' || format === 'q16') return { ...compressRaw(input, out, format === 'int16' ? 2 : 4, blockFrames, best), channels: 1, out };
          if (format === 'wav') return { ...compressWav(input, out, blockFrames, best), out };
          const csv = compressCsv(input, out, values.column as string | undefined, blockFrames, best);
          return { frames: csv.frames, channels: csv.columns.length, columns: csv.columns, blockFrames: csv.blockFrames, out };
        });
        const report: CompressReport = {
          format,
          channels: result.channels,
          frames: result.frames,
          blocks: Math.ceil(result.frames / result.blockFrames),
          inputBytes: opened.size,
          outputBytes: result.out.written,
          ratio: opened.size / result.out.written,
          ...('columns' in result ? { columns: result.columns } : {}),
        };
        process.stdout.write(
          values.json
            ? `${JSON.stringify(report)}\n`
            : `${format}: ${report.frames} ${format === 'csv' ? 'rows' : 'frames'} × ${report.channels} ${format === 'csv' ? `column(s) (${report.columns?.join(', ')})` : 'channel(s)'}, ${report.inputBytes} → ${report.outputBytes} bytes (${report.ratio.toFixed(2)}×), ${report.blocks} block(s)\n`,
        );
        return 0;
      });
    } finally {
      if (opened !== undefined) closeSync(opened.fd);
    }
  },
};

// ── decompress ─────────────────────────────────────────────────────────────────────────────────────────────

interface Range {
  from: number;
  until: number;
  partial: boolean;
}

function decodeCsvColumns(meta: Uint8Array): number[] {
  if (meta.length < 2) throw new CodecFileError('header', -1, 16, 'CSV metadata too short');
  const n = meta[0]! | (meta[1]! << 8);
  if (meta.length !== 2 + 2 * n || n === 0) throw new CodecFileError('header', -1, 16, 'CSV metadata does not match its column count');
  return Array.from({ length: n }, (_, i) => meta[2 + 2 * i]! | (meta[3 + 2 * i]! << 8));
}

function inflate(side: Uint8Array, block: number): string {
  try {
    return inflateRawSync(side, { maxOutputLength: MAX_SIDE_TEXT }).toString('latin1');
  } catch {
    throw new CodecFileError('value', block, 0, 'the CSV text of this block does not inflate');
  }
}

/** Decodes into out; returns the damage found (salvage) or throws on the first (no salvage). */
function decompressTo(reader: SeriesReader, out: Out, range: Range, salvage: boolean): Damage[] {
  const { header } = reader;
  const damage: Damage[] = [];
  const opts = { from: range.from, count: range.until === Infinity ? undefined : range.until - range.from, salvage, onDamage: (d: Damage) => damage.push(d) };
  const kind = header.kind;
  let written = range.from; // frames accounted for (written or zero-filled)
  if (kind === KIND_INT16 || kind === KIND_INT32) {
    if (header.channels !== 1) throw new CodecFileError('header', -1, 6, `raw ${KIND_NAMES[kind]} with ${header.channels} channels`);
    const width = kind === KIND_INT16 ? 2 : 4;
    let buf = new Uint8Array(0);
    const emit = (x: Int32Array, lo: number, hi: number, block: number) => {
      if (buf.length < (hi - lo) * width) buf = new Uint8Array((hi - lo) * width);
      for (let i = lo, o = 0; i < hi; i++, o += width) {
        const v = x[i]!;
        if (width === 2 && (v < -32768 || v > 32767)) throw new CodecFileError('value', block, 0, 'decoded sample outside int16');
        buf[o] = v;
        buf[o + 1] = v >> 8;
        if (width === 4) {
          buf[o + 2] = v >> 16;
          buf[o + 3] = v >> 24;
        }
      }
      out.write(buf.subarray(0, (hi - lo) * width));
    };
    for (const b of reader.blocks(opts)) {
      const lo = Math.max(0, range.from - b.firstFrame);
      const hi = Math.min(b.frames, range.until - b.firstFrame);
      const gap = b.firstFrame + lo - written;
      if (gap > 0) zeros(out, gap * width);
      emit(b.channels[0]!, lo, hi, b.index);
      written = b.firstFrame + hi;
    }
    fillToEnd(reader, out, range, written, width, damage);
    return damage;
  }
  if (kind === KIND_WAV) {
    let info: WavInfo;
    try {
      info = parseWavHeader(header.meta);
    } catch (err) {
      throw new CodecFileError('header', -1, 16, `WAV metadata: ${(err as Error).message}`);
    }
    if (info.dataOffset !== header.meta.length || info.channels !== header.channels)
      throw new CodecFileError('header', -1, 16, 'WAV metadata does not match the file');
    if (range.partial)
      out.write(canonicalHeader(info, 0)); // sizes patched at the end
    else out.write(header.meta);
    let buf = new Uint8Array(0);
    for (const b of reader.blocks(opts)) {
      const lo = Math.max(0, range.from - b.firstFrame);
      const hi = Math.min(b.frames, range.until - b.firstFrame);
      for (let c = 0; c < info.channels; c++) {
        if (!fitsBits(b.channels[c]!, b.frames, info.bitsPerSample))
          throw new CodecFileError('value', b.index, 0, `decoded sample outside ${info.bitsPerSample} bits`);
      }
      const gap = b.firstFrame + lo - written;
      if (gap > 0) zeros(out, gap * info.blockAlign);
      if (buf.length < b.frames * info.blockAlign) buf = new Uint8Array(b.frames * info.blockAlign);
      channelsToPcm(b.channels, info, b.frames, buf);
      out.write(buf.subarray(lo * info.blockAlign, hi * info.blockAlign));
      written = b.firstFrame + hi;
    }
    fillToEnd(reader, out, range, written, info.blockAlign, damage);
    if (!range.partial && reader.end !== undefined) out.write(reader.end.trailer);
    if (range.partial) {
      out.flush();
      const dataBytes = out.written - 44;
      writeSync(out.fd, canonicalHeader(info, dataBytes), 0, 44, 0);
      if (dataBytes & 1) out.write(new Uint8Array(1));
    }
    return damage;
  }
  if (kind === KIND_CSV) {
    const columns = decodeCsvColumns(header.meta);
    if (columns.length !== header.channels) throw new CodecFileError('header', -1, 16, 'CSV columns do not match the channel count');
    for (const b of reader.blocks(opts)) {
      const text = inflate(b.side, b.index);
      try {
        rebuildCsvBlock(text, columns, b.channels, b.frames, (line, row) => {
          if (!range.partial) out.text(line);
          else if (row >= 0 && b.firstFrame + row >= range.from && b.firstFrame + row < range.until) out.text(line);
        });
      } catch (err) {
        if (!(err instanceof CodecDecodeError)) throw err;
        const e = new CodecFileError('value', b.index, 0, err.message);
        if (!salvage) throw e;
        damage.push({ block: b.index, blocks: 1, offset: 0, error: e });
      }
    }
    if (!range.partial && reader.end !== undefined && reader.end.trailer.length > 0) {
      const trailer = inflate(reader.end.trailer, -1);
      try {
        rebuildCsvBlock(trailer, columns, [], 0, (line) => out.text(line));
      } catch (err) {
        if (!(err instanceof CodecDecodeError)) throw err;
        throw new CodecFileError('value', -1, 0, `end block: ${err.message}`);
      }
    }
    if (!range.partial && reader.end === undefined && !salvage) throw new CodecFileError('truncated', -1, 0, 'no end block (truncated)');
    return damage;
  }
  throw new CodecFileError('header', -1, 5, `unknown kind ${kind}`);
}

function zeros(out: Out, bytes: number): void {
  const z = new Uint8Array(Math.min(bytes, 1 << 20));
  for (let left = bytes; left > 0; left -= z.length) out.write(z.subarray(0, Math.min(left, z.length)));
}

/** After salvage, pads lost blocks at the end with zeros up to the end block's frame count. */
function fillToEnd(reader: SeriesReader, out: Out, range: Range, written: number, frameBytes: number, damage: Damage[]): void {
  if (reader.end === undefined) return;
  const end = Math.min(range.until, reader.end.totalFrames);
  if (damage.length > 0 && end > written) zeros(out, (end - written) * frameBytes);
}

export const decompressCommand: Command = {
  name: 'decompress',
  summary: 'restore a file written by compress (all of it, or --from/--count samples; --salvage past damage)',
  usage: [
    'usage: npm run qres -- decompress IN OUT [--from SAMPLE] [--count N] [--salvage]',
    '  Writes back the original bytes (WAV, CSV, raw). --from/--count: only those samples (frames; data rows for CSV),',
    '  decoding only the blocks that hold them (WAV: a fresh header; CSV: the rows only).',
    '  --salvage: a damaged block is reported (block, byte offset) and skipped; every other block is restored',
    '  (raw and WAV: the lost samples as zeros, so timing is kept). Exit code 1 when anything was lost.',
  ].join('\n'),
  options: { from: { type: 'string' }, count: { type: 'string' }, salvage: { type: 'boolean' } },
  positionals: true,
  run: async (values, positionals) => {
    let opened: { fd: number; size: number } | undefined;
    try {
      return await guarded('decompress', () => {
        const [inputPath, outputPath] = paths(positionals);
        const from = numberFlag(values, 'from');
        const count = numberFlag(values, 'count');
        for (const [name, v] of [
          ['from', from],
          ['count', count],
        ] as const) {
          if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) throw new UsageError(`--${name} must be a whole number ≥ 0`);
        }
        const range: Range = {
          from: from ?? 0,
          until: count === undefined ? Infinity : (from ?? 0) + count,
          partial: from !== undefined || count !== undefined,
        };
        const salvage = values.salvage === true;
        opened = openInput(inputPath);
        const reader = new SeriesReader(fileSource(opened.fd));
        const damage = withOutput(outputPath, (out) => decompressTo(reader, out, range, salvage));
        if (!range.partial && reader.end === undefined && damage.length === 0)
          throw new CodecFileError('truncated', -1, opened.size, 'no end block (truncated)');
        for (const d of damage) {
          process.stderr.write(
            `qres decompress: lost ${d.blocks === 1 ? `block ${d.block}` : `blocks ${d.block}–${d.block + d.blocks - 1}`}: ${d.error.message}\n`,
          );
        }
        if (damage.length > 0) {
          process.stderr.write(`qres decompress: salvaged what was intact into ${outputPath}; ${damage.length} damaged place(s) skipped\n`);
          return 1;
        }
        return 0;
      });
    } finally {
      if (opened !== undefined) closeSync(opened.fd);
    }
  },
};
