// Membership in the radio network: nodes present from the start, and nodes that join mid-flight. A joiner is
// deployed (it senses) but radio-silent and deaf until it joins; then it asks its neighbours for the summary
// gene until one arrives, installs it, and is in consensus without replaying the history.

export const MEMBER_PRESENT = 0;
export const MEMBER_ABSENT = 1;
export const MEMBER_JOINING = 2;

/** `joiners`: how many of the nodes (the last ids) join mid-flight. */
export function createMembership(capacity: number, joiners: number) {
  return {
    state: new Uint8Array(capacity),
    /** Tick at which each joiner joined (started asking), indexed by joiner number (eid − first joiner id). */
    since: new Int32Array(joiners),
  };
}
export type Membership = ReturnType<typeof createMembership>;
