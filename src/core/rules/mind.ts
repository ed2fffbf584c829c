// The rules of one node's mind, tick by tick: take the new sample into the recent window, predict it (surprise,
// entropy, regime), then adapt, mutate and evolve. Pure functions over the columns of state.ts; the simulator
// calls them for every node (systems/sensor.ts, cortex.ts, evolution.ts), the node daemon for its one node.
import * as q16 from '../fixed/q16';
import {
  entropyStep,
  LAGS,
  nlmsStepAt,
  persistenceMseRecentFirstAt,
  predictAt,
  REFRACTORY_TICKS,
  WEIGHT_LIMIT,
  windowMseRecentFirstAt,
} from '../neuron/kernel';
import { CALM, regimeStepAt, secondDiffEnergy, STORM } from '../neuron/regimeDetector';
import {
  CALM_DEADZONE,
  CALM_EVERY,
  CALM_MU,
  CURE_MAX_MSE,
  ERROR_SCALE,
  INSTALL_MARGIN_DEN,
  INSTALL_MARGIN_NUM,
  MEMORY_SLOTS,
  MODEL_DIM,
  EVOLVED_AFTER_S,
  EVOLVED_ENTROPY,
  MUTATION_AMP,
  MUTATIONS_PER_S,
  PRESTORM_OWN_ERROR,
  PRESTORM_RECENT_ERROR,
  PRESTORM_RECENT_SAMPLES,
  RECENT,
  REGIME_RECORD,
  SIM_REGIME_PARAMS,
  SPIKE_THRESHOLD,
  STORM_MU,
} from './model';
import { drawChance, drawTriangular } from './random';
import { TICK_NEVER, type EvolutionColumns, type NeuronColumns, type RegimeColumns } from './state';

/** Mean squared error (Q16) of the predictor (w at wo, bias) replayed over slot i's recent window. */
export function windowMse(recent: Int32Array, i: number, w: Int32Array, wo: number, bias: number): number {
  return windowMseRecentFirstAt(w, wo, bias, recent, RECENT * i, RECENT);
}

/** The install test: a gene whose error on a node's window is `theirs` replaces the node's own, whose error is
 *  `mine`, only if it predicts clearly better (INSTALL_MARGIN) and well in absolute terms (CURE_MAX_MSE). */
export function installTestPasses(mine: number, theirs: number): boolean {
  return theirs <= CURE_MAX_MSE && theirs * INSTALL_MARGIN_DEN < mine * INSTALL_MARGIN_NUM;
}

/** The same for the persistence predictor (next = last), the plainest yardstick. */
export function persistenceMse(recent: Int32Array, i: number): number {
  return persistenceMseRecentFirstAt(recent, RECENT * i, RECENT);
}

/** Takes a new sample into slot i's window (most recent first). Unrolled for RECENT = 16: 40 % faster than a
 *  loop or copyWithin, and the simulator runs it for every node every tick. */
export function senseAt(r: Int32Array, i: number, sample: number): void {
  const o = RECENT * i;
  r[o + 15] = r[o + 14]!;
  r[o + 14] = r[o + 13]!;
  r[o + 13] = r[o + 12]!;
  r[o + 12] = r[o + 11]!;
  r[o + 11] = r[o + 10]!;
  r[o + 10] = r[o + 9]!;
  r[o + 9] = r[o + 8]!;
  r[o + 8] = r[o + 7]!;
  r[o + 7] = r[o + 6]!;
  r[o + 6] = r[o + 5]!;
  r[o + 5] = r[o + 4]!;
  r[o + 4] = r[o + 3]!;
  r[o + 3] = r[o + 2]!;
  r[o + 2] = r[o + 1]!;
  r[o + 1] = r[o]!;
  r[o] = sample;
}
if (RECENT !== 16) throw new Error('senseAt is unrolled for RECENT = 16');

// The PreStorm gate of cortexStep (PRESTORM_RECENT_ERROR on the newest samples, PRESTORM_OWN_ERROR on the whole
// window): the node being stepped, set before each regime step (a module-level function, so no closure is made per
// node and tick).
let gateNeuron: NeuronColumns | null = null;
let gateI = 0;
function ownErrorGate(): boolean {
  const n = gateNeuron!;
  const wo = LAGS * gateI;
  const bias = n.bias[gateI]!;
  return (
    windowMseRecentFirstAt(n.weights, wo, bias, n.recent, RECENT * gateI, PRESTORM_RECENT_SAMPLES) > PRESTORM_RECENT_ERROR &&
    windowMse(n.recent, gateI, n.weights, wo, bias) > PRESTORM_OWN_ERROR
  );
}
/**
 * Cortex: predicts slot i's newest sample from the ones before it; updates surprise (refractory spikes), the
 * entropy EMA and the regime (the previous one is kept in `prev`; the early warning also reads the signal's
 * high-frequency energy, from the newest three samples, and when it would warn, the gene's error on the window:
 * PRESTORM_RECENT_ERROR, PRESTORM_OWN_ERROR). Returns the prediction error, which
 * evolutionStep adapts on later in the same tick.
 */
export function cortexStep(neuron: NeuronColumns, regime: RegimeColumns, i: number): number {
  const ro = RECENT * i;
  const error = q16.sub(neuron.recent[ro]!, predictAt(neuron.weights, LAGS * i, neuron.bias[i]!, neuron.recent, ro + 1));
  const absError = q16.abs(error);
  const entropy = entropyStep(neuron.entropy[i]!, absError, ERROR_SCALE);
  neuron.entropy[i] = entropy;
  if (neuron.refractory[i]! > 0) neuron.refractory[i]!--;
  else if (absError > SPIKE_THRESHOLD) neuron.refractory[i] = REFRACTORY_TICKS;
  regime.prev[i] = regime.regime[i]!;
  const r = neuron.recent;
  const hf = secondDiffEnergy(r[ro]!, r[ro + 1]!, r[ro + 2]!);
  gateNeuron = neuron;
  gateI = i;
  regime.regime[i] = regimeStepAt(regime.detector, REGIME_RECORD * i, absError, entropy, SIM_REGIME_PARAMS, hf, ownErrorGate) & 3;
  return error;
}

/** What evolutionStep did, as bits. */
export const HEALED_GOSSIP = 1;
export const HEALED_SELF = 2;
export const MUTATION_TRIED = 4;
export const MUTATION_KEPT = 8;
/** The node installed a gene from its memory this tick. */
export const RECALLED = 16;
/** With HEALED_SELF: the storm was healed by a gene recalled from the node's memory. */
export const HEALED_FROM_MEMORY = 32;
/** evolution.installed[i]: nothing installed this storm, a received cure (cure.ts), a gene from memory. */
export const INSTALLED_NONE = 0;
export const INSTALLED_CURE = 1;
export const INSTALLED_RECALL = 2;

/** Per tick length: the chance of a mutation try per Storm tick (Q16) and the ticks of calm exposure that make a
 *  node Evolved (goodTicks is one byte). */
export interface EvolutionTiming {
  mutationChanceQ16: number;
  evolvedTicks: number;
}

export function evolutionTiming(tickMs: number): EvolutionTiming {
  return {
    mutationChanceQ16: Math.round((MUTATIONS_PER_S * tickMs * q16.ONE) / 1000),
    evolvedTicks: Math.min(0xff, Math.ceil((EVOLVED_AFTER_S * 1000) / tickMs)),
  };
}

const candidate = new Int32Array(LAGS);
/** Two genes closer than this (every coordinate, Q16: 1/64) are the same memory. */
const SAME_GENE = q16.ONE >> 6;

/** Stores slot i's gene in its memory: over a remembered gene it is close to (SAME_GENE), else over the slot
 *  stored or recalled longest ago (an empty one first). */
export function rememberGene(neuron: NeuronColumns, evo: EvolutionColumns, i: number, tick: number): void {
  const base = MEMORY_SLOTS * i;
  const wo = LAGS * i;
  let target = 0;
  for (let m = 0; m < MEMORY_SLOTS; m++) {
    const mo = MODEL_DIM * (base + m);
    if (evo.memoryTick[base + m] !== TICK_NEVER) {
      let d = Math.abs(evo.memory[mo + LAGS]! - neuron.bias[i]!);
      for (let k = 0; k < LAGS && d <= SAME_GENE; k++) d = Math.max(d, Math.abs(evo.memory[mo + k]! - neuron.weights[wo + k]!));
      if (d <= SAME_GENE) {
        target = m;
        break;
      }
    }
    if (evo.memoryTick[base + m]! < evo.memoryTick[base + target]!) target = m;
  }
  const mo = MODEL_DIM * (base + target);
  evo.memory.set(neuron.weights.subarray(wo, wo + LAGS), mo);
  evo.memory[mo + LAGS] = neuron.bias[i]!;
  evo.memoryTick[base + target] = tick;
}

/** A node in Storm with no installed gene tries its memory: of the remembered genes that pass the install test
 *  on its window (installTestPasses, against its own gene), the one with the lowest error (then the lowest slot)
 *  replaces its gene, and its slot's tick is refreshed. Returns whether one did. */
export function recallGene(neuron: NeuronColumns, evo: EvolutionColumns, i: number, tick: number): boolean {
  const base = MEMORY_SLOTS * i;
  const wo = LAGS * i;
  const mine = windowMse(neuron.recent, i, neuron.weights, wo, neuron.bias[i]!);
  let best = -1;
  let bestMse = 0;
  for (let m = 0; m < MEMORY_SLOTS; m++) {
    if (evo.memoryTick[base + m] === TICK_NEVER) continue;
    const mo = MODEL_DIM * (base + m);
    const theirs = windowMse(neuron.recent, i, evo.memory, mo, evo.memory[mo + LAGS]!);
    if (installTestPasses(mine, theirs) && (best < 0 || theirs < bestMse)) {
      best = m;
      bestMse = theirs;
    }
  }
  if (best < 0) return false;
  const mo = MODEL_DIM * (base + best);
  neuron.weights.set(evo.memory.subarray(mo, mo + LAGS), wo);
  neuron.bias[i] = evo.memory[mo + LAGS]!;
  evo.installed[i] = INSTALLED_RECALL;
  evo.memoryTick[base + best] = tick;
  return true;
}

/**
 * Storm → adapt/mutate → Evolved, for honest node `node` at slot i. A node in Storm takes an NLMS step on its
 * latest error and now and then tries a mutation (kept only if it lowers the error on its recent window). When
 * it leaves Storm while still exposed, it has healed (by gossip if it installed a received cure during this
 * storm, else by itself) and its gene is a cure (Evolved). A calm node that is not Evolved keeps tracking its
 * signal gently (set-membership NLMS: only errors beyond the sensor noise, every CALM_EVERY-th tick), which also
 * lets it forget a storm it learnt; an Evolved node keeps its cure. Records the last tick the node was disturbed
 * (not Calm, or exposed: disturbedTick) and the tick its gene became a cure (curedTick). Returns HEALED_*,
 * MUTATION_* and RECALLED bits.
 *
 * Memory: a node remembers the gene it had when a storm began and the gene that healed it (rememberGene,
 * MEMORY_SLOTS). In Storm, until it has installed a gene this storm, it tries its memory every tick with the
 * install test a received cure must pass (recallGene); a recalled gene ends its requests for this storm as an
 * installed cure does, and a heal after it is a self heal (HEALED_SELF | HEALED_FROM_MEMORY): the storms that
 * pass a node come back (the noise zone orbits), and what healed one heals its return at once, with no byte on air.
 */
export function evolutionStep(
  neuron: NeuronColumns,
  regimes: RegimeColumns,
  evo: EvolutionColumns,
  i: number,
  node: number,
  tick: number,
  error: number,
  exposed: boolean,
  timing: EvolutionTiming,
  mutationSeed: number,
): number {
  const regime = regimes.regime[i]!;
  const before = regimes.prev[i]!;
  const wasEvolved = evo.evolved[i]!;
  let out = 0;
  if (regime !== CALM || exposed) evo.disturbedTick[i] = tick;
  if (regime === STORM && before !== STORM) {
    rememberGene(neuron, evo, i, tick); // the gene that served until now: what it served comes back too
    evo.installed[i] = INSTALLED_NONE;
    evo.evolved[i] = 0; // a gene that storms is no longer a cure (the storm has changed)
  }
  if (before === STORM && regime !== STORM && exposed) {
    // Healed while the storm still blows: learning, not the zone moving away, ended it.
    out |= evo.installed[i] === INSTALLED_CURE ? HEALED_GOSSIP : HEALED_SELF;
    if (evo.installed[i] === INSTALLED_RECALL) out |= HEALED_FROM_MEMORY;
    evo.evolved[i] = 1;
    rememberGene(neuron, evo, i, tick);
  }
  if (regime === STORM && before !== STORM) evo.stormStart[i] = tick;
  if (regime === STORM && evo.installed[i] === INSTALLED_NONE && recallGene(neuron, evo, i, tick)) {
    // No adaptation on this tick's error, which the gene just replaced made.
    evo.goodTicks[i] = 0;
    return out | RECALLED;
  }
  const mu = regime === STORM ? STORM_MU : evo.evolved[i] || (tick + node) % CALM_EVERY !== 0 ? 0 : CALM_MU;
  if (mu > 0) {
    const { weights, recent } = neuron;
    const wo = LAGS * i;
    if (regime === STORM || q16.abs(error) > CALM_DEADZONE) {
      neuron.bias[i] = nlmsStepAt(weights, wo, neuron.bias[i]!, recent, RECENT * i + 1, error, mu);
    }
    if (regime === STORM && drawChance(mutationSeed, node, tick, 0, timing.mutationChanceQ16)) {
      out |= MUTATION_TRIED;
      for (let k = 0; k < LAGS; k++) {
        candidate[k] = q16.clamp(weights[wo + k]! + q16.mul(MUTATION_AMP, drawTriangular(mutationSeed, node, tick, k + 1)), -WEIGHT_LIMIT, WEIGHT_LIMIT);
      }
      const bias = neuron.bias[i]!;
      if (windowMse(recent, i, candidate, 0, bias) < windowMse(recent, i, weights, wo, bias)) {
        weights.set(candidate, wo);
        out |= MUTATION_KEPT;
      }
    }
  }
  if (exposed && regime === CALM && neuron.entropy[i]! < EVOLVED_ENTROPY) {
    if (evo.goodTicks[i]! < 0xff) evo.goodTicks[i]!++;
    if (evo.goodTicks[i]! >= timing.evolvedTicks) evo.evolved[i] = 1;
  } else {
    evo.goodTicks[i] = 0;
  }
  if (evo.evolved[i] === 1 && wasEvolved === 0) evo.curedTick[i] = tick;
  return out;
}
