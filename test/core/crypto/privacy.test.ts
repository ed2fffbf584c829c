import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PrivacyAccountant, addGaussianNoiseQ16, clipL2Q16, gaussianMechanism, privatizeUpdate } from '../../../src/core/crypto/privacy';
import { InvalidCryptoInputError, PrivacyBudgetExceededError } from '../../../src/core/crypto/errors';
import { createRng } from '../../../src/core/rng/rng';

const norm2 = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + BigInt(x) ** 2n, 0n);

describe('differential privacy', () => {
  it('L2 clipping never exceeds C and leaves short updates alone', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 9 }),
        fc.integer({ min: 1, max: 2 ** 24 }),
        (v, clip) => {
          const out = clipL2Q16(v, clip);
          if (norm2(v) <= BigInt(clip) ** 2n) return Array.from(out).every((x, i) => x === v[i]);
          return norm2(out) <= BigInt(clip) ** 2n && Array.from(out).every((x, i) => Math.sign(x) === Math.sign(v[i]!) || x === 0);
        },
      ),
      { numRuns: 1000 },
    );
    expect(Array.from(clipL2Q16([3 * 65536, 4 * 65536], 65536))).toEqual([39321, 52428]); // (0.6, 0.8) rounded down
  });

  it('σ is the classic bound for sensitivity 2C, and bad parameters are refused', () => {
    const m = gaussianMechanism(65536, 0.5, 1e-5);
    expect(m.sigmaQ16).toBe(Math.ceil((2 * 65536 * Math.sqrt(2 * Math.log(1.25e5))) / 0.5));
    expect(m.epsilonMicros).toBe(500000);
    expect(m.deltaPicos).toBe(10_000_000);
    expect(() => gaussianMechanism(65536, 2, 1e-5)).toThrow(InvalidCryptoInputError);
    expect(() => gaussianMechanism(0, 0.5, 1e-5)).toThrow(InvalidCryptoInputError);
  });

  it('the sensitivity under replace-one is 2C: two clipped updates can be 2C apart', () => {
    const C = 65536;
    const u = clipL2Q16([5 * C, 0, 0], C);
    const v = clipL2Q16([-5 * C, 0, 0], C);
    const dist2 = Array.from(u).reduce((s, x, i) => s + (x - v[i]!) ** 2, 0);
    expect(Math.sqrt(dist2)).toBe(2 * C);
  });

  it('σ is at least the analytic Gaussian mechanism bound (Balle & Wang 2018, Alg. 1) for sensitivity 2C', () => {
    for (const [eps, delta] of [
      [0.1, 1e-5],
      [0.5, 1e-5],
      [0.9, 1e-6],
      [0.99, 1e-3],
      [0.3, 1e-9],
    ] as const) {
      for (const clip of [1, 1000, 65536, 3 * 65536]) {
        const m = gaussianMechanism(clip, eps, delta);
        const analytic = analyticGaussianSigma(eps, delta, 2 * clip);
        expect(m.sigmaQ16, `ε ${eps}, δ ${delta}, C ${clip}`).toBeGreaterThanOrEqual(analytic);
        // Calibrating to C alone (the old rule) falls short of what 2C needs.
        expect((clip * Math.sqrt(2 * Math.log(1.25 / delta))) / eps, `ε ${eps}, δ ${delta}, C ${clip}`).toBeLessThan(analytic);
      }
    }
    // The analytic σ itself is what it says: the privacy-loss condition holds at it (to the search tolerance).
    const s = analyticGaussianSigma(0.5, 1e-5, 1);
    expect(gaussianDelta(0.5, s, 1)).toBeLessThanOrEqual(1e-5 * (1 + 1e-9));
    expect(gaussianDelta(0.5, s * 0.99, 1)).toBeGreaterThan(1e-5);
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

// ---- analytic Gaussian mechanism, written here independently of the code under test ----
// Φ via erfc: Φ(t) = erfc(−t/√2)/2, erfc from its continued fraction for |x| ≥ 2 and the Maclaurin series of
// erf below (double precision to ~1e-15 relative, enough for δ down to 1e-12).
function erfSeries(x: number): number {
  let term = x,
    sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erfSeries(x);
  // Lentz's continued fraction: erfc(x) = exp(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
  let f = x,
    C = x,
    D = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    D = x + a * D;
    D = 1 / D;
    C = x + a / C;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}
const Phi = (t: number) => erfc(-t / Math.SQRT2) / 2;

/** δ(ε) of the Gaussian mechanism with noise σ and L2 sensitivity Δ (Balle & Wang 2018, Theorem 8). */
function gaussianDelta(eps: number, sigma: number, sens: number): number {
  const a = sens / (2 * sigma),
    b = (eps * sigma) / sens;
  return Phi(a - b) - Math.exp(eps) * Phi(-a - b);
}

/** Smallest σ with gaussianDelta(ε, σ, Δ) ≤ δ, by bisection on σ (the condition is monotone in σ). */
function analyticGaussianSigma(eps: number, delta: number, sens: number): number {
  let lo = 0,
    hi = sens;
  while (gaussianDelta(eps, hi, sens) > delta) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (gaussianDelta(eps, mid, sens) > delta) lo = mid;
    else hi = mid;
  }
  return hi;
}
