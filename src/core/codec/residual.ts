// The residual stream: int32 prediction residuals → bytes, with one of three models:
//   static    one Laplace level for the whole stream;
//   adaptive  the Laplace level follows a running mean of |r| (learns the scale, tracks changing noise);
//   histogram adaptive counts per value (learns any shape: lattices, skew, several modes).
//
//   [0x10 | mode][length: LEB128 u32][params][range-coded symbols]
//   params: static = level u8; adaptive = level u8, rate u8; histogram = shift u8, K u16 LE
//
// The encoder picks the Laplace parameters by an exact integer bit count, then codes with the best Laplace
// model and with the histogram and keeps the shorter: everything it does is deterministic.
import { LEVEL_THRESHOLDS, MAX_SYMBOLS_PER_BYTE, NUM_LEVELS, findSymbol, levelForMean, levelOf, quotientOf, symbolOf, type Level } from './laplace';
import { ByteSink, CodecDecodeError, RangeDecoder, RangeEncoder } from './rangeCoder';
import { decodeEscaped, decodeWide, encodeEscaped, encodeWide, escapedBits, joinResidual } from './escape';
import { AdaptiveHistogram, HISTOGRAM_MAX_K, histogramParams } from './histogram';

export { CodecDecodeError } from './rangeCoder';

const VERSION = 0x10;
export const MODE_STATIC = 0;
export const MODE_ADAPTIVE = 1;
export const MODE_HISTOGRAM = 2;
export type ResidualMode = 'static' | 'adaptive' | 'histogram' | 'auto';
/** Adaptation rates tried: the running mean moves by 1/2^rate of each new |r|. */
const RATES = [2, 3, 4, 5, 6];
const MIN_RATE = 1;
const MAX_RATE = 12;
const MAX_SHIFT = 31;

export interface ResidualModel {
  mode: typeof MODE_STATIC | typeof MODE_ADAPTIVE | typeof MODE_HISTOGRAM;
  /** Laplace level (static, adaptive) or the shift (histogram). */
  level: number;
  /** Adaptation rate (adaptive) or K (histogram). */
  rate: number;
}

export interface EncodeResidualOptions {
  mode?: ResidualMode;
}

export function encodeResiduals(residuals: Int32Array, opts: EncodeResidualOptions = {}): Uint8Array {
  const mode = opts.mode ?? 'auto';
  let best: Uint8Array | undefined;
  if (mode !== 'histogram') best = encodeWithModel(residuals, chooseLaplaceModel(residuals, mode === 'auto' ? 'any' : mode));
  if (mode === 'histogram' || mode === 'auto') {
    const { shift, k } = histogramParams(residuals);
    const h = encodeWithModel(residuals, { mode: MODE_HISTOGRAM, level: shift, rate: k });
    if (best === undefined || h.length < best.length) best = h;
  }
  return best!;
}

/** The cheapest Laplace model (static and/or adaptive) by an exact bit count (integers, 1/256-bit units). */
export function chooseLaplaceModel(residuals: Int32Array, kind: 'static' | 'adaptive' | 'any' = 'any'): ResidualModel {
  let best: ResidualModel | undefined;
  let bestCost = Infinity;
  const consider = (m: ResidualModel) => {
    const c = modelCostQ8(residuals, m);
    if (c < bestCost) {
      bestCost = c;
      best = m;
    }
  };
  if (kind !== 'adaptive') {
    const center = levelForMean(meanAbsQ8(residuals, residuals.length));
    for (let L = Math.max(0, center - 3); L <= Math.min(NUM_LEVELS - 1, center + 3); L++) consider({ mode: MODE_STATIC, level: L, rate: 0 });
  }
  if (kind !== 'static') {
    const level = levelForMean(meanAbsQ8(residuals, 16));
    for (const rate of RATES) consider({ mode: MODE_ADAPTIVE, level, rate });
  }
  return best!;
}

function meanAbsQ8(residuals: Int32Array, count: number): number {
  const n = Math.min(count, residuals.length);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs(residuals[i]!);
  return n === 0 ? 0 : Math.floor((sum * 256) / n);
}

/** The coded size of the symbols under a Laplace model, in 1/256 bits (without header and flush). */
export function modelCostQ8(residuals: Int32Array, model: ResidualModel): number {
  let cost = 0;
  let mean = LEVEL_THRESHOLDS[model.level]!;
  let level = levelOf(model.level);
  for (let i = 0; i < residuals.length; i++) {
    const r = residuals[i]!;
    if (model.mode === MODE_ADAPTIVE) level = levelOf(levelForMean(mean));
    const q = Math.floor(r / 2 ** level.shift);
    const sym = symbolOf(level.table, q);
    cost += level.table.costQ8[sym]! + level.shift * 256;
    if (sym === level.table.escape) cost += escapedBits(q, level.table.k) * 256;
    if (model.mode === MODE_ADAPTIVE) mean += Math.floor((Math.abs(r) * 256 - mean) / 2 ** model.rate);
  }
  return cost;
}

export function encodeWithModel(residuals: Int32Array, model: ResidualModel): Uint8Array {
  const sink = new ByteSink(16 + residuals.length);
  sink.push(VERSION | model.mode);
  writeLeb128(sink, residuals.length);
  sink.push(model.level);
  if (model.mode === MODE_ADAPTIVE) sink.push(model.rate);
  if (model.mode === MODE_HISTOGRAM) {
    sink.push(model.rate & 0xff);
    sink.push(model.rate >>> 8);
  }
  const enc = new RangeEncoder(sink);
  if (model.mode === MODE_HISTOGRAM) {
    encodeHistogram(enc, residuals, model.level, model.rate);
    return enc.finish();
  }
  let mean = LEVEL_THRESHOLDS[model.level]!;
  let level = levelOf(model.level);
  for (let i = 0; i < residuals.length; i++) {
    const r = residuals[i]!;
    if (model.mode === MODE_ADAPTIVE) level = levelOf(levelForMean(mean));
    encodeOne(enc, level, r);
    if (model.mode === MODE_ADAPTIVE) mean += Math.floor((Math.abs(r) * 256 - mean) / 2 ** model.rate);
  }
  return enc.finish();
}

export interface DecodeResidualOptions {
  /** Reject streams that declare more residuals than this (beyond the built-in per-byte bound). */
  maxLength?: number;
}

/** The mode byte of a residual stream, or undefined if it has none. */
export function residualStreamMode(bytes: Uint8Array): 'static' | 'adaptive' | 'histogram' | undefined {
  return bytes.length > 0 && (bytes[0]! & 0xf0) === VERSION ? (['static', 'adaptive', 'histogram'] as const)[bytes[0]! & 0x0f] : undefined;
}

/** Decodes a residual stream; any malformed input throws CodecDecodeError, nothing else. */
export function decodeResiduals(bytes: Uint8Array, opts: DecodeResidualOptions = {}): Int32Array {
  if (bytes.length < 3) throw new CodecDecodeError('header', 'residual stream shorter than its header');
  const head = bytes[0]!;
  if ((head & 0xf0) !== VERSION) throw new CodecDecodeError('version', `unknown residual stream version 0x${head.toString(16)}`);
  const mode = head & 0x0f;
  if (mode > MODE_HISTOGRAM) throw new CodecDecodeError('mode', `unknown residual coding mode ${mode}`);
  const [length, at] = readLeb128(bytes, 1);
  const paramBytes = mode === MODE_STATIC ? 1 : mode === MODE_ADAPTIVE ? 2 : 3;
  if (at + paramBytes > bytes.length) throw new CodecDecodeError('header', 'residual stream header cut short');
  const level = bytes[at]!;
  const rate = mode === MODE_ADAPTIVE ? bytes[at + 1]! : mode === MODE_HISTOGRAM ? bytes[at + 1]! | (bytes[at + 2]! << 8) : 0;
  if (mode !== MODE_HISTOGRAM && level >= NUM_LEVELS) throw new CodecDecodeError('param', `model level ${level} ≥ ${NUM_LEVELS}`);
  if (mode === MODE_ADAPTIVE && (rate < MIN_RATE || rate > MAX_RATE))
    throw new CodecDecodeError('param', `adaptation rate ${rate} outside [${MIN_RATE}, ${MAX_RATE}]`);
  if (mode === MODE_HISTOGRAM && (level > MAX_SHIFT || rate < 1 || rate > HISTOGRAM_MAX_K)) {
    throw new CodecDecodeError('param', `histogram shift ${level} / K ${rate} out of range`);
  }
  const pos = at + paramBytes;
  const coded = bytes.length - pos;
  if (length > MAX_SYMBOLS_PER_BYTE * (coded + 5)) throw new CodecDecodeError('length', `${length} residuals cannot fit in ${coded} coded bytes`);
  if (opts.maxLength !== undefined && length > opts.maxLength)
    throw new CodecDecodeError('length', `${length} residuals exceed the limit of ${opts.maxLength}`);
  const dec = new RangeDecoder(bytes, pos);
  const out = new Int32Array(length);
  if (mode === MODE_HISTOGRAM) {
    decodeHistogram(dec, out, level, rate);
  } else {
    let mean = LEVEL_THRESHOLDS[level]!;
    let model = levelOf(level);
    for (let i = 0; i < length; i++) {
      if (mode === MODE_ADAPTIVE) model = levelOf(levelForMean(mean));
      const r = decodeOne(dec, model);
      out[i] = r;
      if (mode === MODE_ADAPTIVE) mean += Math.floor((Math.abs(r) * 256 - mean) / 2 ** rate);
    }
  }
  dec.end();
  return out;
}

function encodeOne(enc: RangeEncoder, { shift, table }: Level, r: number): void {
  const scale = 2 ** shift;
  const q = Math.floor(r / scale);
  const sym = symbolOf(table, q);
  enc.encodeFreq(table.cum[sym]!, table.freq[sym]!);
  if (sym === table.escape) encodeEscaped(enc, q, table.k);
  encodeWide(enc, r - q * scale, shift);
}

function decodeOne(dec: RangeDecoder, { shift, table }: Level): number {
  const sym = findSymbol(table, dec.peek());
  dec.consume(table.cum[sym]!, table.freq[sym]!);
  const q = sym === table.escape ? decodeEscaped(dec, table.k) : quotientOf(sym);
  return joinResidual(q, shift, decodeWide(dec, shift));
}

function encodeHistogram(enc: RangeEncoder, residuals: Int32Array, shift: number, k: number): void {
  const model = new AdaptiveHistogram(2 * k + 2);
  const escapeSym = 2 * k + 1;
  const scale = 2 ** shift;
  for (let i = 0; i < residuals.length; i++) {
    const r = residuals[i]!;
    const q = Math.floor(r / scale);
    const sym = q > k || q < -k ? escapeSym : q > 0 ? 2 * q : -2 * q - (q < 0 ? 1 : 0);
    enc.encodeFreq(model.cumOf(sym), model.freqOf(sym), model.total);
    if (sym === escapeSym) encodeEscaped(enc, q, k);
    encodeWide(enc, r - q * scale, shift);
    model.update(sym);
  }
}

function decodeHistogram(dec: RangeDecoder, out: Int32Array, shift: number, k: number): void {
  const model = new AdaptiveHistogram(2 * k + 2);
  const escapeSym = 2 * k + 1;
  for (let i = 0; i < out.length; i++) {
    const sym = model.find(dec.peek(model.total));
    dec.consume(model.cumOf(sym), model.freqOf(sym), model.total);
    const q = sym === escapeSym ? decodeEscaped(dec, k) : quotientOf(sym);
    out[i] = joinResidual(q, shift, decodeWide(dec, shift));
    model.update(sym);
  }
}

/** Bytes the LEB128 encoding of `value` (≥ 0) takes. */
export function leb128Length(value: number): number {
  let n = 1;
  for (; value >= 0x80; n++) value = Math.floor(value / 0x80);
  return n;
}

/** Writes the LEB128 encoding of `value` (≥ 0) at `at` (room must be there); returns the position after it. */
export function putLeb128(out: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  out[at++] = value;
  return at;
}

export function writeLeb128(sink: ByteSink, value: number): void {
  while (value >= 0x80) {
    sink.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  sink.push(value);
}

/** Reads an LEB128 u32 (at most 5 bytes, canonical); returns [value, next position]. */
export function readLeb128(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (at + i >= bytes.length) throw new CodecDecodeError('header', 'length field cut short');
    const b = bytes[at + i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) {
      if (i > 0 && b === 0) throw new CodecDecodeError('header', 'non-canonical length field');
      if (value > 0xffffffff) throw new CodecDecodeError('length', 'length above 2^32 − 1');
      return [value, at + i + 1];
    }
  }
  throw new CodecDecodeError('header', 'length field longer than 5 bytes');
}
