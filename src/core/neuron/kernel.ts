// The neuron's math on flat Int32Array records, shared by LinearNeuron and the bitECS cortex system, so
// there is exactly one implementation. Everything is Q16.16 integer arithmetic (see ../fixed/q16.ts).
//
// The original added a constant bias of 128 to every prediction and "learned" by adding one sign-blind
// delta to all weights. Here the predictor is a plain linear model ŷ = w·h + b, and learning is a real
// normalised-LMS gradient step on the augmented input [h, 1].
import * as q16 from '../fixed/q16';
import type { Q16 } from '../fixed/q16';

export const LAGS = 8;
/** |weight| ≤ 8.0: weights saturate here, which also keeps them inside the gene's 24-bit field. */
export const WEIGHT_LIMIT: Q16 = 8 * q16.ONE;
/** |bias| ≤ 64.0. */
export const BIAS_LIMIT: Q16 = 64 * q16.ONE;
export const REFRACTORY_TICKS = 10;
/** NLMS step size 0.05 (round(0.05 · 2^16)). */
export const DEFAULT_MU: Q16 = 3277;
/** Valid step sizes are (0, 1): NLMS is stable for 0 < μ < 2, and μ < 1 never overshoots on one sample. */
export const MU_MIN: Q16 = 1;
export const MU_MAX: Q16 = q16.ONE - 1;
/** δ, the NLMS regulariser: with δ = 1 the normaliser δ + ‖h‖² is exactly ‖[h, 1]‖², bias input included. */
export const NLMS_DELTA: Q16 = q16.ONE;
/** The EMA factor of entropy is 1/10. */
/** The EMA's 1/α. */
const ENTROPY_DIVISOR = 10;

/** A window replay was asked for with fewer than LAGS + 1 samples. */
export class WindowTooShortError extends RangeError {
  override readonly name = 'WindowTooShortError';
}

/** ŷ = Σₖ w[wo+k]·h[ho+k] + bias, one rounding, saturating. h[ho + k] is the sample k+1 steps ago. */
export function predictAt(w: Int32Array, wo: number, bias: Q16, h: Int32Array, ho: number): Q16 {
  // The hot path of the whole simulator, unrolled: with every |w| ≤ 2^19 (WEIGHT_LIMIT, which genes and the
  // NLMS step enforce) the eight products and their sum are exact doubles, so this is q16.dotAt's fast path
  // without its loop. Anything else takes dotAt itself; the result is the same either way.
  const w0 = w[wo]!,
    w1 = w[wo + 1]!,
    w2 = w[wo + 2]!,
    w3 = w[wo + 3]!;
  const w4 = w[wo + 4]!,
    w5 = w[wo + 5]!,
    w6 = w[wo + 6]!,
    w7 = w[wo + 7]!;
  if (
    w0 <= WEIGHT_LIMIT &&
    w0 >= -WEIGHT_LIMIT &&
    w1 <= WEIGHT_LIMIT &&
    w1 >= -WEIGHT_LIMIT &&
    w2 <= WEIGHT_LIMIT &&
    w2 >= -WEIGHT_LIMIT &&
    w3 <= WEIGHT_LIMIT &&
    w3 >= -WEIGHT_LIMIT &&
    w4 <= WEIGHT_LIMIT &&
    w4 >= -WEIGHT_LIMIT &&
    w5 <= WEIGHT_LIMIT &&
    w5 >= -WEIGHT_LIMIT &&
    w6 <= WEIGHT_LIMIT &&
    w6 >= -WEIGHT_LIMIT &&
    w7 <= WEIGHT_LIMIT &&
    w7 >= -WEIGHT_LIMIT
  ) {
    const sum = w0 * h[ho]! + w1 * h[ho + 1]! + w2 * h[ho + 2]! + w3 * h[ho + 3]! + w4 * h[ho + 4]! + w5 * h[ho + 5]! + w6 * h[ho + 6]! + w7 * h[ho + 7]!;
    const dot = Math.floor((sum + q16.HALF) / 65536);
    return q16.add(dot > q16.MAX ? q16.MAX : dot < q16.MIN ? q16.MIN : dot, bias);
  }
  return q16.add(q16.dotAt(w, wo, h, ho, LAGS), bias);
}

/**
 * ‖h‖² in Q16 units, rounded once but NOT saturated (≤ 2^50, an exact double integer). A saturated
 * ‖h‖² would under-normalise large signals (byte-scale samples give ‖h‖² ≈ 5·10^5) and make NLMS diverge.
 */
export function sumSquaresWideAt(h: Int32Array, ho: number): number {
  let hh = 0;
  let mid = 0;
  let ll = 0;
  for (let k = 0; k < LAGS; k++) {
    const x = h[ho + k]!;
    const xh = x >> 16;
    const xl = x & 0xffff;
    hh += xh * xh;
    mid += 2 * xh * xl;
    ll += xl * xl;
  }
  return hh * 65536 + mid + Math.floor((ll + q16.HALF) / 65536);
}

const roundDiv = q16.roundDivUp;

/**
 * One normalised-LMS step: wₖ += μ·e·hₖ / (δ + ‖h‖²), bias += μ·e / (δ + ‖h‖²), each clamped to its limit.
 * error = actual − predicted (sign-correct: a positive error raises the prediction). Writes w in place and
 * returns the new bias. With δ = 1 the prediction on the same h moves by ≈ μ·e, so the error shrinks by (1 − μ).
 * Q16 resolution leaves a dead zone: steps round to 0 once μ·|e|·|hₖ|/(δ + ‖h‖²) < ½ LSB, i.e. for a
 * constant input x, |e| ≲ 8|x|/(2μ·65536) (≈ 0.12 % of x at μ = 0.05).
 */
export function nlmsStepAt(w: Int32Array, wo: number, bias: Q16, h: Int32Array, ho: number, error: Q16, mu: Q16): Q16 {
  const norm = sumSquaresWideAt(h, ho) + NLMS_DELTA;
  // The gain g = μ·e/(δ + ‖h‖²) is computed once, with 16 extra fraction bits (hi + lo/2^16, in Q16), then
  // each weight moves by g·hₖ: two exact divisions per step instead of nine (they were most of the
  // simulator's time), and the extra bits keep small gains on large signals from rounding to zero.
  const muError = q16.mul(mu, error);
  if (muError === 0) return bias;
  const sign = muError < 0 ? -1 : 1;
  const num = Math.abs(muError) * 65536; // < 2^47: exact
  let hi = Math.floor(num / norm);
  let rem = num - hi * norm;
  if (rem < 0) {
    hi -= 1;
    rem += norm;
  } else if (rem >= norm) {
    hi += 1;
    rem -= norm;
  }
  // rem < norm; rem · 2^16 is exact while norm < 2^37 (‖h‖² < 2^21); beyond that the low bits are noise anyway.
  const lo = norm < 137438953472 ? Math.min(65535, roundDiv(rem * 65536, norm)) : 0;
  for (let k = 0; k < LAGS; k++) {
    const x = h[ho + k]!;
    const step = sign * (q16.mul(hi, x) + Math.floor((lo * x + 2147483648) / 4294967296));
    w[wo + k] = q16.clamp(q16.add(w[wo + k]!, step), -WEIGHT_LIMIT, WEIGHT_LIMIT);
  }
  const biasStep = sign * (hi + (lo >= 32768 ? 1 : 0));
  return q16.clamp(q16.add(bias, biasStep), -BIAS_LIMIT, BIAS_LIMIT);
}

/** Shift the lags by one (the oldest falls off) and put the newest sample at h[ho]. */
export function pushHistoryAt(h: Int32Array, ho: number, sample: Q16): void {
  h.copyWithin(ho + 1, ho, ho + LAGS - 1);
  h[ho] = sample;
}

/** min(1, |err| / scale) in Q16; a non-positive scale counts every error as full surprise. */
export function normalisedError(absError: Q16, scale: Q16): Q16 {
  if (absError >= scale) return q16.ONE;
  if (scale === q16.ONE) return absError; // the common case: errors already in signal units
  return q16.div(absError, scale);
}

/** entropy ← entropy + (min(1, |err|/scale) − entropy)/10 (an EMA with α = 0.1), kept in [0, ONE]. */
export function entropyStep(entropy: Q16, absError: Q16, scale: Q16): Q16 {
  const target = normalisedError(absError, scale);
  // (target − entropy) / 10 rounded half away from zero, as q16.divInt, inlined: this runs for every node every
  // tick. For |d| < 2^32, floor((|d| + 5) / 10) is exact: the quotient is never within a double's rounding error
  // of an integer from below (it is either an integer or at least 1/10 away from one).
  const d = target - entropy;
  const m = d < 0 ? -d : d;
  const q = Math.floor((m + ENTROPY_DIVISOR / 2) / ENTROPY_DIVISOR);
  const next = q16.add(entropy, d < 0 ? -q : q);
  return q16.clamp(next, 0, q16.ONE);
}

// Scratch lags for window replays (single-threaded JS: never used re-entrantly).
const replayLags = new Int32Array(LAGS);

/**
 * Mean squared error of the predictor (w, bias) replayed over samples[so, so + count), oldest first: each
 * sample from index LAGS on is predicted from the LAGS before it. Used to check a received gene on the
 * receiver's own recent window before installing it. Saturating (a huge error scores MAX, never wraps).
 */
export function windowMseAt(w: Int32Array, wo: number, bias: Q16, samples: Int32Array, so: number, count: number): Q16 {
  if (!Number.isInteger(count) || count < LAGS + 1) {
    throw new WindowTooShortError(`windowMseAt needs at least ${LAGS + 1} samples, got ${count}`);
  }
  let total = 0; // ≤ count · 2^31, exact for any realistic window
  for (let t = LAGS; t < count; t++) {
    for (let k = 0; k < LAGS; k++) replayLags[k] = samples[so + t - 1 - k]!;
    const error = q16.sub(samples[so + t]!, predictAt(w, wo, bias, replayLags, 0));
    total += q16.mul(error, error);
  }
  const n = count - LAGS;
  const mean = roundDiv(total, n);
  return mean > q16.MAX ? q16.MAX : mean;
}

/**
 * windowMseAt for a window stored most recent first (recent[ro + j] is the sample j steps ago), the order
 * of a shift-register history. Sample j is predicted from recent[ro + j + 1 ..], a contiguous run of lags,
 * so no copy is needed. Same result as windowMseAt on the reversed window.
 */
export function windowMseRecentFirstAt(w: Int32Array, wo: number, bias: Q16, recent: Int32Array, ro: number, count: number): Q16 {
  if (!Number.isInteger(count) || count < LAGS + 1) {
    throw new WindowTooShortError(`windowMseRecentFirstAt needs at least ${LAGS + 1} samples, got ${count}`);
  }
  let total = 0;
  for (let j = 0; j < count - LAGS; j++) {
    const error = q16.sub(recent[ro + j]!, predictAt(w, wo, bias, recent, ro + j + 1));
    total += q16.mul(error, error);
  }
  const mean = roundDiv(total, count - LAGS);
  return mean > q16.MAX ? q16.MAX : mean;
}

/**
 * windowMseRecentFirstAt for the persistence predictor (next = last: weights [1, 0, …], bias 0), without the dot
 * products: the same value, because that predictor's prediction is exactly the previous sample.
 */
export function persistenceMseRecentFirstAt(recent: Int32Array, ro: number, count: number): Q16 {
  if (!Number.isInteger(count) || count < LAGS + 1) {
    throw new WindowTooShortError(`persistenceMseRecentFirstAt needs at least ${LAGS + 1} samples, got ${count}`);
  }
  let total = 0;
  for (let j = 0; j < count - LAGS; j++) {
    const error = q16.sub(recent[ro + j]!, recent[ro + j + 1]!);
    total += q16.mul(error, error);
  }
  const mean = roundDiv(total, count - LAGS);
  return mean > q16.MAX ? q16.MAX : mean;
}
