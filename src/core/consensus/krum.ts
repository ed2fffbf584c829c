// Krum, Multi-Krum (Blanchard et al. 2017) and Bulyan (El Mhamdi et al. 2018) in exact integer arithmetic.
//
// Distances are exact: squared distances of int32 vectors reach d·2^64, so they are kept as two limbs
// (hi·2^32 + lo, exact.ts) and compared limb by limb; a score (sum of k distances) stays exact while
// n·d ≤ 2^20. Nothing saturates, so a far outlier always scores worse than a near one (a fixed-point
// Krum that saturated each squared difference would stop telling outliers apart once |Δ| > ~181).
// Ties between equal scores are broken by the vectors' content (lexicographic), never by input order, so
// the result is invariant under permutation of the inputs.
import { AggregatorPreconditionError, checkShape, resolveF, trimmedMean, type AggregatorOptions } from './aggregators';
import { Scratch, compareLimbs, compareRows, roundDiv, squaredDistanceLimbs } from './exact';

/** Largest f Krum and Multi-Krum accept for n inputs (n > 2f + 2). */
export function krumMaxF(n: number): number {
  return Math.floor((n - 3) / 2);
}

/** Largest f Bulyan accepts for n inputs (n ≥ 4f + 3). */
export function bulyanMaxF(n: number): number {
  return Math.floor((n - 3) / 4);
}

const distances = new Scratch((n) => new Float64Array(n)); // n·n pairs of limbs
const neighbours = new Scratch((n) => new Int32Array(n)); // per row: the other rows, nearest first
const scores = new Scratch((n) => new Float64Array(n)); // per row: score limbs
const chosen = new Scratch((n) => new Int32Array(n));
const picked = new Scratch((n) => new Int32Array(n));

function checkKrumShape(name: string, vectors: Int32Array, n: number, d: number): void {
  checkShape(name, vectors, n, d, 3);
  if (n * d > 1 << 20) throw new AggregatorPreconditionError(name, `n·d = ${n * d} exceeds 2^20 (exact scores)`);
}

interface Prepared {
  dist: Float64Array;
  /** Every score fits one exact double (all distances · n < 2^53): the common case for Q16 genes. */
  fast: boolean;
  order: Int32Array;
}

/** All pairwise distances as limbs, and whether the one-double fast path is exact for this input. */
function prepare(vectors: Int32Array, n: number, d: number): Prepared {
  const dist = distances.get(2 * n * n);
  let maxHi = 0;
  for (let i = 0; i < n; i++) {
    dist[2 * (i * n + i)] = 0;
    dist[2 * (i * n + i) + 1] = 0;
    for (let j = i + 1; j < n; j++) {
      const at = 2 * (i * n + j);
      squaredDistanceLimbs(vectors, i * d, vectors, j * d, d, dist, at);
      dist[2 * (j * n + i)] = dist[at]!;
      dist[2 * (j * n + i) + 1] = dist[at + 1]!;
      if (dist[at]! > maxHi) maxHi = dist[at]!;
    }
  }
  // A distance is < (maxHi + 1)·2^32; a score sums < n of them.
  const fast = (maxHi + 1) * 4294967296 * n < 2 ** 53;
  if (fast) for (let t = 0; t < n * n; t++) dist[t] = dist[2 * t]! * 4294967296 + dist[2 * t + 1]!; // in place: t ≤ 2t
  // Each row's other rows, nearest first (ties by index: equal distances contribute equally to a score, so
  // which one is taken first does not matter). Insertion sort for a neighbourhood of tens of rows.
  const order = neighbours.get(n * n);
  if (n > 64) {
    const row: number[] = [];
    for (let i = 0; i < n; i++) {
      row.length = 0;
      for (let j = 0; j < n; j++) if (j !== i) row.push(j);
      const base = i * n;
      row.sort((a, b) => (closer(dist, fast, base, a, b) ? -1 : closer(dist, fast, base, b, a) ? 1 : a - b));
      for (let t = 0; t < n - 1; t++) order[base + t] = row[t]!;
    }
    return { dist, fast, order };
  }
  for (let i = 0; i < n; i++) {
    const base = i * n;
    let m = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let t = m++;
      while (t > 0 && closer(dist, fast, base, j, order[base + t - 1]!)) {
        order[base + t] = order[base + t - 1]!;
        t--;
      }
      order[base + t] = j;
    }
  }
  return { dist, fast, order };
}

/** Is row a strictly nearer to row base/n than row b (exact)? */
function closer(dist: Float64Array, fast: boolean, base: number, a: number, b: number): boolean {
  if (fast) return dist[base + a]! < dist[base + b]!;
  return compareLimbs(dist[2 * (base + a)]!, dist[2 * (base + a) + 1]!, dist[2 * (base + b)]!, dist[2 * (base + b) + 1]!) < 0;
}

/**
 * Krum scores of the rows still `alive`: the sum of the k smallest distances to other live rows, with
 * k = live − f − 2 clamped to [1, live − 1] (Bulyan's later rounds go below Krum's own precondition).
 * Written as limbs (hi, lo) per row; on the fast path hi holds the whole exact score and lo is 0.
 */
function computeScores(n: number, f: number, alive: Int32Array, live: number, p: Prepared): Float64Array {
  const sc = scores.get(2 * n);
  const k = Math.max(1, Math.min(live - 1, live - f - 2));
  const { dist, order } = p;
  for (let i = 0; i < n; i++) {
    if (!alive[i]) continue;
    if (p.fast) {
      let sum = 0;
      let taken = 0;
      for (let t = 0; t < n - 1 && taken < k; t++) {
        const j = order[i * n + t]!;
        if (!alive[j]) continue;
        sum += dist[i * n + j]!;
        taken++;
      }
      sc[2 * i] = sum;
      sc[2 * i + 1] = 0;
      continue;
    }
    let hi = 0;
    let lo = 0;
    let taken = 0;
    for (let t = 0; t < n - 1 && taken < k; t++) {
      const j = order[i * n + t]!;
      if (!alive[j]) continue;
      hi += dist[2 * (i * n + j)]!;
      lo += dist[2 * (i * n + j) + 1]!;
      taken++;
    }
    const carry = Math.floor(lo / 4294967296);
    sc[2 * i] = hi + carry;
    sc[2 * i + 1] = lo - carry * 4294967296;
  }
  return sc;
}

/** Row with the best (lowest) score among live rows; ties by content. */
function bestRow(vectors: Int32Array, n: number, d: number, alive: Int32Array, sc: Float64Array): number {
  let best = -1;
  for (let i = 0; i < n; i++) {
    if (!alive[i]) continue;
    if (best < 0) {
      best = i;
      continue;
    }
    const c = compareLimbs(sc[2 * i]!, sc[2 * i + 1]!, sc[2 * best]!, sc[2 * best + 1]!) || compareRows(vectors, i, best, d);
    if (c < 0) best = i;
  }
  return best;
}

/** Marks the m best-scoring rows (score, then content) in `sel` (1 = selected). */
function selectBest(vectors: Int32Array, n: number, d: number, f: number, m: number, iterative: boolean): Int32Array {
  const prep = prepare(vectors, n, d);
  const alive = chosen.get(n).fill(1, 0, n);
  const sel = picked.get(n).fill(0, 0, n);
  let sc = computeScores(n, f, alive, n, prep);
  for (let s = 0; s < m; s++) {
    const b = bestRow(vectors, n, d, alive, sc);
    sel[b] = 1;
    alive[b] = 0;
    // Multi-Krum scores once (against all n); Bulyan re-runs Krum on what is left.
    if (iterative && s + 1 < m) sc = computeScores(n, f, alive, n - s - 1, prep);
  }
  return sel;
}

function output(d: number, out?: Int32Array): Int32Array {
  if (out === undefined) return new Int32Array(d);
  if (out.length < d) throw new RangeError(`output buffer holds ${out.length} < ${d} values`);
  return out;
}

/** Krum: the input vector whose n − f − 2 nearest neighbours are closest (sum of squared distances). */
export function krum(vectors: Int32Array, n: number, d: number, opts?: AggregatorOptions, out?: Int32Array): Int32Array {
  checkKrumShape('krum', vectors, n, d);
  const f = resolveF('krum', n, krumMaxF(n), opts);
  const alive = chosen.get(n).fill(1, 0, n);
  const b = bestRow(vectors, n, d, alive, computeScores(n, f, alive, n, prepare(vectors, n, d)));
  const res = output(d, out);
  for (let c = 0; c < d; c++) res[c] = vectors[b * d + c]!;
  return res;
}

/** Multi-Krum: the exact mean of the m best-scoring vectors (scores computed once, m = n − f by default). */
export function multiKrum(vectors: Int32Array, n: number, d: number, opts?: AggregatorOptions, out?: Int32Array): Int32Array {
  checkKrumShape('multi-krum', vectors, n, d);
  const f = resolveF('multi-krum', n, krumMaxF(n), opts);
  const m = opts?.m ?? n - f;
  if (!Number.isInteger(m) || m < 1 || m > n - f) {
    throw new AggregatorPreconditionError('multi-krum', `m must be an integer in [1, n − f = ${n - f}], got ${m}`);
  }
  const sel = selectBest(vectors, n, d, f, m, false);
  const res = output(d, out);
  for (let c = 0; c < d; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) if (sel[i]) s += vectors[i * d + c]!;
    res[c] = roundDiv(s, m);
  }
  return res;
}

const bulyanRows = new Scratch((n) => new Int32Array(n));

/**
 * Bulyan: pick θ = n − 2f vectors by running Krum repeatedly on what is left, then take the coordinate-wise
 * trimmed mean of those θ with f trimmed per side (β = θ − 2f values averaged per coordinate).
 * The paper averages the β values closest to the median instead; that window can include a Byzantine value
 * just outside the honest range while dropping far honest ones (honest 0, 5, 10, 10 and one Byzantine 10.4
 * with f = 1 give 10.13 > 10), whereas the symmetric trim keeps the output inside the honest range, with the
 * same β.
 */
export function bulyan(vectors: Int32Array, n: number, d: number, opts?: AggregatorOptions, out?: Int32Array): Int32Array {
  checkKrumShape('bulyan', vectors, n, d);
  const f = resolveF('bulyan', n, bulyanMaxF(n), opts);
  const theta = n - 2 * f;
  const sel = selectBest(vectors, n, d, f, theta, true);
  const rows = bulyanRows.get(theta * d);
  let r = 0;
  for (let i = 0; i < n; i++) {
    if (!sel[i]) continue;
    for (let c = 0; c < d; c++) rows[r * d + c] = vectors[i * d + c]!;
    r++;
  }
  return trimmedMean(rows, theta, d, { f }, out);
}
