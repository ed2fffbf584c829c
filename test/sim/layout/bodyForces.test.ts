import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { accumulateBodyForces, coincidentDirection, createBodyForceScratch, exactBodyForces } from '../../../src/sim/layout/bodyForces';
import { createFlatOctree } from '../../../src/sim/layout/octree';
import { defaultLayoutParams } from '../../../src/sim/layout/params';
import { testGraph } from './helpers';

function octreeForces(pos: Float32Array, n: number, theta: number, params: Parameters<typeof exactBodyForces>[2], leafSize = 16): Float64Array {
  const tree = createFlatOctree(n, leafSize);
  tree.build(pos, theta);
  const out = new Float64Array(3 * n);
  accumulateBodyForces(tree, n, params, out, createBodyForceScratch(n));
  return out;
}

function exactForces(pos: Float32Array, n: number, params: Parameters<typeof exactBodyForces>[2]): Float64Array {
  const out = new Float64Array(3 * n);
  exactBodyForces(pos, n, params, out);
  return out;
}

/** RMS of the per-node error over the RMS force, and the worst per-node error over the RMS force. */
function errors(approx: Float64Array, exact: Float64Array): { rms: number; worst: number } {
  let err2 = 0,
    force2 = 0,
    worst2 = 0;
  for (let i = 0; i < exact.length; i += 3) {
    const e2 = (approx[i]! - exact[i]!) ** 2 + (approx[i + 1]! - exact[i + 1]!) ** 2 + (approx[i + 2]! - exact[i + 2]!) ** 2;
    err2 += e2;
    worst2 = Math.max(worst2, e2);
    force2 += exact[i]! ** 2 + exact[i + 1]! ** 2 + exact[i + 2]! ** 2;
  }
  return { rms: Math.sqrt(err2 / force2), worst: Math.sqrt((worst2 * exact.length) / 3 / force2) };
}

describe('Barnes–Hut body forces', () => {
  const params = defaultLayoutParams(8);
  const repulsionOnly = { ...params, globalAttraction: 0 };

  it('θ = 0 equals the exact O(n²) sum (up to summation order)', () => {
    const { home, radius } = testGraph(150);
    const p = defaultLayoutParams(radius);
    const { rms, worst } = errors(octreeForces(home, 150, 0, p), exactForces(home, 150, p));
    expect(rms).toBeLessThan(1e-12);
    expect(worst).toBeLessThan(1e-12);
  });

  it('θ = 0 is exact on arbitrary clouds with duplicates, for any leaf size', () => {
    const points = fc.array(fc.tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -20, max: 20 }), fc.integer({ min: -20, max: 20 })), {
      minLength: 2,
      maxLength: 60,
    });
    fc.assert(
      fc.property(points, fc.integer({ min: 1, max: 20 }), (pts, leafSize) => {
        const pos = Float32Array.from(pts.flat().map((v) => v / 4));
        const n = pts.length;
        const exact = exactForces(pos, n, params);
        const approx = octreeForces(pos, n, 0, params, leafSize);
        for (let i = 0; i < 3 * n; i++) expect(Math.abs(approx[i]! - exact[i]!)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(exact[i]!)));
      }),
      { numRuns: 300 },
    );
  });

  it('θ = 0.9 approximates the exact repulsion within a few % (150, 1,000 and 3,000 nodes)', () => {
    for (const n of [150, 1000, 3000]) {
      const { home, radius } = testGraph(n);
      const p = { ...defaultLayoutParams(radius), globalAttraction: 0 };
      const { rms, worst } = errors(octreeForces(home, n, 0.9, p), exactForces(home, n, p));
      expect(rms, `n = ${n}`).toBeLessThan(0.02);
      expect(worst, `n = ${n}`).toBeLessThan(0.1);
    }
  });

  it('θ = 0.9 keeps repulsion and global attraction together within 1 % of the total pair force', () => {
    const { home } = testGraph(1000);
    const p = defaultLayoutParams(testGraph(1000).radius);
    const approx = octreeForces(home, 1000, 0.9, p);
    const exact = exactForces(home, 1000, p);
    for (let i = 0; i < 1000; i++) {
      let total = 0; // Σ |pair force| on node i: the scale the error is judged against
      for (let j = 0; j < 1000; j++) {
        if (j === i) continue;
        const d2 = (home[3 * i]! - home[3 * j]!) ** 2 + (home[3 * i + 1]! - home[3 * j + 1]!) ** 2 + (home[3 * i + 2]! - home[3 * j + 2]!) ** 2;
        total += p.repulsion / Math.max(d2, 0.25) + p.globalAttraction / (1 + p.globalFalloff * Math.sqrt(d2));
      }
      const err = Math.hypot(approx[3 * i]! - exact[3 * i]!, approx[3 * i + 1]! - exact[3 * i + 1]!, approx[3 * i + 2]! - exact[3 * i + 2]!);
      expect(err / total).toBeLessThan(0.01);
    }
  });

  it('a larger θ approximates more coarsely (the octree really is used)', () => {
    const { home } = testGraph(1000);
    const exact = exactForces(home, 1000, repulsionOnly);
    const fine = errors(octreeForces(home, 1000, 0.3, repulsionOnly), exact).rms;
    const coarse = errors(octreeForces(home, 1000, 0.9, repulsionOnly), exact).rms;
    expect(fine).toBeGreaterThan(0);
    expect(coarse).toBeGreaterThan(fine);
  });

  it('coincident nodes get opposite unit directions derived from their indices', () => {
    const u = new Float64Array(3),
      v = new Float64Array(3);
    fc.assert(
      fc.property(fc.nat(1e6), fc.nat(1e6), (i, j) => {
        fc.pre(i !== j);
        coincidentDirection(i, j, u);
        coincidentDirection(j, i, v);
        expect(Math.hypot(u[0]!, u[1]!, u[2]!)).toBeCloseTo(1, 12);
        for (let a = 0; a < 3; a++) expect(v[a]).toBe(-u[a]!);
      }),
      { numRuns: 1000 },
    );
    const pos = new Float32Array([1, 2, 3, 1, 2, 3]);
    const f = octreeForces(pos, 2, 0.9, repulsionOnly);
    expect(Math.hypot(f[0]!, f[1]!, f[2]!)).toBeCloseTo(repulsionOnly.repulsion / 0.25, 9);
    expect(f[0]).toBe(-f[3]!);
  });
});
