// Node identity for a real swarm (issue 13): key pairs, the swarm roster, signed or MIC'd envelopes, and the
// replay guard. Pure: no I/O (files: src/net/keyFiles.ts; transport: src/net/authTransport.ts).
export * from './keys';
export * from './roster';
export * from './replayGuard';
export * from './mic';
export * from './envelope';
