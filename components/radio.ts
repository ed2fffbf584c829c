// Radio state per node: when its transmitter is next free (µs of sim time, exact integers in a Float64),
// the cure-request schedule with exponential backoff and the last PreStorm tick (prefetch: cure.ts noteWarning), a
// message counter for fragment ids, and a decaying activity level the view uses to light synapses; and the near
// miss a node in Storm holds (src/core/rules/cure.ts holdNearMiss: LAGS weights, bias, the sender's slot + 1 or 0,
// the tick it was held at).
import { LAGS } from '../src/core/neuron/kernel';
import { TICK_NEVER } from '../src/core/rules/state';

export function createRadio(capacity: number) {
  return {
    txFreeAtUs: new Float64Array(capacity),
    nextRequestTick: new Int32Array(capacity),
    backoff: new Uint8Array(capacity),
    warnedTick: new Int32Array(capacity).fill(TICK_NEVER),
    messageId: new Uint16Array(capacity),
    /** Activity 0..255, set to 255 on transmit, decays 1.5/s (the original's synapse decay). */
    activity: new Uint8Array(capacity),
    heldWeights: new Int32Array(LAGS * capacity),
    heldBias: new Int32Array(capacity),
    heldSlot: new Int32Array(capacity),
    heldTick: new Int32Array(capacity),
  };
}
export type Radio = ReturnType<typeof createRadio>;
