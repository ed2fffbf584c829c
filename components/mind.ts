// A node's neuron (8-lag Q16 linear predictor) and its regime. `recent` is a shift register of the last
// RECENT samples, most recent first: its first LAGS entries are the predictor's history, and the whole of it
// is the window on which mutations and received genes are checked.
import { LAGS } from '../src/core/neuron/kernel';
import { MEMORY_SLOTS, MODEL_DIM, RECENT } from '../src/core/rules/model';

export { RECENT };

export function createNeuron(capacity: number) {
  return {
    weights: new Int32Array(LAGS * capacity),
    bias: new Int32Array(capacity),
    recent: new Int32Array(RECENT * capacity),
    entropy: new Int32Array(capacity),
    refractory: new Uint8Array(capacity),
  };
}
export type Neuron = ReturnType<typeof createNeuron>;

/** `recordWords`: Int32 words per regime-detector record (regimeWordsFor(window) of the params in use). */
export function createRegime(capacity: number, recordWords: number) {
  return {
    detector: new Int32Array(recordWords * capacity),
    regime: new Uint8Array(capacity),
    /** The regime before this tick's cortex step, so later systems can see transitions. */
    prev: new Uint8Array(capacity),
  };
}
export type Regime = ReturnType<typeof createRegime>;

/** Evolution: flags and timers of the Storm → adapt/mutate → Evolved story. */
export function createEvolution(capacity: number) {
  return {
    evolved: new Uint8Array(capacity),
    /** Consecutive ticks of low error while exposed to the noise zone. */
    goodTicks: new Uint8Array(capacity),
    /** Tick at which the current (or last) storm began. */
    stormStart: new Int32Array(capacity),
    /** 1 when a gossiped gene was installed during the current storm. */
    installed: new Uint8Array(capacity),
    /** The last tick the node was not Calm or was exposed (src/core/rules/state.ts TICK_NEVER: not yet). */
    disturbedTick: new Int32Array(capacity),
    /** The tick its gene last became a cure (TICK_NEVER: not yet). */
    curedTick: new Int32Array(capacity),
    /** The gene memory: MEMORY_SLOTS genes of MODEL_DIM words per node (src/core/rules/mind.ts recall). */
    memory: new Int32Array(capacity * MEMORY_SLOTS * MODEL_DIM),
    /** Per memory slot, the tick it was last stored or recalled. */
    memoryTick: new Int32Array(capacity * MEMORY_SLOTS),
    /** Ticks left of the view's flash after a heal. */
    flash: new Uint8Array(capacity),
  };
}
export type Evolution = ReturnType<typeof createEvolution>;
