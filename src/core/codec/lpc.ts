// Linear prediction for the block format (the FLAC scheme): a windowed autocorrelation, Levinson–Durbin for
// every order up to the maximum, the order picked by an estimate of its coded size, and the coefficients
// quantised to integers with a shift so that encoder and decoder predict with the same integer arithmetic:
//   p[t] = floor(Σ c[j]·x[t−1−j] / 2^shift),  r[t] = (x[t] − p[t]) | 0,  x[t] = (p[t] + r[t]) | 0.
// The sums stay below 2^52 (|x| < 2^31, |c| < 2^15, order ≤ 32), so doubles hold them exactly. The float
// analysis only chooses the coefficients; it never decides a decoded value.
//
// The first `order` samples of a run are predicted by the fixed polynomials (0, x[t−1], 2x[t−1] − x[t−2]).

import { kernel } from './kernel';

export const MAX_ORDER = 32;
export const MAX_PRECISION = 15;
export const MAX_SHIFT = 20;

export interface Lpc {
  order: number;
  shift: number;
  /** Quantised coefficients, c[0] multiplies x[t−1]. */
  coefs: Int32Array;
  /** The analysis's estimate of the coded bits (residuals and coefficients), for choosing sub-frame lengths. */
  bits?: number;
}

const windows = new Map<number, Float64Array>();

/** Tukey(0.5) window of length n (cached). */
function tukey(n: number): Float64Array {
  let w = windows.get(n);
  if (w !== undefined) return w;
  w = new Float64Array(n).fill(1);
  const taper = Math.floor(n / 4);
  for (let i = 0; i < taper; i++) {
    const v = 0.5 * (1 - Math.cos((Math.PI * i) / taper));
    w[i] = v;
    w[n - 1 - i] = v;
  }
  if (windows.size > 16) windows.clear();
  windows.set(n, w);
  return w;
}

const scratch = { buf: new Float64Array(0) };

/**
 * The best LPC for x[from, to) up to maxOrder, by estimated bits (residual entropy from the Levinson error plus
 * the coefficients). Returns undefined when prediction does not pay (constant or too short a run).
 */
export function analyse(x: Int32Array, from: number, to: number, maxOrder: number, precision: number): Lpc | undefined {
  const ac = autocorrelation(x, from, to, maxOrder);
  return ac === undefined ? undefined : fromAutocorrelation(ac, to - from, precision);
}

/** The order a run of n samples can afford (0: none). */
function orderFor(n: number, maxOrder: number): number {
  return n <= maxOrder * 2 || n < 16 ? Math.min(maxOrder, Math.max(0, (n >> 1) - 1)) : maxOrder;
}

/**
 * The Tukey-windowed, mean-removed autocorrelation of x[from, to) at lags 0..order (undefined: no order fits), in
 * the WebAssembly kernel: the operations of autocorrelationReference below in the same order, so the same bits.
 */
export function autocorrelation(x: Int32Array, from: number, to: number, maxOrder: number): Float64Array | undefined {
  const n = to - from;
  const order = orderFor(n, maxOrder);
  if (order < 1) return undefined;
  const w = tukey(n);
  const k = kernel();
  const mark = k.mark();
  const xAt = k.alloc(4 * n);
  const wAt = k.alloc(8 * n);
  const yAt = k.alloc(8 * n);
  const acAt = k.alloc(8 * 56);
  k.i32.set(x.subarray(from, to), xAt >> 2);
  k.f64.set(w, wAt >> 3);
  k.x.autocorr(xAt, n, wAt, yAt, order, acAt);
  const ac = k.f64.slice(acAt >> 3, (acAt >> 3) + order + 1);
  k.release(mark);
  return ac;
}

/** The TypeScript reference of autocorrelation (the kernel's test compares the two bit for bit). */
export function autocorrelationReference(x: Int32Array, from: number, to: number, maxOrder: number): Float64Array | undefined {
  const n = to - from;
  const order = orderFor(n, maxOrder);
  if (order < 1) return undefined;
  if (scratch.buf.length < n) scratch.buf = new Float64Array(n);
  const y = scratch.buf;
  const w = tukey(n);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[from + i]!;
  mean /= n;
  for (let i = 0; i < n; i++) y[i] = (x[from + i]! - mean) * w[i]!;
  const ac = new Float64Array(order + 1);
  // Eight lags per pass over the samples (each loaded sample serves eight products).
  for (let lag = 0; lag <= order; lag += 8) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    for (let i = lag + 7; i < n; i++) {
      const v = y[i]!;
      const b = i - lag;
      s0 += v * y[b]!;
      s1 += v * y[b - 1]!;
      s2 += v * y[b - 2]!;
      s3 += v * y[b - 3]!;
      s4 += v * y[b - 4]!;
      s5 += v * y[b - 5]!;
      s6 += v * y[b - 6]!;
      s7 += v * y[b - 7]!;
    }
    const sums = [s0, s1, s2, s3, s4, s5, s6, s7];
    // The first terms the loop above skipped (i < lag + 7).
    for (let k = 0; k < 8 && lag + k <= order; k++) {
      let sum = sums[k]!;
      for (let i = lag + k; i < Math.min(n, lag + 7); i++) sum += y[i]! * y[i - lag - k]!;
      ac[lag + k] = sum;
    }
  }
  return ac;
}

/** Levinson–Durbin's scratch: every order's coefficients, errors, the conditioned autocorrelation. */
const levinson = { table: new Float64Array(MAX_ORDER * MAX_ORDER), errs: new Float64Array(MAX_ORDER + 1), ac: new Float64Array(MAX_ORDER + 1) };

/** The best LPC from an autocorrelation (its length − 1 is the largest order tried) of a run of n samples. */
export function fromAutocorrelation(acIn: Float64Array, n: number, precision: number): Lpc | undefined {
  const maxOrder = acIn.length - 1;
  if (acIn[0]! <= 0) return undefined;
  const ac = levinson.ac;
  ac.set(acIn);
  ac[0]! *= 1 + 1e-9;
  // Levinson–Durbin, keeping every order's coefficients (row m − 1 of a flat table: no allocation per order)
  // and error.
  const table = levinson.table;
  const errs = levinson.errs;
  let err = ac[0]!;
  errs[0] = err;
  for (let m = 1; m <= maxOrder; m++) {
    const prev = (m - 2) * MAX_ORDER;
    const row = (m - 1) * MAX_ORDER;
    let acc = ac[m]!;
    for (let j = 0; j < m - 1; j++) acc -= table[prev + j]! * ac[m - 1 - j]!;
    const k = acc / err;
    for (let j = 0; j < m - 1; j++) table[row + j] = table[prev + j]! - k * table[prev + m - 2 - j]!;
    table[row + m - 1] = k;
    err *= 1 - k * k;
    if (!(err > 0)) {
      err = 1e-9 * ac[0]!;
    }
    errs[m] = err;
  }
  // Pick the order: (n − m)/2 · log2(err/n) + m·precision bits.
  let best = 1;
  let bestBits = Infinity;
  const base = Math.max(errs[0]! / n, 1e-12);
  for (let m = 1; m <= maxOrder; m++) {
    const e = Math.max(errs[m]! / n, base * 1e-12);
    const bits = 0.5 * (n - m) * Math.log2(Math.max(e, 0.25)) + m * (precision + 1);
    if (bits < bestBits) {
      bestBits = bits;
      best = m;
    }
  }
  return { ...quantise(table.subarray((best - 1) * MAX_ORDER, (best - 1) * MAX_ORDER + best), precision), bits: bestBits };
}

/** Quantises float coefficients to `precision`-bit signed integers with error feedback. */
export function quantise(coefs: Float64Array, precision: number): Lpc {
  let maxAbs = 0;
  for (const c of coefs) maxAbs = Math.max(maxAbs, Math.abs(c));
  const limit = 2 ** (precision - 1) - 1;
  let shift = MAX_SHIFT;
  while (shift > 0 && maxAbs * 2 ** shift > limit) shift--;
  const q = new Int32Array(coefs.length);
  let carry = 0;
  for (let i = 0; i < coefs.length; i++) {
    const v = coefs[i]! * 2 ** shift + carry;
    const r = Math.max(-limit - 1, Math.min(limit, Math.round(v)));
    q[i] = r;
    carry = v - r;
  }
  return { order: coefs.length, shift, coefs: q };
}

/** Float copies of the samples, so the prediction loops load doubles (no int-to-double conversion per tap). */
const shadow = { buf: new Float64Array(0) };
function shadowOf(length: number): Float64Array {
  if (shadow.buf.length < length) shadow.buf = new Float64Array(Math.max(length, 2 * shadow.buf.length));
  return shadow.buf;
}

/** The fixed predictors of the first samples of a run (0, x[t−1], 2x[t−1] − x[t−2]); returns the first LPC sample. */
function headOf(start: number, from: number, to: number, lpc: Lpc | undefined): number {
  // Until the taps, padded to a multiple of 4 as the format defines, have history inside the run.
  return lpc === undefined ? to : Math.min(to, Math.max(from, start + ((lpc.order + 3) & ~3)));
}

/** The coefficients as doubles with one zero after the last (the paired loops read c[j + 1]). */
function coefficients(lpc: Lpc): Float64Array {
  const c = new Float64Array(lpc.order + 1);
  c.set(lpc.coefs);
  return c;
}

/**
 * Residuals of x[from, to) under lpc (or the order-2 fixed predictor when lpc is undefined), into r[from, to).
 * History before `start` (the block's first sample) is never read.
 */
export function residualsOf(x: Int32Array, start: number, from: number, to: number, lpc: Lpc | undefined, r: Int32Array): void {
  const head = headOf(start, from, to, lpc);
  for (let t = from; t < head; t++) {
    const i = t - start;
    const p = i === 0 ? 0 : i === 1 ? x[t - 1]! : 2 * x[t - 1]! - x[t - 2]!;
    r[t] = (x[t]! - p) | 0;
  }
  if (lpc === undefined || head >= to) return;
  const order = lpc.order;
  const c = coefficients(lpc);
  const xf = shadowOf(to);
  for (let t = start; t < to; t++) xf[t] = x[t]!;
  // 2^−shift is exact, so s · inv rounds exactly as s / 2^shift; the sums are exact integers (below 2^52).
  const inv = 2 ** -lpc.shift;
  let t = head;
  // Two outputs per pass over the taps: each loaded sample serves both.
  for (; t + 1 < to; t += 2) {
    let s0 = 0;
    let s1 = c[0]! * xf[t]!;
    for (let j = 0, i = t - 1; j < order; j++, i--) {
      const v = xf[i]!;
      s0 += c[j]! * v;
      s1 += c[j + 1]! * v;
    }
    r[t] = (x[t]! - Math.floor(s0 * inv)) | 0;
    r[t + 1] = (x[t + 1]! - Math.floor(s1 * inv)) | 0;
  }
  for (; t < to; t++) {
    let s = 0;
    for (let j = 0, i = t - 1; j < order; j++, i--) s += c[j]! * xf[i]!;
    r[t] = (x[t]! - Math.floor(s * inv)) | 0;
  }
}

/** Inverse of residualsOf: x[from, to) from r[from, to) and x[start, from). */
export function restore(r: Int32Array, start: number, from: number, to: number, lpc: Lpc | undefined, x: Int32Array): void {
  const head = headOf(start, from, to, lpc);
  for (let t = from; t < head; t++) {
    const i = t - start;
    const p = i === 0 ? 0 : i === 1 ? x[t - 1]! : 2 * x[t - 1]! - x[t - 2]!;
    x[t] = (p + r[t]!) | 0;
  }
  if (lpc === undefined || head >= to) return;
  const order = lpc.order;
  const c = coefficients(lpc);
  const xf = shadowOf(to);
  // The history the taps read (the shadow is shared, so it is refreshed here rather than trusted).
  for (let t = Math.max(start, head - order); t < head; t++) xf[t] = x[t]!;
  const inv = 2 ** -lpc.shift;
  let t = head;
  // Two outputs per pass: x[t + 1]'s sum takes every tap but x[t]'s from the same loads, then x[t]'s own.
  for (; t + 1 < to; t += 2) {
    let s0 = 0;
    let s1 = 0;
    for (let j = 0, i = t - 1; j < order; j++, i--) {
      const v = xf[i]!;
      s0 += c[j]! * v;
      s1 += c[j + 1]! * v;
    }
    const a = (Math.floor(s0 * inv) + r[t]!) | 0;
    x[t] = a;
    xf[t] = a;
    const b = (Math.floor((s1 + c[0]! * a) * inv) + r[t + 1]!) | 0;
    x[t + 1] = b;
    xf[t + 1] = b;
  }
  for (; t < to; t++) {
    let s = 0;
    for (let j = 0, i = t - 1; j < order; j++, i--) s += c[j]! * xf[i]!;
    const a = (Math.floor(s * inv) + r[t]!) | 0;
    x[t] = a;
    xf[t] = a;
  }
}
