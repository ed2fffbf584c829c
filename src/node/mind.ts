// One real node's neuron, regime and evolution: the per-node form of systems/cortex.ts, evolution.ts and
// geneInstall.ts, on the same core kernel (predictAt, nlmsStepAt, entropyStep, windowMseRecentFirstAt) and
// the same constants (src/sim/model.ts). Integer Q16 throughout. One step = one device tick.
import * as q16 from '../core/fixed/q16';
import { cloneGene, type Gene } from '../core/gene/gene';
import { DEFAULT_MU, entropyStep, LAGS, nlmsStepAt, predictAt, REFRACTORY_TICKS, WEIGHT_LIMIT, windowMseRecentFirstAt } from '../core/neuron/kernel';
import { CALM, RegimeDetector, STORM, type Regime } from '../core/neuron/regimeDetector';
import type { Rng } from '../core/rng/rng';
import {
  CALM_EVERY, CALM_MU, ERROR_SCALE, EVOLVED_AFTER_S, EVOLVED_ENTROPY, EXCLUDE_FACTOR, EXCLUDE_FLOOR, EXPOSED_LEVEL, INSTALL_MARGIN_DEN,
  INSTALL_MARGIN_NUM, MAX_BACKOFF, MUTATION_AMP, MUTATIONS_PER_S, REQUEST_AFTER_S, REQUEST_RETRY_S,
  SIM_REGIME_PARAMS, SPIKE_THRESHOLD, STORM_MU,
} from '../sim/model';
import { DEVICE_TICK_MS } from './config';

/** The recent window (most recent first) on which mutations and received genes are checked (as the sim). */
export const RECENT = 16;
const TICKS_PER_S = 1000 / DEVICE_TICK_MS;
const MUTATION_CHANCE = Math.round((MUTATIONS_PER_S * DEVICE_TICK_MS * q16.ONE) / 1000);
const EVOLVED_TICKS = Math.ceil(EVOLVED_AFTER_S * TICKS_PER_S);
const REQUEST_WAIT_TICKS = Math.ceil(REQUEST_AFTER_S * TICKS_PER_S);
const REQUEST_RETRY_TICKS = Math.ceil(REQUEST_RETRY_S * TICKS_PER_S);
/** A predictor is harmful, not just unhelpful, when its window MSE exceeds this many times the window's own
 *  mean square (the MSE of predicting 0): its sender is penalised. An honest gene, even a cure for another
 *  storm or a calm predictor in a storm, stays below ~1× (its error is at most the part of the signal it does
 *  not model); a sign-flipped predictor scores ≈ 4×, random ±2 weights ≈ 10×. */
export const HARMFUL_POWER_FACTOR = 2;
/** Floor of the mean square, so a near-silent window does not make every predictor "harmful". */
export const POWER_FLOOR: q16.Q16 = 655; // 0.1² in Q16

export type CureVerdict = 'installed' | 'not-better' | 'harmful' | 'not-needed';
export type HealCause = 'gossip' | 'self';

export class NodeMind {
  readonly weights = new Int32Array(LAGS);
  bias = 0;
  readonly recent = new Int32Array(RECENT);
  entropy = 0;
  refractory = 0;
  readonly detector = new RegimeDetector(SIM_REGIME_PARAMS);
  regime: Regime = CALM;
  evolved = false;
  /** Started from a stored gene. */
  restored = false;
  /** Installed a neighbour's gene during the current storm. */
  installed = false;
  goodTicks = 0;
  stormStart = 0;
  samples = 0;
  exposed = false;
  heals = { gossip: 0, self: 0 };
  /** Tick of the last heal, -1 before any. */
  lastHealTick = -1;
  private backoff = 0;
  private nextRequestTick = 0;
  private readonly candidate = new Int32Array(LAGS);

  constructor(
    readonly id: number,
    private readonly rng: Rng,
  ) {
    this.weights[0] = q16.ONE; // "the next sample is the last one", as the sim starts
  }

  gene(): Gene {
    return { weights: Int32Array.from(this.weights), bias: this.bias, mu: DEFAULT_MU };
  }

  /** Start from a stored gene: its predictor, Evolved (DESIGN.md §2 Persistence). */
  restore(gene: Gene): void {
    const g = cloneGene(gene);
    this.weights.set(g.weights);
    this.bias = g.bias;
    this.evolved = true;
    this.restored = true;
  }

  /** Window MSE of a predictor on this node's recent samples (MAX until the window is full). */
  windowMse(weights: Int32Array, bias: number): number {
    if (this.samples < RECENT) return q16.MAX;
    return windowMseRecentFirstAt(weights, 0, bias, this.recent, 0, RECENT);
  }

  /** Mean square of the window's predicted samples (what predicting 0 would score), Q16. */
  windowPower(): number {
    let total = 0;
    for (let j = 0; j < RECENT - LAGS; j++) total += q16.mul(this.recent[j]!, this.recent[j]!);
    return Math.round(total / (RECENT - LAGS));
  }

  /**
   * Whether a received vector should pull this node's consensus: false when it predicts the recent window more
   * than EXCLUDE_FACTOR times worse than `own` (the node's current consensus vector) and beyond EXCLUDE_FLOOR,
   * the sim's own-data filter (systems/consensus.ts). True until the window is full.
   */
  fitsAsWellAs(v: Int32Array, own: Int32Array): boolean {
    if (this.samples < RECENT) return true;
    return this.windowMse(v, v[LAGS]!) <= EXCLUDE_FACTOR * Math.max(this.windowMse(own, own[LAGS]!), EXCLUDE_FLOOR);
  }

  /** The own-data test of a received predictor: false if it is harmful on this node's recent window. */
  passesOwnCheck(weights: Int32Array, bias: number): boolean {
    if (this.samples < RECENT) return true;
    return this.windowMse(weights, bias) <= HARMFUL_POWER_FACTOR * Math.max(this.windowPower(), POWER_FLOOR);
  }

  /** One device tick: predict, surprise, regime (cortex), then adapt/mutate/evolve (evolution). */
  step(tick: number, sample: q16.Q16, exposure: q16.Q16): HealCause | null {
    const predicted = predictAt(this.weights, 0, this.bias, this.recent, 0);
    const error = q16.sub(sample, predicted);
    const absError = q16.abs(error);
    this.entropy = entropyStep(this.entropy, absError, ERROR_SCALE);
    if (this.refractory > 0) this.refractory--;
    else if (absError > SPIKE_THRESHOLD) this.refractory = REFRACTORY_TICKS;
    const before = this.regime;
    this.regime = this.detector.observe(absError, this.entropy);
    this.recent.copyWithin(1, 0, RECENT - 1);
    this.recent[0] = sample;
    this.samples++;
    this.exposed = exposure > EXPOSED_LEVEL;
    return this.evolve(tick, before);
  }

  private evolve(tick: number, before: Regime): HealCause | null {
    const regime = this.regime;
    let healed: HealCause | null = null;
    if (regime === STORM && before !== STORM) {
      this.installed = false;
      this.evolved = false; // a gene that storms is no longer a cure
      this.stormStart = tick;
    }
    if (before === STORM && regime !== STORM && this.exposed) {
      healed = this.installed ? 'gossip' : 'self';
      this.heals[healed]++;
      this.lastHealTick = tick;
      this.evolved = true; // its gene just ended a storm that still blows: it is a cure
    }
    const mu = regime === STORM ? STORM_MU : this.evolved || (tick + this.id) % CALM_EVERY !== 0 ? 0 : CALM_MU;
    if (mu > 0 && this.samples > LAGS) {
      const error = q16.sub(this.recent[0]!, predictAt(this.weights, 0, this.bias, this.recent, 1));
      this.bias = nlmsStepAt(this.weights, 0, this.bias, this.recent, 1, error, mu);
      if (regime === STORM && this.rng.chance(MUTATION_CHANCE)) this.mutate();
    }
    if (this.exposed && regime === CALM && this.entropy < EVOLVED_ENTROPY) {
      this.goodTicks = Math.min(this.goodTicks + 1, 0xffff);
      if (this.goodTicks >= EVOLVED_TICKS) this.evolved = true;
    } else {
      this.goodTicks = 0;
    }
    return healed;
  }

  private mutate(): void {
    for (let k = 0; k < LAGS; k++) {
      const u = this.rng.nextU32();
      const tri = (u & 0xffff) + (u >>> 16) - 0xffff;
      this.candidate[k] = q16.clamp(this.weights[k]! + q16.mul(MUTATION_AMP, tri), -WEIGHT_LIMIT, WEIGHT_LIMIT);
    }
    if (this.windowMse(this.candidate, this.bias) < this.windowMse(this.weights, this.bias)) this.weights.set(this.candidate);
  }

  /** Whether to broadcast a cure request now (Storm for > REQUEST_AFTER_S, with doubling back-off). */
  cureRequestDue(tick: number): boolean {
    if (this.regime !== STORM || this.installed) {
      this.backoff = 0;
      return false;
    }
    if (tick - this.stormStart < REQUEST_WAIT_TICKS || tick < this.nextRequestTick) return false;
    this.nextRequestTick = tick + (REQUEST_RETRY_TICKS << this.backoff) + this.rng.nextInt(Math.ceil(TICKS_PER_S / 2));
    if (this.backoff < MAX_BACKOFF) this.backoff++;
    return true;
  }

  /** Can this node answer a cure request? (Evolved and not itself in Storm.) */
  canCure(): boolean {
    return this.evolved && this.regime !== STORM;
  }

  /** Check-before-install: a received gene replaces ours only if it predicts our own recent window clearly
   *  better (INSTALL_MARGIN, as geneInstall.ts). */
  offerCure(gene: Gene): CureVerdict {
    if (this.regime !== STORM || this.installed || this.samples < RECENT) return 'not-needed';
    const mine = this.windowMse(this.weights, this.bias);
    const theirs = this.windowMse(gene.weights, gene.bias);
    if (theirs * INSTALL_MARGIN_DEN < mine * INSTALL_MARGIN_NUM) {
      this.weights.set(gene.weights);
      this.bias = gene.bias;
      this.installed = true;
      return 'installed';
    }
    return this.passesOwnCheck(gene.weights, gene.bias) ? 'not-better' : 'harmful';
  }
}
