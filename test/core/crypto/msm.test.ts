// The multi-scalar multiplication (src/core/crypto/msm.ts, mcl's WebAssembly mulVec) against an independent
// implementation: @noble/curves' secp256k1, fed the same points by their SEC1 encodings.
import { describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { FixedBaseMsm, variableMsm } from '../../../src/core/crypto/msm';
import { GROUP_ORDER, Point, randomScalar, seededByteSource } from '../../../src/core/crypto/group';

const rng = seededByteSource('msm-test');
const edgeScalars = [0n, 1n, 2n, 3n, 15n, 16n, 31n, 2n ** 128n - 1n, 2n ** 255n, GROUP_ORDER - 1n, GROUP_ORDER - 2n, (1n << 252n) - 1n];
const Noble = secp256k1.Point;

/** Σ s_i·P_i computed by noble, point by point, back in our encoding. */
function reference(points: readonly Point[], scalars: readonly bigint[]): Uint8Array {
  let acc = Noble.ZERO;
  points.forEach((p, i) => {
    if (p.is0() || scalars[i] === 0n) return;
    acc = acc.add(Noble.fromBytes(p.toBytes()).multiply(scalars[i]!));
  });
  return acc.is0() ? new Uint8Array(33) : acc.toBytes(true);
}

describe('FixedBaseMsm', () => {
  const fixedPoints = [...Array.from({ length: 7 }, (_, i) => Point.BASE.multiply(BigInt(1000 + 7919 * i))), Point.ZERO];

  it('equals an independent secp256k1 (noble) for fixed and per-call points, zero and edge scalars', () => {
    const msm = new FixedBaseMsm(fixedPoints);
    for (let t = 0; t < 12; t++) {
      const fixed = fixedPoints.map((_, i) => (i === t ? 0n : t % 2 ? randomScalar(rng) : edgeScalars[(i + t) % edgeScalars.length]!));
      const vPoints = [Point.BASE.multiply(5n + BigInt(t)), fixedPoints[3]!, Point.ZERO];
      const vScalars = [randomScalar(rng), t === 0 ? 0n : GROUP_ORDER - 1n, randomScalar(rng)];
      const got = msm.msm(fixed, vPoints, vScalars);
      expect(got.toBytes(), `t ${t}`).toEqual(reference([...fixedPoints, ...vPoints], [...fixed, ...vScalars]));
    }
  });

  it('a sum that cancels to the identity is the identity (P + (n − 1)·P)', () => {
    const P = Point.BASE.multiply(987654321n);
    expect(variableMsm([P, P], [1n, GROUP_ORDER - 1n]).is0()).toBe(true);
    expect(variableMsm([P, P.negate()], [42n, 42n]).is0()).toBe(true);
  });

  it('takes fewer scalars than fixed points (the rest count as zero), and all-zero gives the identity', () => {
    const msm = new FixedBaseMsm(fixedPoints);
    const s = [randomScalar(rng), randomScalar(rng)];
    expect(msm.msm(s).toBytes()).toEqual(reference(fixedPoints.slice(0, 2), s));
    expect(msm.msm([]).equals(Point.ZERO)).toBe(true);
    expect(msm.msm(fixedPoints.map(() => 0n)).equals(Point.ZERO)).toBe(true);
    expect(variableMsm([Point.BASE], [1n]).equals(Point.BASE)).toBe(true);
  });

  it('refuses mismatched lengths and out-of-range scalars with a RangeError', () => {
    const msm = new FixedBaseMsm(fixedPoints);
    expect(() => msm.msm(new Array<bigint>(fixedPoints.length + 1).fill(1n))).toThrow(RangeError);
    expect(() => msm.msm([], [Point.BASE], [])).toThrow(RangeError);
    expect(() => msm.msm([GROUP_ORDER])).toThrow(RangeError);
    expect(() => msm.msm([], [Point.BASE], [-1n])).toThrow(RangeError);
  });
});
