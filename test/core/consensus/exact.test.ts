import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareLimbs, compareRows, roundDiv, roundDivSplit, squaredDistanceLimbs } from '../../../src/core/consensus/exact';

const big = (x: number): bigint => BigInt(x);
/** Reference: round(n/k) ties towards +∞, in BigInt. */
function refRound(num: bigint, k: bigint): bigint {
  const twice = 2n * num + k;
  const q = twice / (2n * k);
  return twice < 0n && q * 2n * k !== twice ? q - 1n : q; // floor division
}

describe('exact arithmetic', () => {
  it('roundDiv rounds to nearest with ties towards +∞, exactly', () => {
    expect(roundDiv(5, 2)).toBe(3);
    expect(roundDiv(-5, 2)).toBe(-2);
    expect(roundDiv(7, 3)).toBe(2);
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 51), max: 2 ** 51 }), fc.integer({ min: 1, max: 2 ** 21 }), (s, k) => {
        expect(big(roundDiv(s, k))).toBe(refRound(big(s), big(k)));
      }),
      { numRuns: 10_000 },
    );
  });
  it('roundDivSplit equals round((hi·2^16 + lo)/w) computed in BigInt', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 65536 })), { minLength: 1, maxLength: 40 }),
        (pairs) => {
          let hi = 0;
          let lo = 0;
          let w = 0;
          let exact = 0n;
          for (const [v, wi] of pairs) {
            const vh = Math.floor(v / 65536);
            hi += vh * wi;
            lo += (v - vh * 65536) * wi;
            w += wi;
            exact += big(v) * big(wi);
          }
          if (w === 0) return;
          expect(big(roundDivSplit(hi, lo, w))).toBe(refRound(exact, big(w)));
        },
      ),
      { numRuns: 2000 },
    );
  });
  it('squaredDistanceLimbs is exact for any int32 vectors, where a double sum is not', () => {
    const out = new Float64Array(2);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), {
          minLength: 1,
          maxLength: 12,
        }),
        (pairs) => {
          const a = Int32Array.from(pairs.map((p) => p[0]));
          const b = Int32Array.from(pairs.map((p) => p[1]));
          squaredDistanceLimbs(a, 0, b, 0, pairs.length, out, 0);
          const ref = pairs.reduce((s, [x, y]) => s + (big(x) - big(y)) ** 2n, 0n);
          expect(out[1]).toBeLessThan(2 ** 32);
          expect(big(out[0]!) * 2n ** 32n + big(out[1]!)).toBe(ref);
        },
      ),
      { numRuns: 2000 },
    );
  });
  it('compares limbs and rows', () => {
    expect(compareLimbs(1, 0, 0, 2 ** 32 - 1)).toBe(1);
    expect(compareLimbs(2, 5, 2, 6)).toBe(-1);
    expect(compareLimbs(2, 5, 2, 5)).toBe(0);
    const v = Int32Array.from([1, 2, 1, 3, 1, 2]);
    expect(compareRows(v, 0, 1, 2)).toBe(-1);
    expect(compareRows(v, 1, 0, 2)).toBe(1);
    expect(compareRows(v, 0, 2, 2)).toBe(0);
  });
});
