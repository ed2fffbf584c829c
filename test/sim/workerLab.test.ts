import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/runner';
import { LabObserver } from '../../src/sim/workerLab';
import { STATE_ATTACKER, STATE_BANNED, STATE_DETECTED } from '../../src/sim/snapshot';
import { inspectorLines } from '../../src/render/inspector';

function run(config: Parameters<typeof createSim>[0], ticks: number) {
  const sim = createSim(config);
  const observer = new LabObserver(sim);
  for (let i = 0; i < ticks; i++) {
    sim.step(1);
    observer.afterTick();
  }
  return { sim, observer };
}

describe('LabObserver', () => {
  it('watching changes nothing: the state hash is the plain run’s', () => {
    const { sim, observer } = run({ nodes: 60, attack: 'sign-flip', byzantine: 0.3 }, 300);
    observer.select(3);
    observer.decorate(sim.snapshot(), undefined);
    observer.inspect();
    const plain = createSim({ nodes: 60, attack: 'sign-flip', byzantine: 0.3 });
    plain.step(300);
    expect(sim.stateHash()).toBe(plain.stateHash());
  });

  it('a clean run: nobody suspected or banned; a sign-flip mob: attackers suspected and banned, honest nodes not', () => {
    const clean = run({ nodes: 150 }, 300);
    const snap = clean.sim.snapshot();
    clean.observer.decorate(snap, undefined);
    expect(snap.state.some((s) => (s & (STATE_DETECTED | STATE_BANNED)) !== 0)).toBe(false);

    const attacked = run({ nodes: 150, attack: 'sign-flip', byzantine: 0.3 }, 600);
    const a = attacked.sim.snapshot();
    attacked.observer.decorate(a, 0.01);
    let bannedAttackers = 0;
    for (const s of a.state) {
      if (s & STATE_ATTACKER && s & STATE_BANNED) bannedAttackers++;
      if (!(s & STATE_ATTACKER)) expect(s & STATE_BANNED).toBe(0);
    }
    expect(bannedAttackers).toBeGreaterThan(20);
    expect(a.hud.attackersBanned).toBe(attacked.sim.world.counters.bans.attackers);
    expect(a.hud.consensusDrift).toBe(0.01);
    expect(attacked.observer.events.some((e) => e.kind === 'firstBan')).toBe(true);
  });

  it('counts per-node bytes that add up to the link’s total, and heals that add up to the counters', () => {
    const { sim, observer } = run({ nodes: 150 }, 900);
    const bytes = observer.bytes.reduce((a, b) => a + b, 0);
    expect(bytes).toBe(sim.world.link.counters.bytesSent);
    const heals = observer.heals.reduce((a, b) => a + b, 0);
    expect(heals).toBe(sim.world.counters.healsGossip + sim.world.counters.healsSelf);
  });

  it('inspects one node: its neighbours’ view of it, its gene, and a bounded history of signal and prediction', () => {
    const { sim, observer } = run({ nodes: 150, attack: 'sign-flip', byzantine: 0.3 }, 50);
    const attacker = [...sim.snapshot().state].findIndex((s) => (s & STATE_ATTACKER) !== 0);
    observer.select(attacker);
    for (let i = 0; i < 800; i++) {
      sim.step(1);
      observer.afterTick();
    }
    const x = observer.inspect()!;
    expect(x.id).toBe(attacker);
    expect(x.knownAs).toBe('banned');
    expect(x.bannedBy * 2).toBeGreaterThan(x.honestNeighbours);
    expect(x.weights).toHaveLength(8);
    expect(x.signal).toHaveLength(600); // 60 s at 100 ms ticks, no more
    expect(x.prediction).toHaveLength(600);
    expect(JSON.stringify(x)).not.toMatch(/attacker|role/i);
    expect(inspectorLines(x)[1]).toMatch(/^├─ Known as: banned by \d+ of \d+ neighbours$/);
    observer.select(null);
    expect(observer.inspect()).toBeNull();
    observer.select(9999);
    expect(observer.selectedId).toBeNull();
  });
});
