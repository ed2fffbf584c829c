// Mid-flight join. A joiner wakes up at joinAtS, broadcasts a summary request (retrying: the network may lose
// 90 % of it), and any present neighbour answers, addressed to the joiner, with the summary gene of its consensus
// state (round, weights, spread; 34 bytes, so the reply is one 51-byte LoRa frame). The joiner installs the first
// valid one into its consensus model and is in consensus at once, without replaying the history of genes.
import { decodeSummaryGene, encodeSummaryGene, SummaryDecodeError } from '../core/gene/summary';
import { LAGS } from '../core/neuron/kernel';
import { ROLE_HONEST } from '../../components/body';
import { MODEL_DIM } from '../../components/consensus';
import { MEMBER_ABSENT, MEMBER_JOINING, MEMBER_PRESENT } from '../../components/membership';
import { BROADCAST, MESSAGE_HEADER_BYTES, MSG_SUMMARY, MSG_SUMMARY_REQUEST, sendMessage } from './messages';
import { fragmentCount, FRAGMENT_HEADER_BYTES } from '../core/net/fragment';
import { GENE_BYTES } from '../core/gene/gene';
import { JOIN_RETRY_S, roundTicksOf } from '../core/rules/model';
import { adoptSummary, answersJoin } from '../core/rules/join';
import type { SimWorld } from './world';

const weights = new Int32Array(LAGS);

function send(world: SimWorld, from: number, to: number, type: number, body?: Uint8Array): void {
  const bytes = sendMessage(world, from, to, type, body);
  world.counters.joinBytes += bytes + fragmentCount(bytes, world.config.mtu) * FRAGMENT_HEADER_BYTES;
}

/** The summary gene of `eid`'s consensus state; spread = how far its radio neighbours' models are from it (the
 *  largest distance in any coordinate). */
function summaryOf(world: SimWorld, eid: number, round: number): Uint8Array {
  const { model } = world.components.Consensus;
  const { offsets, neighbours } = world.hood;
  const mo = MODEL_DIM * eid;
  let spread = 0;
  for (let s = offsets[eid - 1]!; s < offsets[eid]!; s++) {
    const jo = MODEL_DIM * (neighbours[s]! + 1);
    for (let k = 0; k < MODEL_DIM; k++) spread = Math.max(spread, Math.abs(model[jo + k]! - model[mo + k]!));
  }
  weights.set(model.subarray(mo, mo + LAGS));
  return encodeSummaryGene({ round, weights, bias: model[mo + LAGS]!, spread });
}

const attemptByte = new Uint8Array(1);

/** Gossip stage: wake joiners, send their (rate-limited) requests, answer the requests heard last tick. */
export function joinGossip(world: SimWorld): void {
  const { Membership, Radio, Role } = world.components;
  const { tick, config } = world;
  const joinTick = Math.round((config.joinAtS * 1000) / config.tickMs);
  const roundTicks = roundTicksOf(config.consensusRoundS, config.tickMs);
  const first = config.nodes + 1;
  const ticksPerS = 1000 / config.tickMs;
  for (let eid = first; eid <= world.n; eid++) {
    if (Membership.state[eid] === MEMBER_ABSENT && tick >= joinTick) {
      Membership.state[eid] = MEMBER_JOINING;
      Membership.since[eid - first] = tick;
      Radio.nextRequestTick[eid] = tick;
      Radio.backoff[eid] = 0;
      world.counters.joinReplayBytes += replayBytes(world, eid, Math.floor(tick / roundTicks));
    }
    if (Membership.state[eid] !== MEMBER_JOINING || tick < Radio.nextRequestTick[eid]!) continue;
    // A joiner retries every JOIN_RETRY_S without backing off: its request is 18 bytes, it is the only thing
    // the joiner needs, and at 90 % loss a request and a two-frame reply get through ~1 time in 100 per neighbour.
    // The request carries its attempt number (Radio.backoff counts them for a joiner) so that neighbours can
    // share the answering: see answers().
    attemptByte[0] = Radio.backoff[eid]!;
    send(world, eid, BROADCAST, MSG_SUMMARY_REQUEST, attemptByte);
    Radio.nextRequestTick[eid] = tick + Math.ceil(JOIN_RETRY_S * ticksPerS);
    if (Radio.backoff[eid]! < 255) Radio.backoff[eid]!++;
  }
  const requests = world.summaryRequests;
  for (let k = 0; k < requests.length; k += 3) {
    const responder = requests[k]!;
    const joiner = requests[k + 1]!;
    if (Role.kind[responder] !== ROLE_HONEST || Membership.state[responder] !== MEMBER_PRESENT) continue;
    const degree = world.hood.offsets[joiner]! - world.hood.offsets[joiner - 1]!;
    if (!answersJoin(responder, joiner, requests[k + 2]!, degree)) continue;
    send(world, responder, joiner, MSG_SUMMARY, summaryOf(world, responder, Math.floor(tick / roundTicks)));
  }
  requests.length = 0;
}

/**
 * What replaying the history would have cost this joiner: every consensus message its neighbours broadcast so
 * far, each sent 1 / (1 − loss) times on average to get through the same lossy link (the join traffic is
 * counted as really sent, retries included, so both sides pay for the loss).
 */
function replayBytes(world: SimWorld, eid: number, rounds: number): number {
  const degree = world.hood.offsets[eid]! - world.hood.offsets[eid - 1]!;
  const message = MESSAGE_HEADER_BYTES + GENE_BYTES;
  const once = rounds * degree * (message + fragmentCount(message, world.config.mtu) * FRAGMENT_HEADER_BYTES);
  return Math.round(once / (1 - world.config.loss));
}

/** Consensus stage: a joiner installs the first valid summary it receives and is in consensus from then on. */
export function installSummaries(world: SimWorld): void {
  const { Membership, Consensus } = world.components;
  for (const { to, body } of world.summaries) {
    if (Membership.state[to] !== MEMBER_JOINING) continue;
    let summary;
    try {
      summary = decodeSummaryGene(body);
    } catch (err) {
      if (!(err instanceof SummaryDecodeError)) throw err;
      world.counters.corruptMessages++;
      continue;
    }
    adoptSummary(Consensus.model, to, summary);
    Membership.state[to] = MEMBER_PRESENT;
    world.counters.joinsSynced++;
    const since = Membership.since[to - world.config.nodes - 1]!;
    world.counters.joinSyncS.push(((world.tick - since) * world.config.tickMs) / 1000);
  }
  world.summaries.length = 0;
}

export interface JoinReport {
  nodes: number;
  synced: number;
  meanSyncS: number;
  maxSyncS: number;
  /** Bytes on air of join traffic (requests and summaries), all joiners. */
  bytes: number;
  /** What replaying the consensus history to every joiner would have put on air. */
  replayBytes: number;
  /** 1 − bytes / replayBytes. */
  saved: number;
  /** Mean over synced joiners of ‖joiner model − its honest neighbours' mean‖ / ‖that mean‖ at the end. */
  drift: number;
  /** The same measure over the original honest nodes: the baseline a joiner is compared with. */
  memberDrift: number;
}

/** ‖model(eid) − mean model of its present honest neighbours‖ / ‖that mean‖, or null without such neighbours. */
function localDrift(world: SimWorld, eid: number, local: Float64Array): number | null {
  const { Membership, Role, Consensus } = world.components;
  const { offsets, neighbours } = world.hood;
  const { model } = Consensus;
  local.fill(0);
  let count = 0;
  for (let s = offsets[eid - 1]!; s < offsets[eid]!; s++) {
    const j = neighbours[s]! + 1;
    if (Role.kind[j] !== ROLE_HONEST || Membership.state[j] !== MEMBER_PRESENT) continue;
    for (let k = 0; k < MODEL_DIM; k++) local[k]! += model[MODEL_DIM * j + k]! / 65536;
    count++;
  }
  if (count === 0) return null;
  let diff = 0;
  let norm = 0;
  for (let k = 0; k < MODEL_DIM; k++) {
    const b = local[k]! / count;
    diff += (model[MODEL_DIM * eid + k]! / 65536 - b) ** 2;
    norm += b * b;
  }
  return Math.sqrt(diff) / Math.max(1e-12, Math.sqrt(norm));
}

export function joinReport(world: SimWorld): JoinReport {
  const c = world.counters;
  const { Membership, Role } = world.components;
  // Each synced joiner against the mean model of its present honest neighbours: "in consensus" is local. The
  // same measure over the original honest nodes is the baseline: how far any member sits from its neighbourhood.
  const local = new Float64Array(MODEL_DIM);
  const meanDrift = (from: number, to: number, honestOnly: boolean) => {
    let sum = 0;
    let n = 0;
    for (let eid = from; eid <= to; eid++) {
      if (Membership.state[eid] !== MEMBER_PRESENT || (honestOnly && Role.kind[eid] !== ROLE_HONEST)) continue;
      const d = localDrift(world, eid, local);
      if (d === null) continue;
      sum += d;
      n++;
    }
    return n > 0 ? Math.round((sum / n) * 100000) / 100000 : 0;
  };
  const drift = meanDrift(world.config.nodes + 1, world.n, false);
  const memberDrift = meanDrift(1, world.config.nodes, true);
  const times = c.joinSyncS;
  return {
    nodes: world.config.join,
    synced: c.joinsSynced,
    meanSyncS: times.length ? Math.round((times.reduce((x, y) => x + y, 0) / times.length) * 1000) / 1000 : 0,
    maxSyncS: times.length ? Math.max(...times) : 0,
    bytes: c.joinBytes,
    replayBytes: c.joinReplayBytes,
    saved: c.joinReplayBytes > 0 ? Math.round((1 - c.joinBytes / c.joinReplayBytes) * 10000) / 10000 : 0,
    drift,
    memberDrift,
  };
}
