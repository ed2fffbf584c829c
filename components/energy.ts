// The silent swarm's per-node state (src/core/rules/silence.ts): what each node last broadcast and when (the
// sender's side of "speak only with news"), and its energy mode with what sets it (the listener's side). Hashed
// like every component.
import { MODEL_DIM } from '../src/core/rules/model';
import { NEVER } from '../src/core/rules/silence';

/** `slots`: radio-neighbour slots (silent mode: the cure-reply hold per neighbour; 0 in chatty runs). */
export function createSpeech(capacity: number, slots = 0) {
  return {
    /** Per radio-neighbour slot: the tick this node last answered that neighbour's cure request (NEVER: not yet). */
    replied: new Int32Array(slots).fill(NEVER),
    /** The model this node last broadcast (MODEL_DIM words per node). */
    sent: new Int32Array(MODEL_DIM * capacity),
    /** The round of that broadcast (NEVER before the first). */
    sentRound: new Int32Array(capacity),
    /** 1 when its last broadcast fell outside a wake round (deep-sleeping neighbours missed it). */
    owes: new Uint8Array(capacity),
    /** 1 when a neighbour came onto the network since (a summary request heard): speak at the next beacon. */
    asked: new Uint8Array(capacity),
  };
}
export type Speech = ReturnType<typeof createSpeech>;

export function createEnergy(capacity: number) {
  return {
    /** MODE_ACTIVE / MODE_ALERT / MODE_DEEP this tick. */
    mode: new Uint8Array(capacity),
    /** Active until this tick (a neighbour asked for a cure). */
    activeUntil: new Int32Array(capacity),
    /** The round this node last sent or heard news. */
    newsRound: new Int32Array(capacity),
  };
}
export type Energy = ReturnType<typeof createEnergy>;
