// Gossip: the radio traffic nodes start this tick.
// - Cure requests: a node in Storm for more than REQUEST_AFTER_S broadcasts a request, then waits, doubling
//   its wait after each unanswered request (never every tick). With --prefetch (never under --secure) a storm
//   the node saw coming (PreStorm within the 2 s before it; noteWarning, warnedStorm) is asked about at its onset.
// - Cure replies: an Evolved neighbour not itself in Storm that heard a request answers *to the requester* with its gene
//   (silent mode: only a fresh cure it vouches for, once per REPLY_HOLD_S per neighbour; src/core/rules/cure.ts).
//   Attackers answer too, with a poisoned gene; the requester's own check is what stops them.
// - Consensus, silent mode (the default; src/core/rules/silence.ts): each node's energy mode for this tick, then
//   at its beacon slot a node broadcasts its model only with news (moved, heartbeat, owed to deep sleepers,
//   asked). Chatty mode (--chatty): once per round every node broadcasts its model (attackers: their crafted
//   vector), spread over the first half of the round so the radios do not all key up at once.
// Mid-flight joiners' traffic is the next system (systems/join.ts). --secure replies go through the cure
// protocol of src/sim/secure.ts (the systems' one declared exception to importing src/sim internals).
import { encodeGene } from '../src/core/gene/gene';
import { DEFAULT_MU, LAGS } from '../src/core/neuron/kernel';
import { askedAtOnce, canCure, cureRequestDue, noteWarning, poisonWeights, silentAnswer } from '../src/core/rules/cure';
import { ROLE_HONEST } from '../components/body';
import { MODEL_DIM } from '../components/consensus';
import { BROADCAST, MSG_CONSENSUS, MSG_CURE_REPLY, MSG_CURE_REQUEST } from '../src/core/net/message';
import { defineSystem, type SimWorld } from '../src/sim/system';
import { buildSecureCureBody, forgeSecureCureBody, pumpSecureOutbox, queueSecureReply } from '../src/sim/secure';
import { MEMBER_ABSENT, MEMBER_PRESENT } from '../components/membership';
import { EXPOSED_LEVEL } from '../src/core/rules/model';
import {
  attackerSpeaks,
  beaconTicks,
  energyModeAt,
  honestSpeaks,
  listensAt,
  MODE_ACTIVE,
  newsThreshold,
  pingTick,
  type HeldView,
  roundOf,
  type AttackerSpeech,
} from '../src/core/rules/silence';

const poison = new Int32Array(LAGS);

function send(world: SimWorld, from: number, to: number, type: number, body?: Uint8Array): void {
  world.radio.send(from, to, type, body);
}

function broadcastModel(world: SimWorld, eid: number): void {
  const { model } = world.components.Consensus;
  const mo = MODEL_DIM * eid;
  send(world, eid, BROADCAST, MSG_CONSENSUS, encodeGene({ weights: model.subarray(mo, mo + LAGS), bias: model[mo + LAGS]!, mu: DEFAULT_MU }));
}

/** Silent mode: every node's energy mode for this tick (and its listen count), then the beacon: the nodes whose
 *  slot this is speak if they carry news (honestSpeaks; attackers by their speech policy). */
function silentSends(world: SimWorld): void {
  const { Regime, Evolution, Role, Consensus, Membership, Speech, Energy, Noise, Neuron } = world.components;
  const { n, tick, config, roundTicks, counters } = world;
  const round = roundOf(tick, roundTicks);
  counters.listenTicks ??= new Float64Array(n + 1);
  const listen = counters.listenTicks;
  for (let eid = 1; eid <= n; eid++) {
    const member = Membership.state[eid]!;
    let mode = MODE_ACTIVE;
    if (Role.kind[eid] === ROLE_HONEST && member === MEMBER_PRESENT) {
      const exposed = Noise.level[eid]! > EXPOSED_LEVEL;
      mode = energyModeAt(Regime.regime[eid]!, Evolution.evolved[eid] === 1, exposed, Energy, eid, tick, round);
    }
    Energy.mode[eid] = mode;
    if (member !== MEMBER_ABSENT && listensAt(mode, tick, roundTicks)) listen[eid]!++;
  }
  const width = beaconTicks(roundTicks);
  const phase = tick % roundTicks;
  if (phase >= width) return;
  const policy = config.attackerSpeech as AttackerSpeech;
  const view: HeldView = { start: 0, end: 0, source: Consensus.held, rowOf: (s) => MODEL_DIM * s, heldRound: Consensus.heldRound, trust: Consensus.trust };
  // The rule beaconSlotAt(eid, tick, roundTicks) holds for exactly these eids this tick (a stride, not a scan).
  for (let eid = 1 + phase; eid <= n; eid += width) {
    if (Membership.state[eid] !== MEMBER_PRESENT) continue;
    if (Role.kind[eid] === ROLE_HONEST) {
      view.start = world.hood.offsets[eid - 1]!;
      view.end = world.hood.offsets[eid]!;
      if (!honestSpeaks(Speech, Energy, Consensus.model, eid, round, newsThreshold(Consensus.model, MODEL_DIM * eid, view))) continue;
    } else if (config.attack === 'none' || !attackerSpeaks(policy, Speech, Energy, Consensus.model, Neuron.recent, eid, round)) continue;
    broadcastModel(world, eid);
  }
}

export const gossipSystem = defineSystem({
  name: 'gossip',
  reads: ['Regime', 'Evolution', 'Neuron', 'Role', 'Consensus', 'Membership', 'Noise'],
  writes: ['Radio', 'Speech', 'Energy'],
  channels: { reads: ['seeds'], writes: ['requests', 'link', 'counters', 'secure'] },
  run(world) {
    const { Regime, Evolution, Neuron, Role, Radio, Membership, Speech } = world.components;
    const { n, tick, config, counters } = world;

    if (config.gossip) {
      const requests = world.requests;
      for (let k = 0; k < requests.length; k += 2) {
        const responder = requests[k]!;
        const requester = requests[k + 1]!;
        if (Role.kind[responder] !== ROLE_HONEST) {
          if (config.attack === 'none' || !config.poisonCures) continue; // a silent node, or consensus-only attacker
          // A poisoned "cure": plausible-looking weights that predict nothing.
          poisonWeights(world.seeds.attack, responder, tick, poison);
          const poisonGene = { weights: poison, bias: 0, mu: DEFAULT_MU };
          if (world.secure) {
            // --secure: a well-formed body with a valid commitment to the poison and a replayed (forged) proof.
            if (queueSecureReply(world, responder, requester, forgeSecureCureBody(world, responder, poisonGene))) counters.repliesSent++;
            continue;
          }
          send(world, responder, requester, MSG_CURE_REPLY, encodeGene(poisonGene));
          counters.repliesSent++;
        } else if (
          canCure(Regime, Evolution, responder) &&
          (config.chatty || silentAnswer(Neuron, Evolution, Speech.replied, responder, world.radio.slotOf(responder, requester), tick, config.tickMs))
        ) {
          const wo = LAGS * responder;
          const gene = { weights: Neuron.weights.subarray(wo, wo + LAGS), bias: Neuron.bias[responder]!, mu: DEFAULT_MU };
          if (world.secure) {
            // --secure: gene + commitment + transition proof(s), proved once per gene version, sent in parts.
            if (queueSecureReply(world, responder, requester, buildSecureCureBody(world, responder, gene))) counters.repliesSent++;
            continue;
          }
          send(world, responder, requester, MSG_CURE_REPLY, encodeGene(gene));
          counters.repliesSent++;
        }
      }
      requests.length = 0;
      const prefetch = config.prefetch && !world.secure; // --secure: not measured with prefetch, so off
      if (world.secure) pumpSecureOutbox(world, (from, to, part) => send(world, from, to, MSG_CURE_REPLY, part));

      // Silent mode: cure requests go on ping ticks only, where Alert radios listen (silence.ts).
      const requestSlot = config.chatty || pingTick(tick);
      for (let eid = 1; (requestSlot || prefetch) && eid <= n; eid++) {
        if (Role.kind[eid] !== ROLE_HONEST || Membership.state[eid] !== MEMBER_PRESENT) continue;
        if (prefetch) noteWarning(Regime, Radio, eid, tick); // every tick: the last PreStorm tick
        if (!requestSlot) continue;
        if (cureRequestDue(Regime, Evolution, Radio, eid, eid, tick, config.tickMs, world.seeds.gossip, !config.chatty, prefetch)) {
          send(world, eid, BROADCAST, MSG_CURE_REQUEST);
          counters.requestsSent++;
          if (prefetch && askedAtOnce(Evolution, Radio, eid, tick, config.tickMs)) counters.prefetchRequests++;
        }
      }
    } else {
      world.requests.length = 0;
    }

    const roundTicks = world.roundTicks;
    if (!config.chatty) {
      silentSends(world);
      return;
    }
    const spread = Math.max(1, roundTicks >> 1);
    const phase = tick % roundTicks;
    if (phase < spread) {
      // The rule consensusSendsAt(eid, tick, roundTicks) holds for exactly these eids this tick (a stride, not a scan).
      for (let eid = 1 + phase; eid <= n; eid += spread) {
        if (config.attack === 'none' && Role.kind[eid] !== ROLE_HONEST) continue; // a silent node
        if (Membership.state[eid] !== MEMBER_PRESENT) continue; // not in the network (yet)
        broadcastModel(world, eid);
      }
    }
  },
});
