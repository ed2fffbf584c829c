// A consensus experiment without the radio: R rounds in which every honest node learns from its own data,
// hears the vectors of the peers it listens to, drops banned peers and genes that fail a check on its own
// data, aggregates the rest robustly, turns distance from that aggregate into reputation, and moves its model
// toward the aggregate. Attackers craft their vectors with a named attack. Deterministic from the seed.
//
// The model (all Q16): a true gene t, uniform in [−1, 1]^d. Each round honest node i draws a local estimate
// ℓᵢ = t + N(0, σ²) from its own data, trains u = m + β(ℓ − m), sends u, aggregates what it heard (with its
// own u) into a, and keeps m = u + α(a − u). The own-data check: a received gene g fails at node i if
// ‖g − ℓᵢ‖² > κ²·d·σ², i.e. it predicts node i's own recent data far worse than noise explains (a node knows its
// own residual σ). Inliers (ALIE, small bias) pass it; then the aggregator must keep their effect small.
import { add, mul, sub, type Q16 } from '../fixed/q16';
import { createRng, type Rng } from '../rng/rng';
import { getAttack, type AttackFn, type AttackParams } from './attacks';
import { compareLimbs, roundDiv, squaredDistanceLimbs } from './exact';
import { getAggregator, type AggregatorSpec } from './registry';
import { ReputationTracker, assessDrift, type DriftOptions, type ReputationConfig } from './reputation';
import { buildNetwork, countBans, type Network } from './network';

export interface ConsensusExperimentConfig {
  seed: number;
  /** All identities, honest and attacking. */
  nodes: number;
  /** Attacker fraction in [0, 0.9]; attackers = round(nodes · byzantine). */
  byzantine: number;
  aggregator: string;
  attack: string;
  attackParams?: AttackParams;
  rounds: number;
  /** How many peers each node hears from (random, fixed per seed); ≥ nodes − 1 means everyone. */
  degree: number;
  dimension: number;
  /** Reputation on: banned peers are ignored, drift and failed checks are penalised. */
  reputation: boolean;
  /** Honest nodes check received genes on their own data. */
  ownDataCheck: boolean;
  /** The Byzantine fraction the aggregators assume when choosing f (Q16). */
  byzantineFractionQ16: Q16;
  /** σ of each node's local estimate. */
  noiseQ16: Q16;
  /** β: step of local training toward the node's own data. */
  learnRateQ16: Q16;
  /** α: step toward the aggregate. */
  mixRateQ16: Q16;
  /** κ of the own-data check. */
  checkToleranceQ16: Q16;
  reputationConfig?: Partial<ReputationConfig>;
  drift?: DriftOptions;
}

export const DEFAULT_EXPERIMENT: Readonly<ConsensusExperimentConfig> = Object.freeze({
  seed: 1,
  nodes: 50,
  byzantine: 0,
  aggregator: 'trimmed-mean',
  attack: 'none',
  rounds: 20,
  degree: 16,
  dimension: 9,
  reputation: true,
  ownDataCheck: true,
  byzantineFractionQ16: 16384, // 0.25
  noiseQ16: 6554, // 0.1
  learnRateQ16: 32768, // 0.5
  mixRateQ16: 32768, // 0.5
  checkToleranceQ16: 3 * 65536,
});

export interface ConsensusExperimentResult {
  config: ConsensusExperimentConfig;
  nHonest: number;
  nAttackers: number;
  /** Exact mean of the honest models after each round, rounds·d (Q16). */
  honestMean: Int32Array;
  /** The same for the clean run (same seed, every node honest), over the same honest nodes. */
  cleanMean: Int32Array;
  /** ‖honest mean − clean‖ / ‖clean‖ after the last round (a report figure, float). */
  consensusDrift: number;
  /** The largest such drift over all rounds. */
  peakDrift: number;
  /** Attackers banned by every honest node that hears them; honest nodes banned by at least one. */
  bans: { attackers: number; honest: number };
  /** 1-based round after which every attacker was banned (bans are sticky by default), or null. */
  lastAttackerBanRound: number | null;
}

/** The experiment configuration is invalid. */
export class ExperimentConfigError extends RangeError {
  override readonly name = 'ExperimentConfigError';
}

/** The clean run of a configuration (no attackers): every node's model after each round, rounds·nodes·d. */
export interface CleanRun {
  key: string;
  models: Int32Array;
}

export function resolveExperiment(partial: Partial<ConsensusExperimentConfig>): ConsensusExperimentConfig {
  const c = { ...DEFAULT_EXPERIMENT, ...partial };
  const bad: string[] = [];
  if (!Number.isInteger(c.nodes) || c.nodes < 2 || c.nodes > 100_000) bad.push(`nodes ${c.nodes}`);
  if (!(c.byzantine >= 0 && c.byzantine <= 0.9)) bad.push(`byzantine ${c.byzantine}`);
  if (!Number.isInteger(c.rounds) || c.rounds < 1) bad.push(`rounds ${c.rounds}`);
  if (!Number.isInteger(c.degree) || c.degree < 1) bad.push(`degree ${c.degree}`);
  if (!Number.isInteger(c.dimension) || c.dimension < 1 || c.dimension > 4096) bad.push(`dimension ${c.dimension}`);
  if (Math.round(c.nodes * c.byzantine) >= c.nodes) bad.push('no honest node left');
  if (bad.length) throw new ExperimentConfigError(`bad experiment config: ${bad.join(', ')}`);
  getAggregator(c.aggregator);
  getAttack(c.attack);
  // Drift floor: a node does not call a peer drifted within 2σ√d of its aggregate (twice the honest spread
  // it knows from its own data), so an attacker majority that collapses the median distance to ~0 cannot
  // turn honest noise into drift evidence.
  const floor = c.drift?.minDistanceQ16 ?? Math.round(2 * c.noiseQ16 * Math.sqrt(c.dimension));
  return { ...c, drift: { ...c.drift, minDistanceQ16: floor } };
}

/** Runs the experiment. Pass `clean` (from a previous result's run with the same settings) to skip the clean run. */
export function runConsensusExperiment(partial: Partial<ConsensusExperimentConfig>, clean?: CleanRun): ConsensusExperimentResult {
  const config = resolveExperiment(partial);
  const net = buildNetwork(config);
  const key = cleanKey(config);
  const cleanRun = clean !== undefined && clean.key === key ? clean : runClean(config);
  const attacked = simulate(config, net, config.attack === 'none' ? 0 : net.nAttackers);
  const d = config.dimension;
  const R = config.rounds;
  const honestMean = new Int32Array(R * d);
  const cleanMean = new Int32Array(R * d);
  let drift = 0;
  let peak = 0;
  for (let r = 0; r < R; r++) {
    meanOver(attacked.models, r, net, config, honestMean);
    meanOver(cleanRun.models, r, net, config, cleanMean);
    drift = relativeDistance(honestMean, cleanMean, r * d, d);
    peak = Math.max(peak, drift);
  }
  return {
    config,
    nHonest: config.nodes - net.nAttackers,
    nAttackers: net.nAttackers,
    honestMean,
    cleanMean,
    consensusDrift: drift,
    peakDrift: peak,
    bans: attacked.bans,
    lastAttackerBanRound: attacked.lastAttackerBanRound,
  };
}

/** Everything the clean run depends on (it ignores the attack and the attacker set). */
export function cleanKey(c: ConsensusExperimentConfig): string {
  const { attack: _a, attackParams: _p, byzantine: _b, ...rest } = c;
  return JSON.stringify(rest);
}

export function runClean(config: ConsensusExperimentConfig): CleanRun {
  const net = buildNetwork({ ...config, byzantine: 0 });
  return { key: cleanKey(config), models: simulate(config, net, 0).models };
}

function meanOver(models: Int32Array, r: number, net: Network, c: ConsensusExperimentConfig, into: Int32Array): void {
  const d = c.dimension;
  const base = r * c.nodes * d;
  for (let k = 0; k < d; k++) {
    let s = 0;
    let n = 0;
    for (let i = 0; i < c.nodes; i++) {
      if (net.isAttacker[i]) continue;
      s += models[base + i * d + k]!;
      n++;
    }
    into[r * d + k] = roundDiv(s, n);
  }
}

function relativeDistance(a: Int32Array, b: Int32Array, at: number, d: number): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < d; k++) {
    num += (a[at + k]! - b[at + k]!) ** 2;
    den += b[at + k]! ** 2;
  }
  return den === 0 ? (num === 0 ? 0 : Infinity) : Math.sqrt(num / den);
}

interface SimOutcome {
  models: Int32Array;
  bans: { attackers: number; honest: number };
  lastAttackerBanRound: number | null;
}

/** The round loop. `activeAttackers` = 0 runs everyone honestly (the clean run, or attack 'none'). */
function simulate(c: ConsensusExperimentConfig, net: Network, activeAttackers: number): SimOutcome {
  const { nodes: N, dimension: d, rounds: R } = c;
  const spec: AggregatorSpec = getAggregator(c.aggregator);
  const attack: AttackFn = getAttack(c.attack);
  const rng = createRng(c.seed);
  const attacking = (i: number): boolean => activeAttackers > 0 && net.isAttacker[i] === 1;
  const nodeRng: Rng[] = [];
  for (let i = 0; i < N; i++) nodeRng.push(rng.stream(`node:${i}`));
  const attackRng: Rng[] = [];
  for (let i = 0; i < N; i++) attackRng.push(rng.stream(`attack:${i}`));
  const trackers = net.listensTo.map(() => new ReputationTracker(N, c.reputationConfig));

  const model = new Int32Array(N * d);
  const local = new Int32Array(N * d);
  const sent = new Int32Array(N * d);
  const noisy = (i: number, k: number): number => add(net.truth[k]!, mul(nodeRng[i]!.gaussianQ16(), c.noiseQ16));
  for (let i = 0; i < N; i++) for (let k = 0; k < d; k++) model[i * d + k] = noisy(i, k);

  const honestIds: number[] = [];
  for (let i = 0; i < N; i++) if (!attacking(i)) honestIds.push(i);
  const honestRows = new Int32Array(honestIds.length * d);
  const maxIn = c.degree + 1;
  const rows = new Int32Array(maxIn * d);
  const ids = new Int32Array(maxIn);
  const weights = new Int32Array(maxIn);
  const agg = new Int32Array(d);
  const flags = new Uint8Array(maxIn);
  const limbs = new Float64Array(2);
  const threshold = checkThreshold(c);
  const models = new Int32Array(R * N * d);
  let lastBan: number | null = null;
  let bans = { attackers: 0, honest: 0 };

  for (let r = 0; r < R; r++) {
    for (const i of honestIds) {
      for (let k = 0; k < d; k++) {
        const l = noisy(i, k);
        local[i * d + k] = l;
        sent[i * d + k] = add(model[i * d + k]!, mul(sub(l, model[i * d + k]!), c.learnRateQ16));
      }
    }
    honestIds.forEach((i, h) => honestRows.set(sent.subarray(i * d, i * d + d), h * d));
    for (let i = 0; i < N; i++) {
      if (!attacking(i)) continue;
      const ctx = { honest: honestRows, nHonest: honestIds.length, d, attacker: i, n: N, f: activeAttackers, rng: attackRng[i]!, params: c.attackParams };
      attack(ctx, sent.subarray(i * d, i * d + d));
    }
    for (const i of honestIds) {
      const rep = trackers[i]!;
      rows.set(sent.subarray(i * d, i * d + d), 0);
      ids[0] = i;
      let n = 1;
      for (const j of net.listensTo[i]!) {
        if (c.reputation && rep.isBanned(j)) continue;
        if (c.ownDataCheck) {
          squaredDistanceLimbs(sent, j * d, local, i * d, d, limbs, 0);
          if (compareLimbs(limbs[0]!, limbs[1]!, threshold[0]!, threshold[1]!) > 0) {
            if (c.reputation) rep.penalizeFailedCheck(j);
            continue;
          }
        }
        rows.set(sent.subarray(j * d, j * d + d), n * d);
        ids[n++] = j;
      }
      if (n < spec.minInputs || spec.maxF(n) < 0) {
        agg.set(sent.subarray(i * d, i * d + d)); // too few trusted inputs for this method: keep own
      } else {
        if (spec.needsWeights) {
          rep.weights(ids.subarray(0, n), weights);
          weights[0] = 65536; // a node trusts itself fully
        }
        spec.aggregate(rows, n, d, { byzantineFractionQ16: c.byzantineFractionQ16, weights }, agg);
        if (c.reputation) {
          assessDrift(rows, n, d, agg, c.drift, flags);
          for (let t = 1; t < n; t++) (flags[t] ? rep.penalizeDrift(ids[t]!) : rep.reward(ids[t]!));
        }
      }
      for (let k = 0; k < d; k++) {
        const u = sent[i * d + k]!;
        model[i * d + k] = add(u, mul(sub(agg[k]!, u), c.mixRateQ16));
      }
    }
    models.set(model, r * N * d);
    if (activeAttackers > 0) {
      bans = countBans(net, trackers, true);
      if (lastBan === null && bans.attackers === activeAttackers) lastBan = r + 1;
    }
  }
  if (activeAttackers === 0) bans = countBans(net, trackers, false);
  return { models, bans, lastAttackerBanRound: lastBan };
}

/** κ²·d·σ² as exact limbs: the squared length of a vector of d coordinates κσ. */
function checkThreshold(c: ConsensusExperimentConfig): Float64Array {
  const kappaSigma = mul(c.checkToleranceQ16, c.noiseQ16);
  const v = new Int32Array(c.dimension).fill(kappaSigma);
  const out = new Float64Array(2);
  squaredDistanceLimbs(v, 0, new Int32Array(c.dimension), 0, c.dimension, out, 0);
  return out;
}
