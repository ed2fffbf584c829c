// Runs one group of an ablation sweep in this thread: the clean run of (aggregator, fraction, seed) and then
// each attack against it. A run that throws becomes a failed outcome with its message; the sweep goes on.
import { ROLE_ATTACKER, ROLE_HONEST } from '../../../components/body';
import { createSim, type Sim } from '../../sim/runner';
import { DEFAULT_CONFIG, ticksFor } from '../../sim/config';
import { consensusDrift, meanModel, relativeDistance } from '../../sim/drift';
import type { AblationPlan, CatalogAttack, RunGroup } from './plan';

/** What one sim run gave. `error` set ⇒ the other figures are meaningless (zero). */
export interface RunOutcome {
  /** consensusDrift against the clean run (0 for the clean run itself). */
  readonly drift: number;
  readonly honestBans: number;
  readonly attackerBans: number;
  /** Attacker nodes in the run. */
  readonly attackers: number;
  readonly lastAttackerBanRound: number;
  /** Drift at each of the plan's time points (`timePoints`), the last one the end of the run; empty for the
   *  clean run and for a failed one. */
  readonly driftOverTime: readonly number[];
  readonly error?: string;
}

export interface GroupResult {
  readonly group: RunGroup;
  readonly clean: RunOutcome;
  /** One per group.attacks entry, same order. */
  readonly attacks: readonly RunOutcome[];
}

const CHUNK = 1000;

/** How many times a run's drift is sampled, evenly over its length (the last at its end). */
export const TIME_POINTS = 12;

/** The ticks at which drift is sampled: TIME_POINTS evenly spaced, the last the run's end. */
export function timePointTicks(ticks: number): number[] {
  return Array.from({ length: TIME_POINTS }, (_, k) => Math.round((ticks * (k + 1)) / TIME_POINTS));
}

/** The sim seconds of the time points of a plan (ticks of the sim's default length). */
export function timePoints(plan: AblationPlan): number[] {
  const sim = { ...DEFAULT_CONFIG };
  return timePointTicks(ticksFor(sim, plan.seconds)).map((t) => (t * sim.tickMs) / 1000);
}

/** The honest nodes' mean consensus model, signal units (src/sim/drift.ts). */
function honestMean(sim: Sim, role: ArrayLike<number>): Float64Array {
  return meanModel(sim, (eid) => role[eid] === ROLE_HONEST);
}

function configOf(plan: AblationPlan, group: RunGroup, attack: CatalogAttack | 'none') {
  return {
    nodes: plan.nodes,
    seed: group.seed,
    aggregator: group.aggregator,
    attack,
    byzantine: group.fraction,
    ownDataFilter: plan.ownDataFilter,
    poisonCures: plan.poisonCures !== false,
    layout: false,
  };
}

/** Runs to the plan's length, calling `atPoint(k)` at each time point k. */
function runFor(plan: AblationPlan, group: RunGroup, attack: CatalogAttack | 'none', atPoint: (k: number, sim: Sim) => void): Sim {
  const sim = createSim(configOf(plan, group, attack));
  const ticks = ticksFor(sim.config, plan.seconds);
  const points = timePointTicks(ticks);
  let k = 0;
  for (let done = 0; done < ticks; ) {
    const step = Math.min(CHUNK, ticks - done, points[k]! - done);
    sim.step(step);
    done += step;
    while (k < points.length && points[k] === done) atPoint(k++, sim);
  }
  return sim;
}

function outcomeOf(sim: Sim, drift: number, driftOverTime: readonly number[] = []): RunOutcome {
  const role = sim.world.components.Role.kind;
  let attackers = 0;
  for (let eid = 1; eid <= sim.world.n; eid++) if (role[eid] === ROLE_ATTACKER) attackers++;
  const { bans } = sim.metrics();
  return {
    drift,
    honestBans: bans.honest,
    attackerBans: bans.attackers,
    attackers,
    lastAttackerBanRound: sim.world.counters.lastAttackerBanRound,
    driftOverTime,
  };
}

function failed(err: unknown): RunOutcome {
  const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { drift: 0, honestBans: 0, attackerBans: 0, attackers: 0, lastAttackerBanRound: 0, driftOverTime: [], error };
}

/** Runs the group; `onRun` is called after each sim run (for the progress bar). Never throws. */
export function runGroup(plan: AblationPlan, group: RunGroup, onRun: () => void = () => {}): GroupResult {
  let cleanSim: Sim | undefined;
  let clean: RunOutcome;
  // The clean run's honest mean at each time point, for the attacked runs' drift over time.
  const cleanMeans: Float64Array[] = [];
  try {
    cleanSim = runFor(plan, group, 'none', (k, sim) => {
      cleanMeans[k] = honestMean(sim, sim.world.components.Role.kind);
    });
    clean = outcomeOf(cleanSim, 0);
  } catch (err) {
    clean = failed(err);
  }
  onRun();
  const attacks = group.attacks.map((attack) => {
    let outcome: RunOutcome;
    try {
      if (!cleanSim) throw new Error(`the clean run failed (${clean.error})`);
      const overTime: number[] = [];
      const sim = runFor(plan, group, attack, (k, s) => {
        overTime[k] = relativeDistance(honestMean(s, s.world.components.Role.kind), cleanMeans[k]!);
      });
      const drift = consensusDrift(sim, cleanSim);
      if (!Number.isFinite(drift)) throw new RangeError(`consensusDrift is ${drift}`);
      outcome = outcomeOf(sim, drift, overTime);
    } catch (err) {
      outcome = failed(err);
    }
    onRun();
    return outcome;
  });
  return { group, clean, attacks };
}
