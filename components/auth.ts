// Radio authentication state (src/core/net/radioAuth.ts): per radio-neighbour slot, the id of the last message this
// node accepted from that neighbour (−1: none yet), so that a replayed message is dropped. Bounded by the
// neighbourhood: a message from anyone who is not a radio neighbour is dropped before it is recorded.
export function createAuth(slots: number, on: boolean) {
  return {
    lastId: new Int32Array(on ? slots : 0).fill(-1),
  };
}
export type Auth = ReturnType<typeof createAuth>;
