import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/runner';
import { consensusDrift } from '../../src/sim/drift';

function pair(attack: string, byzantine: number, nodes = 150, ticks = 3000, aggregator = 'trimmed-mean', poisonCures = true, chatty = false) {
  const attacked = createSim({ nodes, seed: 7, attack, byzantine, aggregator, poisonCures, chatty, layout: false });
  const clean = createSim({ nodes, seed: 7, attack: 'none', byzantine, aggregator, poisonCures, chatty, layout: false });
  attacked.step(ticks);
  clean.step(ticks);
  return { drift: consensusDrift(attacked, clean), bans: attacked.metrics().bans, sim: attacked };
}

describe('consensus under attack (bitECS sim, trimmed mean + reputation)', () => {
  it('no attackers: nobody is banned, the honest swarm agrees with itself', () => {
    const sim = createSim({ nodes: 150, seed: 7, layout: false });
    sim.step(3000);
    expect(sim.metrics().bans).toEqual({ attackers: 0, honest: 0, unheard: 0 });
  });

  it('silent (crashed) nodes cost no honest node its reputation', () => {
    const sim = createSim({ nodes: 150, seed: 7, byzantine: 0.3, layout: false });
    sim.step(6000);
    expect(sim.metrics().bans.honest).toBe(0);
  });

  // Attackers craft from what they heard in a round (the rulebook: a real attacker cannot know models before they
  // are on air), so their first crafted vector goes out in round 2: "within N rounds" counts from there. Seed 7's
  // sign-flip run bans its last attacker in its 9th attacking round (seeds 1 and 2: the 7th); the others by the 8th.
  // How fast is a claim about attackers that speak every round, so it is made in chatty mode; in the silent swarm an
  // attacker is judged only when it speaks (silence is never punished), and the test below holds it to the drift.
  it.each(['sign-flip', 'gaussian', 'ipm', 'sybil'])(
    '30 percent %s attackers (chatty): all banned within 9 rounds of attacking, none honest banned, drift under 5 percent',
    (attack) => {
      const { drift, bans, sim } = pair(attack, 0.3, 150, 3000, 'trimmed-mean', true, true);
      expect(bans.honest).toBe(0);
      expect(bans.attackers + bans.unheard).toBe(45);
      expect(sim.world.counters.lastAttackerBanRound).toBeLessThanOrEqual(1 + 9);
      expect(drift).toBeLessThan(0.05);
    },
  );

  it.each(['sign-flip', 'gaussian'])(
    '30 percent %s attackers (silent swarm, attackers following the silence rules): drift under 5 percent, none honest banned, most banned',
    (attack) => {
      const { drift, bans } = pair(attack, 0.3);
      expect(bans.honest).toBe(0);
      // ipm is the slowest: 35 of 45 banned by 300 s (44 by 400 s) since the clip's push memory (docs/ADAPTIVE.md);
      // 36 (42 by 400 s) before it.
      expect(bans.attackers + bans.unheard).toBeGreaterThanOrEqual(35);
      expect(drift).toBeLessThan(0.05);
    },
  );

  // IPM and Sybil attackers that follow the silence rules craft from the honest models, and since the consensus no
  // longer chases the storm (issue 14: settled innovation) those barely move: their vectors are news 2-4 times in
  // 300 s, and a neighbour bans at its third failed check. Seed 7: 10 and 12 of 45 banned (36 and 44 when the
  // consensus moved), and they pull the honest consensus 0.05 % (0.35 % and 0.74 % then). Silence is never punished.
  it.each(['ipm', 'sybil'])(
    '30 percent %s attackers (silent swarm, attackers following the silence rules): drift under 1 percent, none honest banned',
    (attack) => {
      const { drift, bans } = pair(attack, 0.3);
      expect(bans.honest).toBe(0);
      expect(bans.attackers).toBeGreaterThan(0);
      expect(drift).toBeLessThan(0.01);
    },
  );

  it('Sybil flood: 50 honest + 50 Sybil identities from default reputation — every heard Sybil banned within 4 rounds of attacking (chatty)', () => {
    const sim = createSim({ nodes: 100, seed: 7, attack: 'sybil', byzantine: 0.5, chatty: true, layout: false });
    sim.step(500); // round 1 heard, rounds 2-5 attacked (10 s each)
    const bans = sim.metrics().bans;
    expect(sim.world.counters.rounds).toBe(5);
    expect(bans.attackers + bans.unheard).toBe(50);
    expect(bans.honest).toBe(0);
    expect(pair('sybil', 0.5, 100, 1000, 'trimmed-mean', true, true).drift).toBeLessThan(0.05);
    expect(pair('sybil', 0.5, 100, 1000).drift).toBeLessThan(0.05); // silent
  });

  it('the issue target: reputation-weighted trimmed mean, 30 % attackers, worst case over the whole catalogue < 5 %, no honest node banned', () => {
    // 300 s, the ablation's horizon (docs/ABLATION.md sweeps seeds 1–5), with attackers that also poison cures and
    // with consensus-only ones (which no cure check ever catches).
    let worst = 0;
    for (const poisonCures of [true, false]) {
      for (const attack of ['sign-flip', 'gaussian', 'bias', 'alie', 'ipm', 'mimic', 'sybil']) {
        const { drift, bans } = pair(attack, 0.3, 150, 3000, 'reputation-trimmed-mean', poisonCures);
        expect(bans.honest, attack).toBe(0);
        worst = Math.max(worst, drift);
      }
    }
    expect(worst).toBeLessThan(0.05);
  });

  it('inlier attacks do not creep past 5 % over a long run: consensus-only bias, ALIE, mimic at 30 % for 1,200 s', () => {
    // Inliers are never banned by consensus alone; what keeps them from accumulating is that a node leaves out of
    // its aggregate any model that predicts its own data more than twice as badly as its own (EXCLUDE_FACTOR).
    // Without that rule the bias attack reached 9.2 % here.
    for (const attack of ['bias', 'alie', 'mimic']) {
      const { drift, bans } = pair(attack, 0.3, 150, 12_000, 'reputation-trimmed-mean', false);
      expect(bans.honest, attack).toBe(0);
      expect(drift, attack).toBeLessThan(0.05);
    }
  });
});

describe('consensus-only attackers (--no-poison)', () => {
  it('attackers send no cure replies when poisonCures is off, and do when it is on', async () => {
    const { MSG_CURE_REPLY } = await import('../../src/sim/messages');
    const count = (poisonCures: boolean) => {
      const sim = createSim({ nodes: 150, seed: 7, attack: 'sign-flip', byzantine: 0.3, poisonCures, layout: false });
      const { Role } = sim.world.components;
      const send = sim.world.link.send.bind(sim.world.link);
      let attackerReplies = 0;
      sim.world.link.send = (txFree, from, to, id, message, tick) => {
        if (message[0] === MSG_CURE_REPLY && Role.kind[from] !== 0) attackerReplies++;
        return send(txFree, from, to, id, message, tick);
      };
      sim.step(1500);
      return attackerReplies;
    };
    expect(count(false)).toBe(0);
    expect(count(true)).toBeGreaterThan(0);
  });
});
