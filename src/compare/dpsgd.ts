// D-PSGD (Lian, Zhang, Zhang, Hsieh, Zhang & Liu, "Can Decentralized Algorithms Outperform Centralized
// Algorithms? A Case Study for Decentralized Parallel Stochastic Gradient Descent", NeurIPS 2017) on the
// simulator's radio graph.
//
// The paper's iteration is x_i ← Σ_j W_ij x_j − γ ∇F_i(x_i) with W symmetric and doubly stochastic over the
// communication graph. On a radio an exchange costs a round (DPSGD_ROUND_S, the QRES round): each node
// broadcasts its model x_i once per round (the rulebook's staggered send slot, consensusSendsAt), and at the
// round's end sets x_i ← Σ_j W_ij x_j(sent) + (x_i(now) − x_i(sent)): the weighted average of the models on air,
// plus the local stochastic-gradient steps (the NLMS steps on the round's samples) taken since it sent. W is
// Metropolis–Hastings, W_ij = 1 / (1 + max(d_i, d_j)) for radio neighbours, W_ii = 1 − Σ_j W_ij, the usual
// choice for a graph each node knows only locally; a neighbour's model lost on the radio gives its weight back
// to W_ii, so each row still sums to 1. No robustness: every model heard is averaged in.
// An attacker broadcasts what its attack crafts from the honest models it heard in the previous round, as QRES's
// attackers do (src/core/rules/consensus.ts attackerRoundAt), with the textbook sign flip (−μ of what it heard).
import { consensusSendsAt, roundEndsAt } from '../core/rules/consensus';
import { BROADCAST } from '../sim/messages';
import { slotOf } from '../sim/placement';
import {
  craft,
  createField,
  cutVertex,
  decodeModel,
  encodeModel,
  MODEL_DIM,
  MSG_DPSGD_MODEL,
  readModel,
  writeModel,
  type RunResult,
  type Scenario,
  type Setting,
} from './harness';

export const DPSGD_ROUND_S = 10;

/** One node's averaging step. own: x_i as sent; heard rows (m of them) with their Metropolis weights; local:
 *  x_i now. Returns Σ W_ij x_j + W_ii x_i(sent) + (local − own), rounded to Q16. */
export function dpsgdMix(own: Int32Array, rows: Int32Array, weights: ArrayLike<number>, m: number, local: Int32Array): Int32Array {
  const out = new Int32Array(MODEL_DIM);
  let wSelf = 1;
  for (let j = 0; j < m; j++) wSelf -= weights[j]!;
  for (let k = 0; k < MODEL_DIM; k++) {
    let s = wSelf * own[k]!;
    for (let j = 0; j < m; j++) s += weights[j]! * rows[j * MODEL_DIM + k]!;
    out[k] = Math.round(s) + (local[k]! - own[k]!);
  }
  return out;
}

export function runDpsgd(setting: Setting, scenario: Scenario): RunResult {
  const probe = scenario.failAtS !== undefined ? createField(setting, { attack: 'none', byzantine: 0 }) : null;
  const victim = probe ? cutVertex(probe.world.hood).eid : undefined;
  const field = createField(setting, scenario, { victim });
  const { n } = field;
  const hood = field.world.hood;
  const { offsets, neighbours } = hood;
  const R = Math.max(2, Math.round((DPSGD_ROUND_S * 1000) / field.config.tickMs));
  const degree = (i: number) => offsets[i + 1]! - offsets[i]!;
  const slots = neighbours.length;
  const heardModel = new Int32Array(slots * MODEL_DIM);
  const heard = new Uint8Array(slots);
  const sent = new Int32Array((n + 1) * MODEL_DIM);
  const hasSent = new Uint8Array(n + 1);
  for (let eid = 1; eid <= n; eid++) readModel(field, eid, sent, MODEL_DIM * eid);
  // An attacker's vector: crafted at each round's end, sent next round (starts as its honest initial model).
  const attackVec = new Int32Array((n + 1) * MODEL_DIM);
  for (let eid = 1; eid <= n; eid++) readModel(field, eid, attackVec, MODEL_DIM * eid);
  const rows = new Int32Array(64 * MODEL_DIM);
  const w = new Float64Array(64);
  const local = new Int32Array(MODEL_DIM);

  for (let t = 0; t < field.ticks; t++) {
    field.sense();
    field.learn();
    for (let eid = 1; eid <= n; eid++) {
      if (!consensusSendsAt(eid, t, R)) continue;
      if (field.honest(eid)) {
        readModel(field, eid, sent, MODEL_DIM * eid);
        hasSent[eid] = field.down(eid) ? 0 : 1;
        field.send(eid, BROADCAST, MSG_DPSGD_MODEL, encodeModel('gene', sent, MODEL_DIM * eid));
      } else if (scenario.attack !== 'none') {
        field.send(eid, BROADCAST, MSG_DPSGD_MODEL, encodeModel('gene', attackVec, MODEL_DIM * eid));
      }
    }
    field.deliver((receiver, sender, type, bytes) => {
      if (type !== MSG_DPSGD_MODEL) return;
      const s = slotOf(hood, receiver - 1, sender - 1);
      if (s < 0 || !decodeModel('gene', bytes, heardModel, MODEL_DIM * s)) return;
      heard[s] = 1;
    });
    if (roundEndsAt(t, R)) {
      for (let eid = 1; eid <= n; eid++) {
        const i = eid - 1;
        let m = 0;
        let nHonest = 0;
        for (let s = offsets[i]!; s < offsets[i + 1]!; s++) {
          if (!heard[s] || m >= 64) continue;
          const j = neighbours[s]!;
          rows.set(heardModel.subarray(MODEL_DIM * s, MODEL_DIM * s + MODEL_DIM), MODEL_DIM * m);
          w[m] = 1 / (1 + Math.max(degree(i), degree(j)));
          m++;
          if (field.honest(j + 1)) nHonest++;
        }
        if (field.honest(eid)) {
          readModel(field, eid, local);
          const own = hasSent[eid] ? sent.subarray(MODEL_DIM * eid, MODEL_DIM * eid + MODEL_DIM) : local;
          writeModel(field, eid, dpsgdMix(own, rows, w, m, local));
        } else if (scenario.attack !== 'none' && nHonest > 0) {
          // Craft from the honest rows heard this round.
          let h = 0;
          for (let s = offsets[i]!; s < offsets[i + 1]!; s++) {
            if (heard[s] && field.honest(neighbours[s]! + 1)) rows.set(heardModel.subarray(MODEL_DIM * s, MODEL_DIM * s + MODEL_DIM), MODEL_DIM * h++);
            if (h >= 64) break;
          }
          const d = degree(i) + 1;
          attackVec.set(craft(field, scenario.attack, eid, rows, h, d, d >> 2), MODEL_DIM * eid);
        }
      }
      heard.fill(0);
      hasSent.fill(0);
    }
    field.endTick();
  }
  return field.result(victim);
}
