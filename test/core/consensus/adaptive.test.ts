import { describe, expect, it } from 'vitest';
import { ADAPTIVE_DIRECTION, DEFAULT_RECEIVER_CHECKS, getAttack, honestMean, type AttackContext } from '../../../src/core/consensus/attacks';
import { windowMseRecentFirstAt } from '../../../src/core/neuron/kernel';
import { createRng } from '../../../src/core/rng/rng';
import { getAggregator } from '../../../src/core/consensus/registry';
import { honestRoundAt, RECEIVER_CHECKS, ROUND_ACCEPTED, type RoundView } from '../../../src/core/rules/consensus';
import { createNodeState, NODE } from '../../../src/core/rules/state';
import { RECENT } from '../../../src/core/rules/model';

const ONE = 65536;
const d = 9;
function calmWindow(phase = 0.3, noise = 0): Int32Array {
  const rng = createRng(11).stream('noise');
  return Int32Array.from(
    { length: 16 },
    (_, j) => Math.round((Math.sin(phase - 0.1 * j) + 0.5 * Math.sin(0.37 * (phase - 0.1 * j) + 1)) * ONE) + (noise ? rng.gaussianQ16() >> noise : 0),
  );
}
/** Honest rows: roughly the AR predictor "next ≈ 2·last − the one before" with small differences. */
function honestRows(n: number): Int32Array {
  const rng = createRng(3).stream('honest');
  const base = [2 * ONE, -ONE, 0, 0, 0, 0, 0, 0, 0];
  return Int32Array.from({ length: n * d }, (_, i) => base[i % d]! + (rng.gaussianQ16() >> 8));
}
const mse = (row: Int32Array, w: Int32Array) => windowMseRecentFirstAt(row, 0, row[8]!, w, 0, 16);

describe('the adaptive attack', () => {
  const window = calmWindow(0.3, 10);
  const honest = honestRows(8);
  const ctx = (extra: Partial<AttackContext> = {}): AttackContext => ({
    honest,
    nHonest: 8,
    d,
    attacker: 0,
    n: 11,
    f: 2,
    rng: createRng(1).stream('a'),
    window,
    ...extra,
  });

  it('pushes from the honest mean along the fixed direction, as far as the receivers\u2019 filter allows (with its margin)', () => {
    const v = getAttack('adaptive')(ctx());
    const mu = honestMean(honest, 8, d);
    const step = Array.from(v, (x, k) => x - mu[k]!);
    const lambda = Math.hypot(...step);
    expect(lambda).toBeGreaterThan(0.05 * ONE);
    for (let k = 0; k < d; k++) expect(step[k]! / lambda).toBeCloseTo(ADAPTIVE_DIRECTION[k]!, 3);
    // It passes the own-data filter of the median receiver on its window, inside the margin.
    const errs = Array.from({ length: 8 }, (_, i) => Math.max(mse(honest.subarray(i * d, i * d + d), window), DEFAULT_RECEIVER_CHECKS.excludeFloorQ16)).sort(
      (a, b) => a - b,
    );
    const line = DEFAULT_RECEIVER_CHECKS.excludeFactor * errs[3]!;
    expect(mse(v, window)).toBeLessThanOrEqual(0.75 * line);
    // ... and it is the largest such step: one more LSB along the ray would break the margin (or the cap).
    expect(mse(v, window)).toBeGreaterThan(0.6 * line);
  });
  it('is deterministic and, without a window, pushes blind by the honest spread along the direction', () => {
    expect(Array.from(getAttack('adaptive')(ctx()))).toEqual(Array.from(getAttack('adaptive')(ctx())));
    const blind = getAttack('adaptive')(ctx({ window: undefined }));
    const mu = honestMean(honest, 8, d);
    const step = Math.hypot(...Array.from(blind, (x, k) => x - mu[k]!));
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(0.05 * ONE);
  });
  it('a smaller margin, a smaller step', () => {
    const mu = honestMean(honest, 8, d);
    const len = (v: Int32Array) => Math.hypot(...Array.from(v, (x, k) => x - mu[k]!));
    expect(len(getAttack('adaptive')(ctx({ params: { adaptiveMarginQ16: ONE / 2 } })))).toBeLessThan(len(getAttack('adaptive')(ctx())));
  });

  it('passes the checks by construction: a receiver with the attacker’s window and any honest model at or above the median error puts it in its aggregate round after round (its push memory filling up) and never penalises it', () => {
    const spec = getAggregator('trimmed-mean');
    let receivers = 0;
    for (let trial = 0; trial < 24; trial++) {
      const w = calmWindow(0.2 + 0.37 * trial, 8 + (trial % 4));
      const rng = createRng(100 + trial).stream('rows');
      const nHonest = 6 + (trial % 5);
      const base = [2 * ONE, -ONE, 0, 0, 0, 0, 0, 0, 0];
      const rows = Int32Array.from({ length: nHonest * d }, (_, k) => base[k % d]! + (rng.gaussianQ16() >> (6 + (trial % 3))));
      const v = getAttack('adaptive')({ ...ctx(), honest: rows, nHonest, window: w, checks: RECEIVER_CHECKS });
      expect(mse(v, w)).toBeGreaterThan(0); // it did push (the honest mean itself has error too)
      const errs = Array.from({ length: nHonest }, (_, j) => mse(rows.subarray(j * d, j * d + d), w)).sort((a, b) => a - b);
      const median = errs[(nHonest - 1) >> 1]!;
      for (let r = 0; r < nHonest; r++) {
        const own = rows.subarray(r * d, r * d + d);
        if (mse(own, w) < median) continue;
        receivers++;
        // The receiver: its window is the attacker's, its model honest row r; its neighbours the other honest
        // rows and the attacker's vector (last slot).
        const state = createNodeState();
        state.neuron.recent.set(w, RECENT * NODE);
        state.model.set(own, d * NODE);
        const source = new Int32Array(nHonest * d);
        let m = 0;
        for (let j = 0; j < nHonest; j++) if (j !== r) source.set(rows.subarray(j * d, j * d + d), d * m++);
        source.set(v, d * m);
        const slots = m + 1;
        const trust = new Uint8Array(slots).fill(128);
        // The receiver remembers each neighbour's invisible pushes (the clip's memory, as both runtimes run it):
        // round after round the attacker's memory fills up to the budget, which cuts what its row pulls but never
        // leaves it out nor costs it reputation.
        const push = new Int32Array(slots * d);
        const view: RoundView = { start: 0, end: slots, trust, heard: new Uint8Array(2).fill(255), source, rowOf: (slot) => d * slot, push };
        for (let round = 0; round < 4; round++) {
          const outcome = new Uint8Array(slots);
          honestRoundAt(state.neuron, state.model, state.anchor, NODE, true, view, spec, true, new Int32Array(d * 2), outcome);
          expect(outcome[slots - 1]).toBe(ROUND_ACCEPTED);
          expect(trust[slots - 1]).toBeGreaterThanOrEqual(128); // neither failed nor drift-penalised
        }
        expect(push.subarray((slots - 1) * d).some((x) => x !== 0)).toBe(true); // the memory was in play
      }
    }
    expect(receivers).toBeGreaterThan(24 * 3);
  });

  it('knows the push memory: sending less along the pattern does not pay, the largest step the filter allows still moves a receiver furthest', () => {
    // The memory never leaves a row out and never costs reputation; it only cuts what a steady push adds beyond
    // the budget. So the attack's best response is unchanged: a smaller step is let through in full but is smaller,
    // a larger one is cut to the same budget. A receiver with the attacker's window and three honest neighbours,
    // over 12 rounds, against three attackers at a quarter, half and three quarters (the default) of the filter line.
    const spec = getAggregator('trimmed-mean');
    const w = calmWindow(0.9, 9);
    const rows = honestRows(4);
    const movedBy = (margin: number): number => {
      const state = createNodeState();
      state.neuron.recent.set(w, RECENT * NODE);
      state.model.set(rows.subarray(0, d), d * NODE);
      state.anchor.set(rows.subarray(0, d), d * NODE); // its last settled model: where it started (the receiver is not settled)
      const slots = 6;
      const source = new Int32Array(slots * d);
      const trust = new Uint8Array(slots).fill(128);
      const push = new Int32Array(slots * d);
      const view: RoundView = { start: 0, end: slots, trust, heard: new Uint8Array(1).fill(255), source, rowOf: (slot) => d * slot, push };
      const next = new Int32Array(d * 2);
      for (let round = 0; round < 12; round++) {
        const heard = Int32Array.from([...state.model.subarray(d * NODE, d * NODE + d), ...rows.subarray(d)]);
        const v = getAttack('adaptive')({ ...ctx(), honest: heard, nHonest: 4, window: w, checks: RECEIVER_CHECKS, params: { adaptiveMarginQ16: margin } });
        source.set(rows.subarray(d), 0);
        for (let a = 3; a < slots; a++) source.set(v, d * a);
        const outcome = new Uint8Array(slots);
        honestRoundAt(state.neuron, state.model, state.anchor, NODE, false, view, spec, true, next, outcome);
        for (let a = 3; a < slots; a++) expect(outcome[a]).toBe(ROUND_ACCEPTED);
        state.model.set(next.subarray(d * NODE, d * NODE + d), d * NODE);
      }
      return Array.from(state.model.subarray(d * NODE, d * NODE + d)).reduce((acc, x, k) => acc + (x - rows[k]!) * ADAPTIVE_DIRECTION[k]!, 0);
    };
    const quarter = movedBy(ONE / 4);
    const half = movedBy(ONE / 2);
    const full = movedBy((3 * ONE) / 4);
    expect(quarter).toBeGreaterThan(0);
    expect(half).toBeGreaterThan(quarter);
    expect(full).toBeGreaterThan(half);
  });
});
