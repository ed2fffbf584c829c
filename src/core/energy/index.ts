// The radio energy model: airtime by PHY, named radio profiles, energy by radio state, battery life.
export * from './airtime';
export * from './profiles';
export * from './energy';
export * from './swarm';
