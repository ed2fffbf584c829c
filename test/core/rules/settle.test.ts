// Issue 14's storm bytes (src/core/rules/consensus.ts, cure.ts, mind.ts): a node innovates only once its data is calm
// evidence again (settled), and pulls towards its last settled model (its anchor) meanwhile; it answers cure
// requests (silent mode) only with a fresh cure. Both runtimes run these rules (test/conformance compares them).
import { describe, expect, it } from 'vitest';
import * as q16 from '../../../src/core/fixed/q16';
import { CALM, PRESTORM, STORM } from '../../../src/core/neuron/regimeDetector';
import { getAggregator } from '../../../src/core/consensus/registry';
import {
  adoptSummary,
  CURE_FRESH_S,
  createNodeState,
  evolutionStep,
  evolutionTiming,
  freshCure,
  honestRoundAt,
  INNOVATION_SHIFT,
  MODEL_DIM,
  NODE,
  NEVER,
  SETTLE_S,
  settledAt,
  TICK_NEVER,
  type RoundView,
} from '../../../src/core/rules/index';

const TICK_MS = 100;
const timing = evolutionTiming(TICK_MS);

function step(state: ReturnType<typeof createNodeState>, tick: number, regime: number, prev: number, exposed: boolean): void {
  state.regime.regime[NODE] = regime;
  state.regime.prev[NODE] = prev;
  evolutionStep(state.neuron, state.regime, state.evolution, NODE, NODE, tick, 0, exposed, timing, 1);
}

describe('settled: calm evidence again SETTLE_S after the last disturbance', () => {
  it('a new node has never been disturbed; exposure, PreStorm or Storm disturb it; it settles SETTLE_S later', () => {
    const state = createNodeState();
    const evo = state.evolution;
    expect(evo.disturbedTick[NODE]).toBe(TICK_NEVER);
    expect(TICK_NEVER).toBe(NEVER);
    expect(settledAt(evo, NODE, 0, TICK_MS)).toBe(true);
    step(state, 10, CALM, CALM, false);
    expect(evo.disturbedTick[NODE]).toBe(TICK_NEVER);
    step(state, 11, CALM, CALM, true); // exposed to the noise zone
    expect(evo.disturbedTick[NODE]).toBe(11);
    step(state, 12, PRESTORM, CALM, false);
    expect(evo.disturbedTick[NODE]).toBe(12);
    step(state, 13, STORM, PRESTORM, false);
    expect(evo.disturbedTick[NODE]).toBe(13);
    step(state, 14, CALM, STORM, false);
    expect(evo.disturbedTick[NODE]).toBe(13);
    const settle = (SETTLE_S * 1000) / TICK_MS;
    expect(settledAt(evo, NODE, 13 + settle - 1, TICK_MS)).toBe(false);
    expect(settledAt(evo, NODE, 13 + settle, TICK_MS)).toBe(true);
  });

  it('a settled node innovates towards its gene and records its anchor; a disturbed one pulls towards the anchor', () => {
    const spec = getAggregator('trimmed-mean');
    const state = createNodeState(); // gene: the persistence predictor, weight 0 = 1
    const mo = MODEL_DIM * NODE;
    const view: RoundView = { start: 0, end: 0, trust: new Uint8Array(0), heard: new Uint8Array(0), source: new Int32Array(0), rowOf: () => 0 };
    const half = q16.ONE >> 1;
    state.model[mo] = half; // no neighbours: the aggregate is the node's own model
    const next = new Int32Array(MODEL_DIM * 2);
    honestRoundAt(state.neuron, state.model, state.anchor, NODE, true, view, spec, true, next);
    expect(next[mo]).toBe(half + ((q16.ONE - half) >> INNOVATION_SHIFT));
    expect(Array.from(state.anchor.subarray(mo, mo + MODEL_DIM))).toEqual(Array.from(next.subarray(mo, mo + MODEL_DIM)));
    // Disturbed: the gene (a storm's) does not pull; the anchor does, and stays as it was.
    state.anchor[mo] = q16.ONE >> 2;
    const anchor = state.anchor.slice();
    honestRoundAt(state.neuron, state.model, state.anchor, NODE, false, view, spec, true, next);
    expect(next[mo]).toBe(half + (((q16.ONE >> 2) - half) >> INNOVATION_SHIFT));
    expect(state.anchor).toEqual(anchor);
    // At its anchor, a disturbed node with nothing heard does not move at all.
    state.model.set(state.anchor);
    honestRoundAt(state.neuron, state.model, state.anchor, NODE, false, view, spec, true, next);
    expect(Array.from(next.subarray(mo, mo + MODEL_DIM))).toEqual(Array.from(state.anchor.subarray(mo, mo + MODEL_DIM)));
  });

  it('a joiner that adopts a summary anchors on it', () => {
    const state = createNodeState();
    adoptSummary(state.model, state.anchor, NODE, { weights: [1, 2, 3, 4, 5, 6, 7, 8], bias: 9 });
    expect(Array.from(state.anchor.subarray(MODEL_DIM * NODE, MODEL_DIM * NODE + MODEL_DIM))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('fresh cures (silent mode)', () => {
  it('the tick a node turns Evolved is recorded; its cure is fresh for CURE_FRESH_S, never before it has one', () => {
    const state = createNodeState();
    const evo = state.evolution;
    expect(freshCure(evo, NODE, 0, TICK_MS)).toBe(false);
    step(state, 100, STORM, CALM, true);
    expect(evo.curedTick[NODE]).toBe(TICK_NEVER);
    step(state, 200, CALM, STORM, true); // healed while still exposed: Evolved
    expect(evo.evolved[NODE]).toBe(1);
    expect(evo.curedTick[NODE]).toBe(200);
    step(state, 201, CALM, CALM, true); // still Evolved: the tick it became a cure stays
    expect(evo.curedTick[NODE]).toBe(200);
    const fresh = (CURE_FRESH_S * 1000) / TICK_MS;
    expect(freshCure(evo, NODE, 200 + fresh, TICK_MS)).toBe(true);
    expect(freshCure(evo, NODE, 200 + fresh + 1, TICK_MS)).toBe(false);
  });
});
