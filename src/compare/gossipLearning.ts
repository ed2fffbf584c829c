// Gossip learning (Ormándi, Hegedűs & Jelasity, "Gossip learning with linear models on fully distributed data",
// Concurrency and Computation: Practice and Experience, 2013) on the simulator's radio graph.
//
// Every node holds a current model and the last model it received. Once per period Δ (GOSSIP_PERIOD_S, the QRES
// round, staggered by id) it sends its current model to one peer drawn at random among its radio neighbours
// (peer sampling is limited to one hop on a radio). On receiving a model m it makes a new current model with
// the paper's merge-then-update rule (MU): merge = the coordinate-wise average of m and its last received model,
// update = the local learner, here the NLMS step every node takes on each new sample; then last = m. So models
// take random walks over the graph, averaging as they go. A model carries its age (u16, the updates it has
// seen) beside the 32-byte gene: 9 + 2 + 32 = 43 bytes, one 51-byte frame.
// An attacker sends what its attack crafts from the current models of its honest neighbours (omniscient in its
// neighbourhood); gossip learning has no defence.
import { LAGS } from '../core/neuron/kernel';
import {
  craft,
  createField,
  cutVertex,
  decodeModel,
  drawBelowN,
  encodeModel,
  MODEL_DIM,
  MSG_GOSSIP_MODEL,
  readModel,
  writeModel,
  type RunResult,
  type Scenario,
  type Setting,
} from './harness';

export const GOSSIP_PERIOD_S = 10;

/** The MU merge: the coordinate-wise mean (floor) of two Q16 models. */
export function gossipMerge(a: Int32Array, b: Int32Array, out: Int32Array = new Int32Array(MODEL_DIM)): Int32Array {
  for (let k = 0; k < MODEL_DIM; k++) out[k] = Math.floor((a[k]! + b[k]!) / 2);
  return out;
}

export function runGossipLearning(setting: Setting, scenario: Scenario): RunResult {
  const probe = scenario.failAtS !== undefined ? createField(setting, { attack: 'none', byzantine: 0 }) : null;
  const victim = probe ? cutVertex(probe.world.hood).eid : undefined;
  const field = createField(setting, scenario, { victim });
  const { n } = field;
  const { offsets, neighbours } = field.world.hood;
  const P = Math.max(1, Math.round((GOSSIP_PERIOD_S * 1000) / field.config.tickMs));
  const last = new Int32Array((n + 1) * MODEL_DIM);
  for (let eid = 1; eid <= n; eid++) readModel(field, eid, last, MODEL_DIM * eid); // the initial model
  const age = new Int32Array(n + 1);
  const row = new Int32Array(MODEL_DIM);
  const merged = new Int32Array(MODEL_DIM);
  const honestRows = new Int32Array(64 * MODEL_DIM);
  const body = new Uint8Array(2 + 32);

  for (let t = 0; t < field.ticks; t++) {
    field.sense();
    field.learn();
    for (let eid = 1; eid <= n; eid++) if (age[eid]! < 0xffff) age[eid]!++;
    for (let eid = 1 + (t % P); eid <= n; eid += P) {
      const i = eid - 1;
      const degree = offsets[i + 1]! - offsets[i]!;
      if (degree === 0) continue;
      const peer = neighbours[offsets[i]! + drawBelowN(field, eid, 2, degree)]! + 1;
      let model: Int32Array;
      if (field.honest(eid)) {
        readModel(field, eid, row);
        model = row;
      } else {
        if (scenario.attack === 'none') continue;
        let nHonest = 0;
        for (let s = offsets[i]!; s < offsets[i + 1]! && nHonest < 64; s++) {
          const j = neighbours[s]! + 1;
          if (field.honest(j)) readModel(field, j, honestRows, MODEL_DIM * nHonest++);
        }
        if (nHonest === 0) continue;
        model = craft(field, scenario.attack, eid, honestRows, nHonest, degree + 1, (degree + 1) >> 2);
      }
      body[0] = age[eid]! & 0xff;
      body[1] = age[eid]! >>> 8;
      body.set(encodeModel('gene', model), 2);
      field.send(eid, peer, MSG_GOSSIP_MODEL, body);
    }
    field.deliver((receiver, _sender, type, bytes) => {
      if (type !== MSG_GOSSIP_MODEL || !field.honest(receiver)) return;
      if (!decodeModel('gene', bytes.subarray(2), row)) return;
      const lo = MODEL_DIM * receiver;
      gossipMerge(row, last.subarray(lo, lo + MODEL_DIM), merged);
      last.set(row, lo);
      writeModel(field, receiver, merged);
      age[receiver] = Math.max(age[receiver]!, bytes[0]! | (bytes[1]! << 8));
    });
    field.endTick();
  }
  return field.result(victim);
}

export { LAGS };
