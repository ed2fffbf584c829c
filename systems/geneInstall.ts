// Gene install: the cures each node received this tick are judged by the rule judgeCures (checked on the
// receiver's own recent window; the best one that passes is installed and its sender rewarded; a far worse one
// is a failed check). An undecodable cure is garbage and costs its sender reputation; cures from banned
// neighbours are ignored. In --secure runs the proof is checked before the gene is even decoded.
// In Storm, the best cure of a tick that failed (a near miss, holdNearMiss) is held and tested again every tick
// while the storm fills the node's window.
import { decodeGene, GeneDecodeError } from '../src/core/gene/gene';
import { cureStep, garbageFrom, ignored, needsCure, type CureOffer } from '../src/core/rules/cure';
import { refuseSecureCure } from '../src/core/rules/secureCure';
import { defineSystem, type SimWorld } from '../src/sim/system';
// The declared exception: the --secure cure protocol (src/sim/secure.ts) checks proofs before a gene is decoded.
import { acceptSecureReply } from '../src/sim/secure';

const offers: CureOffer[] = [];
/** The nodes judged with this tick's replies (the held-cure pass below skips them: one cure step a tick, as the
 *  daemon's). */
const judged = new Set<number>();

function judge(world: SimWorld, eid: number): void {
  const { Neuron, Regime, Evolution, Consensus, Radio } = world.components;
  const { counters } = world;
  const r = cureStep(Neuron, Regime, Evolution, Radio, Consensus.trust, eid, world.tick, world.config.tickMs, offers);
  if (r.installed >= 0 || r.nearMissInstalled) counters.genesInstalled++;
  if (r.nearMissInstalled) counters.nearMissInstalled++;
  counters.genesRejected += r.rejected;
  offers.length = 0;
  judged.add(eid);
}

export const geneInstallSystem = defineSystem({
  name: 'geneInstall',
  reads: ['Regime'],
  writes: ['Neuron', 'Evolution', 'Consensus', 'Radio'],
  channels: { reads: [], writes: ['replies', 'counters', 'secure'] },
  run(world) {
    const { Consensus, Radio, Regime, Evolution } = world.components;
    const { counters, n } = world;
    const { trust } = Consensus;
    // Replies arrive grouped by nothing in particular: sort by receiver (stable), judge each receiver's batch.
    const replies = world.replies.sort((a, b) => a.to - b.to);
    let current = -1;
    for (const reply of replies) {
      const eid = reply.to;
      if (eid !== current) {
        if (current >= 0) judge(world, current);
        current = eid;
      }
      if (!needsCure(Regime, Evolution, eid)) continue; // already cured, or no longer needs it
      const slot = world.radio.slotOf(eid, reply.from);
      if (slot < 0 || ignored(trust, slot)) continue; // not a neighbour, or banned: ignored
      let geneBytes = reply.gene;
      let anchored = false;
      if (world.secure) {
        const verdict = acceptSecureReply(world, eid, reply.from, reply.gene);
        if (verdict.status === 'pending' || verdict.status === 'duplicate') continue; // more parts to come, or a late one
        if (verdict.status === 'rejected') {
          refuseSecureCure(trust, slot, verdict); // a failed check, unless only late (the daemon's rule too)
          continue;
        }
        geneBytes = verdict.geneBytes;
        anchored = verdict.anchored; // an anchor proves no bounded history: no reward (src/core/rules/secureCure.ts)
      }
      try {
        const gene = decodeGene(geneBytes);
        offers.push({ slot, weights: gene.weights, bias: gene.bias, anchored });
      } catch (err) {
        if (!(err instanceof GeneDecodeError)) throw err;
        counters.corruptMessages++;
        garbageFrom(trust, slot); // it sent garbage
      }
    }
    if (current >= 0) judge(world, current);
    world.replies.length = 0;
    // Held near misses of nodes that heard no reply this tick: tested again, as the daemon's cure step does every
    // tick.
    for (let eid = 1; eid <= n; eid++) if (Radio.heldSlot[eid] !== 0 && !judged.has(eid)) judge(world, eid);
    judged.clear();
  },
});
