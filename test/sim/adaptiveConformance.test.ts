// The conformance harness of test/conformance/rulebook.test.ts (copied: that file does not export it), run
// with the adaptive attack: the attacker's window (attackerRoundAt's neuron argument) and the invisible-direction
// clip (honestRoundAt) must give the same numbers in the simulator and the daemon.
// One rulebook, two runtimes: N node-daemon cores (src/node/nodeCore.ts) on a loopback bus with an injected
// clock, and the simulator, from the same seed, topology and sensor data, compared after every tick: every node's
// gene, regime, Evolved flag, consensus model and reputation table must be bit for bit equal. A rule changed on
// one side only fails this test. The daemon's sensor is fed the simulator's samples (the field is the world, not
// a rule); the bus loses exactly the frames the simulator's link model loses (frameLossDraw).
import { describe, expect, it } from 'vitest';
import { LAGS } from '../../src/core/neuron/kernel';
import { MODEL_DIM, RECENT } from '../../src/core/rules/model';
import { NODE } from '../../src/core/rules/state';
import { createSim, type Sim } from '../../src/sim/runner';
import { frameLossDraw } from '../../src/sim/linkModel';
import { ROLE_HONEST } from '../../components/body';
import { LoopbackBus } from '../../src/net/loopbackTransport';
import { parseTopic } from '../../src/net/topics';
import { resolveNodeConfig } from '../../src/node/config';
import { NodeCore } from '../../src/node/nodeCore';
import type { Sensor } from '../../src/node/sensor';

const SWARM = 'conf';
/** Frames of the bus's message kinds, as the simulator numbers its message types (wire.ts uses the same codes). */
const TYPE_OF: Record<string, number> = { request: 1, reply: 2, consensus: 3 };

interface Case {
  nodes: number;
  seed: number;
  seconds: number;
  loss?: number;
  byzantine?: number;
  attack?: string;
  aggregator?: string;
  /** --secure on both sides, and the sim's MTU (a large one makes a secure body one frame, as over MQTT). */
  secure?: boolean;
  mtu?: number;
  /** A rule changed on the daemon's side only (for the test that this test can fail). */
  daemon?: { ownDataFilter?: boolean; aggregator?: string; secure?: boolean };
}

const flush = () => new Promise<void>((r) => setImmediate(r));

async function buildPair(c: Case): Promise<{ sim: Sim; cores: NodeCore[]; lossFrames: () => number; setTick: (t: number) => void }> {
  // A fast radio (every frame is on air within the tick it is sent, delivered the next tick), as MQTT is.
  const sim = createSim({
    nodes: c.nodes,
    seed: c.seed,
    layout: false,
    bitrateBps: 10_000_000,
    loss: c.loss ?? 0,
    byzantine: c.byzantine ?? 0,
    attack: c.attack ?? 'none',
    aggregator: c.aggregator ?? 'trimmed-mean',
    secure: c.secure ?? false,
    mtu: c.mtu,
  });
  const w = sim.world;
  const { offsets, neighbours } = w.hood;
  const lossQ16 = Math.round((c.loss ?? 0) * 65536);
  let tick = 0;
  let lost = 0;
  const bus = new LoopbackBus({
    drop(topic, _bytes, receiver) {
      const parsed = parseTopic(SWARM, topic);
      if (!parsed || receiver === undefined || lossQ16 === 0) return false;
      const type = TYPE_OF[parsed.kind];
      if (type === undefined) return false; // announce/status/summary: daemon-only traffic, no rule reads it
      const sender = parsed.from;
      const gone = frameLossDraw(w.link.lossSeed, sender, tick, type, 0, receiver) < lossQ16;
      if (gone) lost++;
      return gone;
    },
  });
  const attackers = [];
  for (let eid = 1; eid <= w.n; eid++) if (w.components.Role.kind[eid] !== ROLE_HONEST) attackers.push(eid);
  const cores: NodeCore[] = [];
  for (let eid = 1; eid <= w.n; eid++) {
    const peers = Array.from(neighbours.subarray(offsets[eid - 1]!, offsets[eid]!), (j) => j + 1);
    const honest = w.components.Role.kind[eid] === ROLE_HONEST;
    const config = resolveNodeConfig({
      swarm: SWARM,
      id: eid,
      seed: c.seed,
      tickMs: 100,
      roundS: w.config.consensusRoundS,
      initJitterQ16: 0,
      peers,
      aggregator: c.aggregator ?? 'trimmed-mean',
      attack: honest ? 'none' : (c.attack ?? 'none'),
      coalition: honest ? [] : attackers,
      rateBurst: 1e9,
      ratePerS: 1e9,
      secure: c.secure ?? false,
      ...c.daemon,
    });
    const sensor: Sensor = {
      kind: 'sim',
      read: () => ({ value: w.components.Neuron.recent[RECENT * eid]!, exposure: w.components.Noise.level[eid]! }),
    };
    const core = new NodeCore(config, { transport: bus.connect({ id: eid }), sensor, now: () => 1_000_000 + tick * 100 });
    await core.start();
    cores.push(core);
  }
  await flush();
  return { sim, cores, lossFrames: () => lost, setTick: (t) => void (tick = t) };
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The first difference between the sim's node eid and its daemon, or null. */
function diff(sim: Sim, core: NodeCore, eid: number, honest: boolean): string | null {
  const { Neuron, Regime, Evolution, Consensus } = sim.world.components;
  const s = core.state;
  const { offsets } = sim.world.hood;
  for (let k = 0; k < LAGS; k++) if (Neuron.weights[LAGS * eid + k] !== s.neuron.weights[LAGS * NODE + k]) return `weight ${k}`;
  if (Neuron.bias[eid] !== s.neuron.bias[NODE]) return 'bias';
  if (Neuron.entropy[eid] !== s.neuron.entropy[NODE]) return 'entropy';
  if (Regime.regime[eid] !== s.regime.regime[NODE]) return 'regime';
  if (honest && Evolution.evolved[eid] !== s.evolution.evolved[NODE]) return 'evolved';
  if (honest && Evolution.installed[eid] !== s.evolution.installed[NODE]) return 'installed';
  for (let k = 0; k < MODEL_DIM; k++) if (Consensus.model[MODEL_DIM * eid + k] !== s.model[MODEL_DIM * NODE + k]) return `consensus model ${k}`;
  for (let slot = offsets[eid - 1]!; slot < offsets[eid]!; slot++) {
    if (Consensus.trust[slot] !== core.trust[slot - offsets[eid - 1]!]) return `reputation of neighbour #${slot - offsets[eid - 1]!}`;
  }
  const secure = sim.world.secure;
  if (secure) {
    // --secure: the node's commitment chain, and its record of every neighbour's chain.
    const mine = secure.chains.get(eid);
    const theirs = core.secure.chain;
    if ((mine?.position ?? -1) !== (theirs?.position ?? -1) || (mine && theirs && !sameBytes(mine.commitment, theirs.commitment))) return 'secure chain';
    for (let slot = offsets[eid - 1]!; slot < offsets[eid]!; slot++) {
      const sender = sim.world.hood.neighbours[slot]! + 1;
      const a = secure.seen.get(eid * (sim.world.n + 1) + sender);
      const b = core.secure.records.get(slot - offsets[eid - 1]!);
      if ((a?.position ?? -1) !== (b?.position ?? -1) || (a && b && !sameBytes(a.commitment, b.commitment)))
        return `record of neighbour #${slot - offsets[eid - 1]!}'s chain`;
    }
  }
  return null;
}

async function runBoth(
  c: Case,
): Promise<{ ticks: number; installs: number; heals: number; rounds: number; lost: number; bans: number; sim: Sim; cores: NodeCore[] }> {
  const { sim, cores, lossFrames, setTick } = await buildPair(c);
  const ticks = Math.round(c.seconds * 10);
  const honest = cores.map((_, i) => sim.world.components.Role.kind[i + 1] === ROLE_HONEST);
  for (let t = 0; t < ticks; t++) {
    setTick(t);
    sim.step(1);
    for (const core of cores) core.step(t);
    await flush(); // the bus delivers this tick's messages; the cores act on them next tick
    for (let i = 0; i < cores.length; i++) {
      const d = diff(sim, cores[i]!, i + 1, honest[i]!);
      if (d !== null)
        throw new Error(
          `tick ${t}: node ${i + 1} (${honest[i] ? 'honest' : 'attacker'}) differs in ${d} (link dropped ${sim.world.link.counters.dropped}, expired ${sim.world.link.counters.expired})`,
        );
    }
  }
  const m = sim.metrics() as unknown as { heals: { gossip: number; self: number } };
  return {
    ticks,
    installs: sim.world.counters.genesInstalled,
    heals: m.heals.gossip + m.heals.self,
    rounds: sim.world.counters.rounds,
    lost: lossFrames(),
    bans: cores.reduce((n, core, i) => n + (honest[i] ? core.bannedPeers().length : 0), 0),
    sim,
    cores,
  };
}

describe('one rulebook, two runtimes, under the adaptive attack', () => {
  it('30 % adaptive attackers: every node equal to its daemon after every tick', async () => {
    const r = await runBoth({ nodes: 40, seed: 5, seconds: 150, byzantine: 0.3, attack: 'adaptive' });
    expect(r.rounds).toBeGreaterThanOrEqual(14);
  }, 120_000);
});
