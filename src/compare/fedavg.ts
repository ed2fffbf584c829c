// FedAvg (McMahan, Moore, Ramage, Hampson & Agüera y Arcas, "Communication-Efficient Learning of Deep Networks
// from Decentralized Data", AISTATS 2017) on the simulator's field and radio, as a LoRaWAN-style star: a gateway
// one hop from every node, on the same link model (same loss, MTU, bitrate, duty cycle, transmit queue).
//
// Each round of ROUND_S seconds (the QRES consensus round):
//  1. at the round's first tick the server broadcasts the global model w_t with the round number (one
//     transmission reaches every client, as a LoRaWAN class-C multicast; each client may lose it);
//  2. a fraction C of the clients is selected, by a public hash of (round, client), so the selection needs no
//     extra bytes; every client that hears w_t installs it (it is the product the swarm predicts with), and
//     keeps taking its local NLMS steps on the samples that arrive (the E local steps of the paper are the
//     samples of the round: one pass over fresh data);
//  3. a selected client that received w_t uploads its model and its sample count n_k in the second half of the
//     round (staggered by id);
//  4. at the round's last tick the server sets w_{t+1} = Σ n_k w_k / Σ n_k over the uploads it received (none:
//     w_t stays); stragglers and lost uploads are simply missing, as in the paper.
// Models travel as float32 rows (36 bytes, as FL frameworks send tensors) or as the 32-byte gene.
// Attackers, when selected, upload what their attack crafts from the honest uploads of the round (the
// omniscient threat model ALIE assumes); the server's mean has no defence, as in the paper.
import { BROADCAST } from '../sim/messages';
import { draw } from '../core/rules/random';
import * as q16 from '../core/fixed/q16';
import type { Neighbourhoods } from '../sim/placement';
import {
  craft,
  createField,
  decodeModel,
  encodeModel,
  LAGS,
  MODEL_DIM,
  MSG_FEDAVG_DOWN,
  MSG_FEDAVG_UP,
  readModel,
  writeModel,
  type Encoding,
  type RunResult,
  type Scenario,
  type Setting,
} from './harness';

export const FEDAVG_ROUND_S = 10;
/** C, the fraction of clients selected per round (the paper's usual 0.1). */
export const FEDAVG_FRACTION = 0.1;

/** The star: nodes 0..n−1 hear only the gateway (index n), which hears everyone. */
export function starHood(n: number): Neighbourhoods {
  const offsets = new Uint32Array(n + 2);
  const neighbours = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    offsets[i] = i;
    neighbours[i] = n;
  }
  offsets[n] = n;
  for (let i = 0; i < n; i++) neighbours[n + i] = i;
  offsets[n + 1] = 2 * n;
  return { offsets, neighbours };
}

/** The server's aggregation step: Σ n_k w_k / Σ n_k per coordinate, rounded to Q16; null with no uploads. */
export function fedAvgAggregate(models: Int32Array, counts: ArrayLike<number>, m: number): Int32Array | null {
  let total = 0;
  for (let j = 0; j < m; j++) total += counts[j]!;
  if (m === 0 || total <= 0) return null;
  const out = new Int32Array(MODEL_DIM);
  for (let k = 0; k < MODEL_DIM; k++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += counts[j]! * models[j * MODEL_DIM + k]!;
    out[k] = Math.round(s / total);
  }
  return out;
}

/** Whether client eid is selected in round r (a public hash, so the download needs no list). */
export function selected(seed: number, eid: number, round: number, fraction: number): boolean {
  return draw(seed, eid, round, 1) / 4294967296 < fraction;
}

export interface FedAvgOptions {
  encoding: Encoding;
  fraction?: number;
  roundS?: number;
}

export function runFedAvg(setting: Setting, scenario: Scenario, options: FedAvgOptions): RunResult {
  const n = setting.nodes;
  const gateway = n + 1;
  const failing = scenario.failAtS !== undefined;
  const field = createField(setting, scenario, { hood: starHood(n), extra: 1, victim: failing ? gateway : undefined });
  const { encoding } = options;
  const fraction = options.fraction ?? FEDAVG_FRACTION;
  const R = Math.max(2, Math.round(((options.roundS ?? FEDAVG_ROUND_S) * 1000) / field.config.tickMs));
  const half = R >> 1;
  const selectSeed = field.drawSeed ^ 0x5eed;

  const global = new Int32Array(MODEL_DIM);
  global[0] = q16.ONE; // the persistence predictor every node starts from
  const uploads = new Int32Array((n + 1) * MODEL_DIM);
  const uploadCounts = new Float64Array(n + 1);
  let nUploads = 0;
  const installedRound = new Int32Array(n + 2).fill(-1);
  const steps = new Int32Array(n + 2);
  const row = new Int32Array(MODEL_DIM);
  const honestRows = new Int32Array((n + 1) * MODEL_DIM);
  let round = 0;

  for (let t = 0; t < field.ticks; t++) {
    const phase = t % R;
    field.sense();
    field.learn();
    for (let eid = 1; eid <= n; eid++) if (steps[eid]! < 255) steps[eid]!++;
    if (phase === 0) {
      const body = new Uint8Array(1 + (encoding === 'gene' ? 32 : 36));
      body[0] = round & 0xff;
      body.set(encodeModel(encoding, global), 1);
      field.send(gateway, BROADCAST, MSG_FEDAVG_DOWN, body);
    }
    if (phase >= half) {
      // Uploads due this tick: selected clients at their stagger slot.
      let nHonest = -1;
      for (let eid = 1; eid <= n; eid++) {
        if (half + ((eid - 1) % (R - half)) !== phase || !selected(selectSeed, eid, round, fraction)) continue;
        if (installedRound[eid] !== round) continue; // missed this round's model: not participating
        let model: Int32Array;
        if (field.honest(eid)) {
          readModel(field, eid, row);
          model = row;
        } else {
          if (scenario.attack === 'none') continue; // silent
          if (nHonest < 0) {
            // What the honest selected clients of this round hold now (the omniscient view).
            nHonest = 0;
            for (let j = 1; j <= n; j++) {
              if (field.honest(j) && installedRound[j] === round && selected(selectSeed, j, round, fraction))
                readModel(field, j, honestRows, MODEL_DIM * nHonest++);
            }
          }
          if (nHonest === 0) continue;
          let participants = 0;
          let attackers = 0;
          for (let j = 1; j <= n; j++) {
            if (!selected(selectSeed, j, round, fraction)) continue;
            participants++;
            if (!field.honest(j)) attackers++;
          }
          model = craft(field, scenario.attack, eid, honestRows, nHonest, participants, attackers);
        }
        const body = new Uint8Array(1 + (encoding === 'gene' ? 32 : 36));
        body[0] = steps[eid]!;
        body.set(encodeModel(encoding, model), 1);
        field.send(eid, gateway, MSG_FEDAVG_UP, body);
      }
    }
    field.deliver((receiver, sender, type, body) => {
      if (type === MSG_FEDAVG_UP && receiver === gateway && sender <= n) {
        if (decodeModel(encoding, body.subarray(1), uploads, MODEL_DIM * nUploads)) uploadCounts[nUploads++] = body[0]!;
      } else if (type === MSG_FEDAVG_DOWN && sender === gateway && receiver <= n) {
        if (body[0] !== (round & 0xff) || !decodeModel(encoding, body.subarray(1), row)) return;
        installedRound[receiver] = round;
        steps[receiver] = 0;
        if (field.honest(receiver)) writeModel(field, receiver, row);
      }
    });
    if (phase === R - 1) {
      if (!field.down(gateway)) {
        const next = fedAvgAggregate(uploads, uploadCounts, nUploads);
        if (next) global.set(next);
      }
      nUploads = 0;
      round++;
    }
    field.endTick();
  }
  return field.result(failing ? gateway : undefined);
}

export { LAGS };
