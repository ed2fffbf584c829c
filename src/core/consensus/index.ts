// Byzantine-robust consensus: aggregators, the attack catalog, reputation, and the consensus experiment.
export * from './aggregators';
export * from './krum';
export * from './registry';
export * from './attacks';
export * from './normal';
export * from './reputation';
export * from './network';
export * from './experiment';
export { roundDiv, roundDivSplit, squaredDistanceLimbs, compareLimbs } from './exact';
export * from './sweep';
