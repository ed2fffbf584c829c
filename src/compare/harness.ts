// The shared world of `qres compare`: the simulator's own field, noise zone, placement, attacker roles and link
// model, built by the simulator's code (createSimWorld, the noiseZone and sensor systems, createLinkModel), so a
// baseline protocol sees bit for bit the signals and radio a QRES run of the same seed sees. What differs between
// rows is only the protocol: how models are shared and merged.
//
// Every baseline node runs the same local learner: the 8-lag Q16 predictor of src/core/neuron/kernel.ts with the
// rulebook's NLMS step (nlmsStepAt at STORM_MU = CALM_MU, src/core/rules/model.ts) on each new sample of its recent
// window (RECENT, most recent first). Its prediction error before the step is what the RMSE counts, exactly as
// QRES's cortex counts it. Floats appear only in reports and in the FedAvg server's weighted mean.
import * as q16 from '../core/fixed/q16';
import { LAGS, nlmsStepAt, predictAt, WEIGHT_LIMIT, BIAS_LIMIT } from '../core/neuron/kernel';
import { MODEL_DIM, RECENT, STORM_MU, ZONE_OMEGA_DEN, ZONE_OMEGA_NUM } from '../core/rules/model';
import { draw } from '../core/rules/random';
import { createRng } from '../core/rng/rng';
import { BROADCAST, encodeMessage } from '../sim/messages';
import { decodeGene, encodeGene, GENE_BYTES } from '../core/gene/gene';
import { getAttack } from '../core/consensus/attacks';
import { ROLE_HONEST } from '../../components/body';
import { noiseZoneSystem } from '../../systems/noiseZone';
import { sensorSystem } from '../../systems/sensor';
import { resolveConfig, type SimConfig } from '../sim/config';
import { createSimWorld, type SimWorld } from '../sim/world';
import { createLinkModel, type LinkModel } from '../sim/linkModel';
import { openRadio, sealRadio, type RadioAuthMode } from '../core/net/radioAuth';
import { roundOf } from '../core/rules/silence';
import { readU32 } from '../core/codec/bytes';
import type { Neighbourhoods } from '../sim/placement';

export { MODEL_DIM, LAGS };

/** The radio and swarm of one comparison run (the `qres sim` flags of the same name). */
export interface Setting {
  nodes: number;
  seed: number;
  seconds: number;
  loss: number;
  mtu: number;
  bitrateBps: number;
  dutyCycle: number;
}

/** What happens in a run besides learning: attackers (a catalogue attack at a fraction of nodes; attack 'none'
 *  with a fraction > 0 makes those nodes silent, the reference drift is measured against) and a radio outage of
 *  one node (the FedAvg gateway, or a cut vertex of the radio graph) from failAtS for failForS seconds. */
export interface Scenario {
  attack: 'none' | 'alie' | 'sign-flip';
  byzantine: number;
  failAtS?: number;
  failForS?: number;
}

export const CLEAN: Scenario = Object.freeze({ attack: 'none', byzantine: 0 });

/** What every engine reports. */
export interface RunResult {
  /** Honest nodes' prediction RMSE on their own signal, per second of sim time (signal units). */
  rmsePerSecond: number[];
  /** ... over the whole run. */
  rmse: number;
  framesSent: number;
  bytesSent: number;
  /** Frame receptions by an intended receiver lost to noise (the link model's `lost`). */
  framesLost: number;
  /** Frames dropped at a full transmit queue or expired (the link model's dropped + expired). */
  framesDropped: number;
  framesDelivered: number;
  bytesPerNodePerDay: number;
  /** Mean of the honest nodes' shared models (8 weights + bias, signal units), for consensus drift. */
  honestMean: number[];
  /** The node whose radio failed (1-based), if any. */
  failed?: number;
  /** Messages this engine put on air, by size in bytes (for the bytes-vs-frames accounting test). */
  messageSizes: Map<number, number>;
}

/** The simulator config of a setting and scenario (layout off, as headless runs). */
export function simConfigOf(setting: Setting, scenario: Scenario): SimConfig {
  return resolveConfig({
    nodes: setting.nodes,
    seed: setting.seed,
    loss: setting.loss,
    mtu: setting.mtu,
    bitrateBps: setting.bitrateBps,
    dutyCycle: setting.dutyCycle,
    layout: false,
    attack: scenario.attack,
    byzantine: scenario.byzantine,
  });
}

export function ticksOf(setting: Setting, config: SimConfig): number {
  return Math.round((setting.seconds * 1000) / config.tickMs);
}

/** Sim seconds per orbit of the noise zone: the storm changes frequency at every multiple of it. */
export const STORM_PERIOD_S = (2 * Math.PI * ZONE_OMEGA_DEN) / ZONE_OMEGA_NUM;

/** Message types of the baselines (outside the simulator's 1..5). */
export const MSG_FEDAVG_DOWN = 0x21;
export const MSG_FEDAVG_UP = 0x22;
export const MSG_GOSSIP_MODEL = 0x23;
export const MSG_DPSGD_MODEL = 0x24;

/**
 * The world a baseline runs in: the simulator's world (placement, roles, field, neuron columns as the local
 * models), its radio neighbourhoods, and a link model over `hood` (the radio graph by default; FedAvg passes its
 * star). The link's loss seed comes from the same 'radio' stream the simulator's link uses.
 */
export interface Field {
  readonly config: SimConfig;
  readonly world: SimWorld;
  readonly n: number;
  readonly ticks: number;
  readonly honest: (eid: number) => boolean;
  readonly link: LinkModel;
  /** Transmitter-free times, µs, for eids 0..n + extra. */
  readonly txFreeAtUs: Float64Array;
  /** Seeds for the protocols' counter-based draws. */
  readonly drawSeed: number;
  tick: number;
  /** Samples the field for this tick (the simulator's noiseZone and sensor systems). */
  sense(): void;
  /** Every honest node predicts its newest sample, counts the error, then takes one NLMS step. */
  learn(): void;
  /** Puts a message on air from `from` to `to` (eid or BROADCAST), unless `from` is down. */
  send(from: number, to: number, type: number, body: Uint8Array): void;
  /** Delivers this tick's frames: sink(receiver, sender, type, body), dropping those to a node that is down. */
  deliver(sink: (receiver: number, sender: number, type: number, body: Uint8Array) => void): void;
  /** Whether node `eid`'s radio is down now. */
  down(eid: number): boolean;
  /** Closes the per-second RMSE bucket when a second ends. */
  endTick(): void;
  result(failed?: number): RunResult;
}

export interface FieldOptions {
  /** Link neighbourhoods (default: the radio graph). */
  hood?: Neighbourhoods;
  /** Extra radio ids beyond the nodes (FedAvg's gateway is n + 1). */
  extra?: number;
  /** The node whose radio fails during the scenario's outage. */
  victim?: number;
}

export function createField(setting: Setting, scenario: Scenario, options: FieldOptions = {}): Field {
  const config = simConfigOf(setting, scenario);
  const world = createSimWorld(config);
  const n = world.n;
  const ticks = ticksOf(setting, config);
  const { Role, Neuron } = world.components;
  const honest = (eid: number) => eid <= n && Role.kind[eid] === ROLE_HONEST;
  const hood = options.hood ?? world.hood;
  // The same stream the simulator's link takes its loss seed from ('radio' of the run's root seed).
  const link = hood === world.hood ? world.link : createLinkModel(config, hood, createRng(config.seed).stream('radio'));
  const txFreeAtUs = new Float64Array(n + 2 + (options.extra ?? 0));
  const messageId = new Uint16Array(n + 2 + (options.extra ?? 0));
  const ticksPerSecond = Math.max(1, Math.round(1000 / config.tickMs));
  const failFrom = scenario.failAtS === undefined ? -1 : Math.round((scenario.failAtS * 1000) / config.tickMs);
  const failTo = failFrom < 0 ? -1 : failFrom + Math.round(((scenario.failForS ?? 60) * 1000) / config.tickMs);
  const victim = options.victim ?? 0;
  const rmsePerSecond: number[] = [];
  const messageSizes = new Map<number, number>();
  let bucketSq = 0;
  let bucketN = 0;
  let totalSq = 0;
  let totalN = 0;
  const { weights, bias, recent } = Neuron;
  const authMode = config.radioAuth as RadioAuthMode;
  const authKeys = world.radio.auth.keys;

  const field: Field = {
    config,
    world,
    n,
    ticks,
    honest,
    link,
    txFreeAtUs,
    drawSeed: createRng(config.seed).stream('compare').nextU32(),
    tick: 0,
    sense() {
      world.tick = field.tick;
      noiseZoneSystem.run(world);
      sensorSystem.run(world);
    },
    learn() {
      for (let eid = 1; eid <= n; eid++) {
        if (Role.kind[eid] !== ROLE_HONEST) continue;
        const ro = RECENT * eid;
        const error = q16.sub(recent[ro]!, predictAt(weights, LAGS * eid, bias[eid]!, recent, ro + 1));
        const e = error / 65536;
        bucketSq += e * e;
        bucketN++;
        bias[eid] = nlmsStepAt(weights, LAGS * eid, bias[eid]!, recent, ro + 1, error, STORM_MU);
      }
    },
    down(eid) {
      return eid === victim && field.tick >= failFrom && field.tick < failTo;
    },
    send(from, to, type, body) {
      if (field.down(from)) return;
      const id = messageId[from]!;
      messageId[from] = (id + 1) & 0xffff;
      // The same authentication trailer as the simulator's messages (src/core/net/radioAuth.ts), so that every
      // protocol pays the same for knowing who spoke.
      const broadcast = to === BROADCAST;
      let receivers: ArrayLike<number> = [to];
      if (broadcast) {
        const i = from - 1;
        receivers = Array.from(hood.neighbours.subarray(hood.offsets[i]!, hood.offsets[i + 1]!), (j) => j + 1);
      }
      const message = sealRadio(authMode, authKeys, from, broadcast, receivers, roundOf(field.tick, world.roundTicks), id, encodeMessage(type, from, to, body));
      messageSizes.set(message.length, (messageSizes.get(message.length) ?? 0) + 1);
      link.send(txFreeAtUs, from, to, id, message, field.tick);
    },
    deliver(sink) {
      link.deliver(field.tick, (receiver, sender, message, id) => {
        if (field.down(receiver)) return;
        const length = openRadio(authMode, authKeys, receiver, sender, readU32(message, 5) === BROADCAST, roundOf(field.tick, world.roundTicks), id, message);
        if (typeof length !== 'number') return;
        sink(receiver, sender, message[0]!, message.subarray(9, length));
      });
    },
    endTick() {
      field.tick++;
      if (field.tick % ticksPerSecond === 0) {
        rmsePerSecond.push(bucketN ? Math.sqrt(bucketSq / bucketN) : 0);
        totalSq += bucketSq;
        totalN += bucketN;
        bucketSq = 0;
        bucketN = 0;
      }
    },
    result(failed) {
      const c = link.counters;
      const simS = (field.tick * config.tickMs) / 1000;
      const mean = new Array<number>(MODEL_DIM).fill(0);
      let count = 0;
      for (let eid = 1; eid <= n; eid++) {
        if (!honest(eid)) continue;
        for (let k = 0; k < LAGS; k++) mean[k]! += weights[LAGS * eid + k]! / 65536;
        mean[LAGS]! += bias[eid]! / 65536;
        count++;
      }
      return {
        rmsePerSecond,
        rmse: totalN ? Math.sqrt(totalSq / totalN) : 0,
        framesSent: c.framesSent,
        bytesSent: c.bytesSent,
        framesLost: c.lost,
        framesDropped: c.dropped + c.expired,
        framesDelivered: c.delivered,
        bytesPerNodePerDay: simS > 0 ? Math.round((c.bytesSent / n) * (86_400 / simS)) : 0,
        honestMean: mean.map((v) => v / Math.max(1, count)),
        failed,
        messageSizes,
      };
    },
  };
  return field;
}

/** Node eid's model (8 weights + bias, Q16) copied into `out` at `at`. */
export function readModel(field: Field, eid: number, out: Int32Array, at = 0): void {
  const { weights, bias } = field.world.components.Neuron;
  for (let k = 0; k < LAGS; k++) out[at + k] = weights[LAGS * eid + k]!;
  out[at + LAGS] = bias[eid]!;
}

/** Sets node eid's model from `src` at `at`, clamped to the predictor's limits. */
export function writeModel(field: Field, eid: number, src: ArrayLike<number>, at = 0): void {
  const { weights, bias } = field.world.components.Neuron;
  for (let k = 0; k < LAGS; k++) weights[LAGS * eid + k] = q16.clamp(Math.round(src[at + k]!), -WEIGHT_LIMIT, WEIGHT_LIMIT);
  bias[eid] = q16.clamp(Math.round(src[at + LAGS]!), -BIAS_LIMIT, BIAS_LIMIT);
}

/** An integer in [0, m) from the protocol draw stream. */
export function drawBelowN(field: Field, node: number, k: number, m: number): number {
  return Math.floor((draw(field.drawSeed, node, field.tick, k) / 4294967296) * m);
}

/**
 * An attacker's crafted vector (8 weights + bias, Q16) from the honest vectors it observes (`honest`, nHonest
 * rows), with the same (n, f) convention as the rulebook's attackerRoundAt: n participants, f = ⌊n/4⌋ (≥ 1),
 * unless the caller knows them. Clamped to the predictor's limits.
 */
export function craft(
  field: Field,
  attack: Scenario['attack'],
  node: number,
  honestRows: Int32Array,
  nHonest: number,
  participants: number,
  attackers: number,
  own?: Int32Array,
): Int32Array {
  const fn = getAttack(attack);
  const out = fn({
    honest: honestRows.subarray(0, nHonest * MODEL_DIM),
    nHonest,
    d: MODEL_DIM,
    own,
    attacker: 0,
    n: participants,
    f: Math.max(1, attackers),
    rng: createRng(draw(field.drawSeed, node, field.tick, 0x7ffffff0)),
  });
  for (let k = 0; k < MODEL_DIM; k++) out[k] = q16.clamp(out[k]!, k < LAGS ? -WEIGHT_LIMIT : -BIAS_LIMIT, k < LAGS ? WEIGHT_LIMIT : BIAS_LIMIT);
  return out;
}

/** A cut vertex of the radio graph to fail: the articulation point whose loss separates the most nodes from the
 *  rest; if the graph has none (it is 2-connected), the node of highest degree. 1-based eid. */
export function cutVertex(hood: Neighbourhoods): { eid: number; separated: number; isCut: boolean } {
  const n = hood.offsets.length - 1;
  const { offsets, neighbours } = hood;
  const componentsWithout = (skip: number): number[] => {
    const seen = new Uint8Array(n);
    seen[skip] = 1;
    const sizes: number[] = [];
    for (let s = 0; s < n; s++) {
      if (seen[s]) continue;
      let size = 0;
      const stack = [s];
      seen[s] = 1;
      while (stack.length) {
        const v = stack.pop()!;
        size++;
        for (let k = offsets[v]!; k < offsets[v + 1]!; k++) {
          const u = neighbours[k]!;
          if (!seen[u]) {
            seen[u] = 1;
            stack.push(u);
          }
        }
      }
      sizes.push(size);
    }
    return sizes.sort((a, b) => b - a);
  };
  const base = componentsWithout(-1).length;
  let best = { eid: 0, separated: 0, isCut: false };
  let bestDegree = -1;
  for (let v = 0; v < n; v++) {
    const sizes = componentsWithout(v);
    const separated = sizes.length > base ? sizes.slice(1).reduce((a, b) => a + b, 0) : 0;
    const degree = offsets[v + 1]! - offsets[v]!;
    if (separated > best.separated || (best.separated === 0 && separated === 0 && degree > bestDegree)) {
      best = { eid: v + 1, separated, isCut: separated > 0 };
      if (separated === 0) bestDegree = degree;
    }
  }
  return best;
}

// Model wire formats of the baselines. Gene rows are the 32-byte gene v1 (src/core/gene/gene.ts); float32 rows are
// 9 little-endian IEEE floats (36 bytes), as FL frameworks serialise tensors. Every Q16 value the predictor can
// hold (|w| ≤ 8, |b| ≤ 64: at most 23 significant bits) is exact in a float32, so the two encodings carry the same
// model and differ only in size.

export type Encoding = 'gene' | 'f32';
export const MODEL_BYTES: Record<Encoding, number> = { gene: GENE_BYTES, f32: 4 * MODEL_DIM };

export function encodeModel(encoding: Encoding, row: ArrayLike<number>, at = 0): Uint8Array {
  if (encoding === 'gene') {
    return encodeGene({ weights: Int32Array.from({ length: LAGS }, (_, k) => row[at + k]!), bias: row[at + LAGS]!, mu: STORM_MU });
  }
  const out = new Uint8Array(4 * MODEL_DIM);
  const view = new DataView(out.buffer);
  for (let k = 0; k < MODEL_DIM; k++) view.setFloat32(4 * k, row[at + k]! / 65536, true);
  return out;
}

/** Decodes a model into `out` at `at`; false if the bytes are not a valid model. */
export function decodeModel(encoding: Encoding, bytes: Uint8Array, out: Int32Array, at = 0): boolean {
  if (encoding === 'gene') {
    try {
      const gene = decodeGene(bytes);
      for (let k = 0; k < LAGS; k++) out[at + k] = gene.weights[k]!;
      out[at + LAGS] = gene.bias;
      return true;
    } catch {
      return false;
    }
  }
  if (bytes.length !== 4 * MODEL_DIM) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let k = 0; k < MODEL_DIM; k++) {
    const v = view.getFloat32(4 * k, true);
    if (!Number.isFinite(v)) return false;
    out[at + k] = q16.clamp(Math.round(v * 65536), k < LAGS ? -WEIGHT_LIMIT : -BIAS_LIMIT, k < LAGS ? WEIGHT_LIMIT : BIAS_LIMIT);
  }
  return true;
}
