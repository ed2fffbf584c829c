// A real node's consensus: one round at a time (rounds are numbered on the shared wall-clock grid). The node
// sends u = model + (gene − model)/8 (innovation toward what it has learnt, as systems/consensus.ts), keeps
// the vectors it hears for this round, and at the round's end: drops banned peers, checks each vector on its
// own recent data (a predictor that fails grossly is penalised), aggregates the rest with the coordinate-wise
// trimmed mean, turns distance from the aggregate into reputation (assessDrift), and moves its model halfway
// to the aggregate (as src/core/consensus/experiment.ts). Everything Q16.
import { LAGS } from '../core/neuron/kernel';
import { getAggregator } from '../core/consensus/registry';
import { assessDrift, ReputationTracker } from '../core/consensus/reputation';
import { getAttack } from '../core/consensus/attacks';
import type { Gene } from '../core/gene/gene';
import type { Rng } from '../core/rng/rng';
import * as q16 from '../core/fixed/q16';

export const MODEL_DIM = LAGS + 1;
export const INNOVATION_SHIFT = 3;
/** The Byzantine fraction the trimmed mean assumes (f = ⌈n/4⌉, capped). */
export const BYZANTINE_FRACTION_Q16 = 16384;
/** A peer is not called drifted within this distance of the aggregate. Honest nodes differ for real: one
 *  that adapts to a storm pulls its vector (gene − model)/8 toward a storm gene, up to ~0.5 away; at 0.25 such
 *  nodes collected drift penalties over a long storm and were banned (measured in a 20-node run). Sign-flip,
 *  IPM, Gaussian and Sybil vectors sit ≥ 1.4 away; ALIE and small biases stay inside and are left to the
 *  trimmed mean. */
export const DRIFT_FLOOR_Q16 = 49152; // 0.75

export interface RoundOutcome {
  round: number;
  /** Peers whose vectors went into the aggregate (not the node itself). */
  accepted: number[];
  /** Peers heard this round that were banned or failed the own-data check. */
  refused: number[];
  /** Peers whose vectors passed the check but were left out of this round's aggregate by `include` (no
   *  reputation change: they fit this node's data more than twice as badly as its own model). */
  leftOut: number[];
  /** Per coordinate, the largest |accepted vector − aggregate| (the summary gene's spread). */
  spread: Int32Array;
  aggregate: Int32Array;
}

export function vectorOf(gene: Gene): Int32Array {
  const v = new Int32Array(MODEL_DIM);
  v.set(gene.weights);
  v[LAGS] = gene.bias;
  return v;
}

export class ConsensusState {
  readonly model = new Int32Array(MODEL_DIM);
  readonly reputation = new ReputationTracker(64);
  /** Peers the reputation table holds a score for. */
  readonly scored = new Set<number>();
  private readonly heard = new Map<number, Int32Array>();
  private sentVector: Int32Array | null = null;
  round = -1;
  roundsDone = 0;

  constructor(readonly id: number) {}

  /** Starts round r (dropping anything heard for an older one). */
  begin(round: number): void {
    if (round === this.round) return;
    this.round = round;
    this.heard.clear();
    this.sentVector = null;
  }

  /** The vector this node sends this round (computed once per round). */
  vectorToSend(own: Gene): Int32Array {
    if (this.sentVector) return this.sentVector;
    const ownVec = vectorOf(own);
    const u = new Int32Array(MODEL_DIM);
    for (let k = 0; k < MODEL_DIM; k++) u[k] = q16.add(this.model[k]!, (ownVec[k]! - this.model[k]!) >> INNOVATION_SHIFT);
    this.sentVector = u;
    return u;
  }

  /** The heard honest vectors of this round, row-major (what an omniscient attacker observes). */
  heardRows(): { rows: Int32Array; n: number } {
    const rows = new Int32Array(this.heard.size * MODEL_DIM);
    let i = 0;
    for (const v of this.heard.values()) rows.set(v, MODEL_DIM * i++);
    return { rows, n: this.heard.size };
  }

  /** A vector heard from `from` for `round`. Returns false if it is for another round or a repeat. */
  receive(from: number, round: number, vector: Int32Array): boolean {
    // Rounds travel as u32 (they wrap after 2^32 rounds; compare in the same width).
    if (round >>> 0 !== this.round >>> 0 || from === this.id || this.heard.has(from)) return false;
    this.heard.set(from, vector);
    return true;
  }

  private touch(peer: number): void {
    this.scored.add(peer);
  }

  penalizeMalformed(peer: number): void {
    this.touch(peer);
    this.reputation.penalizeFailedCheck(peer);
  }

  rewardCure(peer: number): void {
    this.touch(peer);
    this.reputation.reward(peer);
  }

  isBanned(peer: number): boolean {
    return this.reputation.isBanned(peer);
  }

  bannedPeers(): number[] {
    return [...this.scored].filter((p) => this.reputation.isBanned(p)).sort((a, b) => a - b);
  }

  /**
   * Ends the round. `passesOwnCheck(v)` is the node's own-data test of a vector (as a predictor on its recent
   * window; failing costs reputation); `include(v, own)` decides, without any reputation change, whether a vector
   * that passed goes into this round's aggregate. Returns null when the node sent nothing this round.
   */
  finish(passesOwnCheck: (v: Int32Array) => boolean, include: (v: Int32Array, own: Int32Array) => boolean = () => true): RoundOutcome | null {
    const u = this.sentVector;
    if (!u) return null;
    const ids: number[] = [this.id];
    const vectors: Int32Array[] = [u];
    const refused: number[] = [];
    const leftOut: number[] = [];
    for (const [peer, v] of [...this.heard].sort((a, b) => a[0] - b[0])) {
      if (this.reputation.isBanned(peer)) {
        refused.push(peer);
        continue;
      }
      this.touch(peer);
      if (!passesOwnCheck(v)) {
        this.reputation.penalizeFailedCheck(peer);
        refused.push(peer);
        continue;
      }
      if (!include(v, u)) {
        leftOut.push(peer);
        continue;
      }
      ids.push(peer);
      vectors.push(v);
    }
    const n = vectors.length;
    const rows = new Int32Array(n * MODEL_DIM);
    vectors.forEach((v, i) => rows.set(v, i * MODEL_DIM));
    const aggregate = getAggregator('trimmed-mean').aggregate(rows, n, MODEL_DIM, { byzantineFractionQ16: BYZANTINE_FRACTION_Q16 });
    if (n > 1) {
      const flags = assessDrift(rows, n, MODEL_DIM, aggregate, { minDistanceQ16: DRIFT_FLOOR_Q16 });
      for (let i = 1; i < n; i++) (flags[i] ? this.reputation.penalizeDrift(ids[i]!) : this.reputation.reward(ids[i]!));
    }
    const spread = new Int32Array(MODEL_DIM);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < MODEL_DIM; k++) spread[k] = Math.max(spread[k]!, Math.abs(rows[i * MODEL_DIM + k]! - aggregate[k]!));
    }
    for (let k = 0; k < MODEL_DIM; k++) this.model[k] = q16.add(u[k]!, (aggregate[k]! - u[k]!) >> 1);
    this.roundsDone++;
    const outcome = { round: this.round, accepted: ids.slice(1), refused, leftOut, spread, aggregate };
    this.heard.clear();
    this.sentVector = null;
    return outcome;
  }

  /** An attacker's vector for this round: the named attack on what it heard (its own vector if it heard
   *  nobody yet). */
  craftAttack(attack: string, own: Int32Array, rng: Rng): Int32Array {
    const { rows, n } = this.heardRows();
    if (n === 0 || attack === 'none') return own;
    const f = Math.max(1, Math.round((n + 1) * 0.15));
    return getAttack(attack)({ honest: rows, nHonest: n, d: MODEL_DIM, own, attacker: 0, n: n + 1, f, rng });
  }
}
