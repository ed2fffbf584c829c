import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/runner';
import { TX_QUEUE_FRAMES } from '../../src/sim/linkModel';

describe('a terrible network', () => {
  it('keeps running at 90 % loss with bounded queues, and loses about 90 % of receptions', () => {
    const sim = createSim({ nodes: 150, seed: 7, loss: 0.9 });
    let maxInFlight = 0;
    for (let i = 0; i < 60; i++) {
      sim.step(100);
      maxInFlight = Math.max(maxInFlight, sim.world.link.inFlight());
    }
    const m = sim.metrics();
    expect(m.ticks).toBe(6000);
    expect(maxInFlight).toBeLessThanOrEqual(150 * TX_QUEUE_FRAMES);
    const lossRate = m.packets.lost / (m.packets.lost + m.packets.delivered);
    expect(lossRate).toBeGreaterThan(0.88);
    expect(lossRate).toBeLessThan(0.92);
    expect(sim.world.counters.corruptMessages).toBe(0);
  });

  it('loses nothing at 0 % loss', () => {
    const sim = createSim({ nodes: 150, seed: 7, loss: 0 });
    sim.step(1000);
    const m = sim.metrics();
    expect(m.packets.lost).toBe(0);
    expect(m.packets.delivered).toBeGreaterThan(0);
  });

  it('a slow, duty-cycled link drops what its bounded queue cannot hold, and counts it', () => {
    const sim = createSim({ nodes: 150, seed: 7, bitrateBps: 300, dutyCycle: 0.01 });
    sim.step(3000);
    const m = sim.metrics();
    expect(m.packets.dropped).toBeGreaterThan(0);
    expect(sim.world.link.inFlight()).toBeLessThanOrEqual(150 * TX_QUEUE_FRAMES);
  });
});
