// Storm → adapt/mutate → Evolved. A node under stress (PreStorm or Storm) takes an NLMS step on its latest
// sample and now and then tries a seeded mutation, kept only if it lowers the error on its recent window.
// When it is Calm again while still exposed to the noise zone, it has healed (by gossip if it installed a
// neighbour's gene during this storm, else by itself); after EVOLVED_AFTER_S of calm exposure its gene is a
// cure and the node is Evolved.
import * as q16 from '../src/core/fixed/q16';
import { LAGS, nlmsStepAt, WEIGHT_LIMIT } from '../src/core/neuron/kernel';
import { CALM, STORM } from '../src/core/neuron/regimeDetector';
import { RECENT, HEAL_GOSSIP, HEAL_SELF } from '../components/mind';
import { ROLE_HONEST } from '../components/body';
import { defineSystem } from '../src/sim/system';
import { recentWindowMse } from '../src/sim/recentWindow';
import { CALM_DEADZONE, CALM_EVERY, CALM_MU, STORM_MU, EVOLVED_AFTER_S, EVOLVED_ENTROPY, EXPOSED_LEVEL, MUTATION_AMP, MUTATIONS_PER_S } from '../src/sim/model';

const candidate = new Int32Array(LAGS);
/** How long the view flashes a node that healed (ticks). */
const HEAL_FLASH_TICKS = 10;

export const evolutionSystem = defineSystem({
  name: 'evolution',
  reads: ['Regime', 'Noise', 'Role'],
  writes: ['Neuron', 'Evolution'],
  run(world) {
    const { Neuron, Regime, Noise, Role, Evolution } = world.components;
    const { n, tick, config, counters } = world;
    const rng = world.streams.mutation;
    const { weights, bias, recent } = Neuron;
    const mutationChance = Math.round((MUTATIONS_PER_S * config.tickMs * q16.ONE) / 1000);
    const evolvedTicks = Math.min(0xff, Math.ceil((EVOLVED_AFTER_S * 1000) / config.tickMs)); // goodTicks is one byte
    let evolved = 0;
    for (let eid = 1; eid <= n; eid++) {
      evolved += Evolution.evolved[eid]!;
      if (Evolution.flash[eid]! > 0) Evolution.flash[eid]!--;
      if (Role.kind[eid] !== ROLE_HONEST) continue;
      const regime = Regime.regime[eid]!;
      const before = Regime.prev[eid]!;
      const exposed = Noise.level[eid]! > EXPOSED_LEVEL;
      if (regime === STORM && before !== STORM) {
        Evolution.installed[eid] = 0;
        Evolution.evolved[eid] = 0; // a gene that storms is no longer a cure (the storm has changed)
      }
      if (before === STORM && regime !== STORM && exposed) {
        // Healed while the storm still blows: learning, not the zone moving away, ended it.
        const cause = Evolution.installed[eid] ? HEAL_GOSSIP : HEAL_SELF;
        if (cause === HEAL_GOSSIP) counters.healsGossip++;
        else counters.healsSelf++;
        const latency = ((tick - Evolution.stormStart[eid]!) * config.tickMs) / 1000;
        counters.healLatencyS.push(latency);
        (cause === HEAL_GOSSIP ? counters.healLatencyGossipS : counters.healLatencySelfS).push(latency);
        Evolution.flash[eid] = HEAL_FLASH_TICKS;
        Evolution.evolved[eid] = 1; // its gene just ended a storm that still blows: it is a cure
      }
      if (regime === STORM && before !== STORM) Evolution.stormStart[eid] = tick;
      // Storm: adapt hard and try mutations. Otherwise a node that is not Evolved keeps tracking its calm
      // signal gently, which also lets it forget a storm it learnt; an Evolved node keeps its cure.
      // Calm tracking runs on every CALM_EVERY-th tick per node (staggered): it is slow by nature, and a
      // quarter of the work.
      const mu =
        regime === STORM ? STORM_MU : Evolution.evolved[eid] || (tick + eid) % CALM_EVERY !== 0 ? 0 : CALM_MU;
      if (mu > 0) {
        const wo = LAGS * eid;
        const ro = RECENT * eid;
        const error = world.scratch.error[eid]!; // cortex's prediction error this tick (weights unchanged since)
        // Calm tracking is set-membership NLMS: no update while the error is within the sensor's own noise
        // (the model is as good as the data allows), which is most calm ticks.
        if (regime === STORM || q16.abs(error) > CALM_DEADZONE) {
          bias[eid] = nlmsStepAt(weights, wo, bias[eid]!, recent, ro + 1, error, mu);
        }
        if (regime === STORM && rng.chance(mutationChance)) mutate(eid);
      }
      if (exposed && regime === CALM && Neuron.entropy[eid]! < EVOLVED_ENTROPY) {
        if (Evolution.goodTicks[eid]! < 0xff) Evolution.goodTicks[eid]!++;
        if (Evolution.goodTicks[eid]! >= evolvedTicks) Evolution.evolved[eid] = 1;
      } else {
        Evolution.goodTicks[eid] = 0;
      }
    }

    counters.evolved = evolved; // counted before this tick's changes; the metrics read lags by one tick at most

    function mutate(eid: number): void {
      const wo = LAGS * eid;
      counters.mutationsTried++;
      for (let k = 0; k < LAGS; k++) {
        const u = rng.nextU32();
        const tri = (u & 0xffff) + (u >>> 16) - 0xffff;
        candidate[k] = q16.clamp(weights[wo + k]! + q16.mul(MUTATION_AMP, tri), -WEIGHT_LIMIT, WEIGHT_LIMIT);
      }
      const mine = recentWindowMse(recent, eid, weights, wo, bias[eid]!);
      const theirs = recentWindowMse(recent, eid, candidate, 0, bias[eid]!);
      if (theirs < mine) {
        weights.set(candidate, wo);
        counters.mutationsKept++;
      }
    }
  },
});
