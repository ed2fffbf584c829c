// Consensus: at the end of every round each honest node combines its own model with the models it heard from
// its radio neighbours this round, with a Byzantine-robust aggregator (config.aggregator, default trimmed mean)
// and its per-neighbour reputation, then moves a step towards its own working gene (innovation) so that the
// shared model follows what the swarm has learnt.
//
// Evidence is only what an honest node can check itself:
// - a received model is replayed on the node's own recent window; one that predicts far worse than the node's
//   own model fails the check (−0.15) and is left out; one that predicts more than twice as badly as the node's
//   own model is left out of this round without any reputation change;
// - of the rest, a row far from the robust aggregate (relative to the median distance) drifted (−0.08);
// - the others earned +0.02. Below the ban line a neighbour is ignored for good (consensus and cures).
// Attackers instead broadcast what their attack crafts from the honest models they overhear.
// Every update of a round is computed from the same old models (double-buffered): node order does not matter.
import * as q16 from '../src/core/fixed/q16';
import { LAGS } from '../src/core/neuron/kernel';
import { CALM } from '../src/core/neuron/regimeDetector';
import { assessDrift, getAggregator, getAttack, type AggregatorSpec, type AttackFn } from '../src/core/consensus/index';
import { ROLE_HONEST } from '../components/body';
import { MODEL_DIM } from '../components/consensus';
import { defineSystem } from '../src/sim/system';
import { recentPersistenceMse, recentWindowMse } from '../src/sim/recentWindow';
import { CHECK_FACTOR, CHECK_FLOOR, DRIFT_CHECK_DEN, DRIFT_CHECK_NUM, DRIFT_FLOOR, DRIFT_MULTIPLE_SQ, EXCLUDE_FACTOR, EXCLUDE_FLOOR } from '../src/sim/model';
import { adjustTrust, isBanned, trustWeightQ16, TRUST_DRIFT, TRUST_FAILED, TRUST_REWARD } from '../src/sim/trust';
import type { SimWorld } from '../src/sim/world';
import { installSummaries } from '../src/sim/join';
import { MEMBER_PRESENT } from '../components/membership';

/** Drift needs a neighbourhood's median to mean something: at least this many rows. */
const DRIFT_MIN_ROWS = 5;

/** The innovation step: model += (gene − model) / 2^INNOVATION_SHIFT. */
export const INNOVATION_SHIFT = 3;

// Scratch rows for one neighbourhood (grown on demand, reused every round).
let rows = new Int32Array(0);
let rowSlot = new Int32Array(0);
let rowMse = new Float64Array(0);
let weights = new Int32Array(0);
let honestSeen = new Int32Array(0);
const aggregate = new Int32Array(MODEL_DIM);

function ensureScratch(rowsNeeded: number): void {
  if (rowSlot.length >= rowsNeeded) return;
  rows = new Int32Array(rowsNeeded * MODEL_DIM);
  rowSlot = new Int32Array(rowsNeeded);
  rowMse = new Float64Array(rowsNeeded);
  weights = new Int32Array(rowsNeeded);
  honestSeen = new Int32Array(rowsNeeded * MODEL_DIM);
}


function honestRound(world: SimWorld, spec: AggregatorSpec, next: Int32Array): void {
  const { Consensus, Neuron, Role } = world.components;
  const { offsets, neighbours } = world.hood;
  const { model, heard, trust } = Consensus;
  const filter = world.config.ownDataFilter;
  for (let eid = 1; eid <= world.n; eid++) {
    if (Role.kind[eid] !== ROLE_HONEST || world.components.Membership.state[eid] !== MEMBER_PRESENT) continue;
    const mo = MODEL_DIM * eid;
    ensureScratch(offsets[eid]! - offsets[eid - 1]! + 1);
    // The yardstick is the better of the node's own model and the plain persistence predictor (next = last) on
    // its window, so an honest neighbour is not failed just because this node's own model is good right now.
    const own = recentWindowMse(Neuron.recent, eid, model, mo, model[mo + LAGS]!);
    const naive = recentPersistenceMse(Neuron.recent, eid);
    const yardstick = Math.max(own, naive, CHECK_FLOOR);
    const limit = CHECK_FACTOR * yardstick;
    rows.set(model.subarray(mo, mo + MODEL_DIM), 0);
    rowSlot[0] = -1;
    weights[0] = q16.ONE;
    let m = 1;
    for (let s = offsets[eid - 1]!; s < offsets[eid]!; s++) {
      if (!(heard[s >> 3]! & (1 << (s & 7))) || isBanned(trust, s)) continue;
      const jo = MODEL_DIM * (neighbours[s]! + 1);
      const mse = recentWindowMse(Neuron.recent, eid, model, jo, model[jo + LAGS]!);
      if (mse > limit) {
        adjustTrust(trust, s, -TRUST_FAILED);
        continue;
      }
      // Not harmful enough to fail, but predicts this node's data more than EXCLUDE_FACTOR times worse than its
      // own model: left out of this round's aggregate, with no reputation change either way. Honest models from
      // another regime land here now and then; inlier attacks (bias, ALIE) land here often, so they stop pulling.
      if (filter && mse > EXCLUDE_FACTOR * Math.max(own, EXCLUDE_FLOOR)) continue;
      rows.set(model.subarray(jo, jo + MODEL_DIM), m * MODEL_DIM);
      rowSlot[m] = s;
      rowMse[m] = mse;
      weights[m] = trustWeightQ16(trust, s);
      m++;
    }
    if (m >= spec.minInputs) {
      spec.aggregate(rows, m, MODEL_DIM, spec.needsWeights ? { weights: weights.subarray(0, m) } : undefined, aggregate);
      if (m >= DRIFT_MIN_ROWS) {
        const drifted = assessDrift(rows, m, MODEL_DIM, aggregate, { minDistanceQ16: DRIFT_FLOOR, distanceMultipleSq: DRIFT_MULTIPLE_SQ });
        // Far from the aggregate is not enough: honest neighbours in another part of the storm hold honestly
        // different models. Drift costs reputation only when the row also predicts this node's own data
        // worse than its yardstick (by DRIFT_CHECK_FACTOR) — evidence the node checked itself.
        for (let k = 1; k < m; k++) {
          const bad = drifted[k] && rowMse[k]! * DRIFT_CHECK_DEN > yardstick * DRIFT_CHECK_NUM;
          adjustTrust(trust, rowSlot[k]!, bad ? -TRUST_DRIFT : TRUST_REWARD);
        }
      }
    } else {
      aggregate.set(model.subarray(mo, mo + MODEL_DIM));
    }
    // Innovation only from a node whose own gene works (Calm): a gene in the middle of a storm is by
    // definition failing, and feeding it into the shared model would make honest models look like drift.
    const calm = world.components.Regime.regime[eid] === CALM;
    for (let k = 0; k < MODEL_DIM; k++) {
      // Lazy averaging: move half-way from the node's own model to the robust aggregate. Consensus comes a
      // little slower, and what attackers slip into one round's aggregate weighs half as much.
      aggregate[k] = aggregate[k]! + ((model[mo + k]! - aggregate[k]!) >> 1);
      const gene = k < LAGS ? Neuron.weights[LAGS * eid + k]! : Neuron.bias[eid]!;
      next[mo + k] = calm ? aggregate[k]! + ((gene - aggregate[k]!) >> INNOVATION_SHIFT) : aggregate[k]!;
    }
  }
}

function attackerRound(world: SimWorld, attack: AttackFn, next: Int32Array): void {
  const { Consensus, Role } = world.components;
  const { offsets, neighbours } = world.hood;
  const { model } = Consensus;
  let index = 0;
  for (let eid = 1; eid <= world.n; eid++) {
    if (Role.kind[eid] === ROLE_HONEST) continue;
    ensureScratch(offsets[eid]! - offsets[eid - 1]! + 1);
    let nHonest = 0;
    for (let s = offsets[eid - 1]!; s < offsets[eid]!; s++) {
      const j = neighbours[s]! + 1;
      if (Role.kind[j] !== ROLE_HONEST) continue;
      honestSeen.set(model.subarray(MODEL_DIM * j, MODEL_DIM * j + MODEL_DIM), nHonest * MODEL_DIM);
      nHonest++;
    }
    const mo = MODEL_DIM * eid;
    if (nHonest > 0) {
      const degree = offsets[eid]! - offsets[eid - 1]! + 1;
      const crafted = attack(
        {
          honest: honestSeen.subarray(0, nHonest * MODEL_DIM),
          nHonest,
          d: MODEL_DIM,
          own: model.subarray(mo, mo + MODEL_DIM),
          attacker: index,
          n: degree,
          f: Math.max(1, degree >> 2),
          rng: world.streams.attack,
        },
        aggregate,
      );
      // What goes on air must be a valid gene: keep the crafted vector inside the gene's field ranges.
      for (let k = 0; k < MODEL_DIM; k++) next[mo + k] = q16.clamp(crafted[k]!, -GENE_LIMIT[k]!, GENE_LIMIT[k]!);
    }
    index++;
  }
}

const GENE_LIMIT = Int32Array.from({ length: MODEL_DIM }, (_, k) => (k < LAGS ? 8 * q16.ONE : 64 * q16.ONE));

/**
 * Counts bans after a round: an attacker is banned when every honest node that hears it has banned it (one with
 * no honest neighbour at all is "unheard": it can neither harm nor be judged); an honest node counts as banned
 * as soon as one honest neighbour has banned it (the strict way to count mistakes).
 */
export function countBans(world: SimWorld): { attackers: number; honest: number; unheard: number } {
  const { Consensus, Role } = world.components;
  const { offsets, neighbours } = world.hood;
  const bannedBy = new Int32Array(world.n + 1);
  const listeners = new Int32Array(world.n + 1);
  for (let eid = 1; eid <= world.n; eid++) {
    if (Role.kind[eid] !== ROLE_HONEST) continue;
    for (let s = offsets[eid - 1]!; s < offsets[eid]!; s++) {
      const j = neighbours[s]! + 1;
      listeners[j]!++;
      if (isBanned(Consensus.trust, s)) bannedBy[j]!++;
    }
  }
  let attackers = 0;
  let honest = 0;
  let unheard = 0;
  for (let j = 1; j <= world.n; j++) {
    if (Role.kind[j] === ROLE_HONEST) honest += bannedBy[j]! > 0 ? 1 : 0;
    else if (listeners[j] === 0) unheard++;
    else attackers += bannedBy[j] === listeners[j] ? 1 : 0;
  }
  return { attackers, honest, unheard };
}

export const consensusSystem = defineSystem({
  name: 'consensus',
  reads: ['Neuron', 'Role', 'Regime'],
  writes: ['Consensus', 'Membership'],
  run(world) {
    const { config, tick, counters } = world;
    const roundTicks = Math.max(2, Math.round((config.consensusRoundS * 1000) / config.tickMs));
    const { Consensus } = world.components;
    installSummaries(world);
    if (tick === 0 && config.attack !== 'none') {
      // Attackers craft their first vector from what they overhear at start, before the first broadcast.
      const first = Consensus.model.slice();
      attackerRound(world, getAttack(config.attack), first);
      Consensus.model.set(first);
    }
    if (tick % roundTicks !== roundTicks - 1) return;
    const next = Consensus.model.slice();
    honestRound(world, getAggregator(config.aggregator), next);
    if (config.attack !== 'none') attackerRound(world, getAttack(config.attack), next);
    Consensus.model.set(next);
    Consensus.heard.fill(0);
    const round = Math.floor(tick / roundTicks) + 1;
    const bans = countBans(world);
    if (bans.attackers > counters.bans.attackers) counters.lastAttackerBanRound = round;
    counters.bans = bans;
    counters.rounds = round;
  },
});
