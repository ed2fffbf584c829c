// Consensus state: each node's view of the shared model (8 weights + bias, Q16; for an attacker, the vector
// it broadcasts instead), and per radio-neighbour
// slot whether this round's consensus message from that neighbour arrived. A broadcast carries the same bytes
// to every neighbour, so the receiver needs one bit per neighbour, not a copy of the vector.
import { LAGS } from '../src/core/neuron/kernel';

export const MODEL_DIM = LAGS + 1;

export function createConsensus(capacity: number, slots: number) {
  return {
    model: new Int32Array(MODEL_DIM * capacity),
    heard: new Uint8Array(slots),
  };
}
export type Consensus = ReturnType<typeof createConsensus>;
