// Configuration of one real node (`qres node`). Time has two scales: the wall clock (tickMs: how often the
// node samples) and device time (DEVICE_TICK_MS per sample, the sim's model tick). Every rate of the model
// (storm frequencies, request back-off, consensus round, Evolved-after) is in device time, so tickMs = 100 is
// real time and tickMs = 20 is a 5× fast-forward for tests and demos. Ticks sit on a wall-clock grid
// (tick = ⌊now / tickMs⌋), so nodes started at different times agree on tick and round numbers.
import { isAttackName, ATTACK_NAMES } from '../core/consensus/attacks';
import { AGGREGATOR_NAMES, isAggregatorName } from '../core/consensus/registry';
import { DEFAULT_TICK_MS, roundTicksOf } from '../core/rules/model';
import { ATTACKER_SPEECH, isAttackerSpeech } from '../core/rules/silence';
import { checkNodeId, checkSwarmName } from '../net/topics';

/** Device time per sample, ms (the sim's default tick). */
export const DEVICE_TICK_MS = DEFAULT_TICK_MS;
/** Most neighbours a node listens to: its reputation table, rate buckets and round rows are this big at most. */
export const MAX_PEERS = 1024;

export interface NodeConfig {
  swarm: string;
  id: number;
  /** Seed of the node's random streams (sensor noise, mutations, attack jitter); mixed with the id. */
  seed: number;
  /** Wall-clock ms between samples. */
  tickMs: number;
  /** Consensus round, seconds of device time. */
  roundS: number;
  /** 'none' for an honest node, else an attack name (src/core/consensus/attacks.ts). */
  attack: string;
  /** Std of the seeded jitter on a fresh node's consensus prior (its own gene + jitter), Q16. Makes the
   *  swarm's convergence visible; 0 starts every prior at the node's own gene. */
  initJitterQ16: number;
  /** Heartbeat (announce) period, device ticks. */
  announceEveryTicks: number;
  /** Persist a calm Evolved gene every this many device ticks. */
  persistEveryTicks: number;
  /** The node ids this node listens to (its neighbours); messages from any other id are ignored. */
  peers: number[];
  /** Robust aggregator of the consensus round (src/core/consensus/registry.ts). */
  aggregator: string;
  /** The own-data filter of the consensus round (on unless --no-own-filter). */
  ownDataFilter: boolean;
  /** An attacker: the ids of its fellow attackers (not counted among the honest models it observes). */
  coalition: number[];
  /** An attacker answers cure requests with poisoned genes (off: --no-poison, a consensus-only attacker). */
  poisonCures: boolean;
  /** Ask about a storm seen coming (PreStorm) at its onset, not 2 s in (--prefetch; off by default, as qres sim; always
   *  off with --secure). */
  prefetch: boolean;
  /** --secure: cure replies are secure bodies (gene + commitment + transition proofs from the sender's chain),
   *  verified before install; a failed proof costs the sender a failed check. The same protocol as qres sim
   *  --secure (src/core/rules/secureCure.ts); every node of a swarm must agree on it. */
  secure: boolean;
  /** The swarm's epoch (Unix ms): device ticks count from it, on the grid ⌊(now − epoch) / tickMs⌋, so every node
   *  of a swarm agrees on ticks and rounds, and tick numbers stay small (the rules keep ticks in Int32 columns:
   *  2^31 ticks are 6.8 years at 100 ms). */
  epochMs: number;
  /** Per-peer rate limit: bucket size and refill per wall-clock second. */
  rateBurst: number;
  ratePerS: number;
  /** The old fixed-round consensus (every round, every node speaks and listens); off: the silent swarm
   *  (src/core/rules/silence.ts), the default. Every node of a swarm must agree on it. */
  chatty: boolean;
  /** Silent mode, an attacker: what it does about silence (silence.ts ATTACKER_SPEECH). */
  attackerSpeech: string;
  /** The sine sensor's scenario: 'storm' (the orbiting interference zone) or 'calm' (none). */
  scenario: string;
}

export const DEFAULT_NODE_CONFIG: Readonly<Omit<NodeConfig, 'swarm' | 'id'>> = Object.freeze({
  seed: 7,
  tickMs: 100,
  roundS: 10,
  attack: 'none',
  initJitterQ16: 6554, // 0.1
  announceEveryTicks: 50,
  persistEveryTicks: 50,
  rateBurst: 40,
  ratePerS: 20,
  peers: Array.from({ length: 32 }, (_, i) => i + 1),
  epochMs: Date.UTC(2026, 0, 1),
  aggregator: 'trimmed-mean',
  ownDataFilter: true,
  coalition: [],
  poisonCures: true,
  prefetch: false,
  secure: false,
  chatty: false,
  attackerSpeech: 'rules',
  scenario: 'storm',
});

/** A node option is out of range; `problems` lists each. */
export class NodeConfigError extends Error {
  override readonly name = 'NodeConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid node configuration: ${problems.join('; ')}`);
  }
}

export function resolveNodeConfig(partial: Partial<NodeConfig> & { swarm: string; id: number }): NodeConfig {
  const c: NodeConfig = { ...DEFAULT_NODE_CONFIG, ...stripUndefined(partial) } as NodeConfig;
  const problems: string[] = [];
  const check = (ok: boolean, message: string): void => {
    if (!ok) problems.push(message);
  };
  try {
    checkSwarmName(c.swarm);
  } catch (err) {
    problems.push((err as Error).message);
  }
  try {
    checkNodeId(c.id);
  } catch (err) {
    problems.push((err as Error).message);
  }
  const int = (x: number, lo: number, hi: number): boolean => Number.isInteger(x) && x >= lo && x <= hi;
  check(int(c.seed, 0, 0xffffffff), `seed ${c.seed} is not a u32`);
  check(int(c.tickMs, 1, 10_000), `tick-ms ${c.tickMs} is not an integer in [1, 10000]`);
  check(Number.isFinite(c.roundS) && c.roundS >= 0.5 && c.roundS <= 86_400, `round-s ${c.roundS} is not in [0.5, 86400]`);
  check(isAttackName(c.attack), `attack '${c.attack}' is not one of ${ATTACK_NAMES.join(', ')}`);
  check(int(c.initJitterQ16, 0, 65536), `init jitter ${c.initJitterQ16} is not a Q16 value in [0, 1]`);
  check(int(c.announceEveryTicks, 1, 1_000_000), `announce period ${c.announceEveryTicks} ticks`);
  check(int(c.persistEveryTicks, 1, 1_000_000), `persist period ${c.persistEveryTicks} ticks`);
  check(Number.isFinite(c.rateBurst) && c.rateBurst >= 1, `rate burst ${c.rateBurst}`);
  check(Number.isFinite(c.ratePerS) && c.ratePerS > 0, `rate per second ${c.ratePerS}`);
  check(int(c.epochMs, 0, 8.64e15), `epoch ${c.epochMs} is not a time in Unix ms`);
  check(
    !(c.tickMs >= 1) || (c.epochMs <= Date.now() && (Date.now() - c.epochMs) / c.tickMs < 2 ** 31 - 1),
    `epoch ${c.epochMs}: device ticks since it must be in [0, 2^31) at tick-ms ${c.tickMs} (use a later --epoch)`,
  );
  check(isAggregatorName(c.aggregator), `aggregator '${c.aggregator}' is not one of ${AGGREGATOR_NAMES.join(', ')}`);
  check(
    Array.isArray(c.peers) && c.peers.length <= MAX_PEERS && c.peers.every((p) => int(p, 0, 0xffff)),
    `peers must be at most ${MAX_PEERS} node ids in [0, 65535]`,
  );
  check(typeof c.secure === 'boolean', `secure must be a boolean`);
  check(typeof c.chatty === 'boolean', `chatty must be a boolean`);
  check(isAttackerSpeech(c.attackerSpeech), `attacker speech '${c.attackerSpeech}' is not one of ${ATTACKER_SPEECH.join(', ')}`);
  check(c.scenario === 'storm' || c.scenario === 'calm', `scenario '${c.scenario}' is not storm or calm`);
  check(Array.isArray(c.coalition) && c.coalition.every((p) => int(p, 0, 0xffff)), 'coalition must be node ids in [0, 65535]');
  if (problems.length > 0) throw new NodeConfigError(problems);
  return c;
}

/** Device ticks per consensus round (the rulebook's roundTicksOf). */
export function roundTicks(c: NodeConfig): number {
  return roundTicksOf(c.roundS, DEVICE_TICK_MS);
}

/** The device tick of wall-clock time `nowMs`: ticks since the swarm's epoch. */
export function deviceTick(c: NodeConfig, nowMs: number): number {
  return Math.floor((nowMs - c.epochMs) / c.tickMs);
}

/** Parses a list of node ids: "1-20,25,30-31". */
export function parseIdList(text: string): number[] {
  const ids: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new NodeConfigError([`'${part}' is not an id or a range a-b`]);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi > 0xffff || hi - lo >= MAX_PEERS) throw new NodeConfigError([`range ${part} is not within 0..65535 and ${MAX_PEERS} ids`]);
    for (let id = lo; id <= hi; id++) ids.push(id);
    if (ids.length > MAX_PEERS) throw new NodeConfigError([`more than ${MAX_PEERS} ids`]);
  }
  return ids;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
