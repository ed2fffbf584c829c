import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/runner';
import { joinReport } from '../../src/sim/join';
import { answerShare } from '../../src/core/rules/join';
import { MEMBER_ABSENT, MEMBER_PRESENT } from '../../components/membership';

describe('mid-flight join from the summary gene', () => {
  it('joiners are off the network until they join, then sync from one 34-byte summary and are in consensus', () => {
    const sim = createSim({ nodes: 150, join: 10, joinAtS: 120, seed: 7 });
    sim.step(1100);
    const { Membership } = sim.world.components;
    for (let eid = 151; eid <= 160; eid++) expect(Membership.state[eid]).toBe(MEMBER_ABSENT);
    expect(sim.world.counters.joinBytes).toBe(0);
    sim.step(400);
    const report = joinReport(sim.world);
    expect(report.synced).toBe(10);
    for (let eid = 151; eid <= 160; eid++) expect(Membership.state[eid]).toBe(MEMBER_PRESENT);
    // 11 s (4 s before the storm stopped making consensus news, issue 14: nodes away from the storm now sleep
    // deep, and a joiner is answered only by neighbours whose radios listen).
    expect(report.meanSyncS).toBeLessThan(15);
    expect(report.drift).toBeLessThan(0.15); // within the honest spread of its neighbourhood
    expect(report.bytes).toBeLessThan(report.replayBytes / 10);
  });

  it('at 90 % loss every joiner still syncs (liveness), slowly', () => {
    const sim = createSim({ nodes: 150, join: 10, joinAtS: 60, loss: 0.9, seed: 7 });
    sim.step(6000);
    const report = joinReport(sim.world);
    expect(report.synced).toBe(10);
    expect(report.maxSyncS).toBeGreaterThan(1);
  });

  it('the issue target: at 90 % loss, joining after 600 s of history costs ≥ 99 % less than replaying it', () => {
    // The reply is one 51-byte frame (34-byte summary + headers), so it gets through 1 time in 10, not 1 in 100.
    // The join issue's figures assume every radio listens (chatty); in the silent swarm only listening neighbours
    // answer, so a join takes longer (182 s on average here; 90 s before the storm stopped making consensus news,
    // issue 14, and more neighbours slept deep) and costs as little (99.0 % saved).
    const silent = joinReport(
      (() => {
        const s = createSim({ nodes: 150, join: 10, joinAtS: 600, loss: 0.9, seed: 7 });
        s.step(12_000);
        return s.world;
      })(),
    );
    expect(silent.synced).toBe(10);
    expect(silent.saved).toBeGreaterThanOrEqual(0.99);
    expect(silent.meanSyncS).toBeLessThan(240);
    const sim = createSim({ nodes: 150, join: 10, joinAtS: 600, loss: 0.9, seed: 7, chatty: true });
    sim.step(12_000);
    const report = joinReport(sim.world);
    expect(report.synced).toBe(10);
    expect(report.saved).toBeGreaterThanOrEqual(0.99);
    expect(report.meanSyncS).toBeLessThan(90);
    // In consensus: no farther from its neighbourhood than the swarm's own members are from theirs.
    expect(report.drift).toBeGreaterThan(0);
    expect(report.drift).toBeLessThanOrEqual(report.memberDrift);
  });

  it('a corrupt summary is counted and ignored; the joiner keeps asking', () => {
    const sim = createSim({ nodes: 60, join: 1, joinAtS: 0, seed: 7 });
    sim.step(1);
    sim.world.summaries.push({ to: 61, from: 1, body: new Uint8Array(34) });
    const before = sim.world.counters.corruptMessages;
    sim.step(1);
    expect(sim.world.counters.corruptMessages).toBe(before + 1);
    sim.step(50);
    expect(joinReport(sim.world).synced).toBe(1);
  });
});

describe('who answers a joiner', () => {
  it('two neighbours for the first two attempts, doubling every two, never shrinking, for every attempt byte', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(answerShare)).toEqual([2, 2, 4, 4, 8, 8, 16]);
    for (let a = 1; a <= 255; a++) {
      expect(answerShare(a)).toBeGreaterThanOrEqual(answerShare(a - 1));
      expect(answerShare(a)).toBeLessThanOrEqual(64);
    }
    expect(answerShare(255)).toBe(64); // a joiner that has tried for minutes is answered by everyone
  });

  it('on a good link about two neighbours answer each request, not the whole neighbourhood (chatty: every radio listens)', () => {
    const sim = createSim({ nodes: 150, join: 10, joinAtS: 30, seed: 7, loss: 0, chatty: true });
    sim.step(300);
    let summaries = 0;
    const send = sim.world.link.send.bind(sim.world.link);
    sim.world.link.send = (txFree, from, to, id, message, tick) => {
      if (message[0] === 5 /* MSG_SUMMARY */) summaries++;
      return send(txFree, from, to, id, message, tick);
    };
    sim.step(50);
    const report = joinReport(sim.world);
    expect(report.synced).toBe(10);
    // 10 joiners, each synced after one or two requests: far fewer summaries than 10 × ~8 neighbours.
    expect(summaries).toBeGreaterThanOrEqual(10);
    expect(summaries).toBeLessThanOrEqual(40);
  });

  it('in the silent swarm a joiner is answered only by neighbours whose radios listen: every joiner still syncs, within 20 s on a good link', () => {
    const sim = createSim({ nodes: 150, join: 10, joinAtS: 30, seed: 7, loss: 0 });
    sim.step(500);
    const report = joinReport(sim.world);
    expect(report.synced).toBe(10);
    expect(report.maxSyncS).toBeLessThanOrEqual(20);
  }, 120_000);
});
