// Exact integer arithmetic for the aggregators. JS numbers are doubles: every integer below 2^53 is exact,
// and + − × of such integers is exact while the result stays below 2^53. Everything here keeps that bound,
// so the aggregators never round except in the one final, explicit rounding step.
//
// Rounding convention (all aggregators): to nearest, ties towards +∞ (the same as q16.ts's add-half-and-shift),
// i.e. roundDiv(S, k) = ⌊S/k + 1/2⌋ computed exactly.

import { roundDivUp } from '../fixed/q16';

const TWO_16 = 65536;
const TWO_32 = 4294967296;

/** ⌊S/k + 1/2⌋ for an integer |S| < 2^53 and an integer 0 < k < 2^53: exact (q16.roundDivUp). */
export const roundDiv = roundDivUp;

/** ⌊s/k⌋ and the remainder in [0, k), exactly, for |s| < 2^53 and 0 < k < 2^53. Writes into FLOOR_DIV. */
const FLOOR_DIV = { q: 0, r: 0 };
function floorDiv(s: number, k: number): void {
  let q = Math.floor(s / k);
  let r = s - q * k;
  while (r < 0) {
    q -= 1;
    r += k;
  }
  while (r >= k) {
    q += 1;
    r -= k;
  }
  FLOOR_DIV.q = q;
  FLOOR_DIV.r = r;
}

/**
 * round((hi·2^16 + lo) / w), ties towards +∞, exactly: the numerator is Σ v·w of int32 values v split as
 * v = vh·2^16 + vl (vh signed, 0 ≤ vl < 2^16) with Q16 weights w ≤ 2^16, so hi = Σ vh·w and lo = Σ vl·w are
 * each exact while n < 2^20, and the full numerator (up to 2^67) is never formed: long division by w in two
 * steps keeps every intermediate below 2^53.
 */
export function roundDivSplit(hi: number, lo: number, w: number): number {
  floorDiv(hi, w);
  const qHi = FLOOR_DIV.q;
  // rHi < w ≤ n·2^16 and lo < n·2^32, so rHi·2^16 + lo < n·2^33 < 2^53 for n < 2^20.
  floorDiv(FLOOR_DIV.r * TWO_16 + lo, w);
  const q = qHi * TWO_16 + FLOOR_DIV.q;
  return 2 * FLOOR_DIV.r >= w ? q + 1 : q;
}

/**
 * Exact squared Euclidean distance between the d-vectors at va[aOff..] and vb[bOff..], as two limbs
 * (value = hi·2^32 + lo, 0 ≤ lo < 2^32). A difference of int32 values is < 2^32, its square < 2^64 — not exact
 * as a double — so each |δ| is split as h·2^16 + l and δ² = h²·2^32 + hl·2^17 + l²; the three partial sums are
 * exact for d < 2^20 and then carried into the limbs. hi < d·2^32.
 * (The original saturates (a − b)² once |a − b| > ~181 in Q16 and so stops telling far outliers apart.)
 */
export function squaredDistanceLimbs(va: ArrayLike<number>, aOff: number, vb: ArrayLike<number>, bOff: number, d: number, out: Float64Array, at: number): void {
  let hh = 0;
  let hl = 0;
  let ll = 0;
  for (let c = 0; c < d; c++) {
    const delta = Math.abs(va[aOff + c]! - vb[bOff + c]!);
    const h = Math.floor(delta / TWO_16);
    const l = delta - h * TWO_16;
    hh += h * h;
    hl += h * l;
    ll += l * l;
  }
  // hl·2^17 = p·2^32 + q·2^17 with q < 2^15.
  const p = Math.floor(hl / 32768);
  const q = hl - p * 32768;
  let lo = ll + q * 131072;
  const carry = Math.floor(lo / TWO_32);
  lo -= carry * TWO_32;
  out[at] = hh + p + carry;
  out[at + 1] = lo;
}

/** Sign of (aHi·2^32 + aLo) − (bHi·2^32 + bLo) for normalised limbs. */
export function compareLimbs(aHi: number, aLo: number, bHi: number, bLo: number): number {
  if (aHi !== bHi) return aHi < bHi ? -1 : 1;
  return aLo < bLo ? -1 : aLo > bLo ? 1 : 0;
}

/** Lexicographic comparison of rows i and j (ties between equal scores are broken by content, so the
 * choice never depends on the input order). */
export function compareRows(v: Int32Array, i: number, j: number, d: number): number {
  const a = i * d;
  const b = j * d;
  for (let c = 0; c < d; c++) {
    const x = v[a + c]!;
    const y = v[b + c]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** A growable scratch buffer, reused across calls so the per-round path does not allocate. */
export class Scratch<T extends Int32Array | Float64Array> {
  private buf: T;
  constructor(private readonly make: (n: number) => T) {
    this.buf = make(64);
  }
  get(n: number): T {
    if (this.buf.length < n) this.buf = this.make(Math.max(n, this.buf.length * 2));
    return this.buf;
  }
}
