// The bitECS world of one swarm: one entity per node, every component a set of typed arrays sized at
// creation and indexed by entity id (ids are 1..n; slot 0 unused). Structural changes never happen during a
// tick: the pipeline only writes columns.
import { addComponent, addEntity, createWorld } from 'bitecs';
import * as q16 from '../core/fixed/q16';
import { createRng, type Rng } from '../core/rng/rng';
import { createDrawn, createHome, createRole, ROLE_ATTACKER } from '../../components/body';
import { createNoise, createSensor } from '../../components/sensing';
import { createEvolution, createNeuron, createRegime } from '../../components/mind';
import { createRadio } from '../../components/radio';
import { createConsensus } from '../../components/consensus';
import { createMembership, MEMBER_ABSENT } from '../../components/membership';
import { brainRadius, type SimConfig } from './config';
import { TRUST_INITIAL } from '../core/rules/trust';
import { initEvolutionAt, initNodeAt } from '../core/rules/state';
import { ruleSeeds, type RuleSeeds } from '../core/rules/random';
import { MODEL_DIM, REGIME_RECORD, roundTicksOf } from '../core/rules/model';
import { initSpeechAt } from '../core/rules/silence';
import { GENE_LIMIT } from '../core/rules/consensus';
import { createEnergy, createSpeech } from '../../components/energy';
import { createAuth } from '../../components/auth';
import { fibonacciSphere, radioNeighbourhoods, type Neighbourhoods } from './placement';
import { createLinkModel, type LinkModel } from './linkModel';
import { createSimMetrics, type SimCounters } from './counters';
import { createForceLayout, type ForceLayout } from './layout/forceLayout';
import { defaultLayoutParams } from './layout/params';
import { createSecureState, type SecureState } from './secure';
import { createRadioChannel, type RadioChannel } from './radio';

export function createComponents(capacity: number, slots: number, layout: boolean, joiners: number, silent = true, auth = true) {
  return {
    Home: createHome(capacity),
    Drawn: createDrawn(layout ? capacity : 0),
    Role: createRole(capacity),
    Sensor: createSensor(capacity),
    Noise: createNoise(capacity),
    Neuron: createNeuron(capacity),
    Regime: createRegime(capacity, REGIME_RECORD),
    Evolution: createEvolution(capacity),
    Radio: createRadio(capacity),
    Consensus: createConsensus(capacity, slots, TRUST_INITIAL, silent),
    Membership: createMembership(capacity, joiners),
    Speech: createSpeech(capacity, silent ? slots : 0),
    Energy: createEnergy(capacity),
    Auth: createAuth(slots, auth),
  };
}
export type Components = ReturnType<typeof createComponents>;
export type ComponentName = keyof Components;

/** The simulated world's own random stream (sensor noise; the rules draw from `seeds`, counter-based, per node). */
export interface Streams {
  sensor: Rng;
}

export interface SimContext {
  config: SimConfig;
  n: number;
  tick: number;
  /** Sim seconds per tick as Q16 and as a float (the float only for layout and display). */
  dtQ16: number;
  dtS: number;
  /** Ticks per consensus round: the rulebook's roundTicksOf, computed once here (the only place in the sim). */
  roundTicks: number;
  brainRadius: number;
  /** Noise zone centre and radius (Q16) this tick. */
  zone: { x: number; y: number; z: number; r: number };
  /** Radio neighbourhoods over node indices (eid − 1). */
  hood: Neighbourhoods;
  streams: Streams;
  /** Seeds of the rules' counter-based draws (src/core/rules/random.ts), from the run's seed. */
  seeds: RuleSeeds;
  link: LinkModel;
  counters: SimCounters;
  /** Calm Evolved genes queued by the persistence system, flushed by the runner outside the tick. */
  saveQueue: Array<readonly [number, Uint8Array]>;
  /** Pending cure requests (receiver eid, requester eid), answered by the gossip system next tick. */
  requests: number[];
  /** Received cure replies (receiver eid, sender eid, gene bytes), for the gene-install system. */
  replies: Array<{ to: number; from: number; gene: Uint8Array }>;
  /** Pending summary requests (responder eid, joiner eid, attempt) and received summaries, for mid-flight joins. */
  summaryRequests: number[];
  summaries: Array<{ to: number; from: number; body: Uint8Array }>;
  /** Per-tick scratch, rewritten every tick before it is read (not state: never hashed, never carried over). */
  scratch: { error: Int32Array };
  /** The force layout, or null when layout is off (headless runs). */
  layout: ForceLayout | null;
  /** Commitment chains, outboxes and receivers' records of --secure runs; null otherwise. */
  secure: SecureState | null;
  /** The radio as systems use it: send a message, find a sender's slot (src/sim/radio.ts). Holds no state. */
  radio: RadioChannel;
}

/**
 * The registry of the world's fields: what each one is. Channels are what systems declare they read and write
 * (src/sim/system.ts; test/sim/pipeline.test.ts checks the declarations); the state hash (src/sim/stateHash.ts)
 * covers the components and every channel of a hashed kind. A new field must be entered here (the type says
 * so), which decides whether it is hashed.
 *
 * - component: the bitECS columns (world.components; src/sim/stateHash.ts lists the one excluded, Drawn).
 * - queue: messages and requests waiting between systems or ticks. Hashed.
 * - output: genes queued for storage, drained by the runner outside the tick (when, depends on the host: the
 *   worker flushes as it goes, the CLI only with --storage); decides nothing in the sim. Not hashed.
 * - stream: sequential RNG streams (their xoshiro state is hashed); seeds: the rules' counter-based draw seeds. Hashed.
 * - link: the link model's queued and in-flight frames and reassembly buffers. Hashed.
 * - secure: --secure chains, outboxes, partial bodies and receivers' records. Hashed.
 * - scratch: rewritten every tick before it is read; not state. Not hashed.
 * - counters: what the runs report (metrics(); compared by the determinism test); they decide nothing. Not hashed.
 * - layout: the force layout's float state; decides nothing. Not hashed.
 * - constant: fixed by the config at creation (or the clock, hashed itself); not a channel. Not hashed.
 * - api: behaviour without state (the radio channel). Not hashed.
 */
export const WORLD_FIELDS = {
  config: 'constant',
  n: 'constant',
  tick: 'constant',
  dtQ16: 'constant',
  dtS: 'constant',
  roundTicks: 'constant',
  brainRadius: 'constant',
  hood: 'constant',
  zone: 'scratch',
  scratch: 'scratch',
  streams: 'stream',
  seeds: 'seeds',
  link: 'link',
  counters: 'counters',
  saveQueue: 'output',
  requests: 'queue',
  replies: 'queue',
  summaryRequests: 'queue',
  summaries: 'queue',
  layout: 'layout',
  secure: 'secure',
  radio: 'api',
} as const satisfies Record<
  keyof SimContext,
  'constant' | 'scratch' | 'stream' | 'seeds' | 'link' | 'counters' | 'queue' | 'output' | 'layout' | 'secure' | 'api'
>;

/** The world's channels: every field a system may read or write other than the components and the constants. */
export type ChannelName = { [K in keyof typeof WORLD_FIELDS]: (typeof WORLD_FIELDS)[K] extends 'constant' | 'api' ? never : K }[keyof typeof WORLD_FIELDS];
export const CHANNELS = (Object.keys(WORLD_FIELDS) as (keyof typeof WORLD_FIELDS)[]).filter(
  (k): k is ChannelName => WORLD_FIELDS[k] !== 'constant' && WORLD_FIELDS[k] !== 'api',
);
/** The world's queues between systems (hashed), in registry order. */
export type QueueName = { [K in keyof typeof WORLD_FIELDS]: (typeof WORLD_FIELDS)[K] extends 'queue' ? K : never }[keyof typeof WORLD_FIELDS];
export const QUEUES = (Object.keys(WORLD_FIELDS) as (keyof typeof WORLD_FIELDS)[]).filter((k): k is QueueName => WORLD_FIELDS[k] === 'queue');
export type FieldKind = (typeof WORLD_FIELDS)[keyof typeof WORLD_FIELDS];

export type SimWorld = ReturnType<typeof createSimWorld>;

/** Builds the world for a resolved config. `restored` maps node ids to genes that make them spawn Evolved. */
export function createSimWorld(config: SimConfig) {
  // Nodes present from the start, then the mid-flight joiners (the last ids).
  const n = config.nodes + config.join;
  const root = createRng(config.seed);
  const radius = brainRadius(n);
  const home = fibonacciSphere(n, q16.fromFloat(radius), root.stream('placement'));
  const hood = radioNeighbourhoods(home, n, q16.fromFloat(config.radioRange));
  const components = createComponents(n + 1, hood.neighbours.length, config.layout, config.join, !config.chatty, config.radioAuth !== 'none');
  const link = createLinkModel(config, hood, root.stream('radio'));
  const ctx: Omit<SimContext, 'radio'> = {
    config,
    n,
    tick: 0,
    dtQ16: Math.round((config.tickMs * q16.ONE) / 1000),
    dtS: config.tickMs / 1000,
    roundTicks: roundTicksOf(config.consensusRoundS, config.tickMs),
    brainRadius: radius,
    zone: { x: 0, y: 0, z: 0, r: 0 },
    hood,
    streams: { sensor: root.stream('sensor') },
    seeds: ruleSeeds(config.seed),
    link,
    counters: createSimMetrics(),
    saveQueue: [],
    requests: [],
    replies: [],
    scratch: { error: new Int32Array(n + 1) },
    summaryRequests: [],
    summaries: [],
    layout: config.layout ? createForceLayout(n, hood.offsets, hood.neighbours, defaultLayoutParams(radius)) : null,
    secure: config.secure ? createSecureState(config) : null,
  };
  const radio = createRadioChannel({
    components,
    link,
    hood,
    config,
    roundTicks: ctx.roundTicks,
    get tick() {
      return world.tick;
    },
  });
  const world = createWorld({ ...ctx, radio, components });

  const { Home, Drawn, Role, Sensor, Neuron, Regime, Consensus, Speech, Energy } = components;
  const jitterQ16 = Math.round(config.priorJitter * q16.ONE);
  const prior = root.stream('prior');
  const roles = root.stream('roles');
  // Attackers are drawn among the nodes present from the start (joiners are honest newcomers).
  const attackers = Math.round(config.byzantine * config.nodes);
  const attackerSet = new Set<number>();
  while (attackerSet.size < attackers) attackerSet.add(roles.nextInt(config.nodes));
  for (let i = 0; i < n; i++) {
    const eid = addEntity(world);
    if (eid !== i + 1) throw new Error(`bitECS gave entity id ${eid} for node ${i}; expected ${i + 1}`);
    for (const c of Object.values(components)) addComponent(world, eid, c);
    Home.x[eid] = home[3 * i]!;
    Home.y[eid] = home[3 * i + 1]!;
    Home.z[eid] = home[3 * i + 2]!;
    if (config.layout) {
      Drawn.pos[3 * eid] = q16.toFloat(Home.x[eid]!);
      Drawn.pos[3 * eid + 1] = q16.toFloat(Home.y[eid]!);
      Drawn.pos[3 * eid + 2] = q16.toFloat(Home.z[eid]!);
    }
    if (attackerSet.has(i)) Role.kind[eid] = ROLE_ATTACKER;
    if (i >= config.nodes) components.Membership.state[eid] = MEMBER_ABSENT;
    // The field's phase at this node: a smooth function of home position, so neighbours see similar signals.
    const phase = (Home.x[eid]! + 2 * Home.z[eid]! - Home.y[eid]!) >> 2;
    Sensor.cosPhase[eid] = q16.cos(phase);
    Sensor.sinPhase[eid] = q16.sin(phase);
    // A fresh neuron is a persistence predictor (next = last), the honest starting point before any learning.
    initNodeAt(Neuron, Regime, Consensus.model, eid);
    initEvolutionAt(components.Evolution, eid);
    initSpeechAt(Speech, Energy, eid);
    if (jitterQ16 > 0) {
      for (let k = 0; k < MODEL_DIM; k++) {
        const mo = MODEL_DIM * eid + k;
        Consensus.model[mo] = q16.clamp(Consensus.model[mo]! + q16.mul(prior.gaussianQ16(), jitterQ16), -GENE_LIMIT[k]!, GENE_LIMIT[k]!);
      }
    }
  }
  // What a node pulls towards while disturbed starts as its starting model (src/core/rules/consensus.ts).
  Consensus.anchor.set(Consensus.model);
  return world;
}
