// Multi-scalar multiplication for verifiers and provers: Σ s_i·P_i in one call to mcl's WebAssembly `mulVec`
// (a bucket method with GLV over secp256k1), which does every point addition inside the WebAssembly instance. The
// fixed sets (the range generators, B and H, G_0..G_8) are kept as mcl values so that a call only converts its
// scalars (32 little-endian bytes each) and its per-call points. Zero scalars are left out. Variable time: public
// inputs only (verifiers, and the simulator's provers).
import * as mcl from 'mcl-wasm';
import { GROUP_ORDER, Point, frOf } from './group';

/** A set of fixed points; `msm` adds per-call points to the same multi-scalar multiplication. */
export class FixedBaseMsm {
  private readonly points: readonly mcl.G1[];

  constructor(points: readonly Point[]) {
    this.points = points.map((p) => p.g);
  }

  get size(): number {
    return this.points.length;
  }

  /**
   * Σ fixed_i·P_i + Σ scalars_j·points_j. `fixed` may be shorter than the fixed set (the rest count as zero);
   * zero scalars cost nothing. Every scalar must be in [0, n).
   */
  msm(fixed: readonly bigint[], points: readonly Point[] = [], scalars: readonly bigint[] = []): Point {
    if (fixed.length > this.points.length) throw new RangeError('more scalars than fixed points');
    if (points.length !== scalars.length) throw new RangeError('one scalar per point');
    const ps: mcl.G1[] = [];
    const ks: mcl.Fr[] = [];
    const take = (p: mcl.G1, k: bigint) => {
      if (k < 0n || k >= GROUP_ORDER) throw new RangeError('scalar out of range');
      if (k === 0n) return;
      ps.push(p);
      ks.push(frOf(k));
    };
    for (let i = 0; i < fixed.length; i++) take(this.points[i]!, fixed[i]!);
    for (let j = 0; j < points.length; j++) take(points[j]!.g, scalars[j]!);
    if (ps.length === 0) return Point.ZERO;
    return new Point(mcl.mulVec(ps, ks));
  }
}

const EMPTY = new FixedBaseMsm([]);

/** Σ scalars_j·points_j for per-call points only. */
export function variableMsm(points: readonly Point[], scalars: readonly bigint[]): Point {
  return EMPTY.msm([], points, scalars);
}
