import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AggregatorPreconditionError,
  mean,
  median,
  reputationTrimmedMean,
  resolveF,
  trimmedMean,
  trimmedMeanMaxF,
} from '../../../src/core/consensus/aggregators';
import { contaminated, honestRange, INT32 } from './helpers';

const rowsOf = (rows: number[][]): Int32Array => Int32Array.from(rows.flat());

describe('mean', () => {
  it('is within half an LSB of the exact mean, for any int32 input', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(INT32), { minLength: 1, maxLength: 200 }), (xs) => {
        const res = mean(Int32Array.from(xs), xs.length, 1)[0]!;
        const s = xs.reduce((a, b) => a + BigInt(b), 0n);
        const err = BigInt(res) * BigInt(xs.length) - s; // n·(result − exact mean)
        expect(2n * err <= BigInt(xs.length) && -2n * err < BigInt(xs.length)).toBe(true);
      }),
      { numRuns: 10_000 },
    );
  });
  it('writes into a caller buffer', () => {
    const out = new Int32Array(2);
    expect(
      mean(
        rowsOf([
          [1, 2],
          [3, 5],
        ]),
        2,
        2,
        {},
        out,
      ),
    ).toBe(out);
    expect(Array.from(out)).toEqual([2, 4]); // 3.5 rounds up
  });
});

describe('median', () => {
  it('takes the middle value, or the rounded mean of the two middle ones', () => {
    expect(Array.from(median(rowsOf([[5], [1], [9]]), 3, 1))).toEqual([5]);
    expect(Array.from(median(rowsOf([[5], [1], [9], [2]]), 4, 1))).toEqual([4]); // (2 + 5)/2 = 3.5 → 4
    expect(Array.from(median(rowsOf([[-5], [-2]]), 2, 1))).toEqual([-3]); // −3.5 → −3 (ties towards +∞)
  });
  it('stays inside the honest range with fewer than half the inputs arbitrary', () => {
    fc.assert(
      fc.property(contaminated(trimmedMeanMaxF), ({ n, d, vectors, isByz }) => {
        const { lo, hi } = honestRange(vectors, n, d, isByz);
        median(vectors, n, d).forEach((v, c) => expect(v >= lo[c]! && v <= hi[c]!).toBe(true));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('trimmed mean', () => {
  it('is the rounded mean of the middle n − 2f order statistics (exact reference)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(INT32), { minLength: 1, maxLength: 60 }), fc.nat(), (xs, k) => {
        const f = k % (trimmedMeanMaxF(xs.length) + 1);
        const sorted = [...xs].sort((a, b) => a - b).slice(f, xs.length - f);
        const s = sorted.reduce((a, b) => a + b, 0);
        const m = sorted.length;
        const res = trimmedMean(Int32Array.from(xs), xs.length, 1, { f })[0]!;
        expect(Math.abs(res * m - s) * 2 <= m).toBe(true);
      }),
      { numRuns: 10_000 },
    );
  });
  it('equals the exact mean on symmetric data (pairs c ± δ), as does the median', () => {
    // On symmetric data every order statistic pairs up around c, so trimming keeps the mean c exactly.
    // (On asymmetric honest data the trimmed mean is NOT the mean: it is the mean of the middle values.)
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 28), max: 2 ** 28 }),
        fc.array(fc.integer({ min: 0, max: 2 ** 28 }), { minLength: 1, maxLength: 30 }),
        fc.boolean(),
        fc.nat(),
        (c, deltas, withCentre, k) => {
          const xs = deltas.flatMap((dl) => [c + dl, c - dl]);
          if (withCentre) xs.push(c);
          const f = k % (trimmedMeanMaxF(xs.length) + 1);
          expect(trimmedMean(Int32Array.from(xs), xs.length, 1, { f })[0]).toBe(c);
          expect(median(Int32Array.from(xs), xs.length, 1)[0]).toBe(c);
          expect(mean(Int32Array.from(xs), xs.length, 1)[0]).toBe(c);
        },
      ),
      { numRuns: 2000 },
    );
  });
  it('stays inside the honest range when at most f inputs are arbitrary', () => {
    fc.assert(
      fc.property(contaminated(trimmedMeanMaxF), ({ n, d, f, vectors, isByz }) => {
        const { lo, hi } = honestRange(vectors, n, d, isByz);
        trimmedMean(vectors, n, d, { f }).forEach((v, c) => expect(v >= lo[c]! && v <= hi[c]!).toBe(true));
      }),
      { numRuns: 2000 },
    );
  });
  it('checks 2f < n', () => {
    expect(() => trimmedMean(rowsOf([[1], [2]]), 2, 1, { f: 1 })).toThrow(AggregatorPreconditionError);
    expect(() => trimmedMean(rowsOf([[1]]), 1, 1, { f: -1 })).toThrow(/integer/);
    expect(() => trimmedMean(rowsOf([[1]]), 0, 1)).toThrow(AggregatorPreconditionError);
    expect(() => trimmedMean(rowsOf([[1]]), 2, 1)).toThrow(/cannot hold/);
  });
});

describe('reputation-weighted trimmed mean', () => {
  it('with equal weights equals the trimmed mean', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(INT32), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 65536 }), fc.nat(), (xs, w, k) => {
        const f = k % (trimmedMeanMaxF(xs.length) + 1);
        const weights = xs.map(() => w);
        const v = Int32Array.from(xs);
        expect(reputationTrimmedMean(v, xs.length, 1, { f, weights })[0]).toBe(trimmedMean(v, xs.length, 1, { f })[0]);
      }),
      { numRuns: 2000 },
    );
  });
  it('weights the kept values (Σv·w/Σw) and ignores a zero weight', () => {
    const v = rowsOf([[0], [100], [1000]]);
    expect(reputationTrimmedMean(v, 3, 1, { f: 0, weights: [65536, 65536, 0] })[0]).toBe(50);
    expect(reputationTrimmedMean(v, 3, 1, { f: 0, weights: [65536, (3 * 65536) / 4, 65536 / 4] })[0]).toBe(
      Math.round((75 * 65536 + 250 * 65536) / (2 * 65536)),
    );
    // All kept weights zero: the plain mean of the kept values, not 0.
    expect(reputationTrimmedMean(v, 3, 1, { f: 1, weights: [65536, 0, 65536] })[0]).toBe(100);
  });
  it('stays inside the honest range when at most f inputs are arbitrary, whatever the weights', () => {
    fc.assert(
      fc.property(
        contaminated(trimmedMeanMaxF),
        fc.array(fc.integer({ min: 0, max: 65536 }), { minLength: 20, maxLength: 20 }),
        ({ n, d, f, vectors, isByz }, weights) => {
          const { lo, hi } = honestRange(vectors, n, d, isByz);
          reputationTrimmedMean(vectors, n, d, { f, weights }).forEach((v, c) => expect(v >= lo[c]! && v <= hi[c]!).toBe(true));
        },
      ),
      { numRuns: 2000 },
    );
  });
  it('rejects missing or out-of-range weights', () => {
    const v = rowsOf([[1], [2], [3]]);
    expect(() => reputationTrimmedMean(v, 3, 1, {})).toThrow(AggregatorPreconditionError);
    expect(() => reputationTrimmedMean(v, 3, 1, { weights: [1, 2] })).toThrow(/weights/);
    expect(() => reputationTrimmedMean(v, 3, 1, { weights: [1, 2, 65537] })).toThrow(/Q16/);
  });
});

describe('resolveF', () => {
  it('uses ⌈n · fraction⌉ capped to what the method allows, or the explicit f', () => {
    expect(resolveF('x', 17, 8)).toBe(5); // ⌈17/4⌉
    expect(resolveF('x', 17, 3)).toBe(3); // capped
    expect(resolveF('x', 10, 4, { byzantineFractionQ16: 19661 })).toBe(3); // ⌈3.0000⌉
    expect(resolveF('x', 10, 4, { f: 2 })).toBe(2);
    expect(() => resolveF('x', 10, 4, { f: 5 })).toThrow(AggregatorPreconditionError);
    expect(() => resolveF('x', 2, -1)).toThrow(/too small/);
    expect(() => resolveF('x', 2, 1, { byzantineFractionQ16: 70000 })).toThrow(/byzantineFraction/);
  });
});
