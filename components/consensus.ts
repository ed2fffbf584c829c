// Consensus state: each node's view of the shared model (8 weights + bias, Q16; for an attacker, the vector
// it broadcasts instead), and per radio-neighbour
// slot whether this round's consensus message from that neighbour arrived, and how much it is trusted. A broadcast carries the same bytes
// to every neighbour, so the receiver needs one bit per neighbour, not a copy of the vector.
import { MODEL_DIM } from '../src/core/rules/model';
import { NEVER } from '../src/core/rules/silence';

export { MODEL_DIM };

/** `initialTrust`: the reputation every neighbour starts with (one byte, 255 = 1.0; see src/core/rules/trust.ts).
 *  `silent`: receivers keep each neighbour's last heard model (held) and its round (heldRound); chatty runs need
 *  neither (a model counts only in the round it is heard, and it is the sender's own column). */
export function createConsensus(capacity: number, slots: number, initialTrust: number, silent: boolean) {
  return {
    /** Per radio-neighbour slot: that neighbour's last heard model (MODEL_DIM words; silent mode only). */
    held: new Int32Array(silent ? MODEL_DIM * slots : 0),
    /** Per radio-neighbour slot: the round it was heard in (NEVER: not yet; silent mode only). */
    heldRound: new Int32Array(silent ? slots : 0).fill(NEVER),
    model: new Int32Array(MODEL_DIM * capacity),
    /** Each node's model as of its last settled round: what it pulls towards while disturbed (src/core/rules/consensus.ts). */
    anchor: new Int32Array(MODEL_DIM * capacity),
    /** One bit per radio-neighbour slot (slot s is bit s & 7 of byte s >> 3). */
    heard: new Uint8Array((slots + 7) >> 3),
    /** Per radio-neighbour slot: this node's reputation score for that neighbour (255 = 1.0; below the ban line: rounds of a ban served). */
    trust: new Uint8Array(slots).fill(initialTrust),
    /** Per radio-neighbour slot: the leaky sum of the invisible pushes this node let that neighbour make (MODEL_DIM
     *  words, Q16; src/core/consensus/clipping.ts InvisibleMemory). */
    push: new Int32Array(MODEL_DIM * slots),
  };
}
export type Consensus = ReturnType<typeof createConsensus>;
