// The aggregator registry: one name per method, as the CLI and the sim config spell it.
import { mean, median, reputationTrimmedMean, trimmedMean, trimmedMeanMaxF, type AggregatorOptions } from './aggregators';
import { bulyan, bulyanMaxF, krum, krumMaxF, multiKrum } from './krum';
import { clippedGossip } from './clipping';

/** (vectors: n·d row-major Q16, n, d, options, optional output buffer) → the aggregate, Int32Array(d). */
export type AggregatorFn = (vectors: Int32Array, n: number, d: number, opts?: AggregatorOptions, out?: Int32Array) => Int32Array;

export interface AggregatorSpec {
  readonly name: AggregatorName;
  readonly aggregate: AggregatorFn;
  /** Fewest inputs the method accepts at all (with f = 0). */
  readonly minInputs: number;
  /** Largest f the method tolerates for n inputs (negative when n < minInputs; the mean tolerates none). */
  readonly maxF: (n: number) => number;
  /** True if the method uses f (mean and median ignore it). */
  readonly usesF: boolean;
  /** True if the method needs `opts.weights` (reputations). */
  readonly needsWeights: boolean;
  /** True if row 0 is special: the receiving node's own model, the centre the others are judged from. */
  readonly selfCentred?: boolean;
}

export const AGGREGATOR_NAMES = ['mean', 'median', 'trimmed-mean', 'krum', 'multi-krum', 'bulyan', 'reputation-trimmed-mean', 'clipped-gossip'] as const;
export type AggregatorName = (typeof AGGREGATOR_NAMES)[number];

const none = (n: number): number => (n >= 1 ? 0 : -1);

export const AGGREGATORS: Readonly<Record<AggregatorName, AggregatorSpec>> = Object.freeze({
  mean: { name: 'mean', aggregate: mean, minInputs: 1, maxF: none, usesF: false, needsWeights: false },
  median: { name: 'median', aggregate: median, minInputs: 1, maxF: trimmedMeanMaxF, usesF: false, needsWeights: false },
  'trimmed-mean': { name: 'trimmed-mean', aggregate: trimmedMean, minInputs: 1, maxF: trimmedMeanMaxF, usesF: true, needsWeights: false },
  krum: { name: 'krum', aggregate: krum, minInputs: 3, maxF: krumMaxF, usesF: true, needsWeights: false },
  'multi-krum': { name: 'multi-krum', aggregate: multiKrum, minInputs: 3, maxF: krumMaxF, usesF: true, needsWeights: false },
  bulyan: { name: 'bulyan', aggregate: bulyan, minInputs: 3, maxF: bulyanMaxF, usesF: true, needsWeights: false },
  'reputation-trimmed-mean': {
    name: 'reputation-trimmed-mean',
    aggregate: reputationTrimmedMean,
    minInputs: 1,
    maxF: trimmedMeanMaxF,
    usesF: true,
    needsWeights: true,
  },
  // Self-centred: row 0 is the receiving node's own model (honestRoundAt in src/core/rules/consensus.ts).
  'clipped-gossip': {
    name: 'clipped-gossip',
    aggregate: clippedGossip,
    minInputs: 1,
    maxF: trimmedMeanMaxF,
    usesF: false,
    needsWeights: false,
    selfCentred: true,
  },
});

/** A name that is not in a registry. `valid` lists the names that are. */
export class UnknownNameError extends Error {
  override readonly name = 'UnknownNameError';
  constructor(
    readonly kind: string,
    readonly given: string,
    readonly valid: readonly string[],
  ) {
    super(`unknown ${kind} '${given}'; valid: ${valid.join(', ')}`);
  }
}

export function isAggregatorName(name: string): name is AggregatorName {
  return (AGGREGATOR_NAMES as readonly string[]).includes(name);
}

/** The aggregator called `name`; throws UnknownNameError listing the valid names otherwise. */
export function getAggregator(name: string): AggregatorSpec {
  if (!isAggregatorName(name)) throw new UnknownNameError('aggregator', name, AGGREGATOR_NAMES);
  return AGGREGATORS[name];
}
