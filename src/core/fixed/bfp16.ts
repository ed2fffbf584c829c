// BFP-16, block floating point: one shared exponent e (int8) and 16-bit mantissas m[i] ∈ [−32767, 32767];
// value[i] = m[i] · 2^e in Q16 raw units (so a real value is m · 2^(e − 16)). A vector of weight updates at a
// learning rate of 1e-5 (0.66 of one Q16 step) keeps 15 significant bits here instead of rounding to 0 or 1.
//
// Wire: [e as int8][m[0] i16 LE]...[m[n−1] i16 LE] = 1 + 2n bytes (17 for 8 weights). The original wrote
// big-endian mantissas; the rest of our formats are little-endian, so these are too.
//
// Everything is integer arithmetic (products < 2^53 in doubles), identical on every engine.

export const BFP_MANTISSA_MAX = 32767;
export const BFP_EXPONENT_MIN = -128;
export const BFP_EXPONENT_MAX = 127;

export interface Bfp16 {
  exponent: number;
  mantissas: Int16Array;
}

export type Bfp16DecodeReason = 'empty' | 'length' | 'range';

export class Bfp16DecodeError extends Error {
  override readonly name = 'Bfp16DecodeError';
  constructor(
    readonly reason: Bfp16DecodeReason,
    message: string,
  ) {
    super(message);
  }
}

/** round(n / 2^k) for an integer n and k ≥ 0, ties away from zero, exact. */
function roundShift(n: number, k: number): number {
  if (k === 0) return n;
  const d = 2 ** k;
  const q = Math.floor(Math.abs(n) / d);
  const r = Math.abs(n) - q * d;
  const mag = 2 * r >= d ? q + 1 : q;
  return n < 0 ? -mag : mag;
}

function bitLength(n: number): number {
  let c = 0;
  while (n >= 1) {
    n = Math.floor(n / 2);
    c++;
  }
  return c;
}

/**
 * The block of integer values v[i] · 2^exponent (any integers below 2^53 in magnitude), with the smallest
 * exponent that fits every mantissa in ±32767. Error per element ≤ half a step (2^(e−1)); exact when e ≤ exponent.
 */
export function fromScaled(values: ArrayLike<number>, exponent: number): Bfp16 {
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) maxAbs = Math.max(maxAbs, Math.abs(values[i]!));
  let shift = Math.max(0, bitLength(maxAbs) - 15);
  // Rounding can carry 32767.5 up to 32768: one more bit then.
  while (maxAbs > 0 && Math.abs(roundShift(maxAbs, shift)) > BFP_MANTISSA_MAX) shift++;
  let e = exponent + shift;
  if (maxAbs === 0) e = 0;
  if (e > BFP_EXPONENT_MAX) throw new RangeError(`BFP exponent ${e} above ${BFP_EXPONENT_MAX}`);
  if (e < BFP_EXPONENT_MIN) {
    shift += BFP_EXPONENT_MIN - e; // below the smallest step: round to it
    e = BFP_EXPONENT_MIN;
  }
  const mantissas = new Int16Array(values.length);
  if (maxAbs !== 0) for (let i = 0; i < values.length; i++) mantissas[i] = roundShift(values[i]!, shift);
  return { exponent: e, mantissas };
}

/** Q16 raw values → BFP (exact when max |v| < 2^15, else rounded to 15 significant bits). */
export function fromQ16(values: Int32Array): Bfp16 {
  return fromScaled(values, 0);
}

/** Real numbers → BFP with ≤ half a step of error. For configuration, tests and display only. */
export function fromFloats(values: readonly number[]): Bfp16 {
  const maxAbs = Math.max(0, ...values.map(Math.abs));
  if (maxAbs === 0) return { exponent: 0, mantissas: new Int16Array(values.length) };
  const e = Math.max(BFP_EXPONENT_MIN, Math.ceil(Math.log2((maxAbs * 65536) / BFP_MANTISSA_MAX)));
  return fromScaled(
    values.map((v) => Math.round(v * 65536 * 2 ** -e)),
    e,
  );
}

/** BFP → Q16 raw, rounded to nearest (ties away from zero) and saturated to int32. */
export function toQ16(b: Bfp16): Int32Array {
  const out = new Int32Array(b.mantissas.length);
  for (let i = 0; i < out.length; i++) {
    const m = b.mantissas[i]!;
    const v = b.exponent >= 0 ? m * 2 ** b.exponent : roundShift(m, -b.exponent);
    out[i] = v > 0x7fffffff ? 0x7fffffff : v < -0x80000000 ? -0x80000000 : v;
  }
  return out;
}

/** Real values, for display and tests. */
export function toFloats(b: Bfp16): number[] {
  return Array.from(b.mantissas, (m) => m * 2 ** (b.exponent - 16));
}

function isZero(b: Bfp16): boolean {
  for (const m of b.mantissas) if (m !== 0) return false;
  return true;
}

/** a + b element-wise (same length), aligned exactly and rounded once to the result's exponent. */
export function addBfp(a: Bfp16, b: Bfp16): Bfp16 {
  if (a.mantissas.length !== b.mantissas.length) throw new RangeError('BFP vectors of different lengths');
  // An all-zero block carries no exponent information (fromScaled gives it e = 0); it must not set the alignment,
  // or a tiny block added to zero would be rounded by the 36-bit cap below.
  if (isZero(b)) return { exponent: a.exponent, mantissas: a.mantissas.slice() };
  if (isZero(a)) return { exponent: b.exponent, mantissas: b.mantissas.slice() };
  // Align both on the smaller exponent; the shift is capped so the sums stay exact integers (< 2^53).
  const e = Math.max(Math.min(a.exponent, b.exponent), Math.max(a.exponent, b.exponent) - 36);
  const sums = Array.from(
    a.mantissas,
    (m, i) =>
      roundShift(m * 2 ** Math.max(0, a.exponent - e), Math.max(0, e - a.exponent)) +
      roundShift(b.mantissas[i]! * 2 ** Math.max(0, b.exponent - e), Math.max(0, e - b.exponent)),
  );
  return fromScaled(sums, e);
}

/** The same values with mantissas shifted up to full scale (value-preserving; e drops by the shift). */
export function normalize(b: Bfp16): { block: Bfp16; shift: number } {
  let maxAbs = 0;
  for (const m of b.mantissas) maxAbs = Math.max(maxAbs, Math.abs(m));
  if (maxAbs === 0) return { block: { exponent: b.exponent, mantissas: b.mantissas.slice() }, shift: 0 };
  const shift = Math.min(15 - bitLength(maxAbs), b.exponent - BFP_EXPONENT_MIN);
  const mantissas = Int16Array.from(b.mantissas, (m) => m * 2 ** shift);
  return { block: { exponent: b.exponent - shift, mantissas }, shift };
}

export function encodeBfp16(b: Bfp16): Uint8Array {
  const out = new Uint8Array(1 + 2 * b.mantissas.length);
  const view = new DataView(out.buffer);
  view.setInt8(0, b.exponent);
  b.mantissas.forEach((m, i) => view.setInt16(1 + 2 * i, m, true));
  return out;
}

/** Inverse of encodeBfp16; throws Bfp16DecodeError for anything malformed. */
export function decodeBfp16(bytes: Uint8Array, expectedLength?: number): Bfp16 {
  if (bytes.length === 0) throw new Bfp16DecodeError('empty', 'empty BFP-16 block');
  if ((bytes.length - 1) % 2 !== 0) throw new Bfp16DecodeError('length', `BFP-16 body of ${bytes.length - 1} bytes is not whole 16-bit mantissas`);
  const n = (bytes.length - 1) / 2;
  if (expectedLength !== undefined && n !== expectedLength) throw new Bfp16DecodeError('length', `${n} mantissas, expected ${expectedLength}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mantissas = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const m = view.getInt16(1 + 2 * i, true);
    if (m < -BFP_MANTISSA_MAX) throw new Bfp16DecodeError('range', 'mantissa −32768 is outside ±32767');
    mantissas[i] = m;
  }
  return { exponent: view.getInt8(0), mantissas };
}

export interface VarianceMonitorOptions {
  /** An update is vanishing when its RMS (real units) is below 2^rmsLog2 (default 2^−23 ≈ 1.2e-7). */
  rmsLog2: number;
  /** After this many vanishing updates in a row, the monitor rescales. */
  trigger: number;
}

/**
 * Watches update vectors for vanishing magnitude. When `trigger` updates in a row have an RMS below the
 * threshold it rescales them to full mantissa precision: mantissas shifted up, exponent down by the same
 * amount, so every value is exactly unchanged (mantissas already at full scale are never shifted, which would
 * change the values). It also reports `gainLog2`, the power of two that would lift the RMS back to 2^−7
 * (≈ 0.01), for a caller that wants to raise its learning rate; it never applies it to the data.
 */
export class VarianceMonitor {
  private readonly opts: VarianceMonitorOptions;
  streak = 0;
  rescales = 0;

  constructor(opts: Partial<VarianceMonitorOptions> = {}) {
    this.opts = { rmsLog2: -23, trigger: 3, ...opts };
  }

  observe(update: Bfp16): { vanishing: boolean; block: Bfp16; gainLog2: number } {
    const n = update.mantissas.length;
    let sumSq = 0;
    for (const m of update.mantissas) sumSq += m * m;
    // RMS < 2^t  ⇔  Σm² < n · 2^(2t − 2(e − 16)), compared exactly in integers.
    const k = 2 * this.opts.rmsLog2 - 2 * (update.exponent - 16);
    const small = n === 0 || sumSq === 0 || (k > 0 && (k > 60 || sumSq < n * 2 ** k));
    this.streak = small ? this.streak + 1 : 0;
    const vanishing = this.streak >= this.opts.trigger;
    if (!vanishing) return { vanishing, block: update, gainLog2: 0 };
    this.rescales++;
    // log2 RMS ≈ (e − 16) + (bitLength(Σm²) − bitLength(n)) / 2: the gain to 2^−7, at least 1, at most 20.
    const rmsLog2 = update.exponent - 16 + Math.floor((bitLength(sumSq) - bitLength(n)) / 2);
    const gainLog2 = Math.max(1, Math.min(20, -7 - rmsLog2));
    return { vanishing, block: normalize(update).block, gainLog2 };
  }
}
