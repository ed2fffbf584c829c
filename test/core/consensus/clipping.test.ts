import { describe, expect, it } from 'vitest';
import {
  cholesky9,
  cholSolve9,
  clipAround,
  clippedGossip,
  clipInvisible,
  clipRadius,
  decayPushes,
  rowDistance,
  windowGram9,
} from '../../../src/core/consensus/clipping';
import { getAggregator } from '../../../src/core/consensus/registry';
import { AggregatorPreconditionError } from '../../../src/core/consensus/aggregators';
import { jacobiEigen9 } from './jacobi';
import { ADAPTIVE_DIRECTION } from '../../../src/core/consensus/attacks';

const ONE = 65536;
/** A slow, smooth window (most recent first): two sines as in the calm field, sampled every 0.1 s. */
function calmWindow(phase = 0.3): Int32Array {
  return Int32Array.from({ length: 16 }, (_, j) => Math.round((Math.sin(phase - 0.1 * j) + 0.5 * Math.sin(0.37 * (phase - 0.1 * j) + 1)) * ONE));
}

describe('self-centred clipping (ClippedGossip)', () => {
  it('keeps rows within τ, pulls the others onto the sphere of radius τ around the centre', () => {
    const rows = Int32Array.from([0, 0, 3 * ONE, 4 * ONE, ONE, 0]);
    const out = new Int32Array(6);
    expect(clipAround(rows, 3, 2, [0, 0], 2 * ONE, out)).toBe(1);
    expect(Array.from(out)).toEqual([0, 0, Math.round(1.2 * ONE), Math.round(1.6 * ONE), ONE, 0]);
    expect(rowDistance(out, 1, Int32Array.from([0, 0]), 0, 2)).toBeCloseTo(2 * ONE, -1);
  });
  it('the radius is a quantile of the other rows\u2019 distances to the centre row', () => {
    const rows = Int32Array.from([0, 10, 20, 30, 1000].flatMap((x) => [x, 0]));
    expect(clipRadius(rows, 5, 2, 0, 1, 2)).toBe(20);
    expect(clipRadius(rows, 5, 2, 0, 1, 4)).toBe(10);
    expect(clipRadius(rows, 5, 2, 0, 0, 1, 15)).toBe(15);
  });
});

describe('the invisible-direction clip', () => {
  it('the reference Jacobi: G v = λ v for every eigenpair of a window\u2019s lag Gram matrix', () => {
    const g = windowGram9(calmWindow(), 0, 16, new Float64Array(81));
    const a = Float64Array.from(g);
    const values = new Float64Array(9);
    const vectors = new Float64Array(81);
    jacobiEigen9(a, values, vectors);
    for (let e = 0; e < 9; e++) {
      for (let r = 0; r < 9; r++) {
        let gv = 0;
        for (let k = 0; k < 9; k++) gv += g[r * 9 + k]! * vectors[k * 9 + e]!;
        expect(gv).toBeCloseTo(values[e]! * vectors[r * 9 + e]!, 8);
      }
    }
  });
  it('clips a far push along the Nyquist pattern (which a calm window barely sees) and leaves a visible difference alone', () => {
    const window = calmWindow();
    const own = [ONE, 0, 0, 0, 0, 0, 0, 0, 0];
    // Rows: own, four honest rows with small differences, one row 2.0 along the Nyquist pattern, one row 0.5
    // along the direction the window sees most (its lag Gram matrix's top eigenvector).
    const values = new Float64Array(9);
    const vectors = new Float64Array(81);
    jacobiEigen9(windowGram9(window, 0, 16, new Float64Array(81)), values, vectors);
    const top = values.indexOf(Math.max(...values));
    const honest = [1500, -1200, 800, 2000];
    const rows: number[] = [...own];
    for (const h of honest) rows.push(...own.map((x, k) => x + (k === 3 ? h : k === 5 ? -h : 0)));
    rows.push(...own.map((x, k) => x + Math.round(2 * ONE * ADAPTIVE_DIRECTION[k]!)));
    rows.push(...own.map((x, k) => x + Math.round((ONE / 2) * vectors[k * 9 + top]!)));
    const r = Int32Array.from(rows);
    const before = Int32Array.from(r);
    const clipped = clipInvisible(r, 7, 0, window, 0, 16, 0.01, 1, 4);
    expect(clipped).toBeGreaterThanOrEqual(1);
    const push = rowDistance(r, 5, r, 0, 9);
    expect(push).toBeLessThan(0.5 * ONE); // from 2.0: what remains is the part the window does see
    // The visible row's difference is left alone (up to a rounding LSB).
    for (let k = 54; k < 63; k++) expect(Math.abs(r[k]! - before[k]!)).toBeLessThanOrEqual(1);
    // The centre row is never changed; the result is deterministic.
    expect(Array.from(r.subarray(0, 9))).toEqual(own);
    const again = Int32Array.from(before);
    clipInvisible(again, 7, 0, window, 0, 16, 0.01, 1, 4);
    expect(Array.from(again)).toEqual(Array.from(r));
  });
  it('the invisible part is θ²(G² + θ²I)⁻¹Δ: along each eigen-direction of G, the fraction θ²/(λ² + θ²) of Δ', () => {
    // Checked against an independent route: a Jacobi eigendecomposition (test/core/consensus/jacobi.ts).
    const theta = 0.01;
    const g = windowGram9(calmWindow(0.9), 0, 16, new Float64Array(81));
    const values = new Float64Array(9);
    const vectors = new Float64Array(81);
    jacobiEigen9(Float64Array.from(g), values, vectors);
    const a = new Float64Array(81);
    for (let r = 0; r < 9; r++) {
      for (let c = 0; c < 9; c++) {
        let s = 0;
        for (let k = 0; k < 9; k++) s += g[r * 9 + k]! * g[k * 9 + c]!;
        a[r * 9 + c] = s + (r === c ? theta * theta : 0);
      }
    }
    const l = cholesky9(a, new Float64Array(81));
    for (let e = 0; e < 9; e++) {
      const x = Float64Array.from({ length: 9 }, (_, k) => vectors[k * 9 + e]!);
      cholSolve9(l, x);
      const fraction = (theta * theta) / (values[e]! ** 2 + theta * theta);
      for (let k = 0; k < 9; k++) expect(x[k]! * theta * theta).toBeCloseTo(fraction * vectors[k * 9 + e]!, 6);
    }
    // The window sees its top direction: almost none of it is invisible; most of the Nyquist pattern is.
    const top = values.indexOf(Math.max(...values));
    expect((theta * theta) / (values[top]! ** 2 + theta * theta)).toBeLessThan(1e-3);
    const u = Float64Array.from(ADAPTIVE_DIRECTION);
    cholSolve9(l, u);
    expect(Math.hypot(...u) * theta * theta).toBeGreaterThan(0.8);
  });
  it('with memory, a neighbour that pushes the same invisible way every round is held to the budget in total; one whose pushes alternate is not', () => {
    const window = calmWindow();
    const own = [ONE, 0, 0, 0, 0, 0, 0, 0, 0];
    const honest = [1500, -1200, 800, 2000];
    // Slots: 0..3 honest (small, fixed differences), 4 a steady pusher along the Nyquist pattern, 5 one that
    // pushes as far but alternates sign every round.
    const push = new Int32Array(6 * 9);
    const slotOf = Int32Array.from([-1, 0, 1, 2, 3, 4, 5]);
    const memory = { push, slotOf, budgetNum: 1, budgetDen: 1 };
    let steadyFirst = 0;
    let budget = 0;
    let steady = 0;
    let alternating = 0;
    for (let round = 0; round < 40; round++) {
      decayPushes(push, 0, 6, 2);
      const rows: number[] = [...own];
      for (const h of honest) rows.push(...own.map((x, k) => x + (k === 3 ? h : k === 5 ? -h : 0)));
      const sign = round & 1 ? -1 : 1;
      rows.push(...own.map((x, k) => x + Math.round(ONE * ADAPTIVE_DIRECTION[k]!)));
      rows.push(...own.map((x, k) => x + sign * Math.round(ONE * ADAPTIVE_DIRECTION[k]!)));
      const r = Int32Array.from(rows);
      clipInvisible(r, 7, 0, window, 0, 16, 0.01, 1, 4, 0, memory);
      // What each pusher's row keeps along the pattern this round (the window sees a little of the pattern: that
      // part is neither clipped nor remembered).
      const along = (row: number) => own.reduce((acc, x, k) => acc + (r[row * 9 + k]! - x) * ADAPTIVE_DIRECTION[k]!, 0);
      const remembered = Math.hypot(...push.subarray(4 * 9, 5 * 9));
      if (round === 0) {
        steadyFirst = along(5);
        budget = remembered; // the first push is this round's clip radius τ, all of it let through
      } else {
        expect(remembered).toBeLessThanOrEqual(budget + 2); // the memory stays within the budget (τ)
        steady = Math.max(steady, along(5));
        alternating = Math.min(alternating === 0 ? Infinity : alternating, sign * along(6));
      }
    }
    // Round 0: the steady pusher gets the whole clipped push (≈ 1.0 × τ invisible plus the small visible part);
    // from then on only what leaked out of its memory, a quarter of τ; the alternating one keeps all of its
    // clipped push every round (its memory does not fill up).
    expect(budget).toBeGreaterThan(1000);
    expect(steadyFirst).toBeGreaterThan(budget);
    expect(steady).toBeLessThan(steadyFirst - 0.7 * budget);
    expect(steady).toBeGreaterThan(steadyFirst - 0.8 * budget);
    expect(alternating).toBeCloseTo(steadyFirst, 0);
  });
  it('with memory, a slot outside the memory or a bad budget is a typed error, not a silent NaN', () => {
    const rows = Int32Array.from({ length: 3 * 9 }, (_, i) => (i % 9 === 0 ? ONE : 0) + i);
    const push = new Int32Array(2 * 9);
    const call = (slotOf: number[], budgetDen = 1) =>
      clipInvisible(Int32Array.from(rows), 3, 0, calmWindow(), 0, 16, 0.01, 1, 4, 0, { push, slotOf: Int32Array.from(slotOf), budgetNum: 1, budgetDen });
    expect(() => call([-1, 0, 1])).not.toThrow();
    expect(() => call([-1, 0, 2])).toThrow(AggregatorPreconditionError);
    expect(() => call([-1, 0])).toThrow(AggregatorPreconditionError);
    expect(() => call([-1, 0, 1], 0)).toThrow(AggregatorPreconditionError);
  });
  it('a single row (the node alone) is left as it is', () => {
    const r = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(clipInvisible(r, 1, 0, calmWindow(), 0, 16, 0.01, 1, 4)).toBe(0);
    expect(Array.from(r)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('ClippedGossip as an aggregator', () => {
  it('moves the node (row 0) by at most τ/n towards any one row, τ the lower median distance to it', () => {
    // Own model at 0, three honest rows at distances 1, 2, 3 (in units of ONE), one attacker 1,000 away.
    const rows = Int32Array.from([0, 0, ONE, 0, 0, 2 * ONE, 3 * ONE, 0, 1000 * ONE, 0]);
    const out = clippedGossip(rows, 5, 2);
    // τ = the lower median of {1, 2, 3, 1000} = 2: the rows become 0, 1, (0, 2), (2, 0), (2, 0); mean over 5.
    expect(Array.from(out)).toEqual([Math.round((ONE + 2 * ONE + 2 * ONE) / 5), Math.round((2 * ONE) / 5)]);
    // The attacker's pull is bounded whatever it sends.
    const far = Int32Array.from(rows);
    far[8] = 2 ** 31 - 1;
    far[9] = -(2 ** 31);
    const bounded = clippedGossip(far, 5, 2);
    expect(Math.hypot(bounded[0]! - Math.round((3 * ONE) / 5), bounded[1]! - Math.round((2 * ONE) / 5))).toBeLessThanOrEqual((2 * ONE) / 5 + 2);
  });
  it('is in the registry under clipped-gossip, and the node alone keeps its model', () => {
    expect(getAggregator('clipped-gossip').aggregate).toBe(clippedGossip);
    expect(Array.from(clippedGossip(Int32Array.from([5, -7, 9]), 1, 3))).toEqual([5, -7, 9]);
  });
});
