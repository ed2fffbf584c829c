// A system is a plain function over the world's columns, with the components it reads and writes declared
// beside it. The declarations are checked by a test (test/sim/pipeline.test.ts) that runs each system alone
// and verifies that it changed nothing it did not declare.
import type { ComponentName, SimWorld } from './world';

export interface System {
  readonly name: string;
  readonly reads: readonly ComponentName[];
  readonly writes: readonly ComponentName[];
  run(world: SimWorld): void;
}

export function defineSystem(system: System): System {
  return system;
}
