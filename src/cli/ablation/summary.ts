// From the runs of a sweep to the figures the report shows. Robust aggregation is judged by its worst case
// (ByzFL, Blades): a cell is the worst over seeds, and the headline per aggregator and fraction is the worst
// over the whole attack catalogue. Failed runs are kept and named, never silently dropped.
import type { AggregatorName } from '../../core/consensus/registry';
import type { AblationPlan, CatalogAttack } from './plan';
import { timePoints, type GroupResult } from './runGroup';

/** Worst-case drift at or above this is "broken down" (the 5 % target). */
export const BREAKDOWN_DRIFT = 0.05;

/** One aggregator × attack × fraction, over seeds. */
export interface AttackCell {
  readonly aggregator: AggregatorName;
  readonly attack: CatalogAttack;
  readonly fraction: number;
  /** Worst (largest) drift over the seeds that ran; 0 if none ran. */
  readonly worstDrift: number;
  /** The seed that gave worstDrift. */
  readonly worstSeed: number;
  readonly maxHonestBans: number;
  /** Fewest attackers banned over seeds, and the attacker count. */
  readonly minAttackerBans: number;
  readonly attackers: number;
  readonly maxLastAttackerBanRound: number;
  /** "seed N: message" for each run that threw. */
  readonly failures: readonly string[];
}

/** One aggregator × fraction: the worst over attacks. */
export interface WorstCell {
  readonly aggregator: AggregatorName;
  readonly fraction: number;
  readonly worstDrift: number;
  /** The attack that gave worstDrift (first in catalogue order on a tie); undefined at fraction 0. */
  readonly worstAttack?: CatalogAttack;
  readonly maxHonestBans: number;
  readonly failedRuns: number;
}

/** Drift over time for the worst attack at one fraction: per aggregator, at each time point, the worst over seeds. */
export interface DriftOverTime {
  readonly fraction: number;
  /** The attack with the largest worst-case drift at `fraction` over all aggregators (at the end of the run). */
  readonly attack: CatalogAttack;
  /** Sim seconds of the time points (the last is the end of the run). */
  readonly times: readonly number[];
  readonly lines: readonly { readonly aggregator: AggregatorName; readonly worstDrift: readonly number[] }[];
}

export interface AblationSummary {
  readonly plan: AblationPlan;
  readonly cells: readonly AttackCell[];
  readonly worst: readonly WorstCell[];
  /** Per aggregator: the first fraction with worst-case drift ≥ 5 %, or null if none in the sweep. */
  readonly breakdown: Readonly<Record<string, number | null>>;
  readonly runs: number;
  readonly failedRuns: number;
  /** At the per-attack tables' fraction (30 % if swept); undefined when no attacked fraction ran. */
  readonly overTime?: DriftOverTime;
}

/** The fraction the per-attack tables and the drift-over-time chart use: 30 % if swept, else the largest swept. */
export function detailFraction(plan: AblationPlan): number | undefined {
  const attacked = plan.fractions.filter((f) => f > 0);
  return attacked.includes(0.3) ? 0.3 : attacked[attacked.length - 1];
}

function overTimeOf(plan: AblationPlan, cells: readonly AttackCell[], results: readonly GroupResult[]): DriftOverTime | undefined {
  const fraction = detailFraction(plan);
  if (fraction === undefined) return undefined;
  let top: AttackCell | undefined;
  for (const c of cells) if (c.fraction === fraction && c.worstSeed !== 0 && (!top || c.worstDrift > top.worstDrift)) top = c;
  if (!top) return undefined;
  const attack = top.attack;
  const times = timePoints(plan);
  const lines = plan.aggregators.map((aggregator) => {
    const worstDrift = times.map(() => 0);
    for (const r of results) {
      const g = r.group;
      if (g.aggregator !== aggregator || g.fraction !== fraction) continue;
      const run = r.attacks[g.attacks.indexOf(attack)];
      if (!run || run.error !== undefined) continue;
      run.driftOverTime.forEach((d, k) => {
        worstDrift[k] = Math.max(worstDrift[k]!, d);
      });
    }
    return { aggregator, worstDrift };
  });
  return { fraction, attack, times, lines };
}

function attackCell(results: readonly GroupResult[], aggregator: AggregatorName, attack: CatalogAttack, fraction: number): AttackCell {
  let worstDrift = 0;
  let worstSeed = 0;
  let maxHonestBans = 0;
  let minAttackerBans = Infinity;
  let attackers = 0;
  let maxLastAttackerBanRound = 0;
  const failures: string[] = [];
  for (const r of results) {
    const g = r.group;
    if (g.aggregator !== aggregator || g.fraction !== fraction) continue;
    // At fraction 0 there is no attack run: the clean run is the attacked run, with drift 0 by definition.
    const run = fraction === 0 ? r.clean : r.attacks[g.attacks.indexOf(attack)];
    if (!run) continue;
    if (run.error !== undefined) {
      failures.push(`seed ${g.seed}: ${run.error}`);
      continue;
    }
    if (worstSeed === 0 || run.drift > worstDrift) {
      worstDrift = run.drift;
      worstSeed = g.seed;
    }
    maxHonestBans = Math.max(maxHonestBans, run.honestBans);
    minAttackerBans = Math.min(minAttackerBans, run.attackerBans);
    attackers = Math.max(attackers, run.attackers);
    maxLastAttackerBanRound = Math.max(maxLastAttackerBanRound, run.lastAttackerBanRound);
  }
  return {
    aggregator,
    attack,
    fraction,
    worstDrift,
    worstSeed,
    maxHonestBans,
    minAttackerBans: minAttackerBans === Infinity ? 0 : minAttackerBans,
    attackers,
    maxLastAttackerBanRound,
    failures,
  };
}

export function summarize(plan: AblationPlan, results: readonly GroupResult[]): AblationSummary {
  const cells: AttackCell[] = [];
  const worst: WorstCell[] = [];
  const breakdown: Record<string, number | null> = {};
  for (const aggregator of plan.aggregators) {
    breakdown[aggregator] = null;
    for (const fraction of plan.fractions) {
      const row = plan.attacks.map((attack) => attackCell(results, aggregator, attack, fraction));
      cells.push(...row);
      let top: AttackCell | undefined;
      for (const c of row) if (c.worstSeed !== 0 && (!top || c.worstDrift > top.worstDrift)) top = c;
      const cell: WorstCell = {
        aggregator,
        fraction,
        worstDrift: top?.worstDrift ?? 0,
        worstAttack: fraction === 0 || !top || top.worstDrift === 0 ? undefined : top.attack, // no drift: no culprit
        maxHonestBans: Math.max(0, ...row.map((c) => c.maxHonestBans)),
        // At fraction 0 the attack cells share one run per seed: count it once.
        failedRuns: fraction === 0 ? (row[0]?.failures.length ?? 0) : row.reduce((s, c) => s + c.failures.length, 0),
      };
      worst.push(cell);
      if (breakdown[aggregator] === null && cell.worstDrift >= BREAKDOWN_DRIFT) breakdown[aggregator] = fraction;
    }
  }
  let runs = 0;
  let failedRuns = 0;
  for (const r of results) {
    for (const run of [r.clean, ...r.attacks]) {
      runs++;
      if (run.error !== undefined) failedRuns++;
    }
  }
  return { plan, cells, worst, breakdown, runs, failedRuns, overTime: overTimeOf(plan, cells, results) };
}

export function worstCell(s: AblationSummary, aggregator: string, fraction: number): WorstCell | undefined {
  return s.worst.find((c) => c.aggregator === aggregator && c.fraction === fraction);
}

export function attackCellOf(s: AblationSummary, aggregator: string, attack: string, fraction: number): AttackCell | undefined {
  return s.cells.find((c) => c.aggregator === aggregator && c.attack === attack && c.fraction === fraction);
}
