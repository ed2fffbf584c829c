// stateHash(world): the first 128 bits of SHA-256 over the state that decides the future of a run. The hashed
// set is derived from the registries, not listed here: every column of every component the world creates
// (src/sim/world.ts createComponents) except Drawn, then every world field whose kind in WORLD_FIELDS is hashed
// (queues, RNG streams and seeds, the link model, the --secure state), in registry order. A component or a
// field added later is hashed (or the registry's type makes its author classify it).
//
// Not hashed, and why: Drawn (the layout's float positions and velocities decide nothing; headless runs have
// none), scratch and the zone (rewritten every tick before they are read), counters (what runs report; they
// decide nothing), the storage output queue (drained outside the tick, when the host chooses), the layout's own
// state, and constants fixed by the config (the config, the neighbourhoods, round length and time step).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { CanonicalWriter } from './canonical';
import { secureStateBytes } from './secureHash';
import { WORLD_FIELDS, type ComponentName, type FieldKind, type SimWorld } from './world';

/** Components left out of the hash (see above). */
export const UNHASHED_COMPONENTS: ReadonlySet<ComponentName> = new Set<ComponentName>(['Drawn']);
/** Kinds of world field that are hashed (the registry WORLD_FIELDS says which field is of which kind). */
export const HASHED_KINDS: ReadonlySet<FieldKind> = new Set<FieldKind>(['queue', 'stream', 'seeds', 'link', 'secure']);

/** The world's hashed fields, in registry order. */
export function hashedFields(): (keyof typeof WORLD_FIELDS)[] {
  return (Object.keys(WORLD_FIELDS) as (keyof typeof WORLD_FIELDS)[]).filter((k) => HASHED_KINDS.has(WORLD_FIELDS[k]));
}

/** Canonical bytes of one hashed world field. */
function fieldBytes(world: SimWorld, name: keyof typeof WORLD_FIELDS): Uint8Array {
  const w = new CanonicalWriter();
  switch (WORLD_FIELDS[name]) {
    case 'link':
      return world.link.canonicalState();
    case 'secure':
      return world.secure ? secureStateBytes(world.secure) : w.u8(0).finish();
    case 'stream':
      // Every sequential stream of the world: its xoshiro128** state words.
      for (const [stream, rng] of Object.entries(world.streams)) w.string(stream).bytes(rng.state());
      return w.finish();
    default:
      return w.value(world[name]).finish();
  }
}

export function stateHash(world: SimWorld): string {
  const h = sha256.create();
  const u32 = new Uint32Array(1);
  const u32Bytes = new Uint8Array(u32.buffer);
  const label = (text: string, length: number) => {
    h.update(new TextEncoder().encode(text));
    u32[0] = length;
    h.update(u32Bytes);
  };
  h.update(new Uint8Array(new Int32Array([world.tick, world.n]).buffer));
  const components = world.components as unknown as Record<ComponentName, Record<string, ArrayBufferView>>;
  for (const name of Object.keys(components) as ComponentName[]) {
    if (UNHASHED_COMPONENTS.has(name)) continue;
    for (const [field, a] of Object.entries(components[name])) {
      label(`${name}.${field}`, a.byteLength);
      h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    }
  }
  for (const name of hashedFields()) {
    const bytes = fieldBytes(world, name);
    label(name, bytes.length);
    h.update(bytes);
  }
  return bytesToHex(h.digest()).slice(0, 32);
}
