// The rulebook: every per-node decision of QRES, written once as pure functions over a node's columns, with the
// model's constants beside them. The simulator's systems apply them to every node; the node daemon applies them
// to its one node; test/conformance keeps the two runtimes bit for bit equal.
export * from './model';
export * from './random';
export * from './state';
export * from './trust';
export * from './mind';
export * from './cure';
export * from './consensus';
export * from './join';
export * from './silence';
