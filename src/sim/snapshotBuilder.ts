// Builds the per-frame Snapshot from the world (docs/ARCHITECTURE.md, "The snapshot"). Buffers of a recycled snapshot are reused
// when their sizes fit, so a ping-pong exchange with the page allocates nothing per frame.
import * as q16 from '../core/fixed/q16';
import { ROLE_ATTACKER } from '../../components/body';
import { ENERGY_ACTIVE, STATE_ATTACKER, STATE_EVOLVED, STATE_HEALED, STATE_IN_NOISE, type Snapshot } from './snapshot';
import type { SimWorld } from './world';
import { edgeList, type Neighbourhoods } from './placement';

function fit<T extends Float32Array | Uint8Array | Uint32Array>(old: T | undefined, length: number, make: (n: number) => T): T {
  return old && old.length === length ? old : make(length);
}

// The view's edge list, derived once per neighbourhood graph (the sim itself never needs it).
const edgeCache = new WeakMap<Neighbourhoods, Uint32Array>();

export function buildSnapshot(world: SimWorld, stateHash: string, recycle?: Snapshot): Snapshot {
  const { n, hood, counters, config, tick } = world;
  let hoodEdges = edgeCache.get(hood);
  if (!hoodEdges) edgeCache.set(hood, (hoodEdges = edgeList(hood)));
  const { Drawn, Home, Regime, Evolution, Role, Noise, Radio, Energy } = world.components;
  const edgeCount = hoodEdges.length / 2;
  const positions = fit(recycle?.positions, 3 * n, (k) => new Float32Array(k));
  const state = fit(recycle?.state, n, (k) => new Uint8Array(k));
  const energy = fit(recycle?.energy, n, (k) => new Uint8Array(k));
  const edges = fit(recycle?.edges, 2 * edgeCount, (k) => new Uint32Array(k));
  const edgeActivity = fit(recycle?.edgeActivity, edgeCount, (k) => new Float32Array(k));
  const noiseZone = fit(recycle?.noiseZone, 4, (k) => new Float32Array(k));
  if (world.layout) positions.set(Drawn.pos.subarray(3, 3 + 3 * n));
  else
    for (let i = 0; i < n; i++) {
      // Headless runs keep no drawn positions: show the home positions.
      positions[3 * i] = q16.toFloat(Home.x[i + 1]!);
      positions[3 * i + 1] = q16.toFloat(Home.y[i + 1]!);
      positions[3 * i + 2] = q16.toFloat(Home.z[i + 1]!);
    }
  for (let eid = 1; eid <= n; eid++) {
    let s = Regime.regime[eid]!;
    if (Evolution.evolved[eid]) s |= STATE_EVOLVED;
    if (Role.kind[eid] === ROLE_ATTACKER) s |= STATE_ATTACKER;
    if (Noise.level[eid]! > 0) s |= STATE_IN_NOISE;
    if (Evolution.flash[eid]! > 0) s |= STATE_HEALED;
    state[eid - 1] = s;
    // Chatty radios have no listen schedule: Active (the mode column is only kept in silent runs).
    energy[eid - 1] = config.chatty ? ENERGY_ACTIVE : Energy.mode[eid]!;
  }
  edges.set(hoodEdges);
  for (let e = 0; e < edgeCount; e++) {
    const a = Radio.activity[hoodEdges[2 * e]! + 1]!;
    const b = Radio.activity[hoodEdges[2 * e + 1]! + 1]!;
    edgeActivity[e] = (a > b ? a : b) / 255;
  }
  let synapsesActive = 0;
  for (let e = 0; e < edgeCount; e++) if (edgeActivity[e]! > 0.01) synapsesActive++;
  const { zone } = world;
  noiseZone[0] = q16.toFloat(zone.x);
  noiseZone[1] = q16.toFloat(zone.y);
  noiseZone[2] = q16.toFloat(zone.z);
  noiseZone[3] = q16.toFloat(zone.r);
  const history = counters.bytesHistory;
  const bytesPerSecond = history.length > 1 ? ((history[history.length - 1]! - history[0]!) * 1000) / ((history.length - 1) * config.tickMs) : 0;
  return {
    tick,
    simTimeS: (tick * config.tickMs) / 1000,
    speed: recycle?.speed ?? 1,
    paused: recycle?.paused ?? true,
    nodeCount: n,
    brainRadius: world.brainRadius,
    positions,
    state,
    energy,
    edgesVersion: 1,
    edges,
    edgeActivity,
    noiseZone,
    hud: {
      nodes: n,
      evolved: counters.evolved,
      storm: counters.storm,
      preStorm: counters.preStorm,
      entropyPct: (100 * counters.storm) / n,
      meanEntropy: counters.meanEntropy,
      synapsesActive,
      packetsInFlight: world.link.inFlight(),
      bytesPerSecond,
      healsGossip: counters.healsGossip,
      healsSelf: counters.healsSelf,
      healsFromMemory: counters.healsFromMemory,
      attackersBanned: 0,
      ticksPerSecond: 0,
      air: {
        seconds: (tick * config.tickMs) / 1000,
        txFrames: world.link.counters.framesSent,
        txBytes: world.link.counters.bytesSent,
        rxFrames: world.link.counters.framesHeard,
        rxBytes: world.link.counters.bytesHeard,
        ...(config.chatty || counters.listenTicks === null ? {} : { listenSeconds: sumOf(counters.listenTicks) * (config.tickMs / 1000) }),
      },
    },
    stateHash,
  };
}

function sumOf(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}
