// `qres compress IN OUT` / `qres decompress IN OUT`: the series compressor on files of numbers.
//
// Inputs: a CSV column (`--column N|name`, decimals kept exactly by scaling with 10^d, d = the most decimals
// in the column) or raw little-endian samples (`--format int16|q16`, q16 = int32 Q16.16). The output file is
//   ['Q' 'R' 'C' '1'][format u8][decimals u8][name length u8][name utf-8][series stream (core/codec)]
// and decompress writes the numbers back: the same bytes for raw formats, one value per line for CSV.
import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError, type Command, type Values } from '../command';
import { CodecDecodeError, compressDetailed, decompress } from '../../core/codec/index';

const MAGIC = [0x51, 0x52, 0x43, 0x31]; // "QRC1"
const FORMATS = ['csv', 'int16', 'q16'] as const;
type Format = (typeof FORMATS)[number];

/** The input file is not what it should be: printed as one clear line, exit code 1. */
export class BadFileError extends Error {
  override readonly name = 'BadFileError';
}

interface Series {
  format: Format;
  decimals: number;
  name: string;
  samples: Int32Array;
}

const NUMBER = /^[+-]?(\d+)(?:\.(\d+))?$/;

/** Reads one column of a CSV file; a first row that is not numeric there is the header. */
export function parseCsvColumn(text: string, column: string | undefined): Series {
  const rows = text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1')));
  if (rows.length === 0) throw new BadFileError('the CSV file is empty');
  const first = rows[0]!;
  let index: number;
  if (column === undefined) index = first.length === 1 ? 0 : -1;
  else if (/^\d+$/.test(column)) index = Number(column);
  else index = first.indexOf(column);
  if (index < 0) {
    throw column === undefined
      ? new UsageError(`the CSV has ${first.length} columns: pick one with --column N|name (${first.join(', ')})`)
      : new BadFileError(`no column named ${JSON.stringify(column)} in the header (${first.join(', ')})`);
  }
  const hasHeader = !NUMBER.test(first[index] ?? '');
  const name = hasHeader ? first[index]! : '';
  const cells = rows.slice(hasHeader ? 1 : 0).map((r, i) => {
    const cell = r[index];
    if (cell === undefined || !NUMBER.test(cell)) {
      throw new BadFileError(`row ${i + (hasHeader ? 2 : 1)}: ${JSON.stringify(cell ?? '')} in column ${index} is not a plain decimal number`);
    }
    return cell;
  });
  const decimals = Math.max(0, ...cells.map((c) => NUMBER.exec(c)![2]?.length ?? 0));
  if (decimals > 9) throw new BadFileError(`values with ${decimals} decimals do not fit 32-bit integers`);
  const samples = new Int32Array(cells.length);
  cells.forEach((cell, i) => {
    const [, intPart, frac = ''] = NUMBER.exec(cell)!;
    const v = Number(intPart! + frac.padEnd(decimals, '0')) * (cell.startsWith('-') ? -1 : 1);
    if (!Number.isSafeInteger(v) || v < -0x80000000 || v > 0x7fffffff)
      throw new BadFileError(`row value ${cell} × 10^${decimals} does not fit a 32-bit integer`);
    samples[i] = v;
  });
  return { format: 'csv', decimals, name, samples };
}

export function formatCsv(series: Series): string {
  const lines = series.name ? [series.name] : [];
  for (const v of series.samples) {
    if (series.decimals === 0) {
      lines.push(String(v));
      continue;
    }
    const digits = String(Math.abs(v)).padStart(series.decimals + 1, '0');
    lines.push(`${v < 0 ? '-' : ''}${digits.slice(0, -series.decimals)}.${digits.slice(-series.decimals)}`);
  }
  return `${lines.join('\n')}\n`;
}

function readRaw(bytes: Uint8Array, format: 'int16' | 'q16'): Int32Array {
  const width = format === 'int16' ? 2 : 4;
  if (bytes.length % width !== 0) throw new BadFileError(`${bytes.length} bytes is not a whole number of ${format} samples (${width} bytes each)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(bytes.length / width);
  for (let i = 0; i < out.length; i++) out[i] = width === 2 ? view.getInt16(i * 2, true) : view.getInt32(i * 4, true);
  return out;
}

function writeRaw(samples: Int32Array, format: 'int16' | 'q16'): Uint8Array {
  const width = format === 'int16' ? 2 : 4;
  const out = new Uint8Array(samples.length * width);
  const view = new DataView(out.buffer);
  samples.forEach((v, i) => (width === 2 ? view.setInt16(i * 2, v, true) : view.setInt32(i * 4, v, true)));
  return out;
}

function formatFlag(values: Values): Format {
  const f = values.format ?? 'csv';
  if (typeof f !== 'string' || !(FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  return f as Format;
}

function paths(positionals: string[]): [string, string] {
  if (positionals.length !== 2) throw new UsageError(`expects IN and OUT, got ${positionals.length} path(s)`);
  return [positionals[0]!, positionals[1]!];
}

function readInput(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new BadFileError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** Runs a body and turns a bad file into one line on stderr and exit code 1. */
async function guarded(name: string, body: () => number): Promise<number> {
  try {
    return body();
  } catch (err) {
    if (err instanceof BadFileError || err instanceof CodecDecodeError) {
      process.stderr.write(`qres ${name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

export const compressCommand: Command = {
  name: 'compress',
  summary: 'compress a series of numbers (CSV column or raw int16/Q16) losslessly',
  usage:
    'usage: npm run qres -- compress IN OUT [--column N|name] [--format csv|int16|q16] [--json]\n  CSV (default): one column, 0-based index or header name; decimals are kept exactly.\n  int16 / q16: raw little-endian int16 or int32 (Q16.16) samples.',
  options: { column: { type: 'string' }, format: { type: 'string' }, json: { type: 'boolean' } },
  positionals: true,
  run: async (values, positionals) => {
    const [input, output] = paths(positionals);
    const format = formatFlag(values);
    if (format !== 'csv' && values.column !== undefined) throw new UsageError('--column applies to CSV input only');
    return guarded('compress', () => {
      const raw = readInput(input);
      const series: Series =
        format === 'csv'
          ? parseCsvColumn(raw.toString('utf8'), values.column as string | undefined)
          : { format, decimals: 0, name: '', samples: readRaw(raw, format) };
      const name = new TextEncoder().encode(series.name).subarray(0, 255);
      const { bytes, predictor } = compressDetailed(series.samples);
      const out = new Uint8Array(MAGIC.length + 3 + name.length + bytes.length);
      out.set(MAGIC, 0);
      out[4] = FORMATS.indexOf(series.format);
      out[5] = series.decimals;
      out[6] = name.length;
      out.set(name, 7);
      out.set(bytes, 7 + name.length);
      writeFileSync(output, out);
      const report = { samples: series.samples.length, inputBytes: raw.length, outputBytes: out.length, ratio: raw.length / out.length, predictor };
      process.stdout.write(
        values.json
          ? `${JSON.stringify(report)}\n`
          : `${report.samples} samples, ${report.inputBytes} → ${report.outputBytes} bytes (${report.ratio.toFixed(2)}×), predictor ${predictor}\n`,
      );
      return 0;
    });
  },
};

export const decompressCommand: Command = {
  name: 'decompress',
  summary: 'restore a file written by compress',
  usage: 'usage: npm run qres -- decompress IN OUT\n  Writes the numbers back: CSV as one column (with its header name), raw formats byte for byte.',
  options: {},
  positionals: true,
  run: async (_values, positionals) => {
    const [input, output] = paths(positionals);
    return guarded('decompress', () => {
      const bytes = readInput(input);
      if (bytes.length < 7 || MAGIC.some((m, i) => bytes[i] !== m)) throw new BadFileError(`${input} is not a file written by qres compress`);
      const format = FORMATS[bytes[4]!];
      if (format === undefined || bytes[5]! > 9 || 7 + bytes[6]! > bytes.length) throw new BadFileError(`${input} has a damaged header`);
      const name = new TextDecoder().decode(bytes.subarray(7, 7 + bytes[6]!));
      const samples = decompress(new Uint8Array(bytes.buffer, bytes.byteOffset + 7 + bytes[6]!, bytes.length - 7 - bytes[6]!));
      writeFileSync(output, format === 'csv' ? formatCsv({ format, decimals: bytes[5]!, name, samples }) : writeRaw(samples, format));
      return 0;
    });
  },
};
