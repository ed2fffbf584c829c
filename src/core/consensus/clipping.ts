// Self-centred clipping (ClippedGossip: He, Karimireddy & Jaggi, "Byzantine-robust decentralized learning via
// ClippedGossip", 2022; centred clipping: Karimireddy, He & Jaggi, "Learning from history for Byzantine robust
// optimization", ICML 2021). A node limits how far each neighbour's vector can pull it: the difference
// y_j − x (x the node's own vector, which carries the node's whole history) is scaled down to length τ when
// longer. Whatever an attacker sends, it moves the node by at most τ·(its share) per round, and when the clip
// radius comes from the honest spread, an attacker that stays inside the spread to avoid the clip can only push
// as far as an honest neighbour already does: many small aligned pushes stop adding up beyond the spread.
//
// Integer in, integer out: distances are exact for vectors within the gene's range (|Δ| < 2^24 per coordinate,
// Σ Δ² < 2^53) and, beyond it, the same IEEE-754 doubles on every machine; each clipped coordinate is rounded once.
import { AggregatorPreconditionError, checkShape } from './aggregators';
import { Scratch } from './exact';

const distances = new Scratch((n) => new Float64Array(n));

/** Euclidean distance between row a of `rows` and row b of `other` (d coordinates), as a double. */
export function rowDistance(rows: Int32Array, a: number, other: Int32Array, b: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) {
    const delta = rows[a * d + c]! - other[b * d + c]!;
    s += delta * delta;
  }
  return Math.sqrt(s);
}

/**
 * The clip radius from the spread of the rows around `center` (row `centerRow` of `rows`, excluded): the
 * `rankNum/rankDen` quantile (lower) of the other rows' distances to it, at least `floor`. With the median
 * (1/2) and fewer than half the rows Byzantine, τ is no larger than some honest row's distance.
 */
export function clipRadius(rows: Int32Array, n: number, d: number, centerRow: number, rankNum: number, rankDen: number, floor = 0): number {
  checkShape('clip-radius', rows, n, d, 1);
  if (!Number.isInteger(centerRow) || centerRow < 0 || centerRow >= n)
    throw new AggregatorPreconditionError('clip-radius', `centre row ${centerRow} not in [0, ${n})`);
  if (!(rankNum >= 0 && rankDen > 0 && rankNum <= rankDen)) throw new AggregatorPreconditionError('clip-radius', `bad quantile ${rankNum}/${rankDen}`);
  if (n === 1) return floor;
  const dist = distances.get(n - 1).subarray(0, n - 1);
  let k = 0;
  for (let i = 0; i < n; i++) if (i !== centerRow) dist[k++] = rowDistance(rows, i, rows, centerRow, d);
  dist.sort();
  const at = Math.min(n - 2, Math.floor(((n - 2) * rankNum) / rankDen));
  return Math.max(floor, dist[at]!);
}

/**
 * Clips every row of `rows` (n·d, row-major) around `center` (d values) to radius τ, into `out` (n·d; may be
 * `rows` itself): a row within τ is copied, a row further away becomes center + (row − center)·τ/‖row − center‖,
 * each coordinate rounded to nearest. Returns how many rows were clipped.
 */
export function clipAround(rows: Int32Array, n: number, d: number, center: ArrayLike<number>, tau: number, out: Int32Array): number {
  checkShape('clip-around', rows, n, d, 1);
  if (!(tau >= 0)) throw new AggregatorPreconditionError('clip-around', `radius must be ≥ 0, got ${tau}`);
  if (out.length < n * d) throw new RangeError(`output buffer holds ${out.length} < ${n * d} values`);
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) {
      const delta = rows[i * d + c]! - center[c]!;
      s += delta * delta;
    }
    const dist = Math.sqrt(s);
    if (dist <= tau) {
      if (out !== rows) for (let c = 0; c < d; c++) out[i * d + c] = rows[i * d + c]!;
      continue;
    }
    clipped++;
    const scale = tau / dist;
    for (let c = 0; c < d; c++) out[i * d + c] = center[c]! + Math.round((rows[i * d + c]! - center[c]!) * scale);
  }
  return clipped;
}

// ---------------------------------------------------------------------------------------------------------
// Clipping in the directions a node's own data cannot see. The own-data filter bounds how differently a
// neighbour's model *predicts* this node's window; it says nothing about a displacement the window does not
// excite (for a slow, smooth field, e.g. an alternating pattern across the lags). That is exactly where an
// attacker that knows the filter pushes, a little every round, always the same way. So a node splits each
// neighbour's difference Δ = y − x (x its own model) into the part its window sees (eigen-directions of the
// window's lag Gram matrix G = XᵀX/rows with eigenvalue ≥ θ) and the rest, and clips only the rest around x to
// the honest spread of that rest (the lower median of the neighbours' invisible lengths). What the filter
// already bounds is left alone, so honest heterogeneity (models fitted to another regime differ in directions
// their data see) passes as before.
// ---------------------------------------------------------------------------------------------------------

const D9 = 9;
const gm = new Float64Array(D9 * D9);
const ev = new Float64Array(D9 * D9);
const eigen = new Float64Array(D9);

/** Cyclic Jacobi on a symmetric 9 × 9 matrix `a` (destroyed): eigenvalues into `values`, eigenvectors as the
 *  columns of `vectors`. A fixed number of sweeps and a fixed order: the same doubles on every machine. */
export function jacobiEigen9(a: Float64Array, values: Float64Array, vectors: Float64Array, sweeps = 10): void {
  vectors.fill(0);
  for (let i = 0; i < D9; i++) vectors[i * D9 + i] = 1;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (let p = 0; p < D9 - 1; p++) {
      for (let q = p + 1; q < D9; q++) {
        const apq = a[p * D9 + q]!;
        if (apq === 0) continue;
        const app = a[p * D9 + p]!;
        const aqq = a[q * D9 + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < D9; k++) {
          const akp = a[k * D9 + p]!;
          const akq = a[k * D9 + q]!;
          a[k * D9 + p] = c * akp - s * akq;
          a[k * D9 + q] = s * akp + c * akq;
        }
        for (let k = 0; k < D9; k++) {
          const apk = a[p * D9 + k]!;
          const aqk = a[q * D9 + k]!;
          a[p * D9 + k] = c * apk - s * aqk;
          a[q * D9 + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < D9; k++) {
          const vkp = vectors[k * D9 + p]!;
          const vkq = vectors[k * D9 + q]!;
          vectors[k * D9 + p] = c * vkp - s * vkq;
          vectors[k * D9 + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  for (let i = 0; i < D9; i++) values[i] = a[i * D9 + i]!;
}

/** The lag Gram matrix (8 lags + the bias's constant 1, in signal units) of a window, most recent first, from
 *  offset `ro` with `count` samples: G = Σ x xᵀ / rows over the count − 8 predictions the window holds. */
export function windowGram9(recent: Int32Array, ro: number, count: number, out: Float64Array): Float64Array {
  const rowsN = count - (D9 - 1);
  out.fill(0);
  for (let j = 0; j < rowsN; j++) {
    for (let a = 0; a < D9; a++) {
      const xa = a < D9 - 1 ? recent[ro + j + 1 + a]! / 65536 : 1;
      for (let b = a; b < D9; b++) out[a * D9 + b]! += xa * (b < D9 - 1 ? recent[ro + j + 1 + b]! / 65536 : 1);
    }
  }
  for (let a = 0; a < D9; a++) {
    for (let b = a; b < D9; b++) {
      const g = out[a * D9 + b]! / rowsN;
      out[a * D9 + b] = g;
      out[b * D9 + a] = g;
    }
  }
  return out;
}

const invisibleLength = new Scratch((n) => new Float64Array(n));
const sortedLength = new Scratch((n) => new Float64Array(n));
const inv = new Float64Array(D9);

/**
 * Clips, in place, the part of each row's difference from row `centerRow` that the window (`recent` from `ro`,
 * `count` samples, most recent first) does not see: eigen-directions of its lag Gram matrix with eigenvalue below
 * `visibleEigen` (signal units², i.e. a unit displacement there moves predictions by an RMS below √visibleEigen).
 * The radius is the `rankNum/rankDen` quantile (lower) of the other rows' invisible lengths, at least `floorQ16`.
 * Rows have d = 9 (8 weights, then the bias). Returns how many rows were clipped.
 */
export function clipInvisible(
  rows: Int32Array,
  n: number,
  centerRow: number,
  recent: Int32Array,
  ro: number,
  count: number,
  visibleEigen: number,
  rankNum: number,
  rankDen: number,
  floorQ16 = 0,
): number {
  checkShape('clip-invisible', rows, n, D9, 1);
  if (n < 2) return 0;
  jacobiEigen9(windowGram9(recent, ro, count, gm), eigen, ev);
  const co = centerRow * D9;
  const len = invisibleLength.get(n).subarray(0, n);
  const project = (i: number): number => {
    // inv = Σ over invisible eigen-directions e of (eᵀΔ) e; returns ‖inv‖ (Q16 units).
    inv.fill(0);
    for (let e = 0; e < D9; e++) {
      if (eigen[e]! >= visibleEigen) continue;
      let dot = 0;
      for (let k = 0; k < D9; k++) dot += ev[k * D9 + e]! * (rows[i * D9 + k]! - rows[co + k]!);
      for (let k = 0; k < D9; k++) inv[k]! += dot * ev[k * D9 + e]!;
    }
    let s = 0;
    for (let k = 0; k < D9; k++) s += inv[k]! * inv[k]!;
    return Math.sqrt(s);
  };
  const sorted = sortedLength.get(n - 1).subarray(0, n - 1);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (i === centerRow) continue;
    len[i] = project(i);
    sorted[m++] = len[i]!;
  }
  sorted.sort();
  const tau = Math.max(floorQ16, sorted[Math.min(n - 2, Math.floor(((n - 2) * rankNum) / rankDen))]!);
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    if (i === centerRow || len[i]! <= tau) continue;
    project(i);
    const cut = 1 - tau / len[i]!;
    for (let k = 0; k < D9; k++) rows[i * D9 + k] = rows[i * D9 + k]! - Math.round(inv[k]! * cut);
    clipped++;
  }
  return clipped;
}
