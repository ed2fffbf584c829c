// The silent swarm in the simulator (src/core/rules/silence.ts; its rules are unit-tested in
// test/core/rules/silence.test.ts and compared with the daemon in test/conformance): determinism, what silence saves,
// the calm scenario, and attackers that play with silence.
import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/runner';
import { consensusDrift } from '../../src/sim/drift';
import { listenSeconds } from '../../src/sim/silence';
import { ROLE_HONEST } from '../../components/body';
import { MODEL_DIM } from '../../src/core/rules/model';
import { HELD_MAX_AGE, MODE_ACTIVE, MODE_ALERT, MODE_DEEP, NEVER } from '../../src/core/rules/silence';
import { ENERGY_ACTIVE, ENERGY_ALERT, ENERGY_DEEP } from '../../src/sim/snapshot';
import { ConfigError } from '../../src/sim/config';

describe('the silent swarm in the simulator', () => {
  it('is the default, and deterministic: same seed, same hash; a different scenario or --chatty, another', () => {
    const run = (o: object) => {
      const sim = createSim({ nodes: 60, seed: 4, layout: false, ...o });
      sim.step(400);
      return sim.stateHash();
    };
    expect(createSim({ nodes: 2, layout: false }).config.chatty).toBe(false);
    const a = run({});
    expect(run({})).toBe(a);
    expect(run({ scenario: 'calm' })).not.toBe(a);
    expect(run({ chatty: true })).not.toBe(a);
  });

  it('rejects an unknown scenario or attacker speech policy with a typed error', () => {
    expect(() => createSim({ scenario: 'hurricane' })).toThrow(ConfigError);
    expect(() => createSim({ attackerSpeech: 'loud' })).toThrow(ConfigError);
  });

  it('calm: no node is ever exposed or in Storm; once agreed, nodes sleep deep and speak a fraction of chatty', () => {
    const silent = createSim({ nodes: 100, seed: 3, scenario: 'calm', priorJitter: 0.1, layout: false });
    const chatty = createSim({ nodes: 100, seed: 3, scenario: 'calm', priorJitter: 0.1, chatty: true, layout: false });
    silent.step(6000);
    chatty.step(6000);
    const w = silent.world;
    for (let eid = 1; eid <= w.n; eid++) expect(w.components.Noise.level[eid]).toBe(0);
    expect(silent.metrics().stormPeak).toBe(0);
    const s = silent.metrics();
    const c = chatty.metrics();
    // In the first 10 minutes, start-up included (bench:silence measures the day).
    expect(s.bytesSent).toBeLessThan(c.bytesSent / 3);
    expect(s.radio!.modes.deep).toBeGreaterThan(50);
    expect(s.radio!.listenShare).toBeLessThan(0.2);
    expect(c.radio!.listenShare).toBe(1);
    expect(s.radio!.asleep).toBeGreaterThan(0);
    // Every node's listen time is its own: deep sleepers listen least.
    const secs = listenSeconds(w);
    let deepMax = 0;
    for (let eid = 1; eid <= w.n; eid++) if (w.components.Energy.mode[eid] === MODE_DEEP) deepMax = Math.max(deepMax, secs[eid]!);
    expect(deepMax).toBeLessThan(600);
    // The snapshot carries each node's energy mode for the view (render/nodes.ts draws the cue); chatty: all Active.
    const snap = silent.snapshot();
    for (let eid = 1; eid <= w.n; eid++) expect(snap.energy[eid - 1]).toBe(w.components.Energy.mode[eid]);
    expect(snap.energy.filter((m) => m === ENERGY_DEEP).length).toBe(s.radio!.modes.deep);
    expect(chatty.snapshot().energy.every((m) => m === ENERGY_ACTIVE)).toBe(true);
    expect([ENERGY_ACTIVE, ENERGY_ALERT, ENERGY_DEEP]).toEqual([MODE_ACTIVE, MODE_ALERT, MODE_DEEP]);
    // Receivers hold every neighbour's model (all spoke in round 0) and know when they heard it.
    const { heldRound } = w.components.Consensus;
    for (let s = 0; s < heldRound.length; s++) expect(heldRound[s]).not.toBe(NEVER);
  });

  it('storm: heals still happen by gossip; cure requests go out on ping ticks and wake the neighbours that hear them', () => {
    const sim = createSim({ nodes: 150, seed: 7, layout: false });
    sim.step(3000);
    const m = sim.metrics();
    expect(m.heals.gossip).toBeGreaterThan(20);
    expect(m.radio!.modes.active).toBeGreaterThan(0);
  });

  it('storm: the consensus does not chase the storm (it agrees, and speaks little), and only fresh cures a node vouches for answer', () => {
    // Issue 14's storm bytes (docs/BENCHMARKS.md, "Storm bytes against the 10 % budget"). At 300 s, seed 1: silent
    // sends 10.8 % of chatty's bytes (47 % when consensus chased storm genes), the honest models end at most 6 %
    // from their mean (they ended 30-42 % apart on average), and under a third as many cure replies heal 84 % as
    // many storms (256 against 305; 114 against 219 by gossip, 54 and 55 from the nodes' memories).
    const silent = createSim({ nodes: 150, seed: 1, layout: false });
    const chatty = createSim({ nodes: 150, seed: 1, chatty: true, layout: false });
    silent.step(3000);
    chatty.step(3000);
    expect(silent.metrics().bytesSent).toBeLessThan(0.2 * chatty.metrics().bytesSent);
    const w = silent.world;
    const { model } = w.components.Consensus;
    const mean = new Float64Array(MODEL_DIM);
    for (let eid = 1; eid <= w.n; eid++) for (let k = 0; k < MODEL_DIM; k++) mean[k]! += model[MODEL_DIM * eid + k]! / w.n;
    const norm = Math.hypot(...mean);
    for (let eid = 1; eid <= w.n; eid++) {
      let d = 0;
      for (let k = 0; k < MODEL_DIM; k++) d += (model[MODEL_DIM * eid + k]! - mean[k]!) ** 2;
      expect(Math.sqrt(d) / norm).toBeLessThan(0.06);
    }
    expect(w.counters.repliesSent).toBeLessThan(0.6 * chatty.world.counters.repliesSent);
    const heals = (sim: typeof silent): number => sim.metrics().heals.gossip + sim.metrics().heals.self;
    expect(heals(silent)).toBeGreaterThan(0.8 * heals(chatty));
    expect(silent.metrics().heals.gossip).toBeGreaterThan(0.5 * chatty.metrics().heals.gossip);
    expect(silent.metrics().heals.fromMemory).toBeGreaterThan(0);
  }, 120_000);

  it('an attacker that speaks once and then stays silent: its held copy stops counting after HELD_MAX_AGE rounds, and silence bans nobody', () => {
    const sim = createSim({ nodes: 100, seed: 5, byzantine: 0.3, attack: 'sign-flip', attackerSpeech: 'once', poisonCures: false, layout: false });
    sim.step(3000);
    const w = sim.world;
    const { Role, Consensus } = w.components;
    const { offsets, neighbours } = w.hood;
    // Each attacker spoke at most once (round 0, before it had heard anything to craft from).
    let held = 0;
    for (let eid = 1; eid <= w.n; eid++) {
      if (Role.kind[eid] !== ROLE_HONEST) continue;
      for (let s = offsets[eid - 1]!; s < offsets[eid]!; s++) {
        if (Role.kind[neighbours[s]! + 1] === ROLE_HONEST) continue;
        if (Consensus.heldRound[s] !== NEVER) {
          expect(Consensus.heldRound[s]).toBe(0);
          held++;
        }
      }
    }
    expect(held).toBeGreaterThan(0);
    expect(sim.metrics().bans.honest).toBe(0);
    expect(w.counters.rounds).toBeLessThan(HELD_MAX_AGE);
  });

  it("attackers that speak only when it helps, always, or by the rules (adaptive, 30 %, consensus only): drift within 1.5 points of chatty's, no honest node banned", () => {
    const base = { nodes: 150, seed: 1, byzantine: 0.3, poisonCures: false, layout: false };
    const drift = (o: object) => {
      const attacked = createSim({ ...base, ...o, attack: 'adaptive' });
      const clean = createSim({ ...base, ...o, attack: 'none' });
      attacked.step(3000);
      clean.step(3000);
      expect(attacked.metrics().bans.honest).toBe(0);
      return consensusDrift(attacked, clean);
    };
    const chatty = drift({ chatty: true });
    // Within 1.5 points of chatty (it was 1 point before the radio's authentication trailer). Measured at seed 1,
    // 300 s: chatty / always / rules / opportunist 4.14 / 4.81 / 4.81 / 4.58 % without the trailer, 3.99 / 5.24 /
    // 4.98 / 4.89 % with it: consensus messages take two 51-byte frames with their MIC vector, and bursts overflow
    // the 8-frame transmit queue (717 frames dropped or expired in the 'always' run, none without the trailer),
    // which costs silent receivers more than chatty ones (they hold what they last heard). The consensus-only
    // adaptive attack itself is issue 19's open problem.
    for (const attackerSpeech of ['opportunist', 'always', 'rules']) {
      const silent = drift({ attackerSpeech });
      expect(silent, attackerSpeech).toBeLessThan(chatty + 0.015);
      expect(silent, attackerSpeech).toBeLessThan(0.06);
    }
  }, 600_000);
});
