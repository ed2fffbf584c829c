// One node's 8-lag linear predictor as an object: a thin wrapper over the flat-array kernel that the sim
// runs on its SoA columns, so the class and the sim compute bit-identical predictions.
import * as q16 from '../fixed/q16';
import type { Q16 } from '../fixed/q16';
import { cloneGene, isValidGene, type Gene } from '../gene/gene';
import { DEFAULT_MU, LAGS, REFRACTORY_TICKS, entropyStep, nlmsStepAt, normalisedError, predictAt, pushHistoryAt } from './kernel';
import type { SpikeEvent, SwarmNeuron } from './types';

/** 0.3: a spike when |error| exceeds 30 % of the error scale (the Calm surprise threshold). */
export const DEFAULT_SPIKE_THRESHOLD: Q16 = 19661;
/** Entropy starts at 0.5: undecided until it has seen data. */
export const INITIAL_ENTROPY: Q16 = q16.HALF;

export interface LinearNeuronOptions {
  /** Initial gene; default: persistence (predict the last sample: w = [1, 0, …], bias 0, μ = DEFAULT_MU). */
  gene?: Gene;
  /** The |error| that counts as full surprise (normalised error 1.0), Q16 signal units. Default 1.0. */
  errorScale?: Q16;
  /** Normalised error above which a sample is a spike. Default 0.3. */
  spikeThreshold?: Q16;
}

/** The default starting gene: persistence ("the next sample is like the last one"). */
export function persistenceGene(): Gene {
  const weights = new Int32Array(LAGS);
  weights[0] = q16.ONE;
  return { weights, bias: 0, mu: DEFAULT_MU };
}

export class LinearNeuron implements SwarmNeuron {
  private readonly weights = new Int32Array(LAGS);
  private readonly history = new Int32Array(LAGS);
  private bias: Q16 = 0;
  private mu: Q16 = DEFAULT_MU;
  private refractory = 0;
  private entropyQ16: Q16 = INITIAL_ENTROPY;
  readonly errorScale: Q16;
  spikeThreshold: Q16;

  constructor(options: LinearNeuronOptions = {}) {
    this.errorScale = options.errorScale ?? q16.ONE;
    this.spikeThreshold = options.spikeThreshold ?? DEFAULT_SPIKE_THRESHOLD;
    if (!this.installGene(options.gene ?? persistenceGene())) {
      throw new RangeError('LinearNeuron: the initial gene is out of range');
    }
  }

  get entropy(): Q16 {
    return this.entropyQ16;
  }

  predict(): Q16 {
    return predictAt(this.weights, 0, this.bias, this.history, 0);
  }

  checkSurprise(actual: Q16, predicted: Q16, tick: number): SpikeEvent | null {
    const error = q16.sub(actual, predicted);
    const absError = q16.abs(error);
    this.entropyQ16 = entropyStep(this.entropyQ16, absError, this.errorScale);
    const surprise = normalisedError(absError, this.errorScale);
    if (surprise <= this.spikeThreshold || this.refractory > 0) return null;
    this.refractory = REFRACTORY_TICKS;
    return { tick, error, surprise, entropy: this.entropyQ16 };
  }

  adapt(actual: Q16, predicted: Q16): void {
    const error = q16.sub(actual, predicted);
    this.bias = nlmsStepAt(this.weights, 0, this.bias, this.history, 0, error, this.mu);
    pushHistoryAt(this.history, 0, actual);
  }

  /** Push a sample into the history without learning (a frozen predictor, or warming up the lags). */
  observe(actual: Q16): void {
    pushHistoryAt(this.history, 0, actual);
  }

  exportGene(): Gene {
    return cloneGene({ weights: this.weights, bias: this.bias, mu: this.mu });
  }

  installGene(gene: Gene): boolean {
    if (!isValidGene(gene)) return false;
    this.weights.set(gene.weights);
    this.bias = gene.bias;
    this.mu = gene.mu;
    return true;
  }

  tick(): void {
    if (this.refractory > 0) this.refractory -= 1;
  }

  refractoryRemaining(): number {
    return this.refractory;
  }

  /** A copy of the lags, most recent first. */
  historySnapshot(): Int32Array {
    return this.history.slice();
  }
}
