// Commitments, proofs, secure aggregation and differential privacy on secp256k1 (see docs/SECURITY.md).
export * from './errors';
export * from './group';
export * from './transcript';
export * from './generators';
export { variableMsm } from './msm';
export * from './pedersen';
export * from './openingProof';
export * from './innerProduct';
export * from './rangeProof';
export * from './geneProof';
export * from './shamir';
export * from './secureAggregation';
export * from './privacy';
