// Calm / PreStorm / Storm from a node's prediction error and entropy, in Q16 integers.
//
// - Drift: |error| > μ + 3σ of a ring window of recent |error| (checked before the new value enters; no
//   drift until the window is full). Reported as a flag; it does not change the regime by itself.
// - Storm: entropy above stormEnter; once in Storm, it stays until entropy drops below stormExit (< stormEnter).
// - PreStorm, the early warning, one of two rules:
//   - slope (forecastThreshold 0): the slope of the 3-point moving average of entropy exceeds slopeThreshold.
//     MA_t − MA_{t−1} = (e_t − e_{t−3}) / 3, so the slope needs the last four entropy values.
//   - forecast (forecastThreshold > 0): where entropy is heading. Entropy is an EMA (α = 1/10) of |error|, so it
//     lags the error by ~10 observations; a fast EMA (α = 1/4) of |error| is where it is going. The forecast
//     FORECAST_TICKS ahead, fast + (entropy − fast)·0.9^FORECAST_TICKS, above forecastThreshold means PreStorm, but
//     only while the signal itself carries high-frequency energy (an EMA, α = 1/4, of its squared second
//     difference above hfFloor): a rising error with no fast component in the signal is the node's own predictor
//     drifting, not a storm arriving (measured by npm run bench:warning, docs/BENCHMARKS.md).
//   Both are computed every observation (the slope is kept for regimeSlopeAt). A caller may add a gate, asked only
//   when the rule would warn and the node is not stormy (the sim's rulebook: the node's own error on its window).
// - Hysteresis: a new regime is adopted only after `confirm` consecutive observations ask for it, so one noisy
//   sample never flips the state.
//
// The state is a flat Int32Array record so that the sim can keep one per node in a single column.
import * as q16 from '../fixed/q16';
import type { Q16 } from '../fixed/q16';

// The same numbers as REGIME_* in src/sim/snapshot.ts.
export const CALM = 0;
export const PRESTORM = 1;
export const STORM = 2;
export const Regime = { CALM, PRESTORM, STORM } as const;
export type Regime = (typeof Regime)[keyof typeof Regime];
/** Set in regimeStepAt's result when this observation was a drift. */
export const DRIFT_BIT = 4;
export const REGIME_MASK = 3;

export interface RegimeParams {
  /** Length of the |error| window for drift, 2..MAX_DRIFT_WINDOW, or 0 for no drift test (and no ring in
   *  the record). Keep it constant for a record. */
  readonly window: number;
  /** Consecutive observations needed to change regime (≥ 1). */
  readonly confirm: number;
  /** Entropy above this enters Storm (Q16). */
  readonly stormEnter: Q16;
  /** Storm is left only when entropy drops below this (Q16, ≤ stormEnter). */
  readonly stormExit: Q16;
  /** Slope of the entropy moving average (per observation) above this means PreStorm (Q16), when
   *  forecastThreshold is 0. */
  readonly slopeThreshold: Q16;
  /** The forecast rule: PreStorm when the entropy forecast is above this (Q16); 0 uses the slope rule. */
  readonly forecastThreshold?: Q16;
  /** ... and the signal's high-frequency energy (EMA of its squared second difference, Q16) is above this. */
  readonly hfFloor?: Q16;
  /** Consecutive observations needed to enter or leave PreStorm (Calm ↔ PreStorm); default `confirm`. Entering
   *  and leaving Storm always takes `confirm`. */
  readonly preConfirm?: number;
}

/** How far ahead the forecast rule looks (observations), and the entropy EMA's decay over that many: 0.9^16 in
 *  Q16, by repeated exact multiplication. */
export const FORECAST_TICKS = 16;
export const FORECAST_DECAY: Q16 = (() => {
  let d = q16.ONE;
  for (let k = 0; k < FORECAST_TICKS; k++) d = q16.mul(d, 58982); // 0.9
  return d;
})();

export const MAX_DRIFT_WINDOW = 32;

export const DEFAULT_REGIME_PARAMS: RegimeParams = Object.freeze({
  window: 16,
  confirm: 2,
  stormEnter: 39322, // 0.6
  stormExit: 26214, // 0.4
  slopeThreshold: 1311, // 0.02 per observation
});

// Record layout (word offsets). Word 0 packs the small fields (regime: bits 0–1, pending regime: bits 2–3,
// pending count: bits 4–15, entropy values seen: bits 16–18); then the forecast rule's two EMAs; the drift ring
// and its two counters come last so that a record stepped with window 0 (no drift test) needs only the first
// RING_CONTROL words: 32 bytes a node.
const STATE = 0;
const ENTROPY_0 = 1; // newest; ENTROPY_0 + 3 is the oldest of the four
const LAST_SLOPE = 5;
const FAST_ERROR = 6;
const HF_ENERGY = 7;
const RING_CONTROL = 8;
const RING_HEAD = 8;
const RING_FILL = 9;
const RING = 10;
const MAX_PENDING_COUNT = 0xfff;
/** Int32 words per detector record that allows any window up to MAX_DRIFT_WINDOW. */
export const REGIME_WORDS = RING + MAX_DRIFT_WINDOW;
/** Int32 words a record needs when it is only ever stepped with this window (the sim's compact records). */
export function regimeWordsFor(window: number): number {
  return window > 0 ? RING + window : RING_CONTROL;
}

const regimeOf = (state: number): number => state & 3;
const pendingOf = (state: number): number => (state >>> 2) & 3;
const pendingCountOf = (state: number): number => (state >>> 4) & MAX_PENDING_COUNT;
const seenOf = (state: number): number => (state >>> 16) & 7;
const packState = (regime: number, pending: number, count: number, seen: number): number =>
  regime | (pending << 2) | (Math.min(count, MAX_PENDING_COUNT) << 4) | (seen << 16);

/** Parameters that regimeStepAt cannot work with. */
export class RegimeParamsError extends RangeError {
  override readonly name = 'RegimeParamsError';
}

export function checkRegimeParams(p: RegimeParams): void {
  if (!Number.isInteger(p.window) || p.window === 1 || p.window < 0 || p.window > MAX_DRIFT_WINDOW) {
    throw new RegimeParamsError(`window must be 0 (no drift test) or an integer in [2, ${MAX_DRIFT_WINDOW}], got ${p.window}`);
  }
  if (!Number.isInteger(p.confirm) || p.confirm < 1) throw new RegimeParamsError(`confirm must be ≥ 1, got ${p.confirm}`);
  if (p.preConfirm !== undefined && (!Number.isInteger(p.preConfirm) || p.preConfirm < 1)) {
    throw new RegimeParamsError(`preConfirm must be ≥ 1, got ${p.preConfirm}`);
  }
  if (p.forecastThreshold !== undefined && (!Number.isInteger(p.forecastThreshold) || p.forecastThreshold < 0)) {
    throw new RegimeParamsError(`forecastThreshold must be a non-negative Q16 integer, got ${p.forecastThreshold}`);
  }
  if (p.hfFloor !== undefined && (!Number.isInteger(p.hfFloor) || p.hfFloor < 0)) {
    throw new RegimeParamsError(`hfFloor must be a non-negative Q16 integer, got ${p.hfFloor}`);
  }
  if (p.stormExit > p.stormEnter) throw new RegimeParamsError('stormExit must not exceed stormEnter');
}

/** Reset a record at s[o, o + regimeWordsFor(window)) to Calm with empty windows. */
export function regimeInitAt(s: Int32Array, o: number, window: number = MAX_DRIFT_WINDOW): void {
  s.fill(0, o, o + regimeWordsFor(window));
  s[o + STATE] = packState(Regime.CALM, Regime.CALM, 0, 0);
}

/** Drift test of absError against the window, then push it into the ring. */
function driftAndPush(s: Int32Array, o: number, absError: Q16, window: number): boolean {
  const fill = s[o + RING_FILL]!;
  let drift = false;
  if (fill >= window) {
    let sum = 0;
    for (let i = 0; i < window; i++) sum += s[o + RING + i]!;
    const mean = Math.round(sum / window); // |sum| < 2^36: exact; ties resolve the same on every engine
    // Two-pass variance Σ(x − μ)²/n: equal to E[x²] − μ² but never negative and without squaring large x.
    let squares = 0;
    for (let i = 0; i < window; i++) {
      const d = q16.sub(s[o + RING + i]!, mean);
      squares += q16.mul(d, d);
    }
    const variance = Math.min(Math.round(squares / window), q16.MAX);
    // |error| > μ + 3σ  ⇔  |error| > μ and (|error| − μ)² > 9σ², compared in raw units (excess² against
    // 9·σ²·2^16) so that no square root and no rounding is needed per observation.
    const excess = absError - mean;
    drift = excess > 0 && excess * excess > 9 * variance * q16.ONE;
  }
  const head = s[o + RING_HEAD]!;
  s[o + RING + head] = absError;
  s[o + RING_HEAD] = head + 1 >= window ? 0 : head + 1;
  if (fill < window) s[o + RING_FILL] = fill + 1;
  return drift;
}

/** Push entropy into the last-four list and return the slope of its 3-point moving average (0 until 4 seen,
 * `seen` counting this one). */
function entropySlope(s: Int32Array, o: number, entropy: Q16, seen: number): Q16 {
  const e = o + ENTROPY_0;
  const oldest = s[e + 2]!; // becomes the fourth-newest: MA_new − MA_old = (e_new − e_oldest) / 3
  s[e + 3] = oldest;
  s[e + 2] = s[e + 1]!;
  s[e + 1] = s[e]!;
  s[e] = entropy;
  return seen < 4 ? 0 : q16.divInt(entropy - oldest, 3);
}

/** The largest |second difference| the HF energy takes in (signal units): its square stays far inside Q16. */
const HF_CLAMP = 64 * q16.ONE;

/** The squared second difference of a signal, x_t − 2x_{t−1} + x_{t−2} (newest first), as the forecast rule's
 *  high-frequency input (Q16; clamped to HF_CLAMP² in signal units). */
export function secondDiffEnergy(x0: Q16, x1: Q16, x2: Q16): Q16 {
  const d = Math.max(-HF_CLAMP, Math.min(HF_CLAMP, x0 - 2 * x1 + x2));
  return q16.mul(d, d);
}

/** The forecast rule's EMAs: α = 1/4 each, as an arithmetic shift (floor: the same on every engine). */
function forecastStep(s: Int32Array, o: number, absError: Q16, entropy: Q16, hfEnergy: Q16): { forecast: Q16; hf: Q16 } {
  const target = Math.min(q16.abs(absError), q16.ONE);
  const fast = s[o + FAST_ERROR]! + ((target - s[o + FAST_ERROR]!) >> 2);
  s[o + FAST_ERROR] = fast;
  const hf = s[o + HF_ENERGY]! + ((hfEnergy - s[o + HF_ENERGY]!) >> 2);
  s[o + HF_ENERGY] = hf;
  return { forecast: fast + q16.mul(entropy - fast, FORECAST_DECAY), hf };
}

/** The forecast rule's current forecast and HF energy of a record (Q16), as its last observation left them. */
export function regimeForecastAt(s: Int32Array, o: number, entropy: Q16): { forecast: Q16; hf: Q16 } {
  const fast = s[o + FAST_ERROR]!;
  return { forecast: fast + q16.mul(entropy - fast, FORECAST_DECAY), hf: s[o + HF_ENERGY]! };
}

/**
 * One observation: |error| (Q16), the neuron's entropy (Q16, after this observation) and, for the forecast
 * rule, the signal's squared second difference (secondDiffEnergy; 0 if unknown). `gate`, if given, is a further
 * condition for PreStorm, asked only when the rule would warn. Returns the regime after this step, with DRIFT_BIT
 * set if |error| was a drift.
 */
export function regimeStepAt(
  s: Int32Array,
  o: number,
  absError: Q16,
  entropy: Q16,
  params: RegimeParams = DEFAULT_REGIME_PARAMS,
  hfEnergy: Q16 = 0,
  gate?: () => boolean,
): number {
  const drift = params.window > 0 && driftAndPush(s, o, q16.abs(absError), params.window);
  const state = s[o + STATE]!;
  const seen = Math.min(seenOf(state) + 1, 4); // this observation counts
  const slope = entropySlope(s, o, entropy, seen);
  s[o + LAST_SLOPE] = slope;
  const { forecast, hf } = forecastStep(s, o, absError, entropy, hfEnergy);

  const current = regimeOf(state);
  const stormy = current === Regime.STORM ? entropy >= params.stormExit : entropy > params.stormEnter;
  const threshold = params.forecastThreshold ?? 0;
  const warning =
    (threshold > 0 ? forecast > threshold && hf > (params.hfFloor ?? 0) : slope > params.slopeThreshold) && !stormy && (gate === undefined || gate());
  const wanted = stormy ? Regime.STORM : warning ? Regime.PRESTORM : Regime.CALM;

  let regime = current;
  if (wanted === current) {
    s[o + STATE] = packState(current, current, 0, seen);
  } else {
    const count = pendingOf(state) === wanted ? pendingCountOf(state) + 1 : 1;
    const needed = wanted === Regime.STORM || current === Regime.STORM ? params.confirm : (params.preConfirm ?? params.confirm);
    if (count >= needed) {
      regime = wanted;
      s[o + STATE] = packState(wanted, wanted, 0, seen);
    } else {
      s[o + STATE] = packState(current, wanted, count, seen);
    }
  }
  return regime | (drift ? DRIFT_BIT : 0);
}

/** The regime stored in a record. */
export function regimeAt(s: Int32Array, o: number): Regime {
  return regimeOf(s[o + STATE]!) as Regime;
}

/** The last entropy moving-average slope a record computed (Q16 per observation). */
export function regimeSlopeAt(s: Int32Array, o: number): Q16 {
  return s[o + LAST_SLOPE]!;
}

/** One detector with its own record: the object face of regimeStepAt. */
export class RegimeDetector {
  private readonly record = new Int32Array(REGIME_WORDS);
  private lastDrift = false;
  readonly params: RegimeParams;

  constructor(params: Partial<RegimeParams> = {}) {
    this.params = Object.freeze({ ...DEFAULT_REGIME_PARAMS, ...params });
    checkRegimeParams(this.params);
    regimeInitAt(this.record, 0);
  }

  /** Observe one sample; returns the regime after it. `hfEnergy`: the forecast rule's input (secondDiffEnergy). */
  observe(absError: Q16, entropy: Q16, hfEnergy: Q16 = 0): Regime {
    const result = regimeStepAt(this.record, 0, absError, entropy, this.params, hfEnergy);
    this.lastDrift = (result & DRIFT_BIT) !== 0;
    return (result & REGIME_MASK) as Regime;
  }

  get regime(): Regime {
    return regimeAt(this.record, 0);
  }

  /** Whether the last observation was a drift (|error| > μ + 3σ of the window before it). */
  get drift(): boolean {
    return this.lastDrift;
  }

  get slope(): Q16 {
    return regimeSlopeAt(this.record, 0);
  }

  reset(): void {
    regimeInitAt(this.record, 0);
    this.lastDrift = false;
  }
}
