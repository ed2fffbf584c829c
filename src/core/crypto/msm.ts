// Multi-scalar multiplication for verifiers: Straus interleaving with width-w NAF digits, ONE shared doubling
// chain for fixed points (precomputed odd-multiple tables, built once) and per-call points (small tables built
// per call). Every group operation is @noble/curves' own Edwards add/double/negate: this file only schedules
// them (which table entry to add at which bit), and recodes scalars with plain Number arithmetic instead of
// one BigInt shift per bit. Variable time: public inputs only (verifiers, and the simulator's provers).
import { ed25519 } from '@noble/curves/ed25519.js';
import { GROUP_ORDER, Point } from './group';

/** The Edwards representative a ristretto255 point wraps (noble keeps it in a protected field). */
type EdPoint = InstanceType<typeof ed25519.Point>;
const EdZero = ed25519.Point.ZERO;

export function edwardsOf(p: Point): EdPoint {
  return (p as unknown as { ep: EdPoint }).ep;
}

/** Wraps an Edwards sum of ristretto representatives back into the ristretto group (equality mod 4-torsion). */
export function ristrettoOf(e: EdPoint): Point {
  return new Point(e);
}

/** [P, 3P, 5P, ..., (2^(w−1) − 1)P]: the odd multiples a width-w NAF digit can select. */
function oddMultiples(p: EdPoint, w: number): EdPoint[] {
  const size = 1 << (w - 2);
  const table: EdPoint[] = [p];
  if (size > 1) {
    const twice = p.double();
    for (let j = 1; j < size; j++) table.push(table[j - 1]!.add(twice));
  }
  return table;
}

const SCALAR_BITS = 253; // ℓ < 2^253

/**
 * Width-w NAF of k ∈ [0, ℓ): calls emit(bit, digit) for every nonzero digit (odd, |digit| < 2^(w−1)), with
 * k = Σ digit·2^bit. Works on the binary string of k (one native toString), not one BigInt shift per bit.
 */
function wnaf(k: bigint, w: number, emit: (bit: number, digit: number) => void): void {
  if (k < 0n || k >= GROUP_ORDER) throw new RangeError('scalar out of range');
  const s = k.toString(2);
  const n = s.length;
  const bits = new Uint8Array(n + w + 1);
  for (let i = 0; i < n; i++) bits[i] = s.charCodeAt(n - 1 - i) - 48;
  const full = 1 << w,
    half = full >> 1;
  for (let i = 0; i < bits.length; ) {
    if (bits[i] === 0) {
      i++;
      continue;
    }
    let v = 0;
    for (let j = 0; j < w && i + j < bits.length; j++) v |= bits[i + j]! << j;
    for (let j = 0; j < w && i + j < bits.length; j++) bits[i + j] = 0;
    if (v >= half) {
      v -= full; // negative digit: add 2^w at bit i, i.e. carry 1 into bit i + w
      let c = i + w;
      while (bits[c] === 1) bits[c++] = 0;
      bits[c] = 1;
    }
    emit(i, v);
    i += w;
  }
}

/** A set of fixed points with precomputed tables; `msm` adds per-call points on the same doubling chain. */
export class FixedBaseMsm {
  private readonly tables: EdPoint[][];

  constructor(
    points: readonly Point[],
    private readonly width: number,
  ) {
    this.tables = points.map((p) => oddMultiples(edwardsOf(p), width));
  }

  get size(): number {
    return this.tables.length;
  }

  /**
   * Σ fixed_i·P_i + Σ scalars_j·points_j. `fixed` may be shorter than the fixed set (the rest count as zero);
   * zero scalars cost nothing. Every scalar must be in [0, ℓ).
   */
  msm(fixed: readonly bigint[], points: readonly Point[] = [], scalars: readonly bigint[] = [], varWidth = 5): Point {
    return ristrettoOf(this.msmEdwards(fixed, points.map(edwardsOf), scalars, varWidth));
  }

  msmEdwards(fixed: readonly bigint[], points: readonly EdPoint[], scalars: readonly bigint[], varWidth = 5): EdPoint {
    if (fixed.length > this.tables.length) throw new RangeError('more scalars than fixed points');
    if (points.length !== scalars.length) throw new RangeError('one scalar per point');
    // Per bit position, the table entries to add there (positive and negated).
    const adds: EdPoint[][] = Array.from({ length: SCALAR_BITS + 8 }, () => []);
    const subs: EdPoint[][] = Array.from({ length: SCALAR_BITS + 8 }, () => []);
    const schedule = (table: readonly EdPoint[]) => (bit: number, d: number) => {
      if (d > 0) adds[bit]!.push(table[(d - 1) >> 1]!);
      else subs[bit]!.push(table[(-d - 1) >> 1]!);
    };
    for (let i = 0; i < fixed.length; i++) if (fixed[i] !== 0n) wnaf(fixed[i]!, this.width, schedule(this.tables[i]!));
    for (let j = 0; j < points.length; j++) {
      if (scalars[j] === 0n) continue;
      wnaf(scalars[j]!, varWidth, schedule(oddMultiples(points[j]!, varWidth)));
    }
    let top = adds.length - 1;
    while (top >= 0 && adds[top]!.length === 0 && subs[top]!.length === 0) top--;
    let acc = EdZero;
    for (let bit = top; bit >= 0; bit--) {
      if (bit !== top) acc = acc.double();
      for (const p of adds[bit]!) acc = acc.add(p);
      for (const p of subs[bit]!) acc = acc.subtract(p);
    }
    return acc;
  }
}

/** Σ scalars_j·points_j for per-call points only (no fixed tables). */
export function variableMsm(points: readonly Point[], scalars: readonly bigint[], width = 5): Point {
  return EMPTY.msm([], points, scalars, width);
}

const EMPTY = new FixedBaseMsm([], 2);
