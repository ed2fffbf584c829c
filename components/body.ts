// Where a node is. Home is fixed at spawn (Q16) and decides radio neighbourhood and noise exposure; drawn
// position and velocity belong to the force layout and decide nothing (floats are fine there).
// All component arrays are indexed by entity id (bitECS ids start at 1; slot 0 is unused).

export function createHome(capacity: number) {
  return { x: new Int32Array(capacity), y: new Int32Array(capacity), z: new Int32Array(capacity) };
}
export type Home = ReturnType<typeof createHome>;

/** Interleaved xyz, so the layout and the snapshot can use them without copying per node. Headless runs
 *  (layout off) pass capacity 0: they keep no drawn state. */
export function createDrawn(capacity: number) {
  return { pos: new Float32Array(3 * capacity), vel: new Float32Array(3 * capacity) };
}
export type Drawn = ReturnType<typeof createDrawn>;

/** Node role: honest, or an attacker of some kind (an index into the attack catalogue). */
export const ROLE_HONEST = 0;
export const ROLE_ATTACKER = 1;
export function createRole(capacity: number) {
  return { kind: new Uint8Array(capacity) };
}
export type Role = ReturnType<typeof createRole>;
