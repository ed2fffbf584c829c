// Storm → adapt/mutate → Evolved: the rule evolutionStep for every honest node, plus the heal counters, heal
// latencies and the view's heal flash.
import { ROLE_HONEST } from '../components/body';
import { defineSystem } from '../src/sim/system';
import { EXPOSED_LEVEL } from '../src/core/rules/model';
import { evolutionStep, evolutionTiming, HEALED_FROM_MEMORY, HEALED_GOSSIP, HEALED_SELF, MUTATION_KEPT, MUTATION_TRIED } from '../src/core/rules/mind';

/** How long the view flashes a node that healed (ticks). */
const HEAL_FLASH_TICKS = 10;

export const evolutionSystem = defineSystem({
  name: 'evolution',
  reads: ['Regime', 'Noise', 'Role'],
  writes: ['Neuron', 'Evolution'],
  channels: { reads: ['scratch', 'seeds'], writes: ['counters'] },
  run(world) {
    const { Neuron, Regime, Noise, Role, Evolution } = world.components;
    const { n, tick, config, counters } = world;
    const timing = evolutionTiming(config.tickMs);
    const seed = world.seeds.mutation;
    const errors = world.scratch.error;
    let evolved = 0;
    for (let eid = 1; eid <= n; eid++) {
      evolved += Evolution.evolved[eid]!;
      if (Evolution.flash[eid]! > 0) Evolution.flash[eid]!--;
      if (Role.kind[eid] !== ROLE_HONEST) continue;
      const out = evolutionStep(Neuron, Regime, Evolution, eid, eid, tick, errors[eid]!, Noise.level[eid]! > EXPOSED_LEVEL, timing, seed);
      if (out === 0) continue;
      if (out & MUTATION_TRIED) counters.mutationsTried++;
      if (out & MUTATION_KEPT) counters.mutationsKept++;
      if (out & (HEALED_GOSSIP | HEALED_SELF)) {
        const gossip = (out & HEALED_GOSSIP) !== 0;
        if (gossip) counters.healsGossip++;
        else counters.healsSelf++;
        const latency = ((tick - Evolution.stormStart[eid]!) * config.tickMs) / 1000;
        counters.healLatencyS.push(latency);
        (gossip ? counters.healLatencyGossipS : counters.healLatencySelfS).push(latency);
        if (out & HEALED_FROM_MEMORY) {
          counters.healsFromMemory++;
          counters.healLatencyFromMemoryS.push(latency);
        }
        Evolution.flash[eid] = HEAL_FLASH_TICKS;
      }
    }
    counters.evolved = evolved; // counted before this tick's changes; the metrics read lags by one tick at most
  },
});
