// Radio state per node: when its transmitter is next free (µs of sim time, exact integers in a Float64),
// the cure-request schedule with exponential backoff, a message counter for fragment ids, and a decaying
// activity level the view uses to light synapses.

export function createRadio(capacity: number) {
  return {
    txFreeAtUs: new Float64Array(capacity),
    nextRequestTick: new Int32Array(capacity),
    backoff: new Uint8Array(capacity),
    messageId: new Uint16Array(capacity),
    /** Activity 0..255, set to 255 on transmit, decays 1.5/s (the original's synapse decay). */
    activity: new Uint8Array(capacity),
  };
}
export type Radio = ReturnType<typeof createRadio>;
