// Commitments, proofs, secure aggregation and differential privacy on ristretto255 (see docs/SECURITY.md).
export * from './errors';
export * from './group';
export * from './transcript';
export * from './generators';
export * from './pedersen';
export * from './openingProof';
export * from './innerProduct';
export * from './rangeProof';
export * from './geneProof';
export * from './shamir';
export * from './secureAggregation';
export * from './privacy';
