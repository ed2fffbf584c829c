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
import { AggregatorPreconditionError, checkShape, mean, type AggregatorOptions } from './aggregators';
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

const clippedRows = new Scratch((n) => new Int32Array(n));

/**
 * ClippedGossip as an aggregator (`--aggregator clipped-gossip`): x + (1/n) Σ_j clip(y_j − x, τ), with x = row 0
 * (the consensus round puts the node's own model there) and τ the lower median of the other rows' distances to it,
 * so fewer than half the rows can set it. Every row, the node's own included, counts once; rows within τ pass whole.
 */
export function clippedGossip(vectors: Int32Array, n: number, d: number, _opts?: AggregatorOptions, out?: Int32Array): Int32Array {
  checkShape('clipped-gossip', vectors, n, d);
  const tau = clipRadius(vectors, n, d, 0, 1, 2);
  const rows = clippedRows.get(n * d).subarray(0, n * d);
  clipAround(vectors, n, d, vectors.subarray(0, d), tau, rows);
  return mean(rows, n, d, undefined, out);
}

// ---------------------------------------------------------------------------------------------------------
// Clipping in the directions a node's own data cannot see. The own-data filter bounds how differently a
// neighbour's model *predicts* this node's window; it says nothing about a displacement the window does not
// excite (for a slow, smooth field, e.g. an alternating pattern across the lags). That is exactly where an
// attacker that knows the filter pushes, a little every round, always the same way. So a node splits each
// neighbour's difference Δ = y − x (x its own model) into the part its window sees (eigen-directions of the
// window's lag Gram matrix G = XᵀX/rows with eigenvalue well above θ) and the rest, and clips only the rest around
// x to the honest spread of that rest (a low quantile of the neighbours' invisible lengths). What the filter
// already bounds is left alone, so honest heterogeneity (models fitted to another regime differ in directions
// their data see) passes as before. The split is the smooth projector θ²(G² + θ²I)⁻¹, computed with one 9 × 9
// Cholesky factorisation per window: about 2,000 floating-point operations, against ~60,000 for the fixed
// 10-sweep Jacobi eigendecomposition with a hard cut at θ that it replaces (the same drift against the adaptive
// attack within half a point; docs/ADAPTIVE.md).
// A per-round clip bounds each round, not the sum of many rounds: an attacker that is worth τ × its share every
// round, always the same way, still adds up. So each node also remembers, per neighbour, a leaky sum of the
// invisible pushes it let that neighbour make, and keeps that sum within the round's τ (InvisibleMemory): honest
// differences that change direction keep most of their τ; a steady push gets only what leaks out of the memory.
// ---------------------------------------------------------------------------------------------------------

const D9 = 9;
const gm = new Float64Array(D9 * D9);
const samples = new Scratch((n) => new Float64Array(n));

/** The lag Gram matrix (8 lags + the bias's constant 1, in signal units) of a window, most recent first, from
 *  offset `ro` with `count` samples: G = Σ x xᵀ / rows over the count − 8 predictions the window holds. */
export function windowGram9(recent: Int32Array, ro: number, count: number, out: Float64Array): Float64Array {
  const rowsN = count - (D9 - 1);
  // The window's samples as signal units, once; row j of the design matrix is samples j+1 … j+8, then 1.
  const x = samples.get(count);
  for (let j = 1; j < count; j++) x[j] = recent[ro + j]! / 65536;
  for (let a = 0; a < D9 - 1; a++) {
    let bias = 0;
    for (let j = 0; j < rowsN; j++) bias += x[j + 1 + a]!;
    out[a * D9 + D9 - 1] = bias / rowsN;
    out[(D9 - 1) * D9 + a] = bias / rowsN;
    for (let b = a; b < D9 - 1; b++) {
      let s = 0;
      for (let j = 0; j < rowsN; j++) s += x[j + 1 + a]! * x[j + 1 + b]!;
      out[a * D9 + b] = s / rowsN;
      out[b * D9 + a] = s / rowsN;
    }
  }
  out[D9 * D9 - 1] = 1;
  return out;
}

const invisibleLength = new Scratch((n) => new Float64Array(n));
const invisibleParts = new Scratch((n) => new Float64Array(n));
const sortedLength = new Scratch((n) => new Float64Array(n));
const inv = new Float64Array(D9);
const g2 = new Float64Array(D9 * D9);
const chol = new Float64Array(D9 * D9);

/** Cholesky factor L (lower triangle, row-major) of the symmetric positive definite 9 × 9 matrix `a`: a = L Lᵀ. */
export function cholesky9(a: Float64Array, l: Float64Array): Float64Array {
  l.fill(0);
  for (let r = 0; r < D9; r++) {
    for (let c = 0; c <= r; c++) {
      let s = a[r * D9 + c]!;
      for (let k = 0; k < c; k++) s -= l[r * D9 + k]! * l[c * D9 + k]!;
      l[r * D9 + c] = r === c ? Math.sqrt(s) : s / l[c * D9 + c]!;
    }
  }
  return l;
}

/** Solves L Lᵀ x = b in place (`x` holds b on entry), L from `cholesky9`. */
export function cholSolve9(l: Float64Array, x: Float64Array): Float64Array {
  for (let r = 0; r < D9; r++) {
    let s = x[r]!;
    for (let k = 0; k < r; k++) s -= l[r * D9 + k]! * x[k]!;
    x[r] = s / l[r * D9 + r]!;
  }
  for (let r = D9 - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < D9; k++) s -= l[k * D9 + r]! * x[k]!;
    x[r] = s / l[r * D9 + r]!;
  }
  return x;
}

/** inv = scale · (G² + θ²I)⁻¹ (row − centre) with the factor in `chol`; returns ‖inv‖. */
function invisiblePart(rows: Int32Array, ro: number, co: number, scale: number): number {
  for (let k = 0; k < D9; k++) inv[k] = rows[ro + k]! - rows[co + k]!;
  cholSolve9(chol, inv);
  let s = 0;
  for (let k = 0; k < D9; k++) {
    inv[k] = inv[k]! * scale;
    s += inv[k]! * inv[k]!;
  }
  return Math.sqrt(s);
}

/**
 * Clips, in place, the part of each row's difference from row `centerRow` that the window (`recent` from `ro`,
 * `count` samples, most recent first) does not see. With G the window's lag Gram matrix and θ = `visibleEigen`
 * (signal units²: a unit displacement along an eigen-direction of eigenvalue λ moves predictions by an RMS of √λ),
 * the invisible part of a difference Δ is P Δ with P = θ²(G² + θ²I)⁻¹: along each eigen-direction it keeps the
 * fraction θ²/(λ² + θ²) — all of a direction the window does not see (λ ≪ θ), none of one it sees well (λ ≫ θ),
 * half at λ = θ. One Cholesky factorisation per window and two triangular solves per row (no eigendecomposition).
 * The radius is the `rankNum/rankDen` quantile (lower) of the other rows' invisible lengths, at least `floorQ16`.
 * Rows have d = 9 (8 weights, then the bias). With `memory`, a row with a slot is also held to its neighbour's
 * budget: the leaky sum of what that neighbour's rows were let push in these directions, plus this round's clipped
 * push, is projected onto the ball of radius budget · τ, and the row keeps only the part that fits (a neighbour
 * that pulls the same way round after round is then worth what leaks out of its memory a round, not τ).
 * Returns how many rows were clipped.
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
  memory?: InvisibleMemory,
): number {
  checkShape('clip-invisible', rows, n, D9, 1);
  if (memory !== undefined) {
    if (memory.slotOf.length < n) throw new AggregatorPreconditionError('clip-invisible', `slotOf holds ${memory.slotOf.length} < ${n} rows`);
    for (let i = 0; i < n; i++) {
      const slot = memory.slotOf[i]!;
      if (!Number.isInteger(slot) || (slot >= 0 && (slot + 1) * D9 > memory.push.length))
        throw new AggregatorPreconditionError('clip-invisible', `row ${i}'s slot ${slot} is outside the push memory (${memory.push.length / D9} slots)`);
    }
    if (!(memory.budgetNum >= 0 && memory.budgetDen > 0))
      throw new AggregatorPreconditionError('clip-invisible', `bad budget ${memory.budgetNum}/${memory.budgetDen}`);
  }
  if (n < 2) return 0;
  const g = windowGram9(recent, ro, count, gm);
  // G² (symmetric), then G² + θ²I, factored once.
  for (let a = 0; a < D9; a++) {
    for (let b = a; b < D9; b++) {
      let s = 0;
      for (let k = 0; k < D9; k++) s += g[a * D9 + k]! * g[k * D9 + b]!;
      g2[a * D9 + b] = s;
      g2[b * D9 + a] = s;
    }
  }
  const scale = visibleEigen * visibleEigen;
  for (let a = 0; a < D9; a++) g2[a * D9 + a]! += scale;
  cholesky9(g2, chol);
  const co = centerRow * D9;
  const len = invisibleLength.get(n).subarray(0, n);
  const sorted = sortedLength.get(n - 1).subarray(0, n - 1);
  let m = 0;
  // With memory every row's invisible part is needed again below: keep them rather than solve twice.
  const parts = memory === undefined ? undefined : invisibleParts.get(n * D9);
  for (let i = 0; i < n; i++) {
    if (i === centerRow) continue;
    len[i] = invisiblePart(rows, i * D9, co, scale);
    if (parts !== undefined) parts.set(inv, i * D9);
    sorted[m++] = len[i]!;
  }
  sorted.sort();
  const tau = Math.max(floorQ16, sorted[Math.min(n - 2, Math.floor(((n - 2) * rankNum) / rankDen))]!);
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    if (i === centerRow) continue;
    const slot = memory === undefined ? -1 : memory.slotOf[i]!;
    if (slot < 0 && len[i]! <= tau) continue;
    if (parts === undefined) invisiblePart(rows, i * D9, co, scale);
    else inv.set(parts.subarray(i * D9, i * D9 + D9));
    // This round's clip: the invisible part kept is inv · keep.
    const keep = len[i]! <= tau ? 1 : tau / len[i]!;
    if (slot >= 0) {
      // The neighbour's memory: a leaky sum of the invisible pushes it was let make. The sum plus this round's push
      // is projected onto the ball of radius budget · τ; what is left of this round's push is what the row keeps.
      const po = slot * D9;
      const push = memory!.push;
      const budget = (memory!.budgetNum * tau) / memory!.budgetDen;
      let s2 = 0;
      for (let k = 0; k < D9; k++) {
        const t = push[po + k]! + inv[k]! * keep;
        s2 += t * t;
      }
      const norm = Math.sqrt(s2);
      const shrink = norm > budget ? budget / norm : 1;
      // admitted = shrink · (push + inv · keep) − push; the row loses inv − admitted.
      for (let k = 0; k < D9; k++) {
        const t = push[po + k]! + inv[k]! * keep;
        rows[i * D9 + k] = rows[i * D9 + k]! - Math.round(inv[k]! - (shrink * t - push[po + k]!));
        push[po + k] = Math.round(shrink * t);
      }
      if (keep < 1 || shrink < 1) clipped++;
      continue;
    }
    const cut = 1 - keep;
    for (let k = 0; k < D9; k++) rows[i * D9 + k] = rows[i * D9 + k]! - Math.round(inv[k]! * cut);
    clipped++;
  }
  return clipped;
}

/** A node's memory of each neighbour's invisible pushes (for `clipInvisible`): `push` holds, per neighbour slot, a
 *  leaky running sum (Q16, 9 words at 9·slot) of the invisible displacement that neighbour's rows were let make;
 *  `slotOf[i]` is row i's slot (−1: no memory, e.g. the node's own row). The sum plus this round's push is kept
 *  within `budgetNum/budgetDen` × this round's clip radius τ. The caller decays `push` once a round
 *  (`decayPushes`). */
export interface InvisibleMemory {
  push: Int32Array;
  slotOf: Int32Array;
  budgetNum: number;
  budgetDen: number;
}

/** One round of forgetting for slots [start, end): every word of the sum loses 1/2^shift of itself. */
export function decayPushes(push: Int32Array, start: number, end: number, shift: number): void {
  for (let w = start * D9; w < end * D9; w++) push[w] = push[w]! - (push[w]! >> shift);
}
