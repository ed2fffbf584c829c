// The Body: QRES's deterministic core. Pure TypeScript; every module here is usable on its own.
export * from './fixed/index';
export * from './rng/rng';
