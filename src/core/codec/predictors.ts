// Predictors for the series compressor. Each turns samples into residuals and back, exactly: residuals are
// int32 differences with wrap-around (r = (x − p) | 0, x = (p + r) | 0), so any Int32Array is lossless.
//
// The adaptive ones run the node's own neuron kernel (8 lags, NLMS) on a scaled copy of the signal: the
// kernel works in Q16 units and learns best at magnitudes of ~8–16.0, so inputs are shifted by 2^k to reach
// that range (k < 0 drops low bits of the *input to the predictor* only; the residual stays exact).
import * as q16 from '../fixed/q16';
import { LAGS, nlmsStepAt, predictAt, pushHistoryAt } from '../neuron/kernel';

export const PREDICTOR_DELTA1 = 0; // x[t−1]
export const PREDICTOR_DELTA2 = 1; // 2x[t−1] − x[t−2]
export const PREDICTOR_NEURON = 2; // NLMS over the last 8 samples
export const PREDICTOR_NEURON_DELTA = 3; // x[t−1] + NLMS over the last 8 first differences
export const PREDICTOR_COUNT = 4;
export const PREDICTOR_NAMES = ['delta1', 'delta2', 'neuron', 'neuron-delta'] as const;
export type PredictorName = (typeof PREDICTOR_NAMES)[number];

export interface PredictorParams {
  predictor: number;
  /** Input scale exponent: the neuron sees x·2^k (k ≥ 0) or x >> −k. Neuron predictors only. */
  scale: number;
  /** NLMS step size, Q16 in [1, ONE − 1]. Neuron predictors only. */
  mu: number;
}

/** Largest |input| the neuron should see, in raw Q16 units (16.0). */
const TARGET_BITS = 20;
export const MIN_SCALE = -31;
export const MAX_SCALE = 30;

/** The k that puts max|x| just below 2^TARGET_BITS (0 for an all-zero input). */
export function scaleFor(maxAbs: number): number {
  if (maxAbs === 0) return 0;
  let bits = 0;
  while (2 ** bits <= maxAbs) bits++;
  return Math.max(MIN_SCALE, Math.min(MAX_SCALE, TARGET_BITS - bits));
}

/** The scale the encoder uses for a predictor: from the largest |value| the neuron will be fed. */
export function chooseScale(samples: Int32Array, predictor: number): number {
  let maxAbs = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = predictor === PREDICTOR_NEURON_DELTA ? (samples[i]! - (i > 0 ? samples[i - 1]! : 0)) | 0 : samples[i]!;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  return scaleFor(maxAbs);
}

/**
 * One pass over the series: the residual at each step. `decode` = false reads samples and writes residuals;
 * true reads residuals and writes the samples back. Same arithmetic both ways, so they cannot disagree.
 */
export function runPredictor(input: Int32Array, params: PredictorParams, decode: boolean): Int32Array {
  const out = new Int32Array(input.length);
  const { predictor, scale, mu } = params;
  if (predictor === PREDICTOR_DELTA1 || predictor === PREDICTOR_DELTA2) {
    let x1 = 0;
    let x2 = 0;
    for (let t = 0; t < input.length; t++) {
      const p = predictor === PREDICTOR_DELTA1 ? x1 : (2 * x1 - x2) | 0;
      const x = decode ? (p + input[t]!) | 0 : input[t]!;
      out[t] = decode ? x : (x - p) | 0;
      x2 = x1;
      x1 = x;
    }
    return out;
  }
  const onDeltas = predictor === PREDICTOR_NEURON_DELTA;
  const w = new Int32Array(LAGS);
  if (!onDeltas) w[0] = q16.ONE; // start as "the last value", the best guess before any learning
  let bias = 0;
  const h = new Int32Array(LAGS);
  let x1 = 0;
  for (let t = 0; t < input.length; t++) {
    const guessScaled = predictAt(w, 0, bias, h, 0);
    const guess = unscale(guessScaled, scale);
    const p = onDeltas ? (x1 + guess) | 0 : guess;
    const x = decode ? (p + input[t]!) | 0 : input[t]!;
    out[t] = decode ? x : (x - p) | 0;
    const target = toScaled(onDeltas ? (x - x1) | 0 : x, scale);
    bias = nlmsStepAt(w, 0, bias, h, 0, q16.sub(target, guessScaled), mu);
    pushHistoryAt(h, 0, target);
    x1 = x;
  }
  return out;
}

function toScaled(v: number, scale: number): number {
  if (scale >= 0) {
    const s = v * 2 ** scale;
    return s > q16.MAX ? q16.MAX : s < q16.MIN ? q16.MIN : s;
  }
  return v >> -scale;
}

function unscale(v: number, scale: number): number {
  if (scale > 0) return Math.floor((v + 2 ** (scale - 1)) / 2 ** scale);
  const s = v * 2 ** -scale;
  return s > q16.MAX ? q16.MAX : s < q16.MIN ? q16.MIN : s;
}
