import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as q16 from '../../../src/core/fixed/q16';
import {
  BIAS_LIMIT,
  DEFAULT_MU,
  LAGS,
  MU_MAX,
  MU_MIN,
  WEIGHT_LIMIT,
  WindowTooShortError,
  entropyStep,
  nlmsStepAt,
  predictAt,
  pushHistoryAt,
  sumSquaresWideAt,
  windowMseAt,
  windowMseRecentFirstAt,
} from '../../../src/core/neuron/kernel';

const ONE = q16.ONE;
const signal = (limit: number) => fc.integer({ min: -limit, max: limit });
const lagsOf = (limit: number) => fc.array(signal(limit), { minLength: LAGS, maxLength: LAGS }).map((a) => Int32Array.from(a));
const mu = fc.integer({ min: MU_MIN, max: MU_MAX });

function sat(n: bigint): number {
  return Number(n > BigInt(q16.MAX) ? BigInt(q16.MAX) : n < BigInt(q16.MIN) ? BigInt(q16.MIN) : n);
}

/** Σ|hₖ| in signal units: how much one LSB of weight rounding can move a prediction. */
function l1(h: Int32Array): number {
  return h.reduce((acc, x) => acc + Math.abs(x), 0) / ONE;
}

describe('predictAt', () => {
  it('is w·h (one rounding) plus bias, saturating, at any offsets', () => {
    fc.assert(
      fc.property(lagsOf(q16.MAX), lagsOf(q16.MAX), signal(q16.MAX), fc.nat(3), (w, h, bias, off) => {
        let sum = 0n;
        for (let k = 0; k < LAGS; k++) sum += BigInt(w[k]!) * BigInt(h[k]!);
        const expected = sat(BigInt(sat((sum + (1n << 15n)) >> 16n)) + BigInt(bias));
        const wb = new Int32Array(LAGS + 3);
        const hb = new Int32Array(LAGS + 3);
        wb.set(w, off);
        hb.set(h, 3 - off);
        expect(predictAt(wb, off, bias, hb, 3 - off)).toBe(expected);
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('nlmsStepAt', () => {
  it('one step shrinks the error on that sample by ≈ (1 − μ) (no clamping)', () => {
    // Weights/bias start at half their limits and |e| ≤ 8, so no step can reach a limit.
    fc.assert(
      fc.property(lagsOf(WEIGHT_LIMIT / 2), signal(BIAS_LIMIT / 2), lagsOf(100 * ONE), signal(8 * ONE), mu, (w, bias, h, e, m) => {
        const actual = predictAt(w, 0, bias, h, 0) + e;
        const newBias = nlmsStepAt(w, 0, bias, h, 0, e, m);
        const after = actual - predictAt(w, 0, newBias, h, 0);
        // Rounding: ≤ 1.5 LSB per weight (scaled by |hₖ|), 1 LSB of bias, ½ LSB per prediction.
        const slack = 3 + 1.5 * l1(h);
        expect(Math.abs(after - e * (1 - m / ONE))).toBeLessThanOrEqual(slack);
        if (Math.abs(e) * (m / ONE) > 2 * slack) expect(after * after).toBeLessThan(e * e);
      }),
      { numRuns: 10_000 },
    );
  });

  it('never increases the error and never leaves the limits, even when clamping and saturating', () => {
    fc.assert(
      fc.property(lagsOf(WEIGHT_LIMIT), signal(BIAS_LIMIT), lagsOf(100 * ONE), signal(20_000 * ONE), mu, (w, bias, h, actual, m) => {
        const e = actual - predictAt(w, 0, bias, h, 0);
        const newBias = nlmsStepAt(w, 0, bias, h, 0, e, m);
        const after = actual - predictAt(w, 0, newBias, h, 0);
        expect(Math.abs(after)).toBeLessThanOrEqual(Math.abs(e) + 3 + 1.5 * l1(h));
        expect(Math.abs(newBias)).toBeLessThanOrEqual(BIAS_LIMIT);
        for (const x of w) expect(Math.abs(x)).toBeLessThanOrEqual(WEIGHT_LIMIT);
      }),
      { numRuns: 10_000 },
    );
  });

  it('keeps |w| ≤ WEIGHT_LIMIT and |bias| ≤ BIAS_LIMIT over long runs of arbitrary input', () => {
    const step = fc.tuple(lagsOf(q16.MAX), signal(q16.MAX), mu);
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
        const w = new Int32Array(LAGS);
        let bias = 0;
        for (const [h, e, m] of steps) {
          bias = nlmsStepAt(w, 0, bias, h, 0, e, m);
          for (const x of w) expect(Math.abs(x)).toBeLessThanOrEqual(WEIGHT_LIMIT);
          expect(Math.abs(bias)).toBeLessThanOrEqual(BIAS_LIMIT);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('is sign-correct: a positive error raises each weight in the direction of its lag', () => {
    const w = new Int32Array(LAGS);
    const h = Int32Array.from([2, -1, 0, 3, 1, -2, 1, 0].map((x) => x * ONE));
    const bias = nlmsStepAt(w, 0, 0, h, 0, ONE, DEFAULT_MU);
    for (let k = 0; k < LAGS; k++) expect(Math.sign(w[k]!)).toBe(Math.sign(h[k]!));
    expect(bias).toBeGreaterThan(0);
  });

  it.each([0.5, 3, -50, 100, 200])('learns a constant input %f as itself (not 128 + x), byte scale included', (x) => {
    const value = q16.fromFloat(x);
    const w = new Int32Array(LAGS);
    const h = new Int32Array(LAGS).fill(value);
    let bias = 0;
    for (let i = 0; i < 400; i++) {
      bias = nlmsStepAt(w, 0, bias, h, 0, value - predictAt(w, 0, bias, h, 0), DEFAULT_MU);
    }
    // Steps round to 0 once μ·e·x/(8x² + 1) < ½ LSB: the Q16 dead zone, ≈ 0.12 % of x at μ = 0.05.
    const deadZone = (8 * x * x + 1) / ((DEFAULT_MU / ONE) * Math.abs(x) * ONE);
    expect(Math.abs(q16.toFloat(predictAt(w, 0, bias, h, 0)) - x)).toBeLessThan(deadZone + 0.001);
  });

  it('normalises by the unsaturated ‖h‖² (a saturated norm would diverge on byte-scale input)', () => {
    const h = new Int32Array(LAGS).fill(255 * ONE);
    expect(sumSquaresWideAt(h, 0)).toBe(8 * 255 * 255 * ONE); // ≫ q16.MAX
  });
});

describe('pushHistoryAt', () => {
  it('shifts the lags by one, newest first, and touches nothing outside its record', () => {
    const h = Int32Array.from([99, 1, 2, 3, 4, 5, 6, 7, 8, 99]);
    pushHistoryAt(h, 1, 42);
    expect(Array.from(h)).toEqual([99, 42, 1, 2, 3, 4, 5, 6, 7, 99]);
  });
});

describe('entropyStep', () => {
  it('is an EMA with α = 0.1 towards min(1, |err|/scale), kept in [0, 1]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: ONE }), fc.integer({ min: 0, max: q16.MAX }), fc.integer({ min: 1, max: 100 * ONE }), (e, a, s) => {
        const next = entropyStep(e, a, s);
        const target = Math.min(1, a / s);
        const ideal = e / ONE + (target - e / ONE) / 10;
        expect(Math.abs(next / ONE - ideal)).toBeLessThanOrEqual(2 / ONE);
        expect(next >= 0 && next <= ONE).toBe(true);
      }),
      { numRuns: 10_000 },
    );
  });

  it('converges to the normalised error', () => {
    let e = 0;
    for (let i = 0; i < 200; i++) e = entropyStep(e, ONE / 4, ONE);
    expect(Math.abs(e - ONE / 4)).toBeLessThanOrEqual(8);
    for (let i = 0; i < 200; i++) e = entropyStep(e, 5 * ONE, ONE); // clipped at 1
    expect(Math.abs(e - ONE)).toBeLessThanOrEqual(8);
  });
});

describe('windowMseAt', () => {
  it('equals a replay through predictAt and pushHistoryAt, in both window orders', () => {
    fc.assert(
      fc.property(lagsOf(2 * ONE), signal(ONE), fc.array(signal(50 * ONE), { minLength: LAGS + 1, maxLength: 40 }), (w, bias, window) => {
        const samples = Int32Array.from(window);
        const h = new Int32Array(LAGS);
        let total = 0;
        for (let t = 0; t < samples.length; t++) {
          if (t >= LAGS) {
            const e = q16.sub(samples[t]!, predictAt(w, 0, bias, h, 0));
            total += q16.mul(e, e);
          }
          pushHistoryAt(h, 0, samples[t]!);
        }
        const n = samples.length - LAGS;
        const expected = Math.min(q16.MAX, Math.floor((2 * total + n) / (2 * n)));
        const padded = new Int32Array(samples.length + 5).fill(-7);
        padded.set(samples, 5);
        expect(windowMseAt(w, 0, bias, padded, 5, samples.length)).toBe(expected);
        expect(windowMseRecentFirstAt(w, 0, bias, samples.slice().reverse(), 0, samples.length)).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('ranks a good predictor below a bad one and is 0 for a perfect one', () => {
    const ramp = Int32Array.from({ length: 30 }, (_, t) => t * ONE);
    const extrapolate = Int32Array.from([2 * ONE, -ONE, 0, 0, 0, 0, 0, 0]); // 2·x[t−1] − x[t−2]
    const zero = new Int32Array(LAGS);
    expect(windowMseAt(extrapolate, 0, 0, ramp, 0, 30)).toBe(0);
    expect(windowMseAt(zero, 0, 0, ramp, 0, 30)).toBeGreaterThan(100 * ONE);
  });

  it('needs at least LAGS + 1 samples', () => {
    const w = new Int32Array(LAGS);
    expect(() => windowMseAt(w, 0, 0, new Int32Array(LAGS), 0, LAGS)).toThrow(WindowTooShortError);
    expect(() => windowMseRecentFirstAt(w, 0, 0, new Int32Array(LAGS), 0, LAGS)).toThrow(WindowTooShortError);
  });
});

describe('persistenceMseRecentFirstAt', () => {
  it('equals windowMseRecentFirstAt of the persistence predictor on any window', async () => {
    const fc = (await import('fast-check')).default;
    const { persistenceMseRecentFirstAt, windowMseRecentFirstAt } = await import('../../../src/core/neuron/kernel');
    const persistence = Int32Array.from({ length: 8 }, (_, k) => (k === 0 ? 65536 : 0));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 24), max: 2 ** 24 }), { minLength: 16, maxLength: 16 }), (xs) => {
        const recent = Int32Array.from(xs);
        expect(persistenceMseRecentFirstAt(recent, 0, 16)).toBe(windowMseRecentFirstAt(persistence, 0, 0, recent, 0, 16));
      }),
      { numRuns: 2000 },
    );
  });
});
