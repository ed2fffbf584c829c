// The figures of `qres compare`, from the per-second RMSE series every engine reports. They decide nothing.
import { STORM_PERIOD_S } from './harness';

/** Trailing window of the smoothed RMSE series, seconds. */
export const SMOOTH_S = 5;
/** "Within 10 % of its best". */
export const WITHIN = 1.1;
/** A storm segment shorter than this at the end of a run is not scored (no time to settle). */
export const MIN_SEGMENT_S = 30;

/** The RMSE over the trailing SMOOTH_S seconds at each second (root of the mean of squares). */
export function smooth(rmsePerSecond: readonly number[], window = SMOOTH_S): number[] {
  const out: number[] = [];
  let acc = 0;
  for (let s = 0; s < rmsePerSecond.length; s++) {
    acc += rmsePerSecond[s]! ** 2;
    if (s >= window) acc -= rmsePerSecond[s - window]! ** 2;
    out.push(Math.sqrt(Math.max(0, acc) / Math.min(window, s + 1)));
  }
  return out;
}

/** Storm segments: [0, T), [T, 2T), … with T the zone's orbit (each orbit brings a storm of a new frequency). */
export function segments(seconds: number, period = STORM_PERIOD_S): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let k = 0; k * period < seconds; k++) {
    const start = Math.ceil(k * period);
    const end = Math.min(seconds, Math.ceil((k + 1) * period));
    if (k === 0 || end - start >= MIN_SEGMENT_S) out.push([start, end]);
  }
  return out;
}

/**
 * Seconds from the start of each segment until the smoothed RMSE is within 10 % of that segment's best (the
 * first is "after start", the rest "after each storm"); a segment that never gets there scores its length.
 */
export function recoveryTimes(rmsePerSecond: readonly number[], period = STORM_PERIOD_S): number[] {
  const sm = smooth(rmsePerSecond);
  return segments(sm.length, period).map(([start, end]) => {
    let best = Infinity;
    for (let s = start; s < end; s++) best = Math.min(best, sm[s]!);
    for (let s = start; s < end; s++) if (sm[s]! <= WITHIN * best) return s + 1 - start;
    return end - start;
  });
}

/** RMSE over seconds [from, to) of a per-second series (root of the mean of squares). */
export function rmseOver(rmsePerSecond: readonly number[], from: number, to: number): number {
  let acc = 0;
  let k = 0;
  for (let s = Math.max(0, from); s < Math.min(to, rmsePerSecond.length); s++) {
    acc += rmsePerSecond[s]! ** 2;
    k++;
  }
  return k ? Math.sqrt(acc / k) : 0;
}

/** ‖attacked − reference‖ / ‖reference‖ of two mean models (the simulator's consensusDrift, src/sim/drift.ts). */
export function drift(attacked: readonly number[], reference: readonly number[]): number {
  let diff = 0;
  let norm = 0;
  for (let k = 0; k < reference.length; k++) {
    diff += (attacked[k]! - reference[k]!) ** 2;
    norm += reference[k]! ** 2;
  }
  return Math.sqrt(diff) / Math.max(1e-12, Math.sqrt(norm));
}

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

export function max(xs: readonly number[]): number {
  return xs.length ? Math.max(...xs) : 0;
}
