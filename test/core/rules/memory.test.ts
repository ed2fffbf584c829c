// The gene memory (src/core/rules/mind.ts rememberGene / recallGene, through evolutionStep) and the silent swarm's
// cure rules that rest on it (cure.ts silentAnswer, vouches, the 2-4-8 s request schedule).
import { describe, expect, it } from 'vitest';
import * as q16 from '../../../src/core/fixed/q16';
import { LAGS } from '../../../src/core/neuron/kernel';
import { CALM, STORM } from '../../../src/core/neuron/regimeDetector';
import {
  createNodeState,
  CURE_FRESH_S,
  cureRequestDue,
  evolutionStep,
  evolutionTiming,
  HEALED_FROM_MEMORY,
  HEALED_SELF,
  INSTALLED_CURE,
  INSTALLED_NONE,
  INSTALLED_RECALL,
  judgeCures,
  MEMORY_SLOTS,
  MODEL_DIM,
  NODE,
  RECALLED,
  recallGene,
  RECENT,
  rememberGene,
  REPLY_HOLD_S,
  REQUEST_AFTER_S,
  silentAnswer,
  TICK_NEVER,
  TRUST_INITIAL,
  vouches,
  windowMse,
  type NodeState,
} from '../../../src/core/rules/index';

const TICK_MS = 100;
const timing = evolutionTiming(TICK_MS);

/** Fills the node's window with a pure sine of `omega` rad per sample (most recent first). */
function sineWindow(s: NodeState, omega: number, phase = 100): void {
  for (let k = 0; k < RECENT; k++) s.neuron.recent[RECENT * NODE + k] = q16.fromFloat(Math.sin(omega * (phase - k)));
}

/** Sets the node's gene to the exact predictor of a sine of `omega`: x_t = 2cos(ω)·x_{t−1} − x_{t−2}. */
function setSineGene(s: NodeState, omega: number): void {
  s.neuron.weights.fill(0, LAGS * NODE, LAGS * NODE + LAGS);
  s.neuron.weights[LAGS * NODE] = q16.fromFloat(2 * Math.cos(omega));
  s.neuron.weights[LAGS * NODE + 1] = -q16.ONE;
  s.neuron.bias[NODE] = 0;
}

/** The starting gene, persistence (next = last): it predicts a fast storm badly. */
function setPersistenceGene(s: NodeState): void {
  s.neuron.weights.fill(0, LAGS * NODE, LAGS * NODE + LAGS);
  s.neuron.weights[LAGS * NODE] = q16.ONE;
  s.neuron.bias[NODE] = 0;
}

const gene = (s: NodeState): number[] => [...s.neuron.weights.subarray(LAGS * NODE, LAGS * NODE + LAGS), s.neuron.bias[NODE]!];
const slotGene = (s: NodeState, m: number): number[] => [
  ...s.evolution.memory.subarray(MODEL_DIM * (MEMORY_SLOTS * NODE + m), MODEL_DIM * (MEMORY_SLOTS * NODE + m) + MODEL_DIM),
];
const stored = (s: NodeState): number => {
  let n = 0;
  for (let m = 0; m < MEMORY_SLOTS; m++) if (s.evolution.memoryTick[MEMORY_SLOTS * NODE + m] !== TICK_NEVER) n++;
  return n;
};

describe('rememberGene', () => {
  it('starts empty, stores genes in free slots, refreshes a gene it already holds instead of storing it twice', () => {
    const s = createNodeState();
    expect(stored(s)).toBe(0);
    setSineGene(s, 1.2);
    rememberGene(s.neuron, s.evolution, NODE, 10);
    expect(stored(s)).toBe(1);
    expect(slotGene(s, 0)).toEqual(gene(s));
    // The same gene moved by less than 1/64 in a coordinate: the same memory, its tick refreshed, not a second slot.
    s.neuron.weights[LAGS * NODE + 3] = q16.ONE >> 7;
    rememberGene(s.neuron, s.evolution, NODE, 20);
    expect(stored(s)).toBe(1);
    expect(s.evolution.memoryTick[MEMORY_SLOTS * NODE]).toBe(20);
    setSineGene(s, 0.7);
    rememberGene(s.neuron, s.evolution, NODE, 30);
    expect(stored(s)).toBe(2);
  });

  it('is bounded: when full, the slot stored or recalled longest ago is overwritten', () => {
    const s = createNodeState();
    for (let m = 0; m < MEMORY_SLOTS + 3; m++) {
      setSineGene(s, 0.3 + 0.2 * m);
      rememberGene(s.neuron, s.evolution, NODE, 100 + m);
    }
    expect(stored(s)).toBe(MEMORY_SLOTS);
    const ticks = [...s.evolution.memoryTick.subarray(MEMORY_SLOTS * NODE, MEMORY_SLOTS * NODE + MEMORY_SLOTS)].sort((a, b) => a - b);
    // The first three stored (ticks 100-102) are gone, the last MEMORY_SLOTS kept.
    expect(ticks).toEqual(Array.from({ length: MEMORY_SLOTS }, (_, m) => 103 + m));
    // Other nodes' slots are untouched (slot 0 of the columns).
    expect(s.evolution.memory.subarray(0, MEMORY_SLOTS * MODEL_DIM).every((w) => w === 0)).toBe(true);
  });
});

describe('recallGene', () => {
  it('installs the remembered gene that passes the install test best, and marks the storm as healed from memory', () => {
    const s = createNodeState();
    setSineGene(s, 0.4);
    rememberGene(s.neuron, s.evolution, NODE, 1); // a gene for another storm
    setSineGene(s, 1.2);
    const cure = gene(s);
    rememberGene(s.neuron, s.evolution, NODE, 2); // the cure of this one
    setPersistenceGene(s);
    sineWindow(s, 1.2);
    const before = windowMse(s.neuron.recent, NODE, s.neuron.weights, LAGS * NODE, 0);
    expect(recallGene(s.neuron, s.evolution, NODE, 50)).toBe(true);
    expect(gene(s)).toEqual(cure);
    expect(windowMse(s.neuron.recent, NODE, s.neuron.weights, LAGS * NODE, 0)).toBeLessThan(before / 8);
    expect(s.evolution.installed[NODE]).toBe(INSTALLED_RECALL);
    expect(s.evolution.memoryTick[MEMORY_SLOTS * NODE + 1]).toBe(50); // the recalled slot is refreshed
  });

  it('installs nothing when no remembered gene passes (not merely less bad: the absolute bound too)', () => {
    const s = createNodeState();
    setSineGene(s, 0.4);
    rememberGene(s.neuron, s.evolution, NODE, 1);
    setPersistenceGene(s);
    sineWindow(s, 1.2);
    const mine = gene(s);
    expect(recallGene(s.neuron, s.evolution, NODE, 50)).toBe(false);
    expect(gene(s)).toEqual(mine);
    expect(s.evolution.installed[NODE]).toBe(INSTALLED_NONE);
  });
});

describe('evolutionStep with the memory', () => {
  /** Drives one node through the rules: its window a sine of `omega`, its regime set by hand. */
  function step(s: NodeState, regime: number, tick: number, exposed = true): number {
    s.regime.prev[NODE] = s.regime.regime[NODE]!;
    s.regime.regime[NODE] = regime;
    return evolutionStep(s.neuron, s.regime, s.evolution, NODE, NODE, tick, 0, exposed, timing, 1);
  }

  it('remembers the gene a storm began with and the gene that healed it; the storm\u2019s return is healed from memory, no request sent', () => {
    const s = createNodeState();
    sineWindow(s, 1.2);
    s.regime.regime[NODE] = CALM;
    // Storm 1 begins: the starting (persistence) gene is remembered; then the node heals with the sine's cure.
    expect(step(s, STORM, 10) & RECALLED).toBe(0);
    expect(stored(s)).toBe(1);
    setSineGene(s, 1.2);
    const cure = gene(s);
    expect(step(s, CALM, 40) & HEALED_SELF).toBe(HEALED_SELF);
    expect(stored(s)).toBe(2);
    // The node drifts to another gene (the calm field came back), then the same storm returns.
    setPersistenceGene(s);
    s.evolution.evolved[NODE] = 0;
    expect(step(s, STORM, 500) & RECALLED).toBe(RECALLED);
    expect(gene(s)).toEqual(cure);
    expect(s.evolution.installed[NODE]).toBe(INSTALLED_RECALL);
    // A recalled gene ends the requests of this storm, as an installed cure does.
    expect(cureRequestDue(s.regime, s.evolution, s.requests, NODE, 1, 500 + (REQUEST_AFTER_S * 1000) / TICK_MS, TICK_MS, 1, true)).toBe(false);
    // ... and received cures are not judged any more.
    const offer = { slot: 0, weights: s.neuron.weights.slice(LAGS * NODE, LAGS * NODE + LAGS), bias: 0 };
    expect(judgeCures(s.neuron, s.regime, s.evolution, new Uint8Array(1).fill(TRUST_INITIAL), NODE, [offer]).installed).toBe(-1);
    const healed = step(s, CALM, 520);
    expect(healed & (HEALED_SELF | HEALED_FROM_MEMORY)).toBe(HEALED_SELF | HEALED_FROM_MEMORY);
  });

  it('tries the memory only in Storm and only until the storm has a gene installed', () => {
    const s = createNodeState();
    setSineGene(s, 1.2);
    rememberGene(s.neuron, s.evolution, NODE, 1);
    setPersistenceGene(s);
    sineWindow(s, 1.2);
    s.regime.regime[NODE] = CALM;
    expect(step(s, CALM, 5) & RECALLED).toBe(0); // calm: the memory is not tried
    s.regime.regime[NODE] = STORM;
    s.evolution.installed[NODE] = INSTALLED_CURE; // a received cure was installed this storm
    expect(step(s, STORM, 6) & RECALLED).toBe(0);
  });
});

describe('silent answers and requests', () => {
  /** An Evolved node, cured at tick 100, whose window is a sine of `omega` and whose gene is that sine's cure. */
  function responder(omega: number): NodeState {
    const s = createNodeState();
    sineWindow(s, omega);
    setSineGene(s, omega);
    s.evolution.evolved[NODE] = 1;
    s.evolution.curedTick[NODE] = 100;
    return s;
  }

  it('vouches only for a gene that fits its own window now', () => {
    const s = responder(1.2);
    expect(vouches(s.neuron, NODE)).toBe(true);
    sineWindow(s, 0.5); // the signal around it changed: the cure no longer fits where the node is
    expect(vouches(s.neuron, NODE)).toBe(false);
  });

  it('answers with a fresh cure it vouches for, once per REPLY_HOLD_S per neighbour', () => {
    const hold = (REPLY_HOLD_S * 1000) / TICK_MS;
    const fresh = (CURE_FRESH_S * 1000) / TICK_MS;
    const s = responder(1.2);
    const replied = new Int32Array(4).fill(TICK_NEVER);
    expect(silentAnswer(s.neuron, s.evolution, replied, NODE, 1, 110, TICK_MS)).toBe(true);
    expect(silentAnswer(s.neuron, s.evolution, replied, NODE, 1, 110 + hold - 1, TICK_MS)).toBe(false);
    expect(silentAnswer(s.neuron, s.evolution, replied, NODE, 2, 111, TICK_MS)).toBe(true); // another neighbour
    expect(silentAnswer(s.neuron, s.evolution, replied, NODE, 3, 100 + fresh + 1, TICK_MS)).toBe(false); // stale cure
    const drifted = responder(1.2);
    sineWindow(drifted, 0.5);
    expect(silentAnswer(drifted.neuron, drifted.evolution, new Int32Array(4).fill(TICK_NEVER), NODE, 1, 110, TICK_MS)).toBe(false);
    // A refused answer records nothing: the same neighbour is answered as soon as the node vouches again.
    const r = new Int32Array(4).fill(TICK_NEVER);
    expect(silentAnswer(drifted.neuron, drifted.evolution, r, NODE, 1, 110, TICK_MS)).toBe(false);
    expect(r[1]).toBe(TICK_NEVER);
  });

  it('silent mode asks after 2 s in Storm, then after 2, 4, 8, 8 s; chatty after 1, 2, 4, 8, 8 s', () => {
    const times = (silent: boolean): number[] => {
      const s = createNodeState();
      s.regime.regime[NODE] = STORM;
      s.evolution.stormStart[NODE] = 0;
      const asked: number[] = [];
      for (let t = 0; t < 400; t++) if (cureRequestDue(s.regime, s.evolution, s.requests, NODE, 1, t, TICK_MS, 1, silent)) asked.push(t);
      return asked;
    };
    const gaps = (xs: number[]): number[] => xs.slice(1).map((x, k) => Math.floor((x - xs[k]!) / 10)); // whole seconds (jitter < 0.5 s)
    const silent = times(true);
    const chatty = times(false);
    expect(silent[0]).toBe((REQUEST_AFTER_S * 1000) / TICK_MS);
    expect(chatty[0]).toBe((REQUEST_AFTER_S * 1000) / TICK_MS);
    expect(gaps(silent).slice(0, 4)).toEqual([2, 4, 8, 8]);
    expect(gaps(chatty).slice(0, 5)).toEqual([1, 2, 4, 8, 8]);
  });
});
