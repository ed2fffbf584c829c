// Packet physics: frames whose airtime has ended reach the sender's radio neighbours (each may lose them, and in
// silent mode a receiver whose radio sleeps at that tick does not hear them: src/core/rules/silence.ts), are
// reassembled, decoded and handed to the systems that act on them. Malformed messages are counted and
// dropped; they never stop the swarm.
import { decodeGene, GeneDecodeError, type Gene } from '../src/core/gene/gene';
import { LAGS } from '../src/core/neuron/kernel';
import { MODEL_DIM } from '../components/consensus';
import { ACTIVITY_DECAY_PER_S } from '../src/core/rules/model';
import {
  decodeMessageHeader,
  MESSAGE_HEADER_BYTES,
  MessageDecodeError,
  MSG_CONSENSUS,
  MSG_CURE_REPLY,
  MSG_CURE_REQUEST,
  MSG_SUMMARY,
  MSG_SUMMARY_REQUEST,
} from '../src/core/net/message';
import { MEMBER_ABSENT, MEMBER_JOINING } from '../components/membership';
import { defineSystem, type SimWorld } from '../src/sim/system';
import { heardRequest, listensAt, roundOf, takeHeld, wakeDelta } from '../src/core/rules/silence';
import { isBanned } from '../src/core/rules/trust';

// A broadcast reaches every neighbour as one shared view of the same bytes: decode it once, not per receiver.
let lastConsensus: { bytes: Uint8Array; gene: Gene } | null = null;

function onMessage(world: SimWorld, receiver: number, sealed: Uint8Array, messageId: number): void {
  const { Consensus, Membership } = world.components;
  const membership = Membership.state[receiver]!;
  if (membership === MEMBER_ABSENT) return; // not on the network yet: hears nothing
  try {
    if (membership === MEMBER_JOINING && sealed[0] !== MSG_SUMMARY) return; // a joiner waits for its summary
    // The trailer, the sender's neighbourhood and the id's freshness first (src/sim/radio.ts): a message that fails
    // is counted and dropped here, before any rule sees it, so it can cost nobody reputation.
    const opened = world.radio.open(receiver, messageId, sealed);
    if (typeof opened === 'string') {
      world.counters.radioDrops[opened]++;
      return;
    }
    const sender = opened.from;
    const bytes = opened.message;
    const header = decodeMessageHeader(bytes);
    const body = bytes.subarray(MESSAGE_HEADER_BYTES);
    if (header.type === MSG_CURE_REQUEST) {
      world.requests.push(receiver, sender);
      // A request from a neighbour this node has banned does not wake it (the daemon drops it on arrival).
      const slot = world.radio.slotOf(receiver, sender);
      if (slot >= 0 && !isBanned(Consensus.trust, slot)) heardRequest(world.components.Energy, receiver, world.tick, world.config.tickMs);
    } else if (header.type === MSG_CURE_REPLY) {
      world.replies.push({ to: receiver, from: sender, gene: body });
    } else if (header.type === MSG_SUMMARY_REQUEST) {
      world.summaryRequests.push(receiver, sender, body.length > 0 ? body[0]! : 0); // (attempt number)
      world.components.Speech.asked[receiver] = 1; // a newcomer: speak at the next beacon
    } else if (header.type === MSG_SUMMARY) {
      if (header.to === receiver) world.summaries.push({ to: receiver, from: sender, body });
    } else if (header.type === MSG_CONSENSUS) {
      if (lastConsensus?.bytes !== bytes) lastConsensus = { bytes, gene: decodeGene(body) };
      const gene = lastConsensus.gene;
      // The vector is the sender's model of this round; a stale one (delayed past the round end) is ignored.
      const mo = MODEL_DIM * sender;
      for (let k = 0; k < LAGS; k++) if (gene.weights[k] !== Consensus.model[mo + k]) return;
      if (gene.bias !== Consensus.model[mo + LAGS]) return;
      const { offsets, neighbours } = world.hood;
      for (let s = offsets[receiver - 1]!; s < offsets[receiver]!; s++) {
        if (neighbours[s] !== sender - 1) continue;
        Consensus.heard[s >> 3]! |= 1 << (s & 7);
        if (world.config.chatty || isBanned(Consensus.trust, s)) continue; // a banned neighbour is not listened to
        // Silent mode: the receiver keeps this model until the sender speaks again (silence.ts takeHeld).
        const round = roundOf(world.tick, world.roundTicks);
        const { Energy } = world.components;
        if (takeHeld(Consensus.held, MODEL_DIM * s, Consensus.heldRound, s, gene.weights, gene.bias, round, wakeDelta(Energy.mode[receiver]!)))
          world.components.Energy.newsRound[receiver] = round;
      }
    }
  } catch (err) {
    if (err instanceof MessageDecodeError || err instanceof GeneDecodeError) world.counters.corruptMessages++;
    else throw err;
  }
}

export const packetPhysicsSystem = defineSystem({
  name: 'packetPhysics',
  reads: ['Membership'],
  writes: ['Radio', 'Consensus', 'Speech', 'Energy', 'Auth'],
  channels: { reads: [], writes: ['link', 'requests', 'replies', 'summaryRequests', 'summaries', 'counters'] },
  run(world) {
    const { Radio } = world.components;
    // Activity is 0..255; ACTIVITY_DECAY_PER_S is Q16 per second.
    const decay = Math.max(1, Math.round((ACTIVITY_DECAY_PER_S * 255 * world.config.tickMs) / (1000 * 65536)));
    for (let eid = 1; eid <= world.n; eid++) {
      const a = Radio.activity[eid]!;
      if (a > 0) Radio.activity[eid] = a > decay ? a - decay : 0;
    }
    const { Energy } = world.components;
    const { roundTicks } = world;
    const listens = world.config.chatty ? undefined : (receiver: number, tick: number) => listensAt(Energy.mode[receiver]!, tick, roundTicks);
    world.link.deliver(world.tick, (receiver, _transmitter, bytes, messageId) => onMessage(world, receiver, bytes, messageId), listens);
  },
});
