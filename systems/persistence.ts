// Persistence (enqueue only): every persistEveryS of sim time, the genes of calm Evolved honest nodes, each with
// the genes it remembers (src/core/gene/stored.ts), are queued as one batch; the runner writes the batch to storage outside the tick (docs/ARCHITECTURE.md, "Determinism contract").
import { encodeStoredNode } from '../src/core/gene/stored';
import { rememberedGenes } from '../src/core/rules/state';
import { DEFAULT_MU, LAGS } from '../src/core/neuron/kernel';
import { CALM } from '../src/core/neuron/regimeDetector';
import { ROLE_HONEST } from '../components/body';
import { defineSystem } from '../src/sim/system';

export const persistenceSystem = defineSystem({
  name: 'persistence',
  reads: ['Neuron', 'Regime', 'Evolution', 'Role'],
  writes: [],
  channels: { reads: [], writes: ['saveQueue'] },
  run(world) {
    const { config, tick, n } = world;
    const every = Math.max(1, Math.round((config.persistEveryS * 1000) / config.tickMs));
    if (tick % every !== every - 1) return;
    const { Neuron, Regime, Evolution, Role } = world.components;
    for (let eid = 1; eid <= n; eid++) {
      if (!Evolution.evolved[eid] || Regime.regime[eid] !== CALM || Role.kind[eid] !== ROLE_HONEST) continue;
      const wo = LAGS * eid;
      const gene = { weights: Neuron.weights.subarray(wo, wo + LAGS), bias: Neuron.bias[eid]!, mu: DEFAULT_MU };
      world.saveQueue.push([eid - 1, encodeStoredNode(gene, rememberedGenes(Evolution, eid))]);
    }
  },
});
