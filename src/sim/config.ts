import { AGGREGATOR_NAMES, isAggregatorName } from '../core/consensus/registry';
import { ATTACK_NAMES, isAttackName } from '../core/consensus/attacks';
import { ATTACKER_SPEECH, isAttackerSpeech } from '../core/rules/silence';
import { isRadioAuthMode, RADIO_AUTH_MODES } from '../core/net/radioAuth';

// Configuration of one simulated swarm. Every rate is per second of sim time (docs/ARCHITECTURE.md, "The model").
// `resolveConfig` validates a partial config and names every bad field in one typed error.

export interface SimConfig {
  /** Number of nodes (devices). */
  nodes: number;
  /** Master seed; every random decision comes from a named stream of it. */
  seed: number;
  /** Sim time per tick, milliseconds. */
  tickMs: number;
  /** Radio link MTU in bytes (LoRa 51, 802.15.4 127, Wi-Fi 1400). */
  mtu: number;
  /** Link bitrate, bits per second. */
  bitrateBps: number;
  /** Per-fragment loss probability, 0..0.99. */
  loss: number;
  /** Fraction of time a radio may transmit (LoRa EU868: 0.01). 1 = unlimited. */
  dutyCycle: number;
  /** Gossip of cures on/off (for the value-of-gossip experiment). */
  gossip: boolean;
  /** A storm the node saw coming (PreStorm within 2 s before it) is asked about at its onset, not REQUEST_AFTER_S
   *  in (--prefetch). Off by default: a trade of bytes for latency (npm run bench:warning, docs/BENCHMARKS.md,
   *  "Prefetch"); the silent swarm's measured figures are the default's. */
  prefetch: boolean;
  /** Run the force layout (off for headless benchmarks). */
  layout: boolean;
  /** Radio range in world units between home positions. */
  radioRange: number;
  /** Consensus round, seconds. */
  consensusRoundS: number;
  /** Persistence period, seconds. */
  persistEveryS: number;
  /** Aggregator name (see src/core/consensus). */
  aggregator: string;
  /** Attack name, or 'none'. */
  attack: string;
  /** Fraction of nodes that are attackers, 0..0.9. With attack 'none' they are silent (crashed): they send
   *  nothing — the baseline consensusDrift is measured against. */
  byzantine: number;
  /** Cure replies carry a gene commitment and transition proof(s); receivers verify before install (src/sim/secure.ts). */
  secure: boolean;
  /** Attackers also answer cure requests with poisoned genes (off: they attack consensus only). */
  poisonCures: boolean;
  /** Each node leaves out of its round's aggregate any model that predicts its own window more than
   *  EXCLUDE_FACTOR times worse than its own (off: the aggregator and reputation alone, for the ablation). */
  ownDataFilter: boolean;
  /** Nodes that join mid-flight (placed like the others, radio-silent until joinAtS), and when they join. */
  join: number;
  joinAtS: number;
  /** The old fixed-round consensus: every node broadcasts its model every round and listens all the time. Off
   *  (the default): the silent swarm (src/core/rules/silence.ts). */
  chatty: boolean;
  /** 'storm': the orbiting noise zone (default); 'calm': no noise zone, the pure consensus problem. */
  scenario: string;
  /** Silent mode: what attackers do about silence ('rules', 'always', 'once', 'opportunist'; silence.ts). */
  attackerSpeech: string;
  /** Std of a seeded jitter on every node's starting consensus model (0: all start at the persistence predictor);
   *  the daemon's --init-jitter, so convergence has something to do (bench:silence uses 0.1). */
  priorJitter: number;
  /** What every radio message carries so receivers act only on roster members' fresh messages
   *  (src/core/net/radioAuth.ts): 'pairwise' (a pair-key MIC per receiver, or a signature when cheaper; the
   *  default), 'group' (one group-key MIC: keeps strangers out, not insiders), 'none'. */
  radioAuth: string;
}

export const SCENARIOS = ['storm', 'calm'] as const;

export const DEFAULT_CONFIG: Readonly<SimConfig> = Object.freeze({
  nodes: 150,
  seed: 7,
  tickMs: 100,
  mtu: 51,
  bitrateBps: 56_000,
  loss: 0.02,
  dutyCycle: 1,
  gossip: true,
  prefetch: false,
  layout: true,
  radioRange: 3.5,
  consensusRoundS: 10,
  persistEveryS: 5,
  aggregator: 'trimmed-mean',
  attack: 'none',
  byzantine: 0,
  secure: false,
  poisonCures: true,
  ownDataFilter: true,
  join: 0,
  joinAtS: 60,
  chatty: false,
  scenario: 'storm',
  attackerSpeech: 'rules',
  priorJitter: 0,
  radioAuth: 'pairwise',
});

export const MAX_NODES = 1_000_000;

/** One or more configuration fields are invalid. `problems` lists each as "field: why". */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

type NumberRule = { int?: boolean; min: number; max: number };

const NUMBER_RULES: Partial<Record<keyof SimConfig, NumberRule>> = {
  nodes: { int: true, min: 1, max: MAX_NODES },
  seed: { int: true, min: 0, max: 0xffffffff },
  tickMs: { int: true, min: 1, max: 10_000 },
  mtu: { int: true, min: 24, max: 65_535 },
  bitrateBps: { min: 100, max: 1e9 },
  loss: { min: 0, max: 0.99 },
  dutyCycle: { min: 0.001, max: 1 },
  radioRange: { min: 0.1, max: 1000 },
  consensusRoundS: { min: 0.1, max: 86_400 },
  persistEveryS: { min: 0.1, max: 86_400 },
  byzantine: { min: 0, max: 0.9 },
  join: { int: true, min: 0, max: MAX_NODES },
  joinAtS: { min: 0, max: 10 * 86_400 },
  priorJitter: { min: 0, max: 1 },
};

/** Defaults + overrides, validated. Throws ConfigError listing every bad field. */
export function resolveConfig(overrides: Partial<SimConfig> = {}): SimConfig {
  const config: SimConfig = { ...DEFAULT_CONFIG };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(DEFAULT_CONFIG, key)) {
      problems.push(`${key}: unknown option`);
      continue;
    }
    const k = key as keyof SimConfig;
    const expected = typeof DEFAULT_CONFIG[k];
    if (typeof value !== expected) {
      problems.push(`${key}: expected a ${expected}, got ${JSON.stringify(value)}`);
      continue;
    }
    const rule = NUMBER_RULES[k];
    if (rule && typeof value === 'number') {
      if (!Number.isFinite(value) || (rule.int && !Number.isInteger(value)) || value < rule.min || value > rule.max) {
        problems.push(`${key}: ${value} is not ${rule.int ? 'an integer' : 'a number'} in [${rule.min}, ${rule.max}]`);
        continue;
      }
    }
    (config as unknown as Record<string, unknown>)[k] = value;
  }
  if (!isAggregatorName(config.aggregator)) {
    problems.push(`aggregator: unknown '${config.aggregator}' (valid: ${AGGREGATOR_NAMES.join(', ')})`);
  }
  if (!(SCENARIOS as readonly string[]).includes(config.scenario)) problems.push(`scenario: unknown '${config.scenario}' (valid: ${SCENARIOS.join(', ')})`);
  if (!isAttackerSpeech(config.attackerSpeech)) {
    problems.push(`attackerSpeech: unknown '${config.attackerSpeech}' (valid: ${ATTACKER_SPEECH.join(', ')})`);
  }
  if (!isRadioAuthMode(config.radioAuth)) problems.push(`radioAuth: unknown '${config.radioAuth}' (valid: ${RADIO_AUTH_MODES.join(', ')})`);
  if (!isAttackName(config.attack)) problems.push(`attack: unknown '${config.attack}' (valid: ${ATTACK_NAMES.join(', ')})`);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Radius of the brain for n nodes: 8 at the default 150, growing with √n so node density stays constant. */
export function brainRadius(nodes: number): number {
  return 8 * Math.max(1, Math.sqrt(nodes / DEFAULT_CONFIG.nodes));
}

/** Ticks in s seconds of sim time. */
export function ticksFor(config: SimConfig, seconds: number): number {
  return Math.round((seconds * 1000) / config.tickMs);
}
