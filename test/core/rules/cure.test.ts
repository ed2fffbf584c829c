// The prefetch rule (src/core/rules/cure.ts): a storm the node saw coming (PreStorm within WARNED_WITHIN_S before it)
// is asked about at its onset, the rest after REQUEST_AFTER_S; and the near-miss hold: the best cure that failed is
// tested again every tick, kept through PreStorm, dropped when old, never installed from a banned sender.
import { describe, expect, it } from 'vitest';
import * as q16 from '../../../src/core/fixed/q16';
import { LAGS } from '../../../src/core/neuron/kernel';
import { CALM, PRESTORM, STORM } from '../../../src/core/neuron/regimeDetector';
import {
  askedAtOnce,
  createNodeState,
  cureRequestDue,
  cureStep,
  heldOffer,
  holdNearMiss,
  HOLD_S,
  NODE,
  noteWarning,
  RECENT,
  REQUEST_AFTER_S,
  REPLY_HOLD_S,
  replyDue,
  NEVER,
  SILENT_REQUEST_RETRY_S,
  TICK_NEVER,
  TRUST_INITIAL,
  TRUST_REWARD,
  WARNED_WITHIN_S,
  warnedStorm,
  type CureOffer,
  type NodeState,
} from '../../../src/core/rules/index';

const TICK_MS = 100;
const OMEGA = 1.2; // rad per sample: the zone's fast interference

/** A node whose recent window holds a pure fast sine (most recent first), in `regime`, with its initial
 *  persistence gene (next = last), which predicts that sine badly. */
function nodeIn(regime: number): NodeState {
  const s = createNodeState();
  for (let k = 0; k < RECENT; k++) s.neuron.recent[RECENT * NODE + k] = q16.fromFloat(Math.sin(OMEGA * (100 - k)));
  s.regime.regime[NODE] = regime;
  return s;
}

/** x_t = 2cos(ω)·x_{t−1} − x_{t−2}: the exact predictor of that sine (a cure). */
function cure(slot: number): CureOffer {
  const weights = new Int32Array(LAGS);
  weights[0] = q16.fromFloat(2 * Math.cos(OMEGA));
  weights[1] = -q16.ONE;
  return { slot, weights, bias: 0 };
}

/** Weights that predict nothing (a poisoned or useless gene). */
function garbage(slot: number): CureOffer {
  return { slot, weights: Int32Array.from({ length: LAGS }, (_, k) => (k % 2 ? 7 : -7) * q16.ONE), bias: 0 };
}

const trustOf = (n: number) => new Uint8Array(n).fill(TRUST_INITIAL);

describe('prefetch: a storm seen coming is asked about at its onset (noteWarning, warnedStorm, cureRequestDue)', () => {
  const after = (REQUEST_AFTER_S * 1000) / TICK_MS;
  const within = (WARNED_WITHIN_S * 1000) / TICK_MS;
  /** A node that was in PreStorm at `preTick` (noted) and entered Storm at `start`. */
  const stormAfterWarning = (preTick: number | null, start: number): NodeState => {
    const s = nodeIn(PRESTORM);
    if (preTick !== null) noteWarning(s.regime, s.requests, NODE, preTick);
    s.regime.regime[NODE] = STORM;
    s.evolution.stormStart[NODE] = start;
    return s;
  };
  /** The first tick from `start` at which cureRequestDue says to ask (prefetch on or off). */
  const firstAsk = (s: NodeState, start: number, prefetch: boolean): number => {
    for (let t = start; t < start + 100; t++) if (cureRequestDue(s.regime, s.evolution, s.requests, NODE, 1, t, TICK_MS, 1, true, prefetch)) return t;
    return -1;
  };

  it('only PreStorm is noted; a node never in PreStorm has seen nothing coming', () => {
    for (const regime of [CALM, STORM]) {
      const s = nodeIn(regime);
      noteWarning(s.regime, s.requests, NODE, 50);
      expect(s.requests.warnedTick[NODE]).toBe(TICK_NEVER);
      s.evolution.stormStart[NODE] = 51;
      expect(warnedStorm(s.evolution, s.requests, NODE, TICK_MS)).toBe(false);
    }
  });

  it('a storm within WARNED_WITHIN_S of the last PreStorm tick asks at once; one later, or unwarned, waits REQUEST_AFTER_S', () => {
    expect(after).toBeGreaterThan(1);
    const warned = stormAfterWarning(100, 101);
    expect(firstAsk(warned, 101, true)).toBe(101);
    expect(askedAtOnce(warned.evolution, warned.requests, NODE, 101, TICK_MS)).toBe(true);
    const edge = stormAfterWarning(100, 100 + within); // the last tick that still counts
    expect(firstAsk(edge, 100 + within, true)).toBe(100 + within);
    const late = stormAfterWarning(100, 101 + within);
    expect(firstAsk(late, 101 + within, true)).toBe(101 + within + after);
    const unwarned = stormAfterWarning(null, 101);
    expect(firstAsk(unwarned, 101, true)).toBe(101 + after);
    expect(askedAtOnce(unwarned.evolution, unwarned.requests, NODE, 101 + after, TICK_MS)).toBe(false);
  });

  it('without prefetch a warned storm waits REQUEST_AFTER_S, as every storm', () => {
    const s = stormAfterWarning(100, 101);
    expect(firstAsk(s, 101, false)).toBe(101 + after);
  });

  it('after the first ask the retries follow the usual back-off (the warning only moves the first request)', () => {
    const on = stormAfterWarning(100, 101);
    const off = stormAfterWarning(null, 101);
    const asks = (s: NodeState, prefetch: boolean) => {
      const out: number[] = [];
      for (let t = 101; t < 101 + 300; t++) if (cureRequestDue(s.regime, s.evolution, s.requests, NODE, 1, t, TICK_MS, 1, true, prefetch)) out.push(t);
      return out;
    };
    const a = asks(on, true);
    const b = asks(off, true);
    expect(a[0]).toBe(101);
    expect(b[0]).toBe(101 + after);
    // The same gaps (retry × 2^k + the same jitter draw per tick is not guaranteed, so compare the gaps' floors).
    const gaps = (xs: number[]) => xs.slice(1).map((x, k) => x - xs[k]!);
    const base = (SILENT_REQUEST_RETRY_S * 1000) / TICK_MS;
    expect(
      gaps(a)
        .slice(0, 3)
        .map((g, k) => g >= base << k && g < (base << k) + 1000 / TICK_MS),
    ).toEqual([true, true, true]);
    expect(
      gaps(b)
        .slice(0, 3)
        .map((g, k) => g >= base << k && g < (base << k) + 1000 / TICK_MS),
    ).toEqual([true, true, true]);
  });

  it('a node cured (or healed from memory) asks no more, warned or not', () => {
    const s = stormAfterWarning(100, 101);
    s.evolution.installed[NODE] = 1;
    expect(firstAsk(s, 101, true)).toBe(-1);
  });
});

describe('cureStep: a held near miss outside a storm', () => {
  it('is kept through PreStorm ticks (the storm may come back) and installs when the next storm begins', () => {
    const s = nodeIn(STORM);
    const trust = trustOf(4);
    s.evolution.stormStart[NODE] = 5;
    // Held as a near miss in the storm that began at 5 (the window is a slow sine then: the cure fails).
    for (let k = 0; k < RECENT; k++) s.neuron.recent[RECENT * NODE + k] = q16.fromFloat(Math.sin(0.1 * (100 - k)));
    cureStep(s.neuron, s.regime, s.evolution, s.held, trust, NODE, 10, TICK_MS, [cure(2)]);
    expect(heldOffer(s.held, NODE, 10, TICK_MS)?.slot).toBe(2);
    s.regime.regime[NODE] = PRESTORM;
    for (let t = 11; t < 18; t++) cureStep(s.neuron, s.regime, s.evolution, s.held, trust, NODE, t, TICK_MS, []);
    expect(heldOffer(s.held, NODE, 17, TICK_MS)?.slot).toBe(2);
    for (let k = 0; k < RECENT; k++) s.neuron.recent[RECENT * NODE + k] = q16.fromFloat(Math.sin(OMEGA * (100 - k)));
    s.regime.regime[NODE] = STORM;
    s.evolution.stormStart[NODE] = 18;
    const r = cureStep(s.neuron, s.regime, s.evolution, s.held, trust, NODE, 18, TICK_MS, []);
    expect(r.nearMissInstalled).toBe(true);
    expect(trust[2]).toBe(TRUST_INITIAL + TRUST_REWARD);
  });

  it("a held cure older than HOLD_S is dropped, a banned sender's is ignored, and a cure received that tick is judged first", () => {
    const hold = (HOLD_S * 1000) / TICK_MS;
    const held = (trust: Uint8Array) => {
      const s = nodeIn(STORM);
      for (let k = 0; k < RECENT; k++) s.neuron.recent[RECENT * NODE + k] = q16.fromFloat(Math.sin(0.1 * (100 - k)));
      cureStep(s.neuron, s.regime, s.evolution, s.held, trust, NODE, 10, TICK_MS, [cure(2)]);
      for (let k = 0; k < RECENT; k++) s.neuron.recent[RECENT * NODE + k] = q16.fromFloat(Math.sin(OMEGA * (100 - k)));
      return s;
    };
    const old = held(trustOf(4));
    expect(cureStep(old.neuron, old.regime, old.evolution, old.held, trustOf(4), NODE, 11 + hold, TICK_MS, []).nearMissInstalled).toBe(false);
    expect(old.evolution.installed[NODE]).toBe(0);

    const trust = trustOf(4);
    const banned = held(trust);
    trust[2] = 0;
    expect(cureStep(banned.neuron, banned.regime, banned.evolution, banned.held, trust, NODE, 12, TICK_MS, []).nearMissInstalled).toBe(false);
    expect(banned.evolution.installed[NODE]).toBe(0);

    const first = held(trustOf(4));
    const r = cureStep(first.neuron, first.regime, first.evolution, first.held, trustOf(4), NODE, 12, TICK_MS, [cure(3)]);
    expect(r).toMatchObject({ installed: 0, nearMissInstalled: false });
    expect(first.evolution.installed[NODE]).toBe(1);
  });
});

describe('replyDue (silent mode): one answer per neighbour per REPLY_HOLD_S', () => {
  it('answers a neighbour, then not again within the hold; each neighbour has its own hold', () => {
    const replied = new Int32Array(3).fill(NEVER);
    const hold = (REPLY_HOLD_S * 1000) / TICK_MS;
    expect(hold).toBeGreaterThan(0);
    expect(replyDue(replied, 1, 100, TICK_MS)).toBe(true);
    expect(replied[1]).toBe(100);
    expect(replyDue(replied, 1, 101, TICK_MS)).toBe(false);
    expect(replyDue(replied, 1, 100 + hold - 1, TICK_MS)).toBe(false);
    expect(replied[1]).toBe(100); // a refused answer does not restart the hold
    expect(replyDue(replied, 2, 101, TICK_MS)).toBe(true); // another neighbour
    expect(replyDue(replied, 1, 100 + hold, TICK_MS)).toBe(true);
    expect(replied[1]).toBe(100 + hold);
  });
});

describe('holdNearMiss (in Storm): the best cure that failed is held and tested again every tick', () => {
  /** A cure for the sine of `omega` (an exact two-tap predictor). */
  const cureFor = (slot: number, omega: number): CureOffer => {
    const weights = new Int32Array(LAGS);
    weights[0] = q16.fromFloat(2 * Math.cos(omega));
    weights[1] = -q16.ONE;
    return { slot, weights, bias: 0 };
  };
  /** A node in Storm since tick 100 whose window is a sine of `omega`. */
  const stormNode = (omega: number): NodeState => {
    const s = createNodeState();
    for (let k = 0; k < RECENT; k++) s.neuron.recent[RECENT * NODE + k] = q16.fromFloat(Math.sin(omega * (100 - k)));
    s.regime.regime[NODE] = STORM;
    s.evolution.stormStart[NODE] = 100;
    return s;
  };

  it('a cure for the storm still filling the window fails now, is held, and installs the tick it passes', () => {
    // The window is still the calm field (slow sine); the cure is for the storm's fast one: it fails now.
    const s = stormNode(0.1);
    const trust = trustOf(4);
    const storm = cureFor(2, OMEGA);
    const first = cureStep(s.neuron, s.regime, s.evolution, s.held, trust, NODE, 110, TICK_MS, [storm]);
    expect(first.installed).toBe(-1);
    expect(heldOffer(s.held, NODE, 110, TICK_MS)?.slot).toBe(2);
    expect(trust[2]).toBe(TRUST_INITIAL); // not a failed check: no cost
    // The storm fills the window: the held cure passes with no reply this tick, and its sender is rewarded.
    for (let k = 0; k < RECENT; k++) s.neuron.recent[RECENT * NODE + k] = q16.fromFloat(Math.sin(OMEGA * (120 - k)));
    const later = cureStep(s.neuron, s.regime, s.evolution, s.held, trust, NODE, 120, TICK_MS, []);
    expect(later.nearMissInstalled).toBe(true);
    expect(s.evolution.installed[NODE]).toBe(1);
    expect(trust[2]).toBe(TRUST_INITIAL + TRUST_REWARD);
    expect(heldOffer(s.held, NODE, 121, TICK_MS)).toBeNull();
  });

  it("holds nothing far worse than the node's own gene (a failed check), and keeps the better of two near misses", () => {
    const s = stormNode(0.1);
    expect(holdNearMiss(s.neuron, s.held, NODE, 110, TICK_MS, [garbage(1)])).toBe(false);
    expect(heldOffer(s.held, NODE, 110, TICK_MS)).toBeNull();
    expect(holdNearMiss(s.neuron, s.held, NODE, 110, TICK_MS, [cureFor(2, 0.5), cureFor(3, 0.15)])).toBe(true);
    expect(heldOffer(s.held, NODE, 110, TICK_MS)?.slot).toBe(3); // 0.15 rad is closer to the window's 0.1
    expect(holdNearMiss(s.neuron, s.held, NODE, 111, TICK_MS, [cureFor(1, 0.6)])).toBe(false); // worse: kept the other
    expect(heldOffer(s.held, NODE, 111, TICK_MS)?.slot).toBe(3);
    // A --secure anchor earns no reward, so it is not held for one.
    const anchor = { ...cureFor(2, 0.12), anchored: true };
    const t = stormNode(0.1);
    expect(holdNearMiss(t.neuron, t.held, NODE, 110, TICK_MS, [anchor])).toBe(false);
  });

  it("a near miss held in a storm that is over is dropped, and a banned sender's is never installed", () => {
    const s = stormNode(0.1);
    const trust = trustOf(4);
    cureStep(s.neuron, s.regime, s.evolution, s.held, trust, NODE, 110, TICK_MS, [cureFor(2, OMEGA)]);
    expect(heldOffer(s.held, NODE, 110, TICK_MS)).not.toBeNull();
    s.regime.regime[NODE] = CALM; // the node healed itself
    cureStep(s.neuron, s.regime, s.evolution, s.held, trust, NODE, 111, TICK_MS, []);
    expect(heldOffer(s.held, NODE, 111, TICK_MS)).toBeNull();

    const b = stormNode(0.1);
    const banned = trustOf(4);
    cureStep(b.neuron, b.regime, b.evolution, b.held, banned, NODE, 110, TICK_MS, [cureFor(2, OMEGA)]);
    banned[2] = 0; // banned meanwhile
    for (let k = 0; k < RECENT; k++) b.neuron.recent[RECENT * NODE + k] = q16.fromFloat(Math.sin(OMEGA * (120 - k)));
    const r = cureStep(b.neuron, b.regime, b.evolution, b.held, banned, NODE, 120, TICK_MS, []);
    expect(r.nearMissInstalled).toBe(false);
    expect(b.evolution.installed[NODE]).toBe(0);
  });
});
