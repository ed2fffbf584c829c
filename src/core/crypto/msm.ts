// Multi-scalar multiplication for verifiers: Straus interleaving with width-w NAF digits, ONE shared doubling
// chain for fixed points (precomputed odd-multiple tables, built once) and per-call points (small tables built
// per call, only as long as their largest digit needs). Every group operation is @noble/curves' own Edwards
// add/double/negate: this file only schedules them (which table entry to add at which bit: one flat schedule,
// counting-sorted by bit) and recodes scalars with Number arithmetic on 32-bit words instead of BigInt shifts.
// Negated table entries are made once, on first use, instead of one negation per use. Variable time: public
// inputs only (verifiers, and the simulator's provers).
//
// Where the time goes (profiled with node --cpu-prof on bench/crypto.ts): > 90 % of a verification is noble's
// point addition, ≈ 9 BigInt multiplications modulo p plus an allocation each, and an MSM of N full 253-bit
// scalars on width-w tables costs ≈ N·253/(w + 1) additions. Tables normalised to Z = 1 (noble's normalizeZ)
// were measured too: ≈ 2–3 % faster additions for twice the build time, not taken.
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

/** Odd multiples [P, 3P, ..., (2^(w−1) − 1)P] (what a width-w NAF digit selects) and their negations, cached. */
class OddMultiples {
  private readonly neg: (EdPoint | undefined)[];

  constructor(readonly pos: EdPoint[]) {
    this.neg = new Array<EdPoint | undefined>(pos.length);
  }

  /** The first `size` odd multiples of p: size − 1 additions and one doubling (none for size 1). */
  static of(p: EdPoint, size: number): EdPoint[] {
    const table: EdPoint[] = [p];
    if (size > 1) {
      const twice = p.double();
      for (let j = 1; j < size; j++) table.push(table[j - 1]!.add(twice));
    }
    return table;
  }

  /** digit·P for an odd digit with |digit| < 2^(w−1). */
  entry(digit: number): EdPoint {
    if (digit > 0) return this.pos[(digit - 1) >> 1]!;
    const j = (-digit - 1) >> 1;
    let n = this.neg[j];
    if (!n) this.neg[j] = n = this.pos[j]!.negate();
    return n;
  }
}

const SCALAR_BITS = 253; // ℓ < 2^253
/** Highest bit a digit can sit at: the final carry lands at most w ≤ 16 bits past the scalar's top bit. */
const MAX_DIGIT_BIT = SCALAR_BITS + 16;
/** The scalar's 8 words, then zeros for the windows read past its top (up to bit MAX_DIGIT_BIT + 16). */
const words = new Uint32Array(10);

/**
 * Width-w NAF of k ∈ [0, ℓ) (2 ≤ w ≤ 16): appends (bit, digit) for every nonzero digit (odd, |digit| < 2^(w−1)),
 * with k = Σ digit·2^bit. One hex conversion, then Number arithmetic on 32-bit words: a window of w bits is read
 * at each position, an odd window becomes a digit and, when it is ≥ 2^(w−1), a carry into the next window.
 */
export function wnaf(k: bigint, w: number, bits: number[], digits: number[]): void {
  if (k < 0n || k >= GROUP_ORDER) throw new RangeError('scalar out of range');
  if (w < 2 || w > 16) throw new RangeError('NAF width must be 2..16');
  const hex = k.toString(16).padStart(64, '0');
  for (let i = 0; i < 8; i++) words[i] = Number.parseInt(hex.slice(56 - 8 * i, 64 - 8 * i), 16);
  words[8] = 0;
  words[9] = 0;
  const full = 1 << w,
    half = full >> 1,
    mask = full - 1;
  let carry = 0;
  for (let pos = 0; pos < SCALAR_BITS || carry !== 0; ) {
    const word = pos >>> 5,
      off = pos & 31;
    let buf = words[word]! >>> off;
    if (off > 32 - w) buf |= words[word + 1]! << (32 - off);
    const window = carry + (buf & mask);
    if ((window & 1) === 0) {
      pos++; // carry (0 or 1) stays pending at the next bit: bit + carry was even
      continue;
    }
    if (window < half) {
      carry = 0;
      digits.push(window);
    } else {
      carry = 1;
      digits.push(window - full);
    }
    bits.push(pos);
    pos += w;
  }
}

/** A set of fixed points with precomputed tables; `msm` adds per-call points on the same doubling chain. */
export class FixedBaseMsm {
  private readonly tables: OddMultiples[];

  constructor(
    points: readonly Point[],
    private readonly width: number,
  ) {
    if (width < 2 || width > 16) throw new RangeError('table width must be 2..16');
    this.tables = points.map((p) => new OddMultiples(OddMultiples.of(edwardsOf(p), 1 << (width - 2))));
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
    if (varWidth < 2 || varWidth > 16) throw new RangeError('NAF width must be 2..16');
    // The schedule: for each nonzero digit, the bit it sits at and the table entry to add there.
    const bits: number[] = [];
    const entries: EdPoint[] = [];
    const digits: number[] = [];
    for (let i = 0; i < fixed.length; i++) {
      if (fixed[i] === 0n) continue;
      const from = bits.length;
      wnaf(fixed[i]!, this.width, bits, digits);
      const table = this.tables[i]!;
      for (let e = from; e < bits.length; e++) entries.push(table.entry(digits[e]!));
    }
    for (let j = 0; j < points.length; j++) {
      if (scalars[j] === 0n) continue;
      const from = bits.length;
      wnaf(scalars[j]!, varWidth, bits, digits);
      // A per-call table only as long as its largest digit needs (a scalar of 1, like A's, needs none built).
      let largest = 1;
      for (let e = from; e < bits.length; e++) largest = Math.max(largest, Math.abs(digits[e]!));
      const table = new OddMultiples(OddMultiples.of(points[j]!, (largest + 1) >> 1));
      for (let e = from; e < bits.length; e++) entries.push(table.entry(digits[e]!));
    }
    if (bits.length === 0) return EdZero;
    // Counting sort by bit, highest bit first.
    const count = new Uint32Array(MAX_DIGIT_BIT + 2);
    for (const b of bits) count[b]!++;
    const start = new Uint32Array(MAX_DIGIT_BIT + 2);
    for (let b = MAX_DIGIT_BIT; b >= 0; b--) start[b] = start[b + 1]! + count[b + 1]!;
    const sorted: EdPoint[] = new Array<EdPoint>(entries.length);
    for (let e = 0; e < entries.length; e++) sorted[start[bits[e]!]!++] = entries[e]!;
    let top = MAX_DIGIT_BIT;
    while (count[top] === 0) top--;
    let acc = EdZero;
    let at = 0;
    for (let bit = top; bit >= 0; bit--) {
      if (bit !== top) acc = acc.double();
      for (let c = count[bit]!; c > 0; c--) acc = acc.add(sorted[at++]!);
    }
    return acc;
  }
}

/** Σ scalars_j·points_j for per-call points only (no fixed tables). */
export function variableMsm(points: readonly Point[], scalars: readonly bigint[], width = 5): Point {
  return EMPTY.msm([], points, scalars, width);
}

const EMPTY = new FixedBaseMsm([], 2);
