// The test graph of the brief: the sim's Fibonacci sphere (radius brainRadius(n), seed 7) and radio edges
// (range 3.5), with home positions as floats.
import { createRng } from '../../../src/core/rng/rng';
import * as q16 from '../../../src/core/fixed/q16';
import { brainRadius } from '../../../src/sim/config';
import { fibonacciSphere, radioNeighbourhoods, type Neighbourhoods } from '../../../src/sim/placement';

export function testGraph(n: number): { home: Float32Array; nb: Neighbourhoods; radius: number } {
  const radius = brainRadius(n);
  const homeQ16 = fibonacciSphere(n, q16.fromFloat(radius), createRng(7));
  const nb = radioNeighbourhoods(homeQ16, n, q16.fromFloat(3.5));
  const home = new Float32Array(3 * n);
  for (let i = 0; i < 3 * n; i++) home[i] = q16.toFloat(homeQ16[i]!);
  return { home, nb, radius };
}
