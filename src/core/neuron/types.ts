// The neuron contract every node runs. A neuron reads its own history (kept by adapt/observe) and works in Q16
// signal units throughout.
import type { Q16 } from '../fixed/q16';
import type { Gene } from '../gene/gene';

/** A surprise: the normalised prediction error crossed the spike threshold outside the refractory period. */
export interface SpikeEvent {
  readonly tick: number;
  /** actual − predicted, Q16 (signed). */
  readonly error: Q16;
  /** min(1, |error| / errorScale), Q16 in [0, ONE]. */
  readonly surprise: Q16;
  /** The neuron's entropy right after this observation, Q16 in [0, ONE]. */
  readonly entropy: Q16;
}

export interface SwarmNeuron {
  /** EMA of the normalised |error|, Q16 in [0, ONE]. */
  readonly entropy: Q16;
  /** The prediction of the next sample from the current history. */
  predict(): Q16;
  /** Update entropy with this observation; a SpikeEvent (starting the refractory period) or null. */
  checkSurprise(actual: Q16, predicted: Q16, tick: number): SpikeEvent | null;
  /** Learn from (actual, predicted) with one NLMS step, then push actual into the history. */
  adapt(actual: Q16, predicted: Q16): void;
  /** A copy of the current weights, bias and step size. */
  exportGene(): Gene;
  /** Install a gene if every field is in range; false (and no change at all) otherwise. */
  installGene(gene: Gene): boolean;
  /** One tick of time: counts the refractory period down. */
  tick(): void;
  refractoryRemaining(): number;
}
