import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  PrivacyAccountant, addGaussianNoiseQ16, clipL2Q16, gaussianMechanism, privatizeUpdate,
} from '../../../src/core/crypto/privacy';
import { InvalidCryptoInputError, PrivacyBudgetExceededError } from '../../../src/core/crypto/errors';
import { createRng } from '../../../src/core/rng/rng';

const norm2 = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + BigInt(x) ** 2n, 0n);

describe('differential privacy', () => {
  it('L2 clipping never exceeds C and leaves short updates alone', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 9 }), fc.integer({ min: 1, max: 2 ** 24 }), (v, clip) => {
        const out = clipL2Q16(v, clip);
        if (norm2(v) <= BigInt(clip) ** 2n) return Array.from(out).every((x, i) => x === v[i]);
        return norm2(out) <= BigInt(clip) ** 2n && Array.from(out).every((x, i) => Math.sign(x) === Math.sign(v[i]!) || x === 0);
      }),
      { numRuns: 1000 },
    );
    expect(Array.from(clipL2Q16([3 * 65536, 4 * 65536], 65536))).toEqual([39321, 52428]); // (0.6, 0.8) rounded down
  });

  it('σ follows C·√(2 ln(1.25/δ))/ε and bad parameters are refused', () => {
    const m = gaussianMechanism(65536, 0.5, 1e-5);
    expect(m.sigmaQ16).toBe(Math.ceil((65536 * Math.sqrt(2 * Math.log(1.25e5))) / 0.5));
    expect(m.epsilonMicros).toBe(500000);
    expect(m.deltaPicos).toBe(10_000_000);
    expect(() => gaussianMechanism(65536, 2, 1e-5)).toThrow(InvalidCryptoInputError);
    expect(() => gaussianMechanism(0, 0.5, 1e-5)).toThrow(InvalidCryptoInputError);
  });

  it('noise is seeded (replays) and has roughly the requested spread', () => {
    const zero = new Int32Array(4000);
    const a = addGaussianNoiseQ16(zero, 65536, createRng(5));
    expect(addGaussianNoiseQ16(zero, 65536, createRng(5))).toEqual(a);
    expect(addGaussianNoiseQ16(zero, 65536, createRng(6))).not.toEqual(a);
    const sd = Math.sqrt(Array.from(a).reduce((s, x) => s + x * x, 0) / a.length) / 65536;
    expect(sd).toBeGreaterThan(0.9);
    expect(sd).toBeLessThan(1.1);
  });

  it('the accountant composes basically and refuses past the budget without spending', () => {
    const acc = PrivacyAccountant.fromBudget(1.0, 1e-4);
    const m = gaussianMechanism(65536, 0.4, 1e-5);
    const rng = createRng(1);
    privatizeUpdate([1, 2, 3], m, acc, rng);
    privatizeUpdate([1, 2, 3], m, acc, rng);
    expect(acc.spent).toEqual({ epsilonMicros: 800000, deltaPicos: 20_000_000 });
    expect(() => privatizeUpdate([1, 2, 3], m, acc, rng)).toThrow(PrivacyBudgetExceededError);
    expect(acc.spent.epsilonMicros).toBe(800000);
    const tight = new PrivacyAccountant(10_000_000, 15_000_000);
    tight.spend(0, 10_000_000);
    expect(() => tight.spend(1, 10_000_000)).toThrow(PrivacyBudgetExceededError); // δ runs out first
  });
});
