import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assessDrift, DEFAULT_REPUTATION, PeerIdError, ReputationTracker } from '../../../src/core/consensus/reputation';
import { createRng } from '../../../src/core/rng/rng';

describe('ReputationTracker', () => {
  it('starts at 0.5 and applies the default steps: +0.02, −0.08, −0.15', () => {
    const t = new ReputationTracker(4);
    expect(t.score(3)).toBe(32768);
    t.reward(3);
    expect(t.score(3)).toBe(32768 + 1311);
    t.penalizeDrift(3);
    expect(t.score(3)).toBe(32768 + 1311 - 5243);
    t.penalizeFailedCheck(3);
    expect(t.score(3)).toBe(32768 + 1311 - 5243 - 9830);
    expect(t.score(1000)).toBe(32768); // never seen: default, no growth needed
  });
  it('bans strictly below 0.2: two failed checks leave 0.2 (not banned), the third bans', () => {
    const t = new ReputationTracker();
    t.penalizeFailedCheck(7);
    t.penalizeFailedCheck(7);
    expect(t.score(7)).toBe(32768 - 2 * 9830);
    expect(t.isBanned(7)).toBe(false);
    t.penalizeFailedCheck(7);
    expect(t.isBanned(7)).toBe(true);
    expect(t.bannedCount()).toBe(1);
  });
  it('four drift penalties ban a default peer (0.5 − 0.32 = 0.18)', () => {
    const t = new ReputationTracker();
    for (let k = 0; k < 3; k++) t.penalizeDrift(2);
    expect(t.isBanned(2)).toBe(false);
    t.penalizeDrift(2);
    expect(t.isBanned(2)).toBe(true);
  });
  it('keeps scores in [0, 1]; bans are sticky unless configured otherwise', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 200 }), fc.boolean(), (ops, sticky) => {
        const t = new ReputationTracker(1, { stickyBans: sticky });
        let everBanned = false;
        for (const op of ops) {
          [() => t.reward(0), () => t.penalizeDrift(0), () => t.penalizeFailedCheck(0)][op]!();
          expect(t.score(0) >= 0 && t.score(0) <= 65536).toBe(true);
          everBanned ||= t.isBanned(0);
          expect(t.isBanned(0)).toBe(sticky ? everBanned : t.score(0) < DEFAULT_REPUTATION.banBelowQ16);
        }
      }),
      { numRuns: 1000 },
    );
  });
  it('grows for large ids, rejects bad ones, and gives weights (0 when banned)', () => {
    const t = new ReputationTracker(2, { initialQ16: 40000 });
    t.reward(100_000);
    expect(t.score(100_000)).toBe(41311);
    for (let k = 0; k < 4; k++) t.penalizeFailedCheck(1);
    expect(Array.from(t.weights([0, 1, 100_000]))).toEqual([40000, 0, 41311]);
    expect(() => t.score(-1)).toThrow(PeerIdError);
    expect(() => t.reward(1.5)).toThrow(PeerIdError);
    t.reset();
    expect(t.isBanned(1)).toBe(false);
  });
});

describe('assessDrift', () => {
  const d = 9;
  function cloud(seed: number, n: number, sigma: number): Int32Array {
    const rng = createRng(seed);
    return Int32Array.from({ length: n * d }, () => Math.round((rng.gaussianQ16() * sigma) / 65536));
  }
  it('flags no honest row in a Gaussian cloud, whatever its scale', () => {
    for (let seed = 0; seed < 200; seed++) {
      const sigma = 10 + ((seed * 7919) % 100_000);
      const v = cloud(seed, 17, sigma);
      expect(Array.from(assessDrift(v, 17, d, new Int32Array(d))).every((x) => x === 0)).toBe(true);
    }
  });
  it('flags rows beyond 3× the median distance, not honest ones, with 30 % clumped at the centre', () => {
    const v = cloud(1, 20, 6554);
    for (let i = 14; i < 18; i++) v.fill(0, i * d, i * d + d); // clumped at the aggregate
    for (let i = 18; i < 20; i++) v.fill(6554 * 4, i * d, i * d + d); // far: 12σ away
    const flags = assessDrift(v, 20, d, new Int32Array(d));
    expect(Array.from(flags.subarray(0, 18)).every((x) => x === 0)).toBe(true);
    expect(Array.from(flags.subarray(18))).toEqual([1, 1]);
  });
  it('respects the absolute floor and the multiple', () => {
    const v = Int32Array.from([0, 0, 0, 0, 0, 0, 10, 10]); // d = 2, a near-unanimous swarm and one row off by 10
    expect(Array.from(assessDrift(v, 4, 2, [0, 0]))).toEqual([0, 0, 0, 1]);
    expect(Array.from(assessDrift(v, 4, 2, [0, 0], { minDistanceQ16: 20 }))).toEqual([0, 0, 0, 0]);
    expect(() => assessDrift(v, 4, 2, [0, 0], { distanceMultipleSq: 0 })).toThrow(RangeError);
    expect(() => assessDrift(v, 5, 2, [0, 0])).toThrow(RangeError);
  });
});
