import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as q16 from '../../../src/core/fixed/q16';
import {
  CALM,
  DEFAULT_REGIME_PARAMS,
  DRIFT_BIT,
  PRESTORM,
  REGIME_MASK,
  REGIME_WORDS,
  RegimeDetector,
  RegimeParamsError,
  STORM,
  regimeInitAt,
  regimeStepAt,
  FORECAST_DECAY,
  FORECAST_TICKS,
  secondDiffEnergy,
  type Regime,
} from '../../../src/core/neuron/regimeDetector';
import { entropyStep } from '../../../src/core/neuron/kernel';
import { REGIME_CALM, REGIME_PRESTORM, REGIME_STORM } from '../../../src/sim/snapshot';

const f = (x: number): number => q16.fromFloat(x);
const LOW_ERROR = f(0.1);

/** Feed an entropy sequence (with a small constant error) and return the regime after each step. */
function run(detector: RegimeDetector, entropies: number[]): Regime[] {
  return entropies.map((e) => detector.observe(LOW_ERROR, f(e)));
}

function repeat(value: number, n: number): number[] {
  return new Array<number>(n).fill(value);
}

describe('regime numbers', () => {
  it('match the snapshot contract', () => {
    expect([CALM, PRESTORM, STORM]).toEqual([REGIME_CALM, REGIME_PRESTORM, REGIME_STORM]);
    expect(DRIFT_BIT & REGIME_MASK).toBe(0);
  });
});

describe('transitions', () => {
  it('stays Calm on steady low entropy', () => {
    const d = new RegimeDetector();
    expect(run(d, repeat(0.1, 50)).every((r) => r === CALM)).toBe(true);
  });

  it('Calm → PreStorm when the entropy moving average rises faster than the threshold', () => {
    const d = new RegimeDetector();
    run(d, repeat(0.1, 10));
    // Entropy stays below stormEnter (0.6). MA slope = (e_t − e_{t−3})/3: 0.017, 0.033 (1st vote), 0.05 (2nd).
    const regimes = run(d, [0.15, 0.2, 0.25, 0.3]);
    expect(regimes).toEqual([CALM, CALM, PRESTORM, PRESTORM]);
    expect(q16.toFloat(d.slope)).toBeCloseTo(0.05, 3);
  });

  it('PreStorm → Calm when the rise stops', () => {
    const d = new RegimeDetector();
    run(d, [...repeat(0.1, 10), 0.15, 0.2, 0.25, 0.3]);
    expect(d.regime).toBe(PRESTORM);
    // slopes 0.033 (still rising), 0.017 (1st vote for Calm), 0 (2nd)
    expect(run(d, repeat(0.3, 5))).toEqual([PRESTORM, PRESTORM, CALM, CALM, CALM]);
  });

  it('on an entropy ramp, PreStorm (the early warning) comes strictly before Storm', () => {
    const d = new RegimeDetector();
    const ramp = Array.from({ length: 40 }, (_, t) => Math.min(0.95, 0.1 + 0.03 * t));
    const regimes = run(d, ramp);
    const firstPreStorm = regimes.indexOf(PRESTORM);
    const firstStorm = regimes.indexOf(STORM);
    expect(firstPreStorm).toBeGreaterThanOrEqual(0);
    expect(firstStorm).toBeGreaterThan(firstPreStorm);
    expect(firstStorm - firstPreStorm).toBeGreaterThanOrEqual(10); // a real lead time on this ramp
    expect(regimes.slice(firstStorm).every((r) => r === STORM)).toBe(true);
  });

  it('Calm → Storm on a jump above stormEnter after `confirm` observations', () => {
    const d = new RegimeDetector();
    run(d, repeat(0.1, 10));
    expect(run(d, [0.8, 0.8, 0.8])).toEqual([CALM, STORM, STORM]);
  });

  it('Storm holds between the exit and enter thresholds and leaves only below stormExit', () => {
    const d = new RegimeDetector();
    run(d, [...repeat(0.1, 10), ...repeat(0.8, 5)]);
    expect(d.regime).toBe(STORM);
    expect(run(d, repeat(0.5, 10)).every((r) => r === STORM)).toBe(true); // 0.4 ≤ 0.5 ≤ 0.6
    expect(run(d, [0.4, 0.4])).toEqual([STORM, STORM]); // at the exit threshold: still Storm
    expect(run(d, [0.3, 0.3, 0.3])).toEqual([STORM, CALM, CALM]);
  });

  it('one noisy sample does not flip the regime, in either direction', () => {
    const calm = new RegimeDetector();
    run(calm, repeat(0.1, 10));
    expect(run(calm, [0.9, 0.1, 0.1, 0.1, 0.1])).toEqual(repeat(CALM, 5));
    const storm = new RegimeDetector();
    run(storm, [...repeat(0.1, 10), ...repeat(0.8, 5)]);
    expect(run(storm, [0.1, 0.8, 0.8])).toEqual(repeat(STORM, 3));
  });

  it('with confirm = 1 every change is immediate', () => {
    const d = new RegimeDetector({ confirm: 1 });
    run(d, repeat(0.1, 10));
    expect(run(d, [0.9, 0.1])).toEqual([STORM, CALM]);
  });
});

describe('drift', () => {
  it('never fires before the window is full', () => {
    const d = new RegimeDetector({ window: 8 });
    for (let i = 0; i < 8; i++) {
      d.observe(f(i % 2 === 0 ? 0.01 : 100), f(0.1));
      expect(d.drift).toBe(false);
    }
  });

  it('fires when |error| > μ + 3σ of the window, not at it', () => {
    const d = new RegimeDetector(); // window 16
    for (let i = 0; i < 16; i++) d.observe(f(0.1), f(0.1));
    d.observe(f(0.1), f(0.1)); // σ = 0: the threshold is exactly μ
    expect(d.drift).toBe(false);
    d.observe(f(0.1) + 1, f(0.1));
    expect(d.drift).toBe(true);
  });

  it('uses the window spread: values 0 and 2 (μ 1, σ 1) drift above 4 only', () => {
    const d = new RegimeDetector({ window: 16 });
    for (let i = 0; i < 16; i++) d.observe(i % 2 === 0 ? 0 : f(2), f(0.1));
    // The window still alternates after each observation below, because drift is checked before pushing.
    const probe = (x: number): boolean => {
      const copy = new RegimeDetector({ window: 16 });
      for (let i = 0; i < 16; i++) copy.observe(i % 2 === 0 ? 0 : f(2), f(0.1));
      copy.observe(f(x), f(0.1));
      return copy.drift;
    };
    expect(probe(3.9)).toBe(false);
    expect(probe(4)).toBe(false);
    expect(probe(4.01)).toBe(true);
    expect(d.regime).toBe(CALM); // drift alone is a flag, not a regime
  });

  it('reports drift in regimeStepAt’s DRIFT_BIT', () => {
    const s = new Int32Array(REGIME_WORDS);
    regimeInitAt(s, 0);
    for (let i = 0; i < 16; i++) regimeStepAt(s, 0, f(0.1), f(0.1), DEFAULT_REGIME_PARAMS);
    expect(regimeStepAt(s, 0, f(5), f(0.1), DEFAULT_REGIME_PARAMS) & DRIFT_BIT).toBe(DRIFT_BIT);
  });
});

describe('flat records', () => {
  it('records at offsets evolve like the class and never touch their neighbours', () => {
    const obs = fc.tuple(fc.integer({ min: 0, max: 4 * q16.ONE }), fc.integer({ min: 0, max: q16.ONE }));
    fc.assert(
      fc.property(fc.array(obs, { minLength: 1, maxLength: 80 }), fc.integer({ min: 0, max: 3 }), (seq, slot) => {
        const s = new Int32Array(REGIME_WORDS * 4 + 2).fill(-123);
        const o = 1 + REGIME_WORDS * slot;
        regimeInitAt(s, o);
        const d = new RegimeDetector();
        for (const [err, ent] of seq) {
          const packed = regimeStepAt(s, o, err, ent, DEFAULT_REGIME_PARAMS);
          const regime = d.observe(err, ent);
          expect(packed & REGIME_MASK).toBe(regime);
          expect((packed & DRIFT_BIT) !== 0).toBe(d.drift);
        }
        for (let i = 0; i < s.length; i++) if (i < o || i >= o + REGIME_WORDS) expect(s[i]).toBe(-123);
      }),
      { numRuns: 1_000 },
    );
  });

  it('reset returns to Calm with empty windows', () => {
    const d = new RegimeDetector();
    run(d, [...repeat(0.1, 10), ...repeat(0.9, 5)]);
    d.reset();
    expect(d.regime).toBe(CALM);
    expect(run(d, [0.9])).toEqual([CALM]);
  });

  it('rejects unusable parameters', () => {
    expect(() => new RegimeDetector({ window: 1 })).toThrow(RegimeParamsError);
    expect(() => new RegimeDetector({ window: 33 })).toThrow(RegimeParamsError);
    expect(() => new RegimeDetector({ confirm: 0 })).toThrow(RegimeParamsError);
    expect(() => new RegimeDetector({ stormEnter: f(0.3), stormExit: f(0.5) })).toThrow(RegimeParamsError);
    expect(() => new RegimeDetector({ preConfirm: 0 })).toThrow(RegimeParamsError);
    expect(() => new RegimeDetector({ forecastThreshold: -1 })).toThrow(RegimeParamsError);
    expect(() => new RegimeDetector({ hfFloor: 0.5 })).toThrow(RegimeParamsError);
  });
});

describe('the forecast rule (the early warning the simulator uses)', () => {
  const params = {
    window: 0,
    confirm: 3,
    stormEnter: f(0.3),
    stormExit: f(0.18),
    slopeThreshold: f(0.02),
    forecastThreshold: f(0.31),
    hfFloor: f(0.01),
    preConfirm: 1,
  };
  /** Feeds |error| steps through the entropy EMA (as cortexStep does) with a fixed HF energy; the regimes. */
  function feed(d: RegimeDetector, errors: number[], hf: number): Regime[] {
    let entropy = 0;
    return errors.map((e) => {
      entropy = entropyStep(entropy, f(e), q16.ONE);
      return d.observe(f(e), entropy, f(hf));
    });
  }

  it('decays entropy over FORECAST_TICKS as 0.9^16, in Q16', () => {
    expect(FORECAST_TICKS).toBe(16);
    expect(Math.abs(FORECAST_DECAY - 0.9 ** 16 * 65536)).toBeLessThan(16);
  });

  it('the squared second difference: 0 on a straight line, 16 on ±1 alternation, clamped far inside Q16', () => {
    expect(secondDiffEnergy(f(3), f(2), f(1))).toBe(0);
    expect(secondDiffEnergy(f(1), f(-1), f(1))).toBe(f(16));
    expect(secondDiffEnergy(q16.MAX, q16.MIN, q16.MAX)).toBe(f(64 * 64));
  });

  it('an error step warns while entropy is still below stormEnter: PreStorm ≥ 4 ticks before Storm', () => {
    const regimes = feed(new RegimeDetector(params), [...repeat(0.05, 40), ...repeat(0.6, 40)], 0.2);
    const pre = regimes.indexOf(PRESTORM);
    const storm = regimes.indexOf(STORM);
    expect(pre).toBeGreaterThanOrEqual(40);
    expect(storm - pre).toBeGreaterThanOrEqual(4);
  });

  it('no HF energy in the signal, no warning: the same step goes straight to Storm', () => {
    const regimes = feed(new RegimeDetector(params), [...repeat(0.05, 40), ...repeat(0.6, 40)], 0.005);
    expect(regimes).not.toContain(PRESTORM);
    expect(regimes).toContain(STORM);
  });

  it('an error that settles below what storms does not warn, and a warning ends on one calm observation', () => {
    expect(feed(new RegimeDetector(params), repeat(0.2, 200), 0.2)).not.toContain(PRESTORM);
    const d = new RegimeDetector(params);
    const regimes = feed(d, [...repeat(0.05, 40), 0.6, 0.6, 0.6, ...repeat(0.0, 30)], 0.2);
    expect(regimes).toContain(PRESTORM);
    expect(regimes.at(-1)).toBe(CALM);
    expect(regimes).not.toContain(STORM);
  });

  it('a gate (the rulebook passes the own-error one) is asked only when the rule would warn, and only takes PreStorm away', () => {
    const errors = [...repeat(0.05, 40), ...repeat(0.6, 40)];
    const run = (gate?: () => boolean) => {
      const s = new Int32Array(REGIME_WORDS);
      regimeInitAt(s, 0);
      let entropy = 0;
      return errors.map((e) => {
        entropy = entropyStep(entropy, f(e), q16.ONE);
        return regimeStepAt(s, 0, f(e), entropy, params, f(0.2), gate) & REGIME_MASK;
      });
    };
    const open = run();
    let asked = 0;
    const shut = run(() => {
      asked++;
      return false;
    });
    // Asked only on ticks the ungated rule warns on (not on the calm ticks, not once entropy storms: the ungated
    // run's PreStorm also covers the ticks a Storm waits for its confirmation), and no PreStorm then.
    expect(asked).toBeGreaterThan(0);
    expect(asked).toBeLessThanOrEqual(open.filter((r) => r === PRESTORM).length);
    expect(shut).not.toContain(PRESTORM);
    expect(shut.map((r) => r === STORM)).toEqual(open.map((r) => r === STORM)); // the storm is the same
    expect(run(() => true)).toEqual(open);
  });
});
