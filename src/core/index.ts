// The Body: QRES's deterministic core. Pure TypeScript; every module here is usable on its own.
export * from './fixed/index';
export * from './rng/rng';
export * as neuronKernel from './neuron/kernel';
export {
  LAGS,
  WEIGHT_LIMIT,
  BIAS_LIMIT,
  REFRACTORY_TICKS,
  DEFAULT_MU,
  WindowTooShortError,
} from './neuron/kernel';
export * from './neuron/types';
export * from './neuron/linearNeuron';
export * from './neuron/regimeDetector';
export * from './gene/gene';
export * from './net/fragment';
export * from './codec/index';
export * from './gene/summary';
export * as bfp16 from './fixed/bfp16';
export { Bfp16DecodeError, VarianceMonitor } from './fixed/bfp16';
export type { Bfp16 } from './fixed/bfp16';
export * as crypto from './crypto/index';
export * as consensus from './consensus/index';
export * as rules from './rules/index';
export * as energy from './energy/index';
export {
  AggregatorPreconditionError,
  AttackInputError,
  PeerIdError,
  ReputationTracker,
  UnknownNameError,
  AGGREGATOR_NAMES,
  ATTACK_NAMES,
  getAggregator,
  getAttack,
} from './consensus/index';
