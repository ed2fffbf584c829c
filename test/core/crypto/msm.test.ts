// The verifier's multi-scalar multiplication (src/core/crypto/msm.ts) against @noble/curves' own, and its scalar
// recoding against the definition of a width-w NAF.
import { describe, expect, it } from 'vitest';
import { mulAddUnsafe } from '@noble/curves/abstract/curve.js';
import { FixedBaseMsm, variableMsm, wnaf } from '../../../src/core/crypto/msm';
import { GROUP_ORDER, Point, randomScalar, seededByteSource } from '../../../src/core/crypto/group';

const rng = seededByteSource('msm-test');
const edgeScalars = [0n, 1n, 2n, 3n, 15n, 16n, 31n, 2n ** 128n - 1n, 2n ** 252n, GROUP_ORDER - 1n, GROUP_ORDER - 2n, (1n << 252n) - 1n];

describe('wnaf', () => {
  it('recodes every scalar into odd digits below 2^(w−1), w bits apart, that sum back to it (widths 2..16)', () => {
    for (const w of [2, 3, 4, 5, 6, 9, 10, 11, 16]) {
      const scalars = [...edgeScalars, ...Array.from({ length: 40 }, () => randomScalar(rng))];
      for (const k of scalars) {
        const bits: number[] = [];
        const digits: number[] = [];
        wnaf(k, w, bits, digits);
        let sum = 0n;
        for (let e = 0; e < bits.length; e++) {
          const d = digits[e]!;
          expect(Math.abs(d) % 2, `w ${w} k ${k}`).toBe(1);
          expect(Math.abs(d)).toBeLessThan(2 ** (w - 1));
          if (e > 0) expect(bits[e]! - bits[e - 1]!).toBeGreaterThanOrEqual(w);
          sum += BigInt(d) << BigInt(bits[e]!);
        }
        expect(sum, `w ${w} k ${k}`).toBe(k);
      }
    }
  });

  it('refuses scalars outside [0, ℓ) and widths outside 2..16', () => {
    expect(() => wnaf(GROUP_ORDER, 5, [], [])).toThrow(RangeError);
    expect(() => wnaf(-1n, 5, [], [])).toThrow(RangeError);
    expect(() => wnaf(1n, 1, [], [])).toThrow(RangeError);
    expect(() => wnaf(1n, 17, [], [])).toThrow(RangeError);
  });
});

describe('FixedBaseMsm', () => {
  const fixedPoints = [...Array.from({ length: 7 }, (_, i) => Point.BASE.multiply(BigInt(1000 + 7919 * i))), Point.ZERO];
  const reference = (points: readonly Point[], scalars: readonly bigint[]) => mulAddUnsafe(Point, [...points], [...scalars]);

  it('equals noble’s MSM for fixed and per-call points, zero and edge scalars, every table width', () => {
    for (const width of [2, 3, 6, 9]) {
      const msm = new FixedBaseMsm(fixedPoints, width);
      for (let t = 0; t < 6; t++) {
        const fixed = fixedPoints.map((_, i) => (i === t ? 0n : t % 2 ? randomScalar(rng) : edgeScalars[(i + t) % edgeScalars.length]!));
        const vPoints = [Point.BASE.multiply(5n + BigInt(t)), fixedPoints[3]!, Point.ZERO];
        const vScalars = [randomScalar(rng), t === 0 ? 0n : GROUP_ORDER - 1n, randomScalar(rng)];
        for (const varWidth of [2, 5, 8]) {
          const got = msm.msm(fixed, vPoints, vScalars, varWidth);
          expect(got.equals(reference([...fixedPoints, ...vPoints], [...fixed, ...vScalars])), `w ${width}/${varWidth} t ${t}`).toBe(true);
        }
      }
    }
  });

  it('takes fewer scalars than fixed points (the rest count as zero), and all-zero gives the identity', () => {
    const msm = new FixedBaseMsm(fixedPoints, 5);
    const s = [randomScalar(rng), randomScalar(rng)];
    expect(msm.msm(s).equals(reference(fixedPoints.slice(0, 2), s))).toBe(true);
    expect(msm.msm([]).equals(Point.ZERO)).toBe(true);
    expect(msm.msm(fixedPoints.map(() => 0n)).equals(Point.ZERO)).toBe(true);
    expect(variableMsm([Point.BASE], [1n]).equals(Point.BASE)).toBe(true);
  });

  it('refuses mismatched lengths and out-of-range scalars with a RangeError', () => {
    const msm = new FixedBaseMsm(fixedPoints, 4);
    expect(() => msm.msm(new Array<bigint>(fixedPoints.length + 1).fill(1n))).toThrow(RangeError);
    expect(() => msm.msm([], [Point.BASE], [])).toThrow(RangeError);
    expect(() => msm.msm([GROUP_ORDER])).toThrow(RangeError);
    expect(() => msm.msm([], [Point.BASE], [-1n])).toThrow(RangeError);
    expect(() => new FixedBaseMsm(fixedPoints, 1)).toThrow(RangeError);
  });
});
