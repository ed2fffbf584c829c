import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AGGREGATORS, AGGREGATOR_NAMES, getAggregator, UnknownNameError } from '../../../src/core/consensus/registry';
import { INT32, permuteRows } from './helpers';

describe('aggregator registry', () => {
  it('has the eight named methods', () => {
    expect(Object.keys(AGGREGATORS).sort()).toEqual(
      ['bulyan', 'clipped-gossip', 'krum', 'mean', 'median', 'multi-krum', 'reputation-trimmed-mean', 'trimmed-mean'].sort(),
    );
    for (const name of AGGREGATOR_NAMES) expect(getAggregator(name).name).toBe(name);
  });
  it('lists the valid names for a bad one', () => {
    expect(() => getAggregator('krumm')).toThrow(UnknownNameError);
    expect(() => getAggregator('krumm')).toThrow(/valid: mean, median, trimmed-mean, krum, multi-krum, bulyan, reputation-trimmed-mean, clipped-gossip/);
  });
  it('every method is invariant under permutation of its inputs (of rows 1… for a self-centred one; duplicates and int32 extremes included)', () => {
    const row = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.integer(INT32), fc.constantFrom(0, 7));
    fc.assert(
      fc.property(
        fc.constantFrom(...AGGREGATOR_NAMES),
        fc.integer({ min: 3, max: 16 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(row, { minLength: 64, maxLength: 64 }),
        fc.array(fc.integer({ min: 0, max: 65536 }), { minLength: 16, maxLength: 16 }),
        fc.integer(),
        (name, n, d, pool, w, seed) => {
          const spec = getAggregator(name);
          if (spec.maxF(n) < 0) return;
          // Rows drawn from a small pool so that ties and duplicates are common.
          const v = Int32Array.from({ length: n * d }, (_, i) => pool[(i * 7 + (seed & 15) * ((i / d) | 0)) % 64]!);
          const weights = w.slice(0, n);
          const perm = fc.sample(
            fc.shuffledSubarray(
              Array.from({ length: n }, (_, i) => i),
              { minLength: n, maxLength: n },
            ),
            { seed, numRuns: 1 },
          )[0]!;
          // A self-centred method keeps the receiver's own row first.
          if (spec.selfCentred) {
            perm.splice(perm.indexOf(0), 1);
            perm.unshift(0);
          }
          const a = spec.aggregate(v, n, d, { weights });
          const b = spec.aggregate(permuteRows(v, n, d, perm), n, d, { weights: perm.map((i) => weights[i]!) });
          expect(Array.from(b)).toEqual(Array.from(a));
        },
      ),
      { numRuns: 3000 },
    );
  });
  it('is deterministic and does not keep state between calls', () => {
    const v = Int32Array.from({ length: 90 }, (_, i) => (i * 2654435761) % 100003);
    for (const name of AGGREGATOR_NAMES) {
      const spec = getAggregator(name);
      const opts = { weights: Array(10).fill(40000) };
      const first = Array.from(spec.aggregate(v, 10, 9, opts));
      spec.aggregate(
        Int32Array.from({ length: 300 }, (_, i) => i),
        30,
        10,
        { weights: Array(30).fill(1) },
      );
      expect(Array.from(spec.aggregate(v, 10, 9, opts))).toEqual(first);
    }
  });
});
