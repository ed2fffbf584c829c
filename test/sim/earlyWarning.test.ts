// The early-warning tracker (systems/earlyWarning.ts) on hand-made regime sequences whose answers are known,
// and the default run reporting it.
import { describe, expect, it } from 'vitest';
import { CALM, PRESTORM, STORM } from '../../src/core/neuron/regimeDetector';
import { createWarningTracker, trackRegime, warningReport, TRACKER_BYTES_PER_NODE } from '../../systems/earlyWarning';
import { createSim } from '../../src/sim/runner';

const C = CALM;
const P = PRESTORM;
const S = STORM;
const run = (seq: number[], tickMs = 100) => {
  const t = createWarningTracker(2, tickMs);
  for (const r of seq) trackRegime(t, 1, r);
  return warningReport(t);
};
const rep = (r: number, k: number) => new Array<number>(k).fill(r);

describe('early-warning tracker (100 ms ticks: window, flap and horizon 20 ticks)', () => {
  it('an onset preceded by 6 PreStorm ticks is warned, lead 6 ticks', () => {
    const w = run([...rep(C, 30), ...rep(P, 6), ...rep(S, 10), ...rep(C, 30)]);
    expect(w).toMatchObject({ onsets: 1, warned: 1, alarmed: 1, leadTicks: { p50: 6, p95: 6 }, leadS: { p50: 0.6 }, falseAlarms: 0, flaps: 0 });
    expect(w.preStormEpisodes).toBe(1);
  });

  it('PreStorm only in the last 3 ticks before the onset is a warning, but not one ≥ 4 ticks ahead', () => {
    const w = run([...rep(C, 30), ...rep(P, 3), ...rep(S, 5)]);
    expect(w).toMatchObject({ onsets: 1, warned: 0, alarmed: 1, leadTicks: { p50: 3 } });
  });

  it('a PreStorm tick exactly 4 ticks ahead counts; one 21 ticks ahead (outside the 20-tick window) does not', () => {
    expect(run([...rep(C, 30), P, C, C, C, S]).warned).toBe(1);
    const far = run([...rep(C, 30), P, ...rep(C, 20), S]);
    expect(far.warned).toBe(0);
    expect(far.falseAlarms).toBe(1); // no Storm within 20 ticks of the PreStorm tick
    expect(run([...rep(C, 30), P, ...rep(C, 19), S]).warned).toBe(1);
  });

  it('no PreStorm: an unwarned onset; a lone PreStorm episode far from any storm is one false alarm', () => {
    expect(run([...rep(C, 30), ...rep(S, 5)])).toMatchObject({ onsets: 1, warned: 0, alarmed: 0, leadTicks: { p50: 0 } });
    const w = run([...rep(C, 10), ...rep(P, 5), ...rep(C, 40)]);
    expect(w).toMatchObject({ onsets: 0, alarms: 1, falseAlarms: 1 });
    // 55 node-ticks of 100 ms: one false alarm in 5.5 s is 654.545 per node-hour.
    expect(w.falseAlarmsPerNodeHour).toBeCloseTo(3600 / 5.5, 2);
  });

  it('re-entering Storm within 2 s of leaving it is a flap, not an onset; after 2 s of calm it is an onset', () => {
    const w = run([...rep(C, 30), ...rep(S, 5), ...rep(C, 10), ...rep(S, 5), ...rep(C, 21), ...rep(S, 5)]);
    expect(w).toMatchObject({ onsets: 2, flaps: 1, flapsPct: 50 });
    expect(w.definitions.onsetMinCalmTicks).toBe(20);
  });

  it('PreStorm ticks with short gaps form one alarm, resolved true by the storm', () => {
    const w = run([...rep(C, 30), P, P, C, C, P, C, P, S, C]);
    expect(w).toMatchObject({ preStormEpisodes: 3, alarms: 1, falseAlarms: 0, warned: 1, leadTicks: { p50: 7 } });
  });

  it('keeps 9 bytes per node', () => {
    expect(TRACKER_BYTES_PER_NODE).toBe(9);
  });
});

describe('the sim reports earlyWarning', () => {
  it('a short default run reports every field, over honest nodes', () => {
    const sim = createSim({ nodes: 40, seed: 3, byzantine: 0.1 });
    sim.step(600);
    const w = sim.metrics().earlyWarning!;
    for (const key of ['onsets', 'warned', 'warnedPct', 'alarmed', 'leadTicks', 'leadS', 'falseAlarms', 'falseAlarmsPerNodeHour', 'flaps', 'flapsPct'])
      expect(w).toHaveProperty(key);
    expect(w.onsets).toBeGreaterThan(0);
    expect(w.warned).toBeLessThanOrEqual(w.onsets);
    const honest = sim.world.components.Role.kind.slice(1, 41).filter((k) => k === 0).length;
    expect(sim.world.counters.earlyWarning!.nodeTicks).toBe(600 * honest);
  });

  it('agrees with a tracker fed by hand from the regimes after each tick', () => {
    const sim = createSim({ nodes: 30, seed: 5 });
    const t = createWarningTracker(31, sim.config.tickMs);
    for (let k = 0; k < 500; k++) {
      sim.step(1);
      for (let eid = 1; eid <= 30; eid++) trackRegime(t, eid, sim.world.components.Regime.regime[eid]!);
    }
    expect(sim.metrics().earlyWarning).toEqual(warningReport(t));
  });
});
