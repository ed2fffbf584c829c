// The ablation sweep: aggregator × attack × attacker fraction × seed, each a consensus experiment, with
// worst-case drift per (aggregator, fraction) and each aggregator's breakdown fraction. Pure and
// deterministic; the CLI command renders and writes the report. Clean runs are shared across attacks.
import { AGGREGATOR_NAMES } from './registry';
import { ATTACK_NAMES } from './attacks';
import { resolveExperiment, runClean, runConsensusExperiment, type CleanRun, type ConsensusExperimentConfig } from './experiment';

export interface SweepOptions {
  aggregators?: readonly string[];
  attacks?: readonly string[];
  fractions?: readonly number[];
  seeds?: readonly number[];
  /** Everything else of the experiment (nodes, rounds, noise, reputation on/off, ...). */
  base?: Partial<ConsensusExperimentConfig>;
  /** Drift at or above this is a breakdown (default 0.05). */
  breakdownDrift?: number;
  /** Called after each run with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

export interface SweepCell {
  aggregator: string;
  attack: string;
  fraction: number;
  seed: number;
  consensusDrift: number;
  peakDrift: number;
  bansAttackers: number;
  bansHonest: number;
  nAttackers: number;
  lastAttackerBanRound: number | null;
}

export interface SweepSummary {
  cells: SweepCell[];
  /** worst[aggregator][fractionIndex] = { drift, attack } — the worst final drift over attacks and seeds. */
  worst: Record<string, { drift: number; attack: string; honestBanned: number }[]>;
  /** First fraction whose worst-case drift ≥ breakdownDrift, or null if none. */
  breakdown: Record<string, number | null>;
  fractions: number[];
}

export const DEFAULT_FRACTIONS = [0, 0.05, 0.1, 0.2, 0.3, 0.4] as const;

export function runSweep(opts: SweepOptions = {}): SweepSummary {
  const aggregators = opts.aggregators ?? AGGREGATOR_NAMES;
  const attacks = (opts.attacks ?? ATTACK_NAMES).filter((a) => a !== 'none');
  const fractions = [...(opts.fractions ?? DEFAULT_FRACTIONS)];
  const seeds = opts.seeds ?? [1, 2, 3, 4, 5];
  const limit = opts.breakdownDrift ?? 0.05;
  const total = aggregators.length * seeds.length * fractions.length * attacks.length;
  const cells: SweepCell[] = [];
  const worst: SweepSummary['worst'] = {};
  const breakdown: SweepSummary['breakdown'] = {};
  let done = 0;
  for (const aggregator of aggregators) {
    worst[aggregator] = fractions.map(() => ({ drift: 0, attack: 'none', honestBanned: 0 }));
    for (const seed of seeds) {
      let clean: CleanRun | undefined;
      fractions.forEach((fraction, fi) => {
        let noAttack: ReturnType<typeof runConsensusExperiment> | undefined; // fraction 0: one run serves every attack
        for (const attack of attacks) {
          const config = { ...opts.base, seed, aggregator, attack: fraction === 0 ? 'none' : attack, byzantine: fraction };
          clean ??= runClean(resolveExperiment(config));
          const r = fraction === 0 ? (noAttack ??= runConsensusExperiment(config, clean)) : runConsensusExperiment(config, clean);
          cells.push({
            aggregator,
            attack,
            fraction,
            seed,
            consensusDrift: r.consensusDrift,
            peakDrift: r.peakDrift,
            bansAttackers: r.bans.attackers,
            bansHonest: r.bans.honest,
            nAttackers: r.nAttackers,
            lastAttackerBanRound: r.lastAttackerBanRound,
          });
          const w = worst[aggregator]![fi]!;
          if (r.consensusDrift > w.drift) {
            w.drift = r.consensusDrift;
            w.attack = attack;
          }
          w.honestBanned = Math.max(w.honestBanned, r.bans.honest);
          opts.onProgress?.(++done, total);
        }
      });
    }
    const fi = worst[aggregator]!.findIndex((w) => w.drift >= limit);
    breakdown[aggregator] = fi < 0 ? null : fractions[fi]!;
  }
  return { cells, worst, breakdown, fractions };
}
