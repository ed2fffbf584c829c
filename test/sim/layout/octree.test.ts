import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CELL_STRIDE, CX, END, FIRST, MASS, OPEN2, SKIP, createFlatOctree } from '../../../src/sim/layout/octree';
import { testGraph } from './helpers';

/** Point clouds with clusters and exact duplicates, the hard cases for an octree. */
const cloud = fc
  .array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 })), { minLength: 1, maxLength: 120 })
  .chain((points) => fc.tuple(fc.constant(points), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 8 })))
  .map(([points, scaleExp, leafSize]) => {
    const pos = new Float32Array(3 * points.length);
    points.forEach(([x, y, z], i) => pos.set([x / 10 ** scaleExp, y / 10 ** scaleExp, z / 10 ** scaleExp], 3 * i));
    return { pos, n: points.length, leafSize };
  });

function checkTree(pos: Float32Array, n: number, leafSize: number, theta: number): void {
  const tree = createFlatOctree(n, leafSize);
  tree.build(pos, theta);
  const { cells, order, count } = tree;
  expect(count).toBeGreaterThan(0);
  expect(count).toBeLessThanOrEqual(2 * n - 1 || 1);
  expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i)); // a permutation
  expect(cells[MASS]).toBe(n);
  expect(cells[SKIP]).toBe(count);
  let covered = 0;
  for (let c = 0; c < count; c++) {
    const base = c * CELL_STRIDE;
    const skip = cells[base + SKIP]!;
    expect(skip).toBeGreaterThan(c);
    expect(skip).toBeLessThanOrEqual(count);
    if (cells[base + FIRST]! >= 0) {
      // Leaves cover the points in order, each exactly once, and their masses are their sizes.
      expect(cells[base + FIRST]).toBe(covered);
      covered = cells[base + END]!;
      expect(cells[base + MASS]).toBe(cells[base + END]! - cells[base + FIRST]!);
      expect(skip).toBe(c + 1);
    } else {
      // An internal cell's mass is the sum of its children's (first child c + 1, then skip to skip).
      let sum = 0,
        children = 0;
      for (let child = c + 1; child < skip; child = cells[child * CELL_STRIDE + SKIP]!) {
        sum += cells[child * CELL_STRIDE + MASS]!;
        children++;
      }
      expect(sum).toBe(cells[base + MASS]);
      expect(children).toBeGreaterThanOrEqual(2);
    }
    if (theta === 0) expect(cells[base + OPEN2]).toBe(Infinity);
  }
  expect(covered).toBe(n);
  let meanX = 0;
  for (let i = 0; i < n; i++) meanX += pos[3 * i]!;
  expect(cells[CX]).toBeCloseTo(meanX / n, 6);
  for (let k = 0; k < n; k++) expect(tree.sorted[3 * k]).toBe(pos[3 * order[k]!]); // sorted = pos in tree order
}

describe('createFlatOctree', () => {
  it('builds a valid pre-order tree for arbitrary clouds, duplicates included', () => {
    fc.assert(
      fc.property(cloud, ({ pos, n, leafSize }) => checkTree(pos, n, leafSize, 0.9)),
      { numRuns: 300 },
    );
  });

  it('θ = 0 makes every cell unopenable from afar (exact forces)', () => {
    const { home } = testGraph(150);
    checkTree(home, 150, 4, 0);
  });

  it('puts many coincident points in one leaf instead of recursing forever', () => {
    const n = 50;
    const pos = new Float32Array(3 * n).fill(1.5);
    pos[0] = -3; // one different point so the box is not empty
    const tree = createFlatOctree(n, 1);
    tree.build(pos, 0.9);
    expect(tree.count).toBeLessThanOrEqual(3);
    checkTree(pos, n, 1, 0.9);
  });

  it('rebuilds into the same buffers and gives the same tree for the same input', () => {
    const { home } = testGraph(1000);
    const tree = createFlatOctree(1000, 16);
    tree.build(home, 0.9);
    const first = tree.cells.slice(0, tree.count * CELL_STRIDE);
    const cellsBuffer = tree.cells;
    const moved = home.map((v) => v * 0.5);
    tree.build(moved, 0.9);
    tree.build(home, 0.9);
    expect(tree.cells).toBe(cellsBuffer);
    expect(tree.cells.slice(0, tree.count * CELL_STRIDE)).toEqual(first);
  });
});
