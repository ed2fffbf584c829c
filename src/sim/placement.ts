// Where nodes live. Home positions are Q16 and computed with integer math only (q16 sin/cos/sqrt and a
// seeded stream), because they decide radio neighbourhoods and noise exposure: the same seed must give the
// same swarm in Node and in every browser. The force layout later moves only the *drawn* positions.
import * as q16 from '../core/fixed/q16';
import type { Rng } from '../core/rng/rng';

/** The golden angle 2π(1 − 1/φ) in Q16 radians. */
const GOLDEN_ANGLE = 157284;

/** Thickness of the shell nodes live in: 0.3 of the default radius 8, as in the original (0.7–1.0 × 8). */
export const SHELL_THICKNESS: q16.Q16 = q16.fromFloat(2.4);

/**
 * n home positions on a Fibonacci sphere of the given radius (Q16), each pushed inwards by a seeded jitter of
 * up to SHELL_THICKNESS (0.7–1.0 of the radius at the default size). The shell keeps its thickness when the
 * radius grows with n, so node density, and with it the radio degree, stays the same at any scale.
 * Returns 3·n Q16 values (x, y, z).
 */
export function fibonacciSphere(n: number, radius: q16.Q16, rng: Rng): Int32Array {
  const out = new Int32Array(3 * n);
  for (let i = 0; i < n; i++) {
    // y runs from +1 to −1 in equal steps: (n − 2i − 1) / n, rounded to Q16 exactly.
    const y = Math.round(((n - 2 * i - 1) * q16.ONE) / n);
    const ring = q16.sqrt(q16.ONE - q16.mul(y, y));
    const theta = (i * GOLDEN_ANGLE) % q16.TWO_PI;
    const r = radius - q16.mul(SHELL_THICKNESS, q16.ONE - rng.nextQ16());
    out[3 * i] = q16.mul(r, q16.mul(ring, q16.cos(theta)));
    out[3 * i + 1] = q16.mul(r, y);
    out[3 * i + 2] = q16.mul(r, q16.mul(ring, q16.sin(theta)));
  }
  return out;
}

/** Radio neighbourhoods in compressed sparse row form (each node's neighbours sorted). */
export interface Neighbourhoods {
  /** offsets[i] .. offsets[i + 1] index into `neighbours`. */
  offsets: Uint32Array;
  neighbours: Uint32Array;
}

/** The CSR slot of j in i's neighbour list (neighbours are sorted), or −1 if j is not a neighbour of i. */
export function slotOf(hood: Neighbourhoods, i: number, j: number): number {
  let lo = hood.offsets[i]!;
  let hi = hood.offsets[i + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = hood.neighbours[mid]!;
    if (v === j) return mid;
    if (v < j) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The undirected edge list of a neighbourhood graph: 2·E node indices, each edge once with i < j, sorted.
 *  Only the view needs it, so it is derived on demand rather than kept in the sim state. */
export function edgeList(hood: Neighbourhoods): Uint32Array {
  const { offsets, neighbours } = hood;
  const out = new Uint32Array(neighbours.length); // each edge sits twice in the CSR: at most half is used
  let e = 0;
  for (let i = 0; i + 1 < offsets.length; i++) {
    for (let s = offsets[i]!; s < offsets[i + 1]!; s++) {
      const j = neighbours[s]!;
      if (i < j) {
        out[e++] = i;
        out[e++] = j;
      }
    }
  }
  return out.slice(0, e);
}

// Squared distances are compared in Q8 (home >> 8) so that they stay exact integers below 2^53 for any
// brain size we allow; 1/256 of a unit is far finer than the radio range matters.
const SHIFT = 8;

/** Nodes within `range` (Q16) of each other, found with a uniform grid in O(n · k). */
export function radioNeighbourhoods(home: Int32Array, n: number, range: q16.Q16): Neighbourhoods {
  const cell = Math.max(1, range);
  const key = (cx: number, cy: number, cz: number): number => ((cx + 4096) * 8192 + (cy + 4096)) * 8192 + (cz + 4096);
  const grid = new Map<number, number[]>();
  const cx = new Int32Array(n);
  const cy = new Int32Array(n);
  const cz = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    cx[i] = Math.floor(home[3 * i]! / cell);
    cy[i] = Math.floor(home[3 * i + 1]! / cell);
    cz[i] = Math.floor(home[3 * i + 2]! / cell);
    const k = key(cx[i]!, cy[i]!, cz[i]!);
    const bucket = grid.get(k);
    if (bucket) bucket.push(i);
    else grid.set(k, [i]);
  }
  const r8 = range >> SHIFT;
  const limit = r8 * r8;
  const lists: number[][] = new Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const found: number[] = [];
    const xi = home[3 * i]! >> SHIFT;
    const yi = home[3 * i + 1]! >> SHIFT;
    const zi = home[3 * i + 2]! >> SHIFT;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (let dz = -1; dz <= 1; dz++) {
          const bucket = grid.get(key(cx[i]! + dx, cy[i]! + dy, cz[i]! + dz));
          if (!bucket) continue;
          for (const j of bucket) {
            if (j === i) continue;
            const ex = (home[3 * j]! >> SHIFT) - xi;
            const ey = (home[3 * j + 1]! >> SHIFT) - yi;
            const ez = (home[3 * j + 2]! >> SHIFT) - zi;
            if (ex * ex + ey * ey + ez * ez < limit) found.push(j);
          }
        }
      }
    }
    found.sort((a, b) => a - b); // bucket order depends on Map iteration; sort so the result is canonical
    lists[i] = found;
    total += found.length;
  }
  const offsets = new Uint32Array(n + 1);
  const neighbours = new Uint32Array(total);
  let at = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = at;
    neighbours.set(lists[i]!, at);
    at += lists[i]!.length;
  }
  offsets[n] = at;
  return { offsets, neighbours };
}
