// The one place the order of a tick is decided (the table of the tick in docs/ARCHITECTURE.md).
import { noiseZoneSystem } from '../../systems/noiseZone';
import { sensorSystem } from '../../systems/sensor';
import { cortexSystem } from '../../systems/cortex';
import { evolutionSystem } from '../../systems/evolution';
import { gossipSystem } from '../../systems/gossip';
import { joinInstallSystem, joinSystem } from '../../systems/join';
import { packetPhysicsSystem } from '../../systems/packetPhysics';
import { geneInstallSystem } from '../../systems/geneInstall';
import { consensusSystem } from '../../systems/consensus';
import { persistenceSystem } from '../../systems/persistence';
import { layoutSystem } from '../../systems/layout';
import { metricsSystem } from '../../systems/metrics';
import type { System } from './system';
import type { SimWorld } from './world';

export const PIPELINE: readonly System[] = [
  noiseZoneSystem,
  sensorSystem,
  cortexSystem,
  evolutionSystem,
  gossipSystem,
  joinSystem,
  packetPhysicsSystem,
  geneInstallSystem,
  joinInstallSystem,
  consensusSystem,
  persistenceSystem,
  layoutSystem,
  metricsSystem,
];

/** Runs one tick: every system in order, then the clock advances. */
export function runTick(world: SimWorld): void {
  for (const system of PIPELINE) system.run(world);
  world.tick++;
}
