// A system is a plain function over the world, with everything it reads and writes declared beside it: the
// components (bitECS columns) and the world's channels (its queues, scratch, counters, link, RNG streams and
// seeds, --secure state, layout: the registry WORLD_FIELDS in src/sim/world.ts). The declarations are checked by
// a test (test/sim/pipeline.test.ts) that runs each system alone and verifies that it changed nothing it did not
// declare.
//
// This file and the world's types are all a system sees of src/sim: systems import the rulebook
// (src/core/rules), the rest of src/core, components/, and this file; they reach the radio through the world's
// channel (`world.radio`, src/sim/radio.ts). The one declared exception is the --secure cure protocol
// (src/sim/secure.ts), which gossip and geneInstall call.
import type { ChannelName, ComponentName, SimWorld } from './world';

export type { ChannelName, ComponentName, QueueName, SimWorld } from './world';
export type { RadioChannel } from './radio';

export interface System {
  readonly name: string;
  readonly reads: readonly ComponentName[];
  readonly writes: readonly ComponentName[];
  /** The world's channels this system reads and writes (a queue it drains is written). */
  readonly channels: { readonly reads: readonly ChannelName[]; readonly writes: readonly ChannelName[] };
  run(world: SimWorld): void;
}

export function defineSystem(system: System): System {
  return system;
}
