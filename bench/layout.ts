// Layout step time: our Barnes–Hut force layout (src/sim/layout) beside d3-force-3d's simulation.tick() (the
// engine of 3d-force-graph) on the same nodes and radio links. Run alone: `npx tsx bench/layout.ts`.
import { forceCenter, forceLink, forceManyBody, forceSimulation, type SimLink, type SimNode } from 'd3-force-3d';
import { createRng } from '../src/core/rng/rng';
import * as q16 from '../src/core/fixed/q16';
import { brainRadius, DEFAULT_CONFIG } from '../src/sim/config';
import { edgeList, fibonacciSphere, radioNeighbourhoods, type Neighbourhoods } from '../src/sim/placement';
import { createForceLayout } from '../src/sim/layout/forceLayout';
import { defaultLayoutParams } from '../src/sim/layout/params';

export interface LayoutMeasurement {
  n: number;
  /** Undirected radio edges (springs / links). */
  edges: number;
  oursMsPerStep: number;
  d3MsPerStep: number;
}

const SEED = 7;
const TICK_S = DEFAULT_CONFIG.tickMs / 1000;

/** The benchmark graph: the sim's own placement (Fibonacci sphere, seed 7) and radio edges (range 3.5). */
export function layoutBenchGraph(n: number): { home: Float32Array; nb: Neighbourhoods; radius: number } {
  const radius = brainRadius(n);
  const homeQ16 = fibonacciSphere(n, q16.fromFloat(radius), createRng(SEED));
  const nb = radioNeighbourhoods(homeQ16, n, q16.fromFloat(DEFAULT_CONFIG.radioRange));
  const home = new Float32Array(3 * n);
  for (let i = 0; i < 3 * n; i++) home[i] = q16.toFloat(homeQ16[i]!);
  return { home, nb, radius };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Fewer timed steps for big graphs, so the 10,000-node run stays within a few seconds. */
function defaultSteps(n: number): number {
  return n <= 1_000 ? 60 : n <= 10_000 ? 15 : 5;
}

/** Median time of one step of each engine on the same graph, after a warm-up of both. */
export function measureLayout(n: number, steps = defaultSteps(n)): LayoutMeasurement {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n = ${n} is not a positive integer`);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps = ${steps} is not a positive integer`);
  const { home, nb, radius } = layoutBenchGraph(n);
  const edgePairs = edgeList(nb);
  const edges = edgePairs.length / 2;
  const warmUp = Math.max(3, Math.min(20, steps));

  const layout = createForceLayout(n, nb.offsets, nb.neighbours, defaultLayoutParams(radius));
  const pos = home.slice();
  const vel = new Float32Array(3 * n);
  const evolved = new Uint8Array(n);
  for (let i = 0; i < n; i += 3) evolved[i] = 1; // some stiff springs too, as in a running swarm

  // d3: the same nodes and links; forces comparable to ours (charge −12, θ 0.9, link length 2.5, centring).
  const nodes: SimNode[] = [];
  for (let i = 0; i < n; i++) nodes.push({ x: home[3 * i]!, y: home[3 * i + 1]!, z: home[3 * i + 2]! });
  const links: SimLink[] = [];
  for (let e = 0; e < edges; e++) links.push({ source: edgePairs[2 * e]!, target: edgePairs[2 * e + 1]! });
  const simulation = forceSimulation(nodes, 3)
    .stop() // its constructor starts a timer; only our explicit ticks may run
    .force('charge', forceManyBody().strength(-12).theta(0.9))
    .force('link', forceLink(links).distance(2.5))
    .force('center', forceCenter());

  for (let s = 0; s < warmUp; s++) {
    layout.step(pos, vel, evolved, TICK_S);
    simulation.tick();
  }
  // Alternate the two engines step by step, so that load from other processes on this shared machine
  // falls on both alike.
  const ours: number[] = [];
  const d3: number[] = [];
  for (let s = 0; s < steps; s++) {
    let t0 = performance.now();
    layout.step(pos, vel, evolved, TICK_S);
    ours.push(performance.now() - t0);
    t0 = performance.now();
    simulation.tick();
    d3.push(performance.now() - t0);
  }
  return { n, edges, oursMsPerStep: median(ours), d3MsPerStep: median(d3) };
}

/** A markdown-style table of measurements (used by the CLI bench too). */
export function layoutTable(rows: LayoutMeasurement[]): string {
  const lines = ['| nodes | edges | ours ms/step | d3-force-3d ms/tick | speed-up |', '|---|---|---|---|---|'];
  for (const r of rows) {
    lines.push(`| ${r.n.toLocaleString('en')} | ${r.edges.toLocaleString('en')} | ${r.oursMsPerStep.toFixed(2)} | `
      + `${r.d3MsPerStep.toFixed(2)} | ${(r.d3MsPerStep / r.oursMsPerStep).toFixed(1)}× |`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = [150, 1_000, 10_000].map((n) => measureLayout(n));
  console.log(layoutTable(rows));
}
