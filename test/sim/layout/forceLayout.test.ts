import { describe, expect, it } from 'vitest';
import { createForceLayout } from '../../../src/sim/layout/forceLayout';
import { defaultLayoutParams, LayoutParamsError } from '../../../src/sim/layout/params';
import { testGraph } from './helpers';
import { edgeList } from '../../../src/sim/placement';

function run(n: number, steps: number, evolvedOf: (i: number) => number = () => 0, dt = 0.1) {
  const { home, nb, radius } = testGraph(n);
  const params = defaultLayoutParams(radius);
  const layout = createForceLayout(n, nb.offsets, nb.neighbours, params);
  const pos = home.slice();
  const vel = new Float32Array(3 * n);
  const evolved = Uint8Array.from({ length: n }, (_, i) => evolvedOf(i));
  for (let s = 0; s < steps; s++) layout.step(pos, vel, evolved, dt);
  return { pos, vel, evolved, nb, radius, params };
}

function edgeLengths(pos: Float32Array, edges: Uint32Array, keep: (i: number, j: number) => boolean): number[] {
  const out: number[] = [];
  for (let e = 0; e < edges.length; e += 2) {
    const i = edges[e]!,
      j = edges[e + 1]!;
    if (keep(i, j)) out.push(Math.hypot(pos[3 * i]! - pos[3 * j]!, pos[3 * i + 1]! - pos[3 * j + 1]!, pos[3 * i + 2]! - pos[3 * j + 2]!));
  }
  return out;
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('createForceLayout', () => {
  it('keeps a brain-sized sphere: 150 nodes from home, 200 steps, within 1.5 R, no NaN, speed ≤ max', () => {
    const { pos, vel, radius, params } = run(150, 200, (i) => (i % 4 === 0 ? 1 : 0));
    const radii: number[] = [];
    for (let i = 0; i < 150; i++) {
      for (let a = 0; a < 3; a++) {
        expect(Number.isFinite(pos[3 * i + a])).toBe(true);
        expect(Number.isFinite(vel[3 * i + a])).toBe(true);
      }
      radii.push(Math.hypot(pos[3 * i]!, pos[3 * i + 1]!, pos[3 * i + 2]!));
      expect(Math.hypot(vel[3 * i]!, vel[3 * i + 1]!, vel[3 * i + 2]!)).toBeLessThanOrEqual(params.maxSpeed * (1 + 1e-6));
    }
    expect(Math.max(...radii)).toBeLessThan(1.5 * radius);
    // Brain-sized, not collapsed (the original's −4·p squeezes it to a mean radius of ≈ 5.3):
    expect(mean(radii)).toBeGreaterThan(0.75 * radius);
    expect(mean(radii)).toBeLessThan(radius);
  });

  it('keeps a brain-sized sphere at 1,000 nodes too (forces scale with the radius)', () => {
    const { pos, radius } = run(1000, 100);
    const radii = Array.from({ length: 1000 }, (_, i) => Math.hypot(pos[3 * i]!, pos[3 * i + 1]!, pos[3 * i + 2]!));
    expect(Math.max(...radii)).toBeLessThan(1.2 * radius);
    expect(mean(radii)).toBeGreaterThan(0.85 * radius);
  });

  it('is deterministic: two runs give bit-identical positions and velocities', () => {
    const a = run(300, 60, (i) => i & 1);
    const b = run(300, 60, (i) => i & 1);
    expect(new Uint8Array(a.pos.buffer)).toEqual(new Uint8Array(b.pos.buffer));
    expect(new Uint8Array(a.vel.buffer)).toEqual(new Uint8Array(b.vel.buffer));
  });

  it('springs pull evolved pairs closer than plain pairs', () => {
    const half = (i: number): number => (i % 2 === 0 ? 1 : 0);
    const { pos, nb } = run(150, 200, half);
    const bothEvolved = mean(edgeLengths(pos, edgeList(nb), (i, j) => half(i) === 1 && half(j) === 1));
    const neither = mean(edgeLengths(pos, edgeList(nb), (i, j) => half(i) === 0 && half(j) === 0));
    expect(bothEvolved).toBeLessThan(neither - 0.1);
    // And all-evolved brains are tighter than all-plain ones.
    const allEvolved = run(150, 200, () => 1);
    const allPlain = run(150, 200, () => 0);
    expect(mean(edgeLengths(allEvolved.pos, edgeList(nb), () => true))).toBeLessThan(mean(edgeLengths(allPlain.pos, edgeList(nb), () => true)));
  });

  it('clamps dt to maxDt and does nothing for dt ≤ 0 or NaN', () => {
    const long = run(100, 10, () => 0, 10);
    const clamped = run(100, 10, () => 0, 0.05);
    expect(long.pos).toEqual(clamped.pos);
    for (const dt of [0, -1, NaN]) {
      const { pos, vel } = run(100, 0);
      const before = pos.slice();
      const { nb, radius } = testGraph(100);
      createForceLayout(100, nb.offsets, nb.neighbours, defaultLayoutParams(radius)).step(pos, vel, new Uint8Array(100), dt);
      expect(pos).toEqual(before);
    }
  });

  it('a shorter step moves less, and damping is per second, not per call', () => {
    const coarse = run(100, 20, () => 0, 0.05);
    const fine = run(100, 40, () => 0, 0.025);
    const home = testGraph(100).home;
    const moved = (pos: Float32Array): number =>
      mean(
        Array.from({ length: 100 }, (_, i) => Math.hypot(pos[3 * i]! - home[3 * i]!, pos[3 * i + 1]! - home[3 * i + 1]!, pos[3 * i + 2]! - home[3 * i + 2]!)),
      );
    // Same sim time (1 s): the two integrations agree to well within their own motion.
    expect(Math.abs(moved(coarse.pos) - moved(fine.pos))).toBeLessThan(0.25 * moved(coarse.pos));
  });

  it('separates nodes that start at the same place, the same way every time', () => {
    const offsets = new Uint32Array([0, 1, 2]);
    const neighbours = new Uint32Array([1, 0]);
    const params = defaultLayoutParams(8);
    const go = (): Float32Array => {
      const layout = createForceLayout(2, offsets, neighbours, params);
      const pos = new Float32Array([3, 3, 3, 3, 3, 3]);
      const vel = new Float32Array(6);
      for (let s = 0; s < 100; s++) layout.step(pos, vel, new Uint8Array(2), 0.05);
      return pos;
    };
    const a = go();
    expect(Math.hypot(a[0]! - a[3]!, a[1]! - a[4]!, a[2]! - a[5]!)).toBeGreaterThan(1);
    expect(go()).toEqual(a);
  });

  it('rejects bad shapes and parameters with typed errors', () => {
    const { nb, radius } = testGraph(20);
    const params = defaultLayoutParams(radius);
    expect(() => createForceLayout(21, nb.offsets, nb.neighbours, params)).toThrow(RangeError);
    expect(() => createForceLayout(20, nb.offsets, nb.neighbours, { ...params, theta: 1.5 })).toThrow(LayoutParamsError);
    const layout = createForceLayout(20, nb.offsets, nb.neighbours, params);
    expect(() => layout.step(new Float32Array(59), new Float32Array(60), new Uint8Array(20), 0.1)).toThrow(RangeError);
    const offsets = new Uint32Array([0, 1, 2]);
    expect(() => createForceLayout(2, offsets, new Uint32Array([1, 0]), params)).not.toThrow();
    expect(() => createForceLayout(2, offsets, new Uint32Array([2, 0]), params)).toThrow(RangeError);
  });
});
