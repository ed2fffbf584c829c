// The per-node state the rules read and write, as columns indexed by a node's slot `i` (the simulator's entity
// id; the node daemon keeps columns of capacity 2 and uses slot 1). One layout for both runtimes is what lets
// the same rule run over 100,000 simulated nodes and over one real one, and be compared bit for bit.
// `components/` creates these columns for the simulator; `createNodeState` makes one node's worth.
import { LAGS } from '../neuron/kernel';
import { regimeInitAt, regimeWordsFor } from '../neuron/regimeDetector';
import * as q16 from '../fixed/q16';
import { MEMORY_SLOTS, MODEL_DIM, RECENT, REGIME_RECORD, SIM_REGIME_PARAMS } from './model';

export interface NeuronColumns {
  /** LAGS weights per node. */
  weights: Int32Array;
  bias: Int32Array;
  /** RECENT samples per node, most recent first. */
  recent: Int32Array;
  entropy: Int32Array;
  refractory: Uint8Array;
}

export interface RegimeColumns {
  /** REGIME_RECORD words per node (the detector's state). */
  detector: Int32Array;
  regime: Uint8Array;
  /** The regime before this tick's cortex step. */
  prev: Uint8Array;
}

export interface EvolutionColumns {
  evolved: Uint8Array;
  /** Consecutive ticks of low error while exposed to the storm. */
  goodTicks: Uint8Array;
  /** Tick at which the current (or last) storm began. */
  stormStart: Int32Array;
  /** 1 when a received cure was installed during the current storm. */
  installed: Uint8Array;
  /** The last tick the node was disturbed: not Calm, or exposed to the noise zone (TICK_NEVER: not yet). Its data
   *  is calm evidence again SETTLE_S after (consensus.ts settledAt). */
  disturbedTick: Int32Array;
  /** The tick its gene last became a cure (it turned Evolved; TICK_NEVER: not since it started). */
  curedTick: Int32Array;
  /** The node's gene memory (mind.ts): MEMORY_SLOTS genes (LAGS weights and the bias, MODEL_DIM words each) per
   *  node that worked for it before. */
  memory: Int32Array;
  /** Per memory slot, the tick it was last stored or recalled (TICK_NEVER: empty). */
  memoryTick: Int32Array;
}

/** A tick long before any run (the columns' "never"). */
export const TICK_NEVER = -0x40000000;

/** Sets the evolution timers of a fresh node at slot i (never disturbed, never cured). */
export function initEvolutionAt(evo: EvolutionColumns, i: number): void {
  evo.disturbedTick[i] = TICK_NEVER;
  evo.curedTick[i] = TICK_NEVER;
  evo.memoryTick.fill(TICK_NEVER, MEMORY_SLOTS * i, MEMORY_SLOTS * i + MEMORY_SLOTS);
}

export interface RequestColumns {
  nextRequestTick: Int32Array;
  backoff: Uint8Array;
  /** Prefetch: the last tick the node was in PreStorm (TICK_NEVER: not yet; cure.ts noteWarning). */
  warnedTick: Int32Array;
}

/** A near miss held in Storm (cure.ts holdNearMiss): LAGS weights and the bias, the sender's reputation slot + 1
 *  (0: nothing held) and the tick it was held at. */
export interface HeldCureColumns {
  heldWeights: Int32Array;
  heldBias: Int32Array;
  heldSlot: Int32Array;
  heldTick: Int32Array;
}

/** A node's starting state at slot i: a persistence predictor (next = last) for both its gene and its consensus
 *  model, a fresh regime detector. */
export function initNodeAt(neuron: NeuronColumns, regime: RegimeColumns, model: Int32Array, i: number): void {
  neuron.weights[LAGS * i] = q16.ONE;
  regimeInitAt(regime.detector, REGIME_RECORD * i, SIM_REGIME_PARAMS.window);
  model[MODEL_DIM * i] = q16.ONE;
}

/** A node that starts from a stored gene: its predictor, Evolved (its gene was a cure when it was saved), and the
 *  genes it remembered (most recently used first, src/core/gene/stored.ts; at most MEMORY_SLOTS are kept), as if
 *  used in that order just before the first tick. */
export function restoreAt(
  neuron: NeuronColumns,
  evo: EvolutionColumns,
  i: number,
  gene: { weights: ArrayLike<number>; bias: number },
  memory: ReadonlyArray<{ weights: ArrayLike<number>; bias: number }> = [],
): void {
  for (let k = 0; k < LAGS; k++) neuron.weights[LAGS * i + k] = gene.weights[k]!;
  neuron.bias[i] = gene.bias;
  evo.evolved[i] = 1;
  evo.memoryTick.fill(TICK_NEVER, MEMORY_SLOTS * i, MEMORY_SLOTS * i + MEMORY_SLOTS);
  for (let m = 0; m < Math.min(memory.length, MEMORY_SLOTS); m++) {
    const mo = MODEL_DIM * (MEMORY_SLOTS * i + m);
    for (let k = 0; k < LAGS; k++) evo.memory[mo + k] = memory[m]!.weights[k]!;
    evo.memory[mo + LAGS] = memory[m]!.bias;
    evo.memoryTick[MEMORY_SLOTS * i + m] = -1 - m;
  }
}

/** Slot i's remembered genes, most recently stored or recalled first (what a stored record keeps). */
export function rememberedGenes(evo: EvolutionColumns, i: number): Array<{ weights: Int32Array; bias: number }> {
  const slots: number[] = [];
  for (let m = 0; m < MEMORY_SLOTS; m++) if (evo.memoryTick[MEMORY_SLOTS * i + m] !== TICK_NEVER) slots.push(m);
  slots.sort((a, b) => evo.memoryTick[MEMORY_SLOTS * i + b]! - evo.memoryTick[MEMORY_SLOTS * i + a]! || a - b);
  return slots.map((m) => {
    const mo = MODEL_DIM * (MEMORY_SLOTS * i + m);
    return { weights: evo.memory.slice(mo, mo + LAGS), bias: evo.memory[mo + LAGS]! };
  });
}

/** One node's state (slot 1; slot 0 unused, as in the simulator). */
export interface NodeState {
  neuron: NeuronColumns;
  regime: RegimeColumns;
  evolution: EvolutionColumns;
  requests: RequestColumns;
  held: HeldCureColumns;
  /** The node's consensus model at MODEL_DIM·1. */
  model: Int32Array;
  /** Its model as of its last settled round (consensus.ts honestRoundAt), at MODEL_DIM·1. */
  anchor: Int32Array;
}

export const NODE = 1;

export function createNodeState(): NodeState {
  const cap = 2;
  const state: NodeState = {
    neuron: {
      weights: new Int32Array(LAGS * cap),
      bias: new Int32Array(cap),
      recent: new Int32Array(RECENT * cap),
      entropy: new Int32Array(cap),
      refractory: new Uint8Array(cap),
    },
    regime: { detector: new Int32Array(regimeWordsFor(SIM_REGIME_PARAMS.window) * cap), regime: new Uint8Array(cap), prev: new Uint8Array(cap) },
    evolution: {
      evolved: new Uint8Array(cap),
      goodTicks: new Uint8Array(cap),
      stormStart: new Int32Array(cap),
      installed: new Uint8Array(cap),
      disturbedTick: new Int32Array(cap),
      curedTick: new Int32Array(cap),
      memory: new Int32Array(MEMORY_SLOTS * MODEL_DIM * cap),
      memoryTick: new Int32Array(MEMORY_SLOTS * cap),
    },
    requests: { nextRequestTick: new Int32Array(cap), backoff: new Uint8Array(cap), warnedTick: new Int32Array(cap).fill(TICK_NEVER) },
    held: { heldWeights: new Int32Array(LAGS * cap), heldBias: new Int32Array(cap), heldSlot: new Int32Array(cap), heldTick: new Int32Array(cap) },
    model: new Int32Array(MODEL_DIM * cap),
    anchor: new Int32Array(MODEL_DIM * cap),
  };
  initNodeAt(state.neuron, state.regime, state.model, NODE);
  initEvolutionAt(state.evolution, NODE);
  state.anchor.set(state.model);
  return state;
}
