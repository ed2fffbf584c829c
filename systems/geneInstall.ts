// Gene install: a node that receives a cure checks it on its own recent window and installs it only if it
// predicts clearly better than what it has (INSTALL_MARGIN) and well in absolute terms (CURE_MAX_MSE: a cure,
// not merely less bad than a node lost in a storm); the sender earns reputation for a useful cure.
// A gene that predicts far worse is a failed check, an undecodable one is garbage: both cost the sender
// reputation. Cures from banned neighbours are ignored. Nothing else is touched.
import { decodeGene, GeneDecodeError } from '../src/core/gene/gene';
import { LAGS } from '../src/core/neuron/kernel';
import { STORM } from '../src/core/neuron/regimeDetector';
import { defineSystem } from '../src/sim/system';
import { recentWindowMse } from '../src/sim/recentWindow';
import { BAD_CURE_FACTOR, CURE_MAX_MSE, INSTALL_MARGIN_DEN, INSTALL_MARGIN_NUM } from '../src/sim/model';
import { adjustTrust, isBanned, TRUST_FAILED, TRUST_REWARD } from '../src/sim/trust';
import { slotOf } from '../src/sim/placement';
import { acceptSecureReply } from '../src/sim/secure';

export const geneInstallSystem = defineSystem({
  name: 'geneInstall',
  reads: ['Regime'],
  writes: ['Neuron', 'Evolution', 'Consensus'],
  run(world) {
    const { Neuron, Regime, Evolution, Consensus } = world.components;
    const { counters } = world;
    const { trust } = Consensus;
    for (const reply of world.replies) {
      const eid = reply.to;
      if (Regime.regime[eid] !== STORM || Evolution.installed[eid]) continue; // already cured, or no longer needs it
      const slot = slotOf(world.hood, eid - 1, reply.from - 1);
      if (slot < 0 || isBanned(trust, slot)) continue; // not a neighbour, or banned: ignored
      let geneBytes = reply.gene;
      let anchored = false;
      if (world.secure) {
        // --secure: the proof is checked before the gene is even decoded. A failed one is a failed check.
        const verdict = acceptSecureReply(world, eid, reply.from, reply.gene);
        if (verdict.status === 'pending' || verdict.status === 'duplicate') continue; // more parts to come, or a late one
        if (verdict.status === 'rejected') {
          if (verdict.penalise) adjustTrust(trust, slot, -TRUST_FAILED);
          continue;
        }
        geneBytes = verdict.geneBytes;
        anchored = verdict.anchored; // an anchor proves no bounded history: no reward (src/sim/secure.ts)
      }
      let gene;
      try {
        gene = decodeGene(geneBytes);
      } catch (err) {
        if (!(err instanceof GeneDecodeError)) throw err;
        counters.corruptMessages++;
        adjustTrust(trust, slot, -TRUST_FAILED); // it sent garbage
        continue;
      }
      const wo = LAGS * eid;
      const mine = recentWindowMse(Neuron.recent, eid, Neuron.weights, wo, Neuron.bias[eid]!);
      const theirs = recentWindowMse(Neuron.recent, eid, gene.weights, 0, gene.bias);
      if (theirs <= CURE_MAX_MSE && theirs * INSTALL_MARGIN_DEN < mine * INSTALL_MARGIN_NUM) {
        Neuron.weights.set(gene.weights, wo);
        Neuron.bias[eid] = gene.bias;
        Evolution.installed[eid] = 1;
        counters.genesInstalled++;
        if (!anchored) adjustTrust(trust, slot, TRUST_REWARD);
      } else {
        counters.genesRejected++;
        if (theirs > BAD_CURE_FACTOR * mine) adjustTrust(trust, slot, -TRUST_FAILED);
      }
    }
    world.replies.length = 0;
  },
});
