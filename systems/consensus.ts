// Consensus: at the end of every round each honest node combines its own model with the models it heard from
// its radio neighbours this round, then moves a step towards its own working gene (innovation), so the shared
// model follows what the swarm has learnt. All updates of a round are computed from the same old models
// (double-buffered), so the order of nodes does not matter.
import { LAGS } from '../src/core/neuron/kernel';
import { ROLE_HONEST } from '../components/body';
import { MODEL_DIM } from '../components/consensus';
import { defineSystem } from '../src/sim/system';
import * as q16 from '../src/core/fixed/q16';

/** The innovation step: model += (gene − model) / 2^INNOVATION_SHIFT. */
export const INNOVATION_SHIFT = 3;

export const consensusSystem = defineSystem({
  name: 'consensus',
  reads: ['Neuron', 'Role'],
  writes: ['Consensus'],
  run(world) {
    const { config, tick, n } = world;
    const roundTicks = Math.max(2, Math.round((config.consensusRoundS * 1000) / config.tickMs));
    if (tick % roundTicks !== roundTicks - 1) return;
    const { Consensus, Neuron, Role } = world.components;
    const { offsets, neighbours } = world.hood;
    const model = Consensus.model;
    const next = model.slice();
    for (let eid = 1; eid <= n; eid++) {
      if (Role.kind[eid] !== ROLE_HONEST) continue;
      const mo = MODEL_DIM * eid;
      for (let k = 0; k < MODEL_DIM; k++) {
        let sum = model[mo + k]!;
        let count = 1;
        for (let s = offsets[eid - 1]!; s < offsets[eid]!; s++) {
          if (!Consensus.heard[s]) continue;
          sum += model[MODEL_DIM * (neighbours[s]! + 1) + k]!;
          count++;
        }
        const mean = q16.divInt(sum, count);
        const own = k < LAGS ? Neuron.weights[LAGS * eid + k]! : Neuron.bias[eid]!;
        next[mo + k] = mean + ((own - mean) >> INNOVATION_SHIFT);
      }
    }
    model.set(next);
    Consensus.heard.fill(0);
  },
});
