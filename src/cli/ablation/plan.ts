// What an ablation sweep runs: aggregator × attack × attacker fraction over seeds 1..N. Work is shared: the
// clean run (attackers silent) depends only on (aggregator, fraction, seed), so one "group" runs it once and
// then every attack against it; fraction 0 has no attackers, so its group is the clean run alone.
import { availableParallelism } from 'node:os';
import { UsageError, numberFlag, type Values } from '../command';
import { AGGREGATOR_NAMES, type AggregatorName } from '../../core/consensus/registry';
import { ATTACK_NAMES, type AttackName } from '../../core/consensus/attacks';
import { resolveConfig } from '../../sim/config';

/** Every attack but 'none' (with 'none' the attackers are silent: that is the clean run itself). */
export const CATALOG_ATTACKS = ATTACK_NAMES.filter((a): a is Exclude<AttackName, 'none'> => a !== 'none');
export type CatalogAttack = (typeof CATALOG_ATTACKS)[number];

export interface AblationPlan {
  /** Seeds 1..seeds. */
  readonly seeds: number;
  /** Sim time per run, seconds. */
  readonly seconds: number;
  readonly nodes: number;
  readonly aggregators: readonly AggregatorName[];
  readonly attacks: readonly CatalogAttack[];
  /** Attacker fractions, ascending, unique. */
  readonly fractions: readonly number[];
  /** The sim's own-data filter (SimConfig.ownDataFilter); off isolates the aggregator and reputation. */
  readonly ownDataFilter: boolean;
  /** Attackers also answer cure requests with poisoned genes (SimConfig.poisonCures); off (`--no-poison`) they
   *  attack consensus only, which nothing ever convicts them for (the adaptive attack's strongest mode). */
  readonly poisonCures?: boolean;
}

/** Defaults sized so the full sweep takes ≤ ~6 min on the 2-core project machine (see the usage text). */
export const DEFAULT_PLAN: AblationPlan = Object.freeze({
  seeds: 5,
  seconds: 300,
  nodes: 150,
  aggregators: AGGREGATOR_NAMES,
  attacks: CATALOG_ATTACKS,
  fractions: [0, 0.05, 0.1, 0.2, 0.3, 0.4],
  ownDataFilter: true,
});

export const DEFAULT_OUT = 'docs/ABLATION.md';

/** One unit of work: the clean run of (aggregator, fraction, seed), then each attack against it. */
export interface RunGroup {
  readonly aggregator: AggregatorName;
  readonly fraction: number;
  readonly seed: number;
  /** Empty at fraction 0 (no attackers: only the clean run). */
  readonly attacks: readonly CatalogAttack[];
}

function listFlag<T extends string>(values: Values, flag: string, valid: readonly T[], fallback: readonly T[]): readonly T[] {
  const raw = values[flag];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string') throw new UsageError(`--${flag} expects a comma-separated list`);
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new UsageError(`--${flag} is empty; valid: ${valid.join(', ')}`);
  for (const name of names) {
    if (!(valid as readonly string[]).includes(name)) {
      throw new UsageError(`--${flag}: unknown name '${name}'; valid: ${valid.join(', ')}`);
    }
  }
  // Catalogue order, not the order typed, so the same set always gives the same file.
  return valid.filter((v) => names.includes(v));
}

function fractionsFlag(values: Values): readonly number[] {
  const raw = values.fractions;
  if (raw === undefined) return DEFAULT_PLAN.fractions;
  if (typeof raw !== 'string') throw new UsageError('--fractions expects a comma-separated list');
  const parts = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) throw new UsageError('--fractions is empty');
  const out = parts.map((p) => {
    const f = Number(p);
    if (!Number.isFinite(f) || f < 0 || f > 0.9) throw new UsageError(`--fractions: ${JSON.stringify(p)} is not a number in [0, 0.9]`);
    return f;
  });
  return [...new Set(out)].sort((a, b) => a - b);
}

function intFlag(values: Values, flag: string, min: number, max: number, fallback: number): number {
  const v = numberFlag(values, flag) ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${flag} must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

/** The plan for the flags; bad names or numbers are UsageErrors (exit 2) naming what is valid. */
export function planFromFlags(values: Values): AblationPlan {
  const seconds = numberFlag(values, 'seconds') ?? DEFAULT_PLAN.seconds;
  if (!(seconds > 0 && seconds <= 86_400)) throw new UsageError(`--seconds must be in (0, 86400], got ${seconds}`);
  const plan: AblationPlan = {
    seeds: intFlag(values, 'seeds', 1, 1000, DEFAULT_PLAN.seeds),
    seconds,
    nodes: intFlag(values, 'nodes', 1, 100_000, DEFAULT_PLAN.nodes),
    aggregators: listFlag(values, 'aggregators', AGGREGATOR_NAMES, DEFAULT_PLAN.aggregators),
    attacks: listFlag(values, 'attacks', CATALOG_ATTACKS, DEFAULT_PLAN.attacks),
    fractions: fractionsFlag(values),
    ownDataFilter: !values['no-own-filter'],
    ...(values['no-poison'] ? { poisonCures: false } : {}),
  };
  // Anything else the sim would refuse (e.g. too few nodes) is a usage error now, not a column of failed cells.
  resolveConfig({ nodes: plan.nodes, byzantine: plan.fractions[plan.fractions.length - 1], layout: false });
  return plan;
}

export function jobsFromFlags(values: Values): number {
  return intFlag(values, 'jobs', 1, 64, Math.max(1, Math.min(4, availableParallelism())));
}

/** Groups in seed-major order, so a partial sweep has looked at every cell once before any twice. */
export function groupsOf(plan: AblationPlan): RunGroup[] {
  const groups: RunGroup[] = [];
  for (let seed = 1; seed <= plan.seeds; seed++) {
    for (const aggregator of plan.aggregators) {
      for (const fraction of plan.fractions) groups.push({ aggregator, fraction, seed, attacks: fraction === 0 ? [] : plan.attacks });
    }
  }
  return groups;
}

/** Sim runs in a group: the clean run plus one per attack. */
export function runsIn(group: RunGroup): number {
  return 1 + group.attacks.length;
}

/** The command that reproduces the file, every flag spelled out (except --jobs, which changes no figure). */
export function commandLine(plan: AblationPlan, out: string): string {
  const flags = [
    `--seeds ${plan.seeds}`,
    `--seconds ${plan.seconds}`,
    `--nodes ${plan.nodes}`,
    `--aggregators ${plan.aggregators.join(',')}`,
    `--attacks ${plan.attacks.join(',')}`,
    `--fractions ${plan.fractions.join(',')}`,
  ];
  if (!plan.ownDataFilter) flags.push('--no-own-filter');
  if (plan.poisonCures === false) flags.push('--no-poison');
  if (out !== DEFAULT_OUT) flags.push(`--out ${out}`);
  return `npm run qres -- ablation ${flags.join(' ')}`;
}
