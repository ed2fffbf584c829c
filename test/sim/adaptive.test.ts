// The adaptive attack (src/core/consensus/attacks.ts) against the rulebook's defences: it is really adaptive
// (it gets into the receivers' aggregates and is never banned), and the invisible-direction clip
// (src/core/consensus/clipping.ts, applied in honestRoundAt) keeps the drift it causes bounded.
import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/runner';
import { consensusDrift } from '../../src/sim/drift';
import { getAggregator } from '../../src/core/consensus/index';
import { honestRoundAt, ROUND_ACCEPTED, ROUND_BANNED, ROUND_FAILED, ROUND_LEFT_OUT, settledAt, type RoundView } from '../../src/core/rules/consensus';
import { ROLE_HONEST } from '../../components/body';
import { MODEL_DIM } from '../../components/consensus';

describe('the adaptive attack in the swarm (150 nodes, 30 % consensus-only attackers)', () => {
  it('passes the receivers\u2019 own-data check and filter for most of them, round after round, and is never banned', () => {
    const sim = createSim({ seed: 1, attack: 'adaptive', byzantine: 0.3, poisonCures: false, layout: false });
    const w = sim.world;
    const rt = w.roundTicks;
    const spec = getAggregator(w.config.aggregator);
    const counts = { accepted: 0, leftOut: 0, failed: 0, banned: 0 };
    for (let round = 0; round < 20; round++) {
      // Stop just before a round's last tick (everything of the round is on air), replay every honest node's
      // round on copies of its reputation bytes, and count what became of the attackers' models.
      sim.step((Math.floor(sim.tick / rt) + 1) * rt + rt - 1 - sim.tick);
      const { Consensus, Neuron, Role } = w.components;
      const { offsets, neighbours } = w.hood;
      const next = Consensus.model.slice();
      for (let eid = 1; eid <= w.n; eid++) {
        if (Role.kind[eid] !== ROLE_HONEST) continue;
        const view: RoundView = {
          start: offsets[eid - 1]!,
          end: offsets[eid]!,
          trust: Consensus.trust.slice(),
          heard: Consensus.heard,
          source: Consensus.model,
          rowOf: (s) => MODEL_DIM * (neighbours[s]! + 1),
          push: Consensus.push.slice(),
        };
        const outcome = new Uint8Array(view.end - view.start);
        honestRoundAt(
          Neuron,
          Consensus.model,
          Consensus.anchor.slice(),
          eid,
          settledAt(w.components.Evolution, eid, w.tick, w.config.tickMs),
          view,
          spec,
          true,
          next,
          outcome,
        );
        for (let s = view.start; s < view.end; s++) {
          if (Role.kind[neighbours[s]! + 1] === ROLE_HONEST) continue;
          const o = outcome[s - view.start];
          if (o === ROUND_ACCEPTED) counts.accepted++;
          else if (o === ROUND_LEFT_OUT) counts.leftOut++;
          else if (o === ROUND_FAILED) counts.failed++;
          else if (o === ROUND_BANNED) counts.banned++;
        }
      }
      sim.step(1);
    }
    const heard = counts.accepted + counts.leftOut + counts.failed + counts.banned;
    expect(heard).toBeGreaterThan(1000);
    expect(counts.accepted / heard).toBeGreaterThan(0.6); // into the aggregate
    expect(counts.failed / heard).toBeLessThan(0.03); // the check almost never fails it ...
    expect(counts.banned).toBe(0); // ... and reputation never bans it
    expect(sim.metrics().bans).toEqual({ attackers: 0, honest: 0, unheard: 0 });
  });

  it('the invisible-direction clip and its memory keep the drift bounded in a long run: under 5 % at 800, 1,600 and 2,400 s, and not growing', () => {
    // Seed 2 is the worst of seeds 1–5 without the memory: 5.34 / 6.90 / 7.14 % at these times (docs/ADAPTIVE.md);
    // with it 3.92 / 3.72 / 3.52 %.
    const attacked = createSim({ seed: 2, attack: 'adaptive', byzantine: 0.3, poisonCures: false, layout: false });
    const clean = createSim({ seed: 2, attack: 'none', byzantine: 0.3, poisonCures: false, layout: false });
    const drift: number[] = [];
    for (let k = 0; k < 3; k++) {
      attacked.step(8000);
      clean.step(8000);
      drift.push(consensusDrift(attacked, clean));
    }
    for (const d of drift) expect(d).toBeLessThan(0.05);
    expect(drift[2]!).toBeLessThan(drift[0]! + 0.005);
    expect(attacked.metrics().bans.honest).toBe(0);
  }, 120_000);
});
