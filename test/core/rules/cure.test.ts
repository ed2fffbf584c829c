// The prefetch rules (src/core/rules/cure.ts): a node in PreStorm asks early, holds a cure that passes on its
// window, and installs it at once when the storm comes; the held cure expires, and a banned sender's is ignored.
import { describe, expect, it } from 'vitest';
import * as q16 from '../../../src/core/fixed/q16';
import { LAGS } from '../../../src/core/neuron/kernel';
import { CALM, PRESTORM, STORM } from '../../../src/core/neuron/regimeDetector';
import {
  createNodeState,
  cureRequestDue,
  cureStep,
  heldOffer,
  holdNearMiss,
  holdCures,
  HOLD_S,
  NODE,
  PREFETCH_RETRY_S,
  prefetchRequestDue,
  RECENT,
  REQUEST_AFTER_S,
  REPLY_HOLD_S,
  replyDue,
  NEVER,
  TRUST_FAILED,
  TRUST_INITIAL,
  TRUST_REWARD,
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

describe('prefetchRequestDue', () => {
  it('asks in PreStorm only, then not again within PREFETCH_RETRY_S', () => {
    const retry = (PREFETCH_RETRY_S * 1000) / TICK_MS;
    for (const regime of [CALM, STORM]) {
      const s = nodeIn(regime);
      expect(prefetchRequestDue(s.regime, s.requests, s.held, NODE, 50, TICK_MS)).toBe(false);
    }
    const s = nodeIn(PRESTORM);
    expect(prefetchRequestDue(s.regime, s.requests, s.held, NODE, 50, TICK_MS)).toBe(true);
    for (let t = 51; t < 50 + retry; t++) expect(prefetchRequestDue(s.regime, s.requests, s.held, NODE, t, TICK_MS)).toBe(false);
    expect(prefetchRequestDue(s.regime, s.requests, s.held, NODE, 50 + retry, TICK_MS)).toBe(true);
  });

  it('does not ask while it holds a cure, and never delays the Storm request', () => {
    const s = nodeIn(PRESTORM);
    expect(holdCures(s.neuron, s.held, trustOf(4), NODE, 10, TICK_MS, [cure(2)])).toBe(true);
    expect(prefetchRequestDue(s.regime, s.requests, s.held, NODE, 20, TICK_MS)).toBe(false);
    // A prefetch at tick 100, then the storm at 105: its first request is due REQUEST_AFTER_S after the storm began.
    const p = nodeIn(PRESTORM);
    expect(prefetchRequestDue(p.regime, p.requests, p.held, NODE, 100, TICK_MS)).toBe(true);
    p.regime.regime[NODE] = STORM;
    p.evolution.stormStart[NODE] = 105;
    const due = 105 + (REQUEST_AFTER_S * 1000) / TICK_MS;
    for (let t = 105; t < due; t++) expect(cureRequestDue(p.regime, p.evolution, p.requests, NODE, 1, t, TICK_MS, 1, false)).toBe(false);
    expect(cureRequestDue(p.regime, p.evolution, p.requests, NODE, 1, due, TICK_MS, 1, false)).toBe(true);
  });
});

describe('holdCures and cureStep', () => {
  it('in PreStorm a cure that passes on the window is held, not installed, and nobody is rewarded yet', () => {
    const s = nodeIn(PRESTORM);
    const trust = trustOf(4);
    const before = s.neuron.weights.slice();
    const r = cureStep(s.neuron, s.regime, s.evolution, s.held, trust, NODE, 10, TICK_MS, [garbage(1), cure(2)]);
    expect(r).toMatchObject({ installed: -1, held: true, heldInstalled: false });
    expect(s.neuron.weights).toEqual(before);
    expect(s.evolution.installed[NODE]).toBe(0);
    expect(heldOffer(s.held, NODE, 10, TICK_MS)?.slot).toBe(2);
    expect(trust[2]).toBe(TRUST_INITIAL);
    expect(trust[1]).toBe(TRUST_INITIAL - TRUST_FAILED); // far worse than the node's own gene: a failed check
  });

  it('nothing is held when no cure passes', () => {
    const s = nodeIn(PRESTORM);
    expect(holdCures(s.neuron, s.held, trustOf(4), NODE, 10, TICK_MS, [garbage(3)])).toBe(false);
    expect(heldOffer(s.held, NODE, 10, TICK_MS)).toBeNull();
  });

  it('at Storm entry the held cure installs at once with no reply that tick, and its sender is rewarded', () => {
    const s = nodeIn(PRESTORM);
    const trust = trustOf(4);
    holdCures(s.neuron, s.held, trust, NODE, 10, TICK_MS, [cure(2)]);
    s.regime.regime[NODE] = STORM;
    s.evolution.stormStart[NODE] = 18; // the storm began this tick (evolutionStep records it)
    const r = cureStep(s.neuron, s.regime, s.evolution, s.held, trust, NODE, 18, TICK_MS, []);
    expect(r.heldInstalled).toBe(true);
    expect(r.nearMissInstalled).toBe(false);
    expect(s.evolution.installed[NODE]).toBe(1);
    expect(Array.from(s.neuron.weights.subarray(LAGS * NODE, LAGS * NODE + 2))).toEqual(Array.from(cure(2).weights.subarray(0, 2)));
    expect(trust[2]).toBe(TRUST_INITIAL + TRUST_REWARD);
    expect(heldOffer(s.held, NODE, 19, TICK_MS)).toBeNull(); // used
  });

  it("a held cure older than HOLD_S is dropped, and a banned sender's is ignored", () => {
    const hold = (HOLD_S * 1000) / TICK_MS;
    const old = nodeIn(PRESTORM);
    holdCures(old.neuron, old.held, trustOf(4), NODE, 10, TICK_MS, [cure(2)]);
    old.regime.regime[NODE] = STORM;
    expect(cureStep(old.neuron, old.regime, old.evolution, old.held, trustOf(4), NODE, 11 + hold, TICK_MS, []).heldInstalled).toBe(false);
    expect(old.evolution.installed[NODE]).toBe(0);

    const banned = nodeIn(PRESTORM);
    const trust = trustOf(4);
    holdCures(banned.neuron, banned.held, trust, NODE, 10, TICK_MS, [cure(2)]);
    trust[2] = 0; // banned since
    banned.regime.regime[NODE] = STORM;
    expect(cureStep(banned.neuron, banned.regime, banned.evolution, banned.held, trust, NODE, 12, TICK_MS, []).heldInstalled).toBe(false);
    expect(banned.evolution.installed[NODE]).toBe(0);
  });

  it('a cure received in the storm is judged first; the held one waits if that one installs', () => {
    const s = nodeIn(PRESTORM);
    holdCures(s.neuron, s.held, trustOf(4), NODE, 10, TICK_MS, [cure(2)]);
    s.regime.regime[NODE] = STORM;
    const r = cureStep(s.neuron, s.regime, s.evolution, s.held, trustOf(4), NODE, 12, TICK_MS, [cure(3)]);
    expect(r).toMatchObject({ installed: 0, heldInstalled: false });
    expect(s.evolution.installed[NODE]).toBe(1);
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
    expect(later.heldInstalled).toBe(false);
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

  it('a cure prefetched in PreStorm is kept through the PreStorm ticks (no reply) and installs at Storm entry', () => {
    const s = nodeIn(PRESTORM);
    const trust = trustOf(4);
    s.evolution.stormStart[NODE] = 5; // an earlier storm
    expect(cureStep(s.neuron, s.regime, s.evolution, s.held, trust, NODE, 10, TICK_MS, [cure(2)]).held).toBe(true);
    for (let t = 11; t < 18; t++) cureStep(s.neuron, s.regime, s.evolution, s.held, trust, NODE, t, TICK_MS, []); // the daemon's every tick
    expect(heldOffer(s.held, NODE, 17, TICK_MS)?.slot).toBe(2);
    s.regime.regime[NODE] = STORM;
    s.evolution.stormStart[NODE] = 18;
    const r = cureStep(s.neuron, s.regime, s.evolution, s.held, trust, NODE, 18, TICK_MS, []);
    expect(r.heldInstalled).toBe(true);
    expect(r.nearMissInstalled).toBe(false);
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
