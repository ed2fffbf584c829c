import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AggregatorPreconditionError } from '../../../src/core/consensus/aggregators';
import { bulyan, bulyanMaxF, krum, krumMaxF, multiKrum } from '../../../src/core/consensus/krum';
import { contaminated, honestRange, sqDist } from './helpers';

const q = (x: number): number => Math.round(x * 65536);

/** Krum scores in BigInt (k = n − f − 2 nearest). */
function refScores(v: Int32Array, n: number, d: number, f: number): bigint[] {
  const k = n - f - 2;
  return Array.from({ length: n }, (_, i) => {
    const ds = Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .map((j) => sqDist(v, i, j, d))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return ds.slice(0, k).reduce((a, b) => a + b, 0n);
  });
}

/** The largest squared distance between honest rows, D, and k = n − f − 2. */
function honestDiameter(v: Int32Array, n: number, d: number, isByz: Uint8Array): bigint {
  let D = 0n;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (!isByz[i] && !isByz[j] && sqDist(v, i, j, d) > D) D = sqDist(v, i, j, d);
  return D;
}

function minSqDistToHonest(x: Int32Array, v: Int32Array, n: number, d: number, isByz: Uint8Array): bigint {
  let best = -1n;
  for (let i = 0; i < n; i++) {
    if (isByz[i]) continue;
    let s = 0n;
    for (let c = 0; c < d; c++) s += (BigInt(x[c]!) - BigInt(v[i * d + c]!)) ** 2n;
    if (best < 0n || s < best) best = s;
  }
  return best;
}

describe('krum', () => {
  it('picks (1, 1) in the textbook case where the mean is dragged to ~20', () => {
    const v = Int32Array.from([1, 1.1, 0.9, 1, 1.05, 0.95, 1, 1, 100, 100].map(q));
    expect(Array.from(krum(v, 5, 2, { f: 1 }))).toEqual([q(1), q(1)]);
  });
  it('selects the row with the exact minimal score (BigInt reference), also for huge int32 outliers', () => {
    fc.assert(
      fc.property(contaminated(krumMaxF, { minN: 3, maxN: 12, maxD: 5 }), ({ n, d, f, vectors }) => {
        const scores = refScores(vectors, n, d, f);
        const min = scores.reduce((a, b) => (b < a ? b : a));
        const res = krum(vectors, n, d, { f });
        const row = Array.from({ length: n }, (_, i) => i).find((i) => scores[i] === min && res.every((x, c) => x === vectors[i * d + c]));
        expect(row).toBeDefined();
      }),
      { numRuns: 1500 },
    );
  });
  it('tells far outliers apart (no saturation): the nearer of two outliers is never preferred wrongly', () => {
    // Two clusters of int32 extremes: a double sum of squares would round; the limbs do not.
    const big = 2 ** 31 - 1;
    const v = Int32Array.from([0, 0, 1, 0, 0, 1, big, -big, big - 1, -big]);
    expect(Array.from(krum(v, 5, 2, { f: 1 }))).toEqual([0, 0]);
  });
  it('lands within √(k·D) of an honest vector when ≤ f inputs are arbitrary (k = n − f − 2, D the honest diameter²)', () => {
    // Krum returns an input vector, which may be a Byzantine one inside the honest cloud, so "inside the
    // honest coordinate range" does not hold; this bound does (every honest score ≤ k·D, and the winner's
    // k nearest include an honest vector because k ≥ f + 1).
    fc.assert(
      fc.property(contaminated(krumMaxF, { minN: 3, maxN: 14 }), ({ n, d, f, vectors, isByz }) => {
        const k = BigInt(n - f - 2);
        const D = honestDiameter(vectors, n, d, isByz);
        expect(minSqDistToHonest(krum(vectors, n, d, { f }), vectors, n, d, isByz) <= k * D).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
  it('checks n > 2f + 2', () => {
    const v = new Int32Array(12);
    expect(() => krum(v, 4, 3, { f: 1 })).toThrow(AggregatorPreconditionError);
    expect(() => krum(v, 2, 3)).toThrow(AggregatorPreconditionError);
    expect(krumMaxF(5)).toBe(1);
  });
});

describe('multi-krum', () => {
  it('averages the m best-scoring vectors, each within √(k·D) of an honest one', () => {
    fc.assert(
      fc.property(contaminated(krumMaxF, { minN: 3, maxN: 14 }), fc.nat(), ({ n, d, f, vectors, isByz }, mSeed) => {
        const m = 1 + (mSeed % (n - f));
        const k = n - f - 2;
        const D = honestDiameter(vectors, n, d, isByz);
        const r = Math.ceil(Math.sqrt(Number(BigInt(k) * D))) + 1;
        const { lo, hi } = honestRange(vectors, n, d, isByz);
        multiKrum(vectors, n, d, { f, m }).forEach((x, c) => expect(x >= lo[c]! - r && x <= hi[c]! + r).toBe(true));
      }),
      { numRuns: 1500 },
    );
  });
  it('with m = 1 is Krum; with f = 0, m = n it is the mean', () => {
    const v = Int32Array.from([0, 10, 20, 30, 40, 1000].map(q));
    expect(Array.from(multiKrum(v, 6, 1, { f: 1, m: 1 }))).toEqual(Array.from(krum(v, 6, 1, { f: 1 })));
    expect(multiKrum(v, 6, 1, { f: 0, m: 6 })[0]).toBe(q(1100 / 6));
    expect(() => multiKrum(v, 6, 1, { f: 1, m: 6 })).toThrow(/m must be/);
  });
});

describe('bulyan', () => {
  it('stays inside the honest coordinate range when at most f inputs are arbitrary', () => {
    fc.assert(
      fc.property(contaminated(bulyanMaxF, { minN: 3, maxN: 19 }), ({ n, d, f, vectors, isByz }) => {
        const { lo, hi } = honestRange(vectors, n, d, isByz);
        bulyan(vectors, n, d, { f }).forEach((x, c) => expect(x >= lo[c]! && x <= hi[c]!).toBe(true));
      }),
      { numRuns: 1500 },
    );
  });
  it('removes a coordinated outlier group that the mean follows', () => {
    const honest = [1, 1.1, 0.9, 1.05, 0.95, 1, 1.02, 0.98, 1.01];
    const v = Int32Array.from([...honest, 50, 50].map(q));
    const res = bulyan(v, 11, 1, { f: 2 })[0]!;
    expect(res >= q(0.9) && res <= q(1.1)).toBe(true);
  });
  it('checks n ≥ 4f + 3', () => {
    expect(() => bulyan(new Int32Array(6), 6, 1, { f: 1 })).toThrow(AggregatorPreconditionError);
    expect(bulyan(new Int32Array(7), 7, 1, { f: 1 })[0]).toBe(0);
    expect(bulyanMaxF(11)).toBe(2);
  });
});
