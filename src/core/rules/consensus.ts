// The consensus round of one node. At the end of every round an honest node combines its own model with the
// models it heard from its neighbours this round, with a Byzantine-robust aggregator and its per-neighbour
// reputation, then moves half-way there (lazy averaging) and, when its data is calm evidence (settled: Calm and
// unexposed for SETTLE_S), a step towards its own gene (innovation), so the shared model follows what the swarm has
// learnt of the calm world. A disturbed node (in or recently out of a storm) takes the same step towards its own
// model as of its last settled round instead (its anchor): its gene is a storm's (a cure, or one still forgetting
// one), and a consensus that chased storm genes disagreed by 30 % in the storm scenario and kept every radio busy
// with news (docs/BENCHMARKS.md, section silence); the anchor also keeps the pull of attackers from accumulating
// while no calm evidence holds the model.
//
// Evidence is only what an honest node can check itself:
// - a heard model is replayed on the node's own recent window; one that predicts far worse than the node's
//   yardstick fails the check (−0.15) and is left out;
// - one that predicts more than EXCLUDE_FACTOR times worse than the node's own model is left out of this round,
//   with no reputation change (the own-data filter);
// - of the rest, what each row differs from the node's own model by in directions the node's window does not
//   see (where the checks above are blind) is clipped to the lower quartile of those differences before the
//   robust aggregate, and each neighbour's such pushes, remembered as a leaky sum per neighbour slot, are
//   kept within that clip radius in total (clipping.ts clipInvisible and InvisibleMemory; against attackers that
//   push a little, the same way, every round: docs/ADAPTIVE.md);
// - a row far from the robust aggregate that also predicts the node's data worse than its
//   yardstick drifted (−0.08); the others earn +0.02. Below the ban line a neighbour is ignored.
// An attacker instead sends what its attack crafts from the honest models it heard this round.
// Both runtimes call these for each node with the models of the same round (the simulator double-buffers), so
// the order nodes are processed in never matters.
import * as q16 from '../fixed/q16';
import { LAGS, BIAS_LIMIT, WEIGHT_LIMIT } from '../neuron/kernel';
import { assessDrift } from '../consensus/reputation';
import { clipInvisible, decayPushes } from '../consensus/clipping';
import type { AggregatorSpec } from '../consensus/registry';
import type { AttackFn, ReceiverChecks } from '../consensus/attacks';
import type { Rng } from '../rng/rng';
import {
  CHECK_FACTOR,
  CHECK_FLOOR,
  DRIFT_CHECK_DEN,
  DRIFT_CHECK_NUM,
  DRIFT_FLOOR,
  DRIFT_MULTIPLE_SQ,
  EXCLUDE_FACTOR,
  EXCLUDE_FLOOR,
  INVISIBLE_CLIP_DEN,
  INVISIBLE_CLIP_NUM,
  INVISIBLE_EIGEN,
  MODEL_DIM,
  PUSH_BUDGET_DEN,
  PUSH_BUDGET_NUM,
  PUSH_LEAK_SHIFT,
  RECENT,
} from './model';
import { adjustTrust, isBanned, serveBans, trustWeightQ16, TRUST_DRIFT, TRUST_FAILED, TRUST_REWARD } from './trust';
import { persistenceMse, windowMse } from './mind';
import { HELD_MAX_AGE, NEVER } from './silence';
import type { EvolutionColumns, NeuronColumns } from './state';

/** Drift needs a neighbourhood's median to mean something: at least this many rows. */
export const DRIFT_MIN_ROWS = 5;
/** The innovation step: model += (gene − model) / 2^INNOVATION_SHIFT. */
export const INNOVATION_SHIFT = 3;
/** A node's data is calm evidence (it innovates) once it has been Calm and unexposed this long (s): longer than the
 *  storm scenario's orbit (about 63 s), so a node the storm revisits every orbit stays disturbed between passes.
 *  At 30 s such nodes innovated between passes and storm consensus bytes fell only 6 %; 60, 90, 120 and 300 s
 *  gave the same figures (bench:silence). */
export const SETTLE_S = 120;

/** Whether slot i's data is calm evidence at `tick`: not disturbed (EvolutionColumns.disturbedTick) for SETTLE_S. */
export function settledAt(evo: EvolutionColumns, i: number, tick: number, tickMs: number): boolean {
  return tick - evo.disturbedTick[i]! >= Math.ceil((SETTLE_S * 1000) / tickMs);
}

/** What became of each neighbour's model in a round (per slot, when the caller asks). */
export const ROUND_NOT_HEARD = 0;
export const ROUND_BANNED = 1;
export const ROUND_FAILED = 2;
export const ROUND_LEFT_OUT = 3;
export const ROUND_ACCEPTED = 4;
/** Silent mode: a model heard in an earlier round (held), aggregated without a reputation change. */
export const ROUND_HELD = 5;

/** A node's neighbours for one round: reputation bytes and heard bits indexed by slot s in [start, end), and
 *  where slot s's model of this round is: `source` at `rowOf(s)`. */
export interface RoundView {
  start: number;
  end: number;
  trust: Uint8Array;
  /** One bit per slot (slot s is bit s & 7 of byte s >> 3). */
  heard: Uint8Array;
  source: Int32Array;
  rowOf(s: number): number;
  /** Silent mode (src/core/rules/silence.ts): the round each slot's held model was heard in, and this round. A
   *  held model not heard this round is aggregated while at most HELD_MAX_AGE rounds old, re-checked every round,
   *  and never moves reputation. Absent (chatty mode): only this round's models count. */
  heldRound?: Int32Array;
  round?: number;
  /** Per slot, MODEL_DIM words: the leaky sum of the invisible pushes that neighbour was let make (clipping.ts
   *  InvisibleMemory). Absent: the invisible-direction clip has no memory (each round on its own). */
  push?: Int32Array;
}

/** Whether slot s's model counts this round: heard this round (fresh), or held and young enough. */
export function heldUsable(view: RoundView, s: number): boolean {
  if (heardAt(view.heard, s)) return true;
  if (view.heldRound === undefined || view.round === undefined) return false;
  const at = view.heldRound[s]!;
  return at !== NEVER && view.round - at <= HELD_MAX_AGE;
}

// Scratch rows for one neighbourhood (grown on demand, reused every round).
let rows = new Int32Array(0);
let rowSlot = new Int32Array(0);
let rowMse = new Float64Array(0);
let rowFresh = new Uint8Array(0);
let weights = new Int32Array(0);
let clippedRows = new Int32Array(0);
const aggregate = new Int32Array(MODEL_DIM);

function ensureScratch(rowsNeeded: number): void {
  if (rowSlot.length >= rowsNeeded) return;
  rows = new Int32Array(rowsNeeded * MODEL_DIM);
  rowSlot = new Int32Array(rowsNeeded);
  rowMse = new Float64Array(rowsNeeded);
  rowFresh = new Uint8Array(rowsNeeded);
  weights = new Int32Array(rowsNeeded);
  clippedRows = new Int32Array(rowsNeeded * MODEL_DIM);
}

export function heardAt(heard: Uint8Array, s: number): boolean {
  return (heard[s >> 3]! & (1 << (s & 7))) !== 0;
}

export function setHeard(heard: Uint8Array, s: number): void {
  heard[s >> 3]! |= 1 << (s & 7);
}

/**
 * One honest node's round: reads its model (`model` at MODEL_DIM·i), its recent window and gene (slot i of
 * `neuron`), whether it is settled (settledAt), and its neighbours' models of this round (`view`); adjusts the
 * neighbours' reputation in `view.trust` and writes the node's next model to `next` at MODEL_DIM·i. Its `anchor`
 * (at MODEL_DIM·i) is what it pulls towards while not settled, and becomes its next model when settled. `outcome`,
 * if given, receives a ROUND_* code per slot (index s − view.start). `filter` is the own-data filter (on by default).
 */
export function honestRoundAt(
  neuron: NeuronColumns,
  model: Int32Array,
  anchor: Int32Array,
  i: number,
  settled: boolean,
  view: RoundView,
  spec: AggregatorSpec,
  filter: boolean,
  next: Int32Array,
  outcome?: Uint8Array,
): void {
  const { trust, heard, source } = view;
  serveBans(trust, view.start, view.end);
  if (view.push !== undefined) decayPushes(view.push, view.start, view.end, PUSH_LEAK_SHIFT);
  const mo = MODEL_DIM * i;
  ensureScratch(view.end - view.start + 1);
  // The yardstick is the better of the node's own model and the plain persistence predictor (next = last) on
  // its window, so an honest neighbour is not failed just because this node's own model is good right now.
  const own = windowMse(neuron.recent, i, model, mo, model[mo + LAGS]!);
  const yardstick = Math.max(own, persistenceMse(neuron.recent, i), CHECK_FLOOR);
  const limit = CHECK_FACTOR * yardstick;
  rows.set(model.subarray(mo, mo + MODEL_DIM), 0);
  rowSlot[0] = -1;
  weights[0] = q16.ONE;
  let m = 1;
  for (let s = view.start; s < view.end; s++) {
    if (!heldUsable(view, s)) {
      if (outcome) outcome[s - view.start] = ROUND_NOT_HEARD;
      continue;
    }
    if (isBanned(trust, s)) {
      if (outcome) outcome[s - view.start] = ROUND_BANNED;
      continue;
    }
    // Reputation moves only on a model heard this round: a held copy is evidence already judged once.
    const fresh = heardAt(heard, s);
    const jo = view.rowOf(s);
    const mse = windowMse(neuron.recent, i, source, jo, source[jo + LAGS]!);
    if (mse > limit) {
      if (fresh) adjustTrust(trust, s, -TRUST_FAILED);
      if (outcome) outcome[s - view.start] = fresh ? ROUND_FAILED : ROUND_LEFT_OUT;
      continue;
    }
    // Not harmful enough to fail, but predicts this node's data more than EXCLUDE_FACTOR times worse than its
    // own model: left out of this round's aggregate, with no reputation change either way. Honest models from
    // another regime land here now and then; inlier attacks (bias, ALIE) land here often, so they stop pulling.
    if (filter && mse > EXCLUDE_FACTOR * Math.max(own, EXCLUDE_FLOOR)) {
      if (outcome) outcome[s - view.start] = ROUND_LEFT_OUT;
      continue;
    }
    if (outcome) outcome[s - view.start] = fresh ? ROUND_ACCEPTED : ROUND_HELD;
    rows.set(source.subarray(jo, jo + MODEL_DIM), m * MODEL_DIM);
    rowSlot[m] = s;
    rowMse[m] = mse;
    rowFresh[m] = fresh ? 1 : 0;
    weights[m] = trustWeightQ16(trust, s);
    m++;
  }
  if (m >= spec.minInputs) {
    // The parameter-space check beside the prediction-space filter: what each neighbour's model differs from
    // this node's own by, in directions this node's window does not see, is clipped to the lower quartile of
    // those differences (clipping.ts clipInvisible). The aggregate is computed from the clipped rows; drift is
    // still judged on the rows as sent.
    let input = rows;
    if (filter && m >= 2) {
      clippedRows.set(rows.subarray(0, m * MODEL_DIM));
      const memory = view.push === undefined ? undefined : { push: view.push, slotOf: rowSlot, budgetNum: PUSH_BUDGET_NUM, budgetDen: PUSH_BUDGET_DEN };
      clipInvisible(clippedRows, m, 0, neuron.recent, RECENT * i, RECENT, INVISIBLE_EIGEN, INVISIBLE_CLIP_NUM, INVISIBLE_CLIP_DEN, 0, memory);
      input = clippedRows;
    }
    spec.aggregate(input, m, MODEL_DIM, spec.needsWeights ? { weights: weights.subarray(0, m) } : undefined, aggregate);
    if (m >= DRIFT_MIN_ROWS) {
      const drifted = assessDrift(rows, m, MODEL_DIM, aggregate, { minDistanceQ16: DRIFT_FLOOR, distanceMultipleSq: DRIFT_MULTIPLE_SQ });
      // Far from the aggregate is not enough: honest neighbours in another part of the storm hold honestly
      // different models. Drift costs reputation only when the row also predicts this node's own data worse
      // than its yardstick (by DRIFT_CHECK) — evidence the node checked itself.
      for (let k = 1; k < m; k++) {
        if (rowFresh[k] === 0) continue;
        const bad = drifted[k] && rowMse[k]! * DRIFT_CHECK_DEN > yardstick * DRIFT_CHECK_NUM;
        adjustTrust(trust, rowSlot[k]!, bad ? -TRUST_DRIFT : TRUST_REWARD);
      }
    }
  } else {
    aggregate.set(model.subarray(mo, mo + MODEL_DIM));
  }
  // Innovation only from a settled node, whose gene works on calm data: a gene in the middle of a storm is by
  // definition failing, and one just out of it (a cure, or a gene still forgetting the storm) fits that storm, not the
  // calm world. A disturbed node pulls towards its anchor instead.
  const wo = LAGS * i;
  for (let k = 0; k < MODEL_DIM; k++) {
    // Lazy averaging: move half-way from the node's own model to the robust aggregate. Consensus comes a little
    // slower, and what attackers slip into one round's aggregate weighs half as much.
    aggregate[k] = aggregate[k]! + ((model[mo + k]! - aggregate[k]!) >> 1);
    const target = !settled ? anchor[mo + k]! : k < LAGS ? neuron.weights[wo + k]! : neuron.bias[i]!;
    next[mo + k] = aggregate[k]! + ((target - aggregate[k]!) >> INNOVATION_SHIFT);
    if (settled) anchor[mo + k] = next[mo + k]!;
  }
}

/** Whether node `node` (ids from 1) broadcasts its consensus vector at `tick`: once per round, at phase
 *  (node − 1) mod ⌊roundTicks / 2⌋, so the radios of a neighbourhood do not all key up at once and every vector is
 *  on air well before the round ends. */
export function consensusSendsAt(node: number, tick: number, roundTicks: number): boolean {
  const spread = Math.max(1, roundTicks >> 1);
  const phase = tick % roundTicks;
  return phase < spread && (node - 1) % spread === phase;
}

/** Whether `tick` is the last of its round: the tick a node aggregates what it heard. */
export function roundEndsAt(tick: number, roundTicks: number): boolean {
  return tick % roundTicks === roundTicks - 1;
}

/** What goes on air must be a valid gene: each coordinate's limit. */
export const GENE_LIMIT = Int32Array.from({ length: MODEL_DIM }, (_, k) => (k < LAGS ? WEIGHT_LIMIT : BIAS_LIMIT));

/** The receivers' checks as an attacker that knows them sees them (the constants of this rulebook). */
export const RECEIVER_CHECKS: Readonly<ReceiverChecks> = Object.freeze({
  excludeFactor: EXCLUDE_FACTOR,
  excludeFloorQ16: EXCLUDE_FLOOR,
  checkFloorQ16: CHECK_FLOOR,
  driftCheckNum: DRIFT_CHECK_NUM,
  driftCheckDen: DRIFT_CHECK_DEN,
});

/**
 * One attacker's round: from the honest models it heard this round (`honest`, nHonest rows), its attack crafts
 * the vector it sends next round, written (clamped to the gene's ranges) to `next` at MODEL_DIM·i. It assumes
 * f = ⌊(degree + 1)/4⌋ (at least 1) among the degree + 1 participants of a neighbourhood. With nothing heard it
 * keeps its vector. `neuron`, when given, lends the attack the attacker's own recent window (slot i of
 * `neuron.recent`, most recent first): what a real device senses, which the adaptive attack uses as a stand-in
 * for its receivers' windows.
 */
export function attackerRoundAt(
  attack: AttackFn,
  model: Int32Array,
  i: number,
  honest: Int32Array,
  nHonest: number,
  degree: number,
  rng: Rng,
  next: Int32Array,
  neuron?: NeuronColumns,
): void {
  if (nHonest === 0) return;
  const mo = MODEL_DIM * i;
  const n = degree + 1;
  const window = neuron === undefined ? undefined : neuron.recent.subarray(RECENT * i, RECENT * i + RECENT);
  const crafted = attack(
    {
      honest: honest.subarray(0, nHonest * MODEL_DIM),
      nHonest,
      d: MODEL_DIM,
      own: model.subarray(mo, mo + MODEL_DIM),
      attacker: 0,
      n,
      f: Math.max(1, n >> 2),
      rng,
      window,
      checks: RECEIVER_CHECKS,
    },
    aggregate,
  );
  for (let k = 0; k < MODEL_DIM; k++) next[mo + k] = q16.clamp(crafted[k]!, -GENE_LIMIT[k]!, GENE_LIMIT[k]!);
}

/**
 * Tallies bans over a swarm: an attacker counts as banned when every honest node that hears it has banned it
 * (one with no honest listener is "unheard": it can neither harm nor be judged); an honest node counts as banned
 * as soon as one honest neighbour has banned it (the strict way to count mistakes). `edges` calls back once per
 * (honest listener, neighbour j, banned?) pair; nodes are 1..n.
 */
export function tallyBans(
  n: number,
  isHonest: (j: number) => boolean,
  edges: (visit: (j: number, banned: boolean) => void) => void,
): { attackers: number; honest: number; unheard: number } {
  const bannedBy = new Int32Array(n + 1);
  const listeners = new Int32Array(n + 1);
  edges((j, banned) => {
    listeners[j]!++;
    if (banned) bannedBy[j]!++;
  });
  let attackers = 0;
  let honest = 0;
  let unheard = 0;
  for (let j = 1; j <= n; j++) {
    if (isHonest(j)) honest += bannedBy[j]! > 0 ? 1 : 0;
    else if (listeners[j] === 0) unheard++;
    else attackers += bannedBy[j] === listeners[j] ? 1 : 0;
  }
  return { attackers, honest, unheard };
}
