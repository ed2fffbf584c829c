import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/runner';

// The acceptance run: seed 7, 150 nodes, 600 s of sim time, with and without gossip.
function run(gossip: boolean) {
  const sim = createSim({ nodes: 150, seed: 7, gossip, layout: false });
  sim.step(6000);
  return { metrics: sim.metrics(), counters: sim.world.counters };
}

describe('healing (seed 7, 150 nodes, 600 s)', () => {
  const withGossip = run(true);
  const without = run(false);

  it('heals by gossip really happen: cures reach the requester and are installed', () => {
    expect(withGossip.metrics.heals.gossip).toBeGreaterThan(0);
    expect(withGossip.counters.genesInstalled).toBeGreaterThan(0);
    expect(withGossip.counters.repliesSent).toBeGreaterThan(0);
  });

  it('gossip makes the median heal faster than healing alone', () => {
    expect(without.metrics.heals.gossip).toBe(0);
    expect(without.metrics.heals.self).toBeGreaterThan(0);
    expect(withGossip.metrics.healLatencyS.p50).toBeLessThan(without.metrics.healLatencyS.p50);
  });

  it('requests are rate-limited (never every tick)', () => {
    const stormNodeTicks = withGossip.counters.nStorm;
    expect(withGossip.counters.requestsSent).toBeLessThan(stormNodeTicks / 5);
  });
});
