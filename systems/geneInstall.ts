// Gene install: a node that receives a cure checks it on its own recent window and installs it only if it
// predicts clearly better than what it has (INSTALL_MARGIN). A gene that decodes but fails the check is
// rejected; an undecodable one is counted as corrupt. Either way nothing else is touched.
import { decodeGene, GeneDecodeError } from '../src/core/gene/gene';
import { LAGS } from '../src/core/neuron/kernel';
import { STORM } from '../src/core/neuron/regimeDetector';
import { defineSystem } from '../src/sim/system';
import { recentWindowMse } from '../src/sim/recentWindow';
import { INSTALL_MARGIN_DEN, INSTALL_MARGIN_NUM } from '../src/sim/model';

export const geneInstallSystem = defineSystem({
  name: 'geneInstall',
  reads: ['Regime'],
  writes: ['Neuron', 'Evolution'],
  run(world) {
    const { Neuron, Regime, Evolution } = world.components;
    const { counters } = world;
    for (const reply of world.replies) {
      const eid = reply.to;
      if (Regime.regime[eid] !== STORM || Evolution.installed[eid]) continue; // already cured, or no longer needs it
      let gene;
      try {
        gene = decodeGene(reply.gene);
      } catch (err) {
        if (!(err instanceof GeneDecodeError)) throw err;
        counters.corruptMessages++;
        continue;
      }
      const wo = LAGS * eid;
      const mine = recentWindowMse(Neuron.recent, eid, Neuron.weights, wo, Neuron.bias[eid]!);
      const theirs = recentWindowMse(Neuron.recent, eid, gene.weights, 0, gene.bias);
      if (theirs * INSTALL_MARGIN_DEN < mine * INSTALL_MARGIN_NUM) {
        Neuron.weights.set(gene.weights, wo);
        Neuron.bias[eid] = gene.bias;
        Evolution.installed[eid] = 1;
        counters.genesInstalled++;
      } else {
        counters.genesRejected++;
      }
    }
    world.replies.length = 0;
  },
});
