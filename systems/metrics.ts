// Metrics: per-tick bookkeeping for the HUD and the reports (the storm peak, the bytes-on-air window, and the
// early-warning tracker over honest nodes' regimes: systems/earlyWarning.ts).
// The swarm-wide counts themselves are gathered by cortex and evolution in the loops they already run.
import { defineSystem } from '../src/sim/system';
import { trackWorld } from './earlyWarning';

export const metricsSystem = defineSystem({
  name: 'metrics',
  reads: ['Regime', 'Role'],
  writes: [],
  channels: { reads: ['link'], writes: ['counters'] },
  run(world) {
    const { counters, config } = world;
    if (counters.storm > counters.stormPeak) counters.stormPeak = counters.storm;
    const history = counters.bytesHistory;
    history.push(world.link.counters.bytesSent);
    const window = Math.max(1, Math.round(1000 / config.tickMs));
    if (history.length > window + 1) history.shift();
    trackWorld(world);
  },
});
