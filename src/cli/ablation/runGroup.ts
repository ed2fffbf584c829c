// Runs one group of an ablation sweep in this thread: the clean run of (aggregator, fraction, seed) and then
// each attack against it. A run that throws becomes a failed outcome with its message; the sweep goes on.
import { ROLE_ATTACKER } from '../../../components/body';
import { createSim, type Sim } from '../../sim/runner';
import { ticksFor } from '../../sim/config';
import { consensusDrift } from '../../sim/drift';
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
  readonly error?: string;
}

export interface GroupResult {
  readonly group: RunGroup;
  readonly clean: RunOutcome;
  /** One per group.attacks entry, same order. */
  readonly attacks: readonly RunOutcome[];
}

const CHUNK = 1000;

function configOf(plan: AblationPlan, group: RunGroup, attack: CatalogAttack | 'none') {
  return {
    nodes: plan.nodes,
    seed: group.seed,
    aggregator: group.aggregator,
    attack,
    byzantine: group.fraction,
    ownDataFilter: plan.ownDataFilter,
    layout: false,
  };
}

function runFor(plan: AblationPlan, group: RunGroup, attack: CatalogAttack | 'none'): Sim {
  const sim = createSim(configOf(plan, group, attack));
  const ticks = ticksFor(sim.config, plan.seconds);
  for (let done = 0; done < ticks; done += CHUNK) sim.step(Math.min(CHUNK, ticks - done));
  return sim;
}

function outcomeOf(sim: Sim, drift: number): RunOutcome {
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
  };
}

function failed(err: unknown): RunOutcome {
  const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { drift: 0, honestBans: 0, attackerBans: 0, attackers: 0, lastAttackerBanRound: 0, error };
}

/** Runs the group; `onRun` is called after each sim run (for the progress bar). Never throws. */
export function runGroup(plan: AblationPlan, group: RunGroup, onRun: () => void = () => {}): GroupResult {
  let cleanSim: Sim | undefined;
  let clean: RunOutcome;
  try {
    cleanSim = runFor(plan, group, 'none');
    clean = outcomeOf(cleanSim, 0);
  } catch (err) {
    clean = failed(err);
  }
  onRun();
  const attacks = group.attacks.map((attack) => {
    let outcome: RunOutcome;
    try {
      if (!cleanSim) throw new Error(`the clean run failed (${clean.error})`);
      const sim = runFor(plan, group, attack);
      const drift = consensusDrift(sim, cleanSim);
      if (!Number.isFinite(drift)) throw new RangeError(`consensusDrift is ${drift}`);
      outcome = outcomeOf(sim, drift);
    } catch (err) {
      outcome = failed(err);
    }
    onRun();
    return outcome;
  });
  return { group, clean, attacks };
}
