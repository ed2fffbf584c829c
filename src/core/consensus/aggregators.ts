// Coordinate-wise robust aggregators over n Q16 vectors of dimension d (a gene: d = 9, 8 weights + bias).
// Input: `vectors` is an Int32Array of n·d values, row-major (row i = vector i). Output: an Int32Array(d),
// written into `out` when given (so the per-round path need not allocate). All sums are exact integers and
// the only rounding is the final division, to nearest with ties towards +∞ (see exact.ts).
import { Scratch, roundDiv, roundDivSplit } from './exact';

/** An aggregator's precondition does not hold (too few inputs for the f it must tolerate, bad shape, ...). */
export class AggregatorPreconditionError extends RangeError {
  override readonly name = 'AggregatorPreconditionError';
  constructor(
    readonly aggregator: string,
    readonly reason: string,
  ) {
    super(`${aggregator}: ${reason}`);
  }
}

export interface AggregatorOptions {
  /** Number of Byzantine inputs to tolerate (trimmed per side for the trimmed means). */
  f?: number;
  /** When f is absent: f = min(the largest f the method allows for n, ⌈n · fraction⌉). Q16, default 0.25. */
  byzantineFractionQ16?: number;
  /** Multi-Krum: how many vectors to average (default n − f). */
  m?: number;
  /** Reputation-weighted trimmed mean: one Q16 weight in [0, 1] per row. */
  weights?: ArrayLike<number>;
}

/** The assumed Byzantine fraction when the caller gives only n (1/4: Bulyan's limit, below the trimmed mean's 1/2). */
export const DEFAULT_BYZANTINE_FRACTION_Q16 = 16384;

/** Bound on n (and on n·d for the Krum family) that keeps every exact sum below 2^53 (see exact.ts). */
export const MAX_INPUTS = 1 << 20;

export function checkShape(name: string, vectors: Int32Array, n: number, d: number, minN = 1): void {
  if (!Number.isInteger(n) || n < minN) throw new AggregatorPreconditionError(name, `needs n ≥ ${minN} vectors, got ${n}`);
  if (n > MAX_INPUTS) throw new AggregatorPreconditionError(name, `n = ${n} exceeds ${MAX_INPUTS}`);
  if (!Number.isInteger(d) || d < 1) throw new AggregatorPreconditionError(name, `dimension must be ≥ 1, got ${d}`);
  if (vectors.length < n * d) {
    throw new AggregatorPreconditionError(name, `${vectors.length} values cannot hold ${n} vectors of dimension ${d}`);
  }
}

/**
 * The f an aggregator uses: opts.f if given (then checked against `maxF`), else
 * min(maxF, ⌈n · byzantineFraction⌉), so a caller that knows only n gets the assumed fraction, capped to what
 * the method can tolerate for that n. Throws when even f = 0 is not allowed (maxF < 0).
 */
export function resolveF(name: string, n: number, maxF: number, opts?: AggregatorOptions): number {
  if (maxF < 0) throw new AggregatorPreconditionError(name, `n = ${n} is too small for any f`);
  const given = opts?.f;
  if (given !== undefined) {
    if (!Number.isInteger(given) || given < 0) throw new AggregatorPreconditionError(name, `f must be an integer ≥ 0, got ${given}`);
    if (given > maxF) throw new AggregatorPreconditionError(name, `f = ${given} is too large for n = ${n} (at most ${maxF})`);
    return given;
  }
  const fraction = opts?.byzantineFractionQ16 ?? DEFAULT_BYZANTINE_FRACTION_Q16;
  if (!Number.isInteger(fraction) || fraction < 0 || fraction > 65536) {
    throw new AggregatorPreconditionError(name, `byzantineFractionQ16 must be an integer in [0, 65536], got ${fraction}`);
  }
  // ⌈n · fraction⌉, forgiving the fraction's own Q16 rounding (0.3 is stored as 0.300003, and 10 · 0.3 must
  // give 3, not 4): subtract half an LSB per input. Exact integers (< 2^38).
  return Math.max(0, Math.min(maxF, Math.ceil((2 * n * fraction - n) / 131072)));
}

function output(d: number, out?: Int32Array): Int32Array {
  if (out === undefined) return new Int32Array(d);
  if (out.length < d) throw new RangeError(`output buffer holds ${out.length} < ${d} values`);
  return out;
}

const column = new Scratch((n) => new Int32Array(n));

/** Copies coordinate c of every row into the scratch column and sorts it ascending. */
function sortedColumn(vectors: Int32Array, n: number, d: number, c: number): Int32Array {
  const col = column.get(n).subarray(0, n);
  for (let i = 0; i < n; i++) col[i] = vectors[i * d + c]!;
  return col.sort();
}

/** Plain mean (not robust: one input moves it arbitrarily). Exact sum, one rounding. */
export function mean(vectors: Int32Array, n: number, d: number, _opts?: AggregatorOptions, out?: Int32Array): Int32Array {
  checkShape('mean', vectors, n, d);
  const res = output(d, out);
  for (let c = 0; c < d; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += vectors[i * d + c]!; // |s| < n·2^31 ≤ 2^51
    res[c] = roundDiv(s, n);
  }
  return res;
}

/** Coordinate-wise median; for even n, the mean of the two middle values (rounded, ties towards +∞). */
export function median(vectors: Int32Array, n: number, d: number, _opts?: AggregatorOptions, out?: Int32Array): Int32Array {
  checkShape('median', vectors, n, d);
  const res = output(d, out);
  for (let c = 0; c < d; c++) {
    const col = sortedColumn(vectors, n, d, c);
    const h = n >> 1;
    res[c] = n & 1 ? col[h]! : Math.floor((col[h - 1]! + col[h]! + 1) / 2);
  }
  return res;
}

/** Largest f the trimmed means accept for n inputs (2f < n). */
export function trimmedMeanMaxF(n: number): number {
  return (n - 1) >> 1;
}

/** Coordinate-wise trimmed mean: per coordinate, drop the f smallest and f largest values, average the rest. */
export function trimmedMean(vectors: Int32Array, n: number, d: number, opts?: AggregatorOptions, out?: Int32Array): Int32Array {
  checkShape('trimmed-mean', vectors, n, d);
  const f = resolveF('trimmed-mean', n, trimmedMeanMaxF(n), opts);
  const res = output(d, out);
  for (let c = 0; c < d; c++) {
    const col = sortedColumn(vectors, n, d, c);
    let s = 0;
    for (let i = f; i < n - f; i++) s += col[i]!;
    res[c] = roundDiv(s, n - 2 * f);
  }
  return res;
}

const TWO_17 = 131072;
const keys = new Scratch((n) => new Float64Array(n));

/**
 * Reputation-weighted trimmed mean: per coordinate, sort (value, weight) pairs, drop f per side, and return
 * Σ v·w / Σ w over the rest (weights: Q16 reputations in [0, 1]). Pairs sort by value then weight, so equal
 * values drop the same weights whatever the input order. If the kept weights sum to 0, the plain mean of the
 * kept values is used (returning 0 would be a value nobody sent).
 */
export function reputationTrimmedMean(vectors: Int32Array, n: number, d: number, opts?: AggregatorOptions, out?: Int32Array): Int32Array {
  const name = 'reputation-trimmed-mean';
  checkShape(name, vectors, n, d);
  const f = resolveF(name, n, trimmedMeanMaxF(n), opts);
  const w = opts?.weights;
  if (w === undefined || w.length < n) throw new AggregatorPreconditionError(name, `needs ${n} weights, got ${w?.length ?? 'none'}`);
  for (let i = 0; i < n; i++) {
    const x = w[i]!;
    if (!Number.isInteger(x) || x < 0 || x > 65536) throw new AggregatorPreconditionError(name, `weight ${i} = ${x} is not a Q16 value in [0, 1]`);
  }
  const res = output(d, out);
  const key = keys.get(n).subarray(0, n);
  for (let c = 0; c < d; c++) {
    // key = v·2^17 + w (w ≤ 2^16 < 2^17): exact below 2^48, and sorting keys sorts by (value, weight).
    for (let i = 0; i < n; i++) key[i] = vectors[i * d + c]! * TWO_17 + w[i]!;
    key.sort();
    let hi = 0;
    let lo = 0;
    let wsum = 0;
    let plain = 0;
    for (let i = f; i < n - f; i++) {
      const v = Math.floor(key[i]! / TWO_17);
      const wi = key[i]! - v * TWO_17;
      const vh = Math.floor(v / 65536);
      hi += vh * wi;
      lo += (v - vh * 65536) * wi;
      wsum += wi;
      plain += v;
    }
    res[c] = wsum > 0 ? roundDivSplit(hi, lo, wsum) : roundDiv(plain, n - 2 * f);
  }
  return res;
}
