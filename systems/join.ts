// Mid-flight join. A joiner wakes up at joinAtS, broadcasts a summary request (retrying: the network may lose
// 90 % of it), and any present neighbour answers, addressed to the joiner, with the summary gene of its consensus
// state (round, weights, spread; 34 bytes, so the reply is one 51-byte LoRa frame). The joiner installs the first
// valid one into its consensus model and is in consensus at once, without replaying the history of genes.
// Two systems: `join` (after gossip) wakes joiners, sends their requests and answers the requests heard last
// tick; `joinInstall` (before consensus) installs the summaries received this tick. Who answers and how a
// summary is adopted are rules (src/core/rules/join.ts). The join report is src/sim/join.ts (outside the tick).
import { decodeSummaryGene, encodeSummaryGene, SummaryDecodeError } from '../src/core/gene/summary';
import { LAGS } from '../src/core/neuron/kernel';
import { fragmentCount, frameHeaderBytes } from '../src/core/net/fragment';
import { radioAuthBytes, type RadioAuthMode } from '../src/core/net/radioAuth';
import { BROADCAST, MESSAGE_HEADER_BYTES, MSG_SUMMARY, MSG_SUMMARY_REQUEST } from '../src/core/net/message';
import { GENE_BYTES } from '../src/core/gene/gene';
import { JOIN_RETRY_S } from '../src/core/rules/model';
import { adoptSummary, answersJoin } from '../src/core/rules/join';
import { ROLE_HONEST } from '../components/body';
import { MODEL_DIM } from '../components/consensus';
import { MEMBER_ABSENT, MEMBER_JOINING, MEMBER_PRESENT } from '../components/membership';
import { defineSystem, type SimWorld } from '../src/sim/system';

const weights = new Int32Array(LAGS);
const attemptByte = new Uint8Array(1);

function send(world: SimWorld, from: number, to: number, type: number, body?: Uint8Array): void {
  const bytes = world.radio.send(from, to, type, body);
  const checksum = world.config.radioAuth === 'none'; // the link model's framing (src/sim/linkModel.ts)
  world.counters.joinBytes += bytes + fragmentCount(bytes, world.config.mtu, checksum) * frameHeaderBytes(checksum);
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

/**
 * What replaying the history would have cost this joiner: every consensus message its neighbours broadcast so
 * far, each sent 1 / (1 − loss) times on average to get through the same lossy link (the join traffic is
 * counted as really sent, retries included, so both sides pay for the loss).
 */
function replayBytes(world: SimWorld, eid: number, rounds: number): number {
  const { offsets, neighbours } = world.hood;
  const mode = world.config.radioAuth as RadioAuthMode;
  const checksum = mode === 'none';
  let perRound = 0;
  for (let s = offsets[eid - 1]!; s < offsets[eid]!; s++) {
    // Each neighbour's broadcast, with its authentication trailer for its own radio neighbours.
    const j = neighbours[s]!;
    const message = MESSAGE_HEADER_BYTES + GENE_BYTES + radioAuthBytes(mode, true, offsets[j + 1]! - offsets[j]!);
    perRound += message + fragmentCount(message, world.config.mtu, checksum) * frameHeaderBytes(checksum);
  }
  return Math.round((rounds * perRound) / (1 - world.config.loss));
}

/** Wakes joiners, sends their (rate-limited) requests, answers the requests heard last tick. */
export const joinSystem = defineSystem({
  name: 'join',
  reads: ['Role', 'Consensus'],
  writes: ['Membership', 'Radio'],
  channels: { reads: [], writes: ['summaryRequests', 'link', 'counters'] },
  run(world) {
    const { Membership, Radio, Role } = world.components;
    const { tick, config, roundTicks } = world;
    const requests = world.summaryRequests;
    const joinTick = Math.round((config.joinAtS * 1000) / config.tickMs);
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
      // the joiner needs, and at 90 % loss a request and a two-frame reply get through ~1 time in 100 per
      // neighbour. The request carries its attempt number (Radio.backoff counts them for a joiner) so that
      // neighbours can share the answering (the rule answersJoin).
      attemptByte[0] = Radio.backoff[eid]!;
      send(world, eid, BROADCAST, MSG_SUMMARY_REQUEST, attemptByte);
      Radio.nextRequestTick[eid] = tick + Math.ceil(JOIN_RETRY_S * ticksPerS);
      if (Radio.backoff[eid]! < 255) Radio.backoff[eid]!++;
    }
    for (let k = 0; k < requests.length; k += 3) {
      const responder = requests[k]!;
      const joiner = requests[k + 1]!;
      if (Role.kind[responder] !== ROLE_HONEST || Membership.state[responder] !== MEMBER_PRESENT) continue;
      const degree = world.hood.offsets[joiner]! - world.hood.offsets[joiner - 1]!;
      if (!answersJoin(responder, joiner, requests[k + 2]!, degree)) continue;
      send(world, responder, joiner, MSG_SUMMARY, summaryOf(world, responder, Math.floor(tick / roundTicks)));
    }
    requests.length = 0;
  },
});

/** A joiner installs the first valid summary it receives and is in consensus from then on. */
export const joinInstallSystem = defineSystem({
  name: 'joinInstall',
  reads: [],
  writes: ['Consensus', 'Membership'],
  channels: { reads: [], writes: ['summaries', 'counters'] },
  run(world) {
    const summaries = world.summaries;
    if (summaries.length === 0) return;
    const { Membership, Consensus } = world.components;
    for (const { to, body } of summaries) {
      if (Membership.state[to] !== MEMBER_JOINING) continue;
      let summary: ReturnType<typeof decodeSummaryGene>;
      try {
        summary = decodeSummaryGene(body);
      } catch (err) {
        if (!(err instanceof SummaryDecodeError)) throw err;
        world.counters.corruptMessages++;
        continue;
      }
      adoptSummary(Consensus.model, Consensus.anchor, to, summary);
      Membership.state[to] = MEMBER_PRESENT;
      world.counters.joinsSynced++;
      const since = Membership.since[to - world.config.nodes - 1]!;
      world.counters.joinSyncS.push(((world.tick - since) * world.config.tickMs) / 1000);
    }
    summaries.length = 0;
  },
});
