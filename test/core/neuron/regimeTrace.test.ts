// The regime detector on recorded traces of the simulator (fixtures/regimeTrace.json, recorded by
// fixtures/recordRegimeTrace.ts: 4 honest nodes of the default run, seed 1, 900 ticks, with storm entries): its
// inputs every tick (with the own-error gates': the gene's mean squared error on the window and on its newest samples) and the regime the
// simulator decided. The detector in the core with the rulebook's gate must reproduce those regimes exactly, warn of
// the onsets in them 4+ ticks ahead (the definitions of systems/earlyWarning.ts), and do so because of the forecast
// rule's features: the old slope rule, or the rule without the HF gate's input, does not; and the gate only ever
// removes PreStorm ticks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as q16 from '../../../src/core/fixed/q16';
import { PRESTORM, type RegimeParams, regimeInitAt, regimeStepAt, regimeWordsFor, STORM } from '../../../src/core/neuron/regimeDetector';
import { PRESTORM_OWN_ERROR, PRESTORM_RECENT_ERROR, SIM_REGIME_PARAMS } from '../../../src/core/rules/model';
import { createWarningTracker, trackRegime, warningReport } from '../../../systems/earlyWarning';

interface Fixture {
  ticks: number;
  traces: { node: number; rows: [number, number, number, number, number, number][] }[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/regimeTrace.json', import.meta.url), 'utf8')) as Fixture;

/** The regimes a fresh detector with `params` decides on each trace; `hf` rewrites the HF input; `gated` (the
 *  product's way) asks the own-error gate with the recorded window error. */
function replay(params: RegimeParams, hf: (x: number) => number = (x) => x, gated = true): number[][] {
  const words = regimeWordsFor(params.window);
  return fixture.traces.map(({ rows }) => {
    const s = new Int32Array(words);
    regimeInitAt(s, 0, params.window);
    return rows.map(
      ([absError, entropy, energy, , ownMse, recentMse]) =>
        regimeStepAt(s, 0, absError, entropy, params, hf(energy), gated ? () => recentMse > PRESTORM_RECENT_ERROR && ownMse > PRESTORM_OWN_ERROR : undefined) &
        3,
    );
  });
}

function report(regimes: number[][]) {
  const t = createWarningTracker(regimes.length, 100);
  for (let k = 0; k < fixture.ticks; k++) regimes.forEach((r, i) => trackRegime(t, i, r[k]!));
  return warningReport(t);
}

describe('the regime detector on recorded sim traces', () => {
  it('the fixture is what it claims: 4 nodes, 900 ticks each, with storms', () => {
    expect(fixture.traces).toHaveLength(4);
    for (const { rows } of fixture.traces) {
      expect(rows).toHaveLength(fixture.ticks);
      expect(rows.some((r) => r[3] === STORM)).toBe(true);
    }
  });

  it('reproduces the regimes the simulator decided, tick for tick', () => {
    const regimes = replay(SIM_REGIME_PARAMS);
    fixture.traces.forEach(({ node, rows }, i) => {
      const recorded = rows.map((r) => r[3]);
      const first = regimes[i]!.findIndex((r, k) => r !== recorded[k]);
      expect(first, `node ${node} differs first at tick ${first}`).toBe(-1);
    });
  });

  it('warns of all onsets but one at least 4 ticks ahead, with at most one false alarm on these traces', () => {
    const w = report(replay(SIM_REGIME_PARAMS));
    expect(w.onsets).toBeGreaterThanOrEqual(8);
    expect(w.warned).toBeGreaterThanOrEqual(w.onsets - 1);
    expect(w.leadTicks.p50).toBeGreaterThanOrEqual(4);
    expect(w.falseAlarms).toBeLessThanOrEqual(1);
  });

  it('the old rule (a slope of entropy over 3 ticks, confirmed over 3) warns of almost none of them', () => {
    const old = report(replay({ ...SIM_REGIME_PARAMS, forecastThreshold: 0, preConfirm: 3 }));
    const now = report(replay(SIM_REGIME_PARAMS));
    expect(old.onsets).toBe(now.onsets); // Storm itself is decided the same way
    expect(old.warned).toBeLessThanOrEqual(2);
    expect(now.warned - old.warned).toBeGreaterThanOrEqual(6);
  });

  it('the HF gate: without the high-frequency energy of the signal there is no PreStorm; the storms are the same', () => {
    const gated = replay(SIM_REGIME_PARAMS, () => 0);
    expect(gated.flat().includes(PRESTORM)).toBe(false);
    expect(report(gated).onsets).toBe(report(replay(SIM_REGIME_PARAMS)).onsets);
  });

  it('the own-error gate only removes PreStorm ticks (never adds one, never moves a storm), and here it removes some', () => {
    const gated = replay(SIM_REGIME_PARAMS);
    const open = replay(SIM_REGIME_PARAMS, undefined, false);
    let removed = 0;
    gated.forEach((r, i) =>
      r.forEach((g, k) => {
        const o = open[i]![k]!;
        if (g === PRESTORM) expect(o).toBe(PRESTORM);
        if (g === STORM || o === STORM) expect(g).toBe(o);
        if (o === PRESTORM && g !== PRESTORM) removed++;
      }),
    );
    expect(removed).toBeGreaterThan(0);
  });

  it('a higher forecast threshold warns later or not at all, never earlier', () => {
    const now = report(replay(SIM_REGIME_PARAMS));
    const strict = report(replay({ ...SIM_REGIME_PARAMS, forecastThreshold: q16.fromFloat(0.36) }));
    expect(strict.warned).toBeLessThanOrEqual(now.warned);
    expect(strict.preStormEpisodes).toBeLessThanOrEqual(now.preStormEpisodes);
  });
});
