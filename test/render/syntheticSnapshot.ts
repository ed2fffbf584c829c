// A synthetic Snapshot for unit tests of the view (not a simulation: fixed positions and states given by the test).
import type { HudStats, Snapshot } from '../../src/sim/snapshot';

export function hudStats(over: Partial<HudStats> = {}): HudStats {
  return {
    nodes: 150,
    evolved: 0,
    storm: 0,
    preStorm: 0,
    entropyPct: 0,
    meanEntropy: 0,
    synapsesActive: 0,
    packetsInFlight: 0,
    bytesPerSecond: 0,
    healsGossip: 0,
    healsSelf: 0,
    attackersBanned: 0,
    ticksPerSecond: 10,
    air: { seconds: 0, txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0 },
    ...over,
  };
}

/** n nodes on the x axis at x = i + offset; a chain of edges i—i+1. */
export function syntheticSnapshot(n: number, tick: number, offset = 0, over: Partial<Snapshot> = {}): Snapshot {
  const positions = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) positions[3 * i] = i + offset;
  const edges = new Uint32Array(Math.max(0, 2 * (n - 1)));
  for (let i = 0; i + 1 < n; i++) {
    edges[2 * i] = i;
    edges[2 * i + 1] = i + 1;
  }
  return {
    tick,
    simTimeS: tick / 10,
    speed: 1,
    paused: false,
    nodeCount: n,
    brainRadius: 8,
    positions,
    state: new Uint8Array(n),
    energy: new Uint8Array(n),
    edgesVersion: 1,
    edges,
    edgeActivity: new Float32Array(Math.max(0, n - 1)),
    noiseZone: Float32Array.of(offset, 0, 0, 5),
    hud: hudStats({ nodes: n }),
    stateHash: tick.toString(16),
    ...over,
  };
}
