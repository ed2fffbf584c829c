// Byzantine-robust consensus: aggregators, the attack catalog, reputation and the drift assessment.
export * from './aggregators';
export * from './krum';
export * from './registry';
export * from './attacks';
export * from './normal';
export * from './reputation';
export { roundDiv, roundDivSplit, squaredDistanceLimbs, compareLimbs } from './exact';
export * from './clipping';
