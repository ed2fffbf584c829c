// Consensus: at the end of every round each honest node applies the rule honestRoundAt to the models it heard
// from its radio neighbours this round (silent mode: the models it holds, heard this round or earlier) (src/core/rules/consensus.ts: own-data check, own-data filter, robust
// aggregate, reputation, lazy averaging, innovation); each attacker applies attackerRoundAt to the honest models
// it heard. Every update of a round is computed from the same old models (double-buffered): node order does not
// matter. Joiners have installed a received summary gene just before (systems/join.ts).
import { getAggregator, getAttack, type AggregatorSpec, type AttackFn } from '../src/core/consensus/index';
import { attackerRoundAt, heldUsable, honestRoundAt, roundEndsAt, settledAt, tallyBans, type RoundView } from '../src/core/rules/consensus';
import { roundOf } from '../src/core/rules/silence';
import { rngAt } from '../src/core/rules/random';
import { isBanned } from '../src/core/rules/trust';
import { ROLE_HONEST } from '../components/body';
import { MODEL_DIM } from '../components/consensus';
import { defineSystem, type SimWorld } from '../src/sim/system';
import { MEMBER_PRESENT } from '../components/membership';

let honestSeen = new Int32Array(0);

function viewOf(world: SimWorld): RoundView {
  const { Consensus } = world.components;
  const { neighbours } = world.hood;
  if (world.config.chatty) {
    // A model counts only in the round it is heard, and it is the sender's own column (the bytes were checked).
    return {
      start: 0,
      end: 0,
      trust: Consensus.trust,
      heard: Consensus.heard,
      source: Consensus.model,
      rowOf: (s) => MODEL_DIM * (neighbours[s]! + 1),
      push: Consensus.push,
    };
  }
  // Silent: each receiver's held copy of each neighbour's last broadcast, with the round it was heard in.
  const round = roundOf(world.tick, world.roundTicks);
  return {
    start: 0,
    end: 0,
    trust: Consensus.trust,
    heard: Consensus.heard,
    source: Consensus.held,
    rowOf: (s) => MODEL_DIM * s,
    heldRound: Consensus.heldRound,
    round,
    push: Consensus.push,
  };
}

function honestRound(world: SimWorld, spec: AggregatorSpec, next: Int32Array): void {
  const { Consensus, Neuron, Role, Evolution, Membership } = world.components;
  const { offsets } = world.hood;
  const view = viewOf(world);
  for (let eid = 1; eid <= world.n; eid++) {
    if (Role.kind[eid] !== ROLE_HONEST || Membership.state[eid] !== MEMBER_PRESENT) continue;
    view.start = offsets[eid - 1]!;
    view.end = offsets[eid]!;
    const settled = settledAt(Evolution, eid, world.tick, world.config.tickMs);
    honestRoundAt(Neuron, Consensus.model, Consensus.anchor, eid, settled, view, spec, world.config.ownDataFilter, next);
  }
}

function attackerRound(world: SimWorld, attack: AttackFn, round: number, next: Int32Array): void {
  const { Consensus, Role } = world.components;
  const { offsets, neighbours } = world.hood;
  const { model } = Consensus;
  const view = viewOf(world);
  for (let eid = 1; eid <= world.n; eid++) {
    if (Role.kind[eid] === ROLE_HONEST) continue;
    const degree = offsets[eid]! - offsets[eid - 1]!;
    if (honestSeen.length < degree * MODEL_DIM) honestSeen = new Int32Array(degree * MODEL_DIM);
    // What the attacker heard this round from nodes outside its coalition.
    let nHonest = 0;
    for (let s = offsets[eid - 1]!; s < offsets[eid]!; s++) {
      const j = neighbours[s]! + 1;
      if (Role.kind[j] !== ROLE_HONEST || !heldUsable(view, s)) continue;
      const jo = view.rowOf(s);
      honestSeen.set(view.source.subarray(jo, jo + MODEL_DIM), nHonest * MODEL_DIM);
      nHonest++;
    }
    attackerRoundAt(attack, model, eid, honestSeen, nHonest, degree, rngAt(world.seeds.attack, eid, round), next, world.components.Neuron);
  }
}

/** Counts bans after a round (the rule tallyBans over every honest node's reputation table). */
export function countBans(world: SimWorld): { attackers: number; honest: number; unheard: number } {
  const { Consensus, Role } = world.components;
  const { offsets, neighbours } = world.hood;
  return tallyBans(
    world.n,
    (j) => Role.kind[j] === ROLE_HONEST,
    (visit) => {
      for (let eid = 1; eid <= world.n; eid++) {
        if (Role.kind[eid] !== ROLE_HONEST) continue;
        for (let s = offsets[eid - 1]!; s < offsets[eid]!; s++) visit(neighbours[s]! + 1, isBanned(Consensus.trust, s));
      }
    },
  );
}

export const consensusSystem = defineSystem({
  name: 'consensus',
  reads: ['Neuron', 'Role', 'Evolution', 'Membership'],
  writes: ['Consensus'],
  channels: { reads: ['seeds'], writes: ['counters'] },
  run(world) {
    const { config, tick, counters, roundTicks } = world;
    const { Consensus } = world.components;
    if (!roundEndsAt(tick, roundTicks)) return;
    const round = Math.floor(tick / roundTicks) + 1;
    const next = Consensus.model.slice();
    honestRound(world, getAggregator(config.aggregator), next);
    if (config.attack !== 'none') attackerRound(world, getAttack(config.attack), round - 1, next);
    Consensus.model.set(next);
    Consensus.heard.fill(0);
    const bans = countBans(world);
    if (bans.attackers > counters.bans.attackers) counters.lastAttackerBanRound = round;
    counters.bans = bans;
    counters.rounds = round;
  },
});
