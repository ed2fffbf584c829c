// Layout step time for `qres bench`: our Barnes–Hut force layout (src/sim/layout) beside d3-force-3d's
// simulation.tick() (the engine of 3d-force-graph) on the same nodes and radio links. d3-force-3d is a
// devDependency: it is loaded when the comparison runs, and `loadD3Force` returns undefined when it is not
// installed, so that the benchmark still measures our layout and says what it skipped.
import type * as D3Force from 'd3-force-3d';
import type { SimLink, SimNode } from 'd3-force-3d';
import { createRng } from '../core/rng/rng';
import * as q16 from '../core/fixed/q16';
import { brainRadius, DEFAULT_CONFIG } from '../sim/config';
import { edgeList, fibonacciSphere, radioNeighbourhoods, type Neighbourhoods } from '../sim/placement';
import { createForceLayout } from '../sim/layout/forceLayout';
import { defaultLayoutParams } from '../sim/layout/params';

/** The part of the d3-force-3d module the comparison uses. */
export type D3ForceModule = Pick<typeof D3Force, 'forceSimulation' | 'forceManyBody' | 'forceLink' | 'forceCenter'>;
/** Loads d3-force-3d, or resolves undefined when it is not installed (`npm install --omit=dev`). */
export type D3Loader = () => Promise<D3ForceModule | undefined>;

export const D3_MISSING_NOTE =
  'd3-force-3d is not installed (a devDependency; `npm install` without --omit=dev adds it): ' + 'the layout table shows our step time only.';

/** The default loader: a dynamic import; a missing package is undefined, any other failure is thrown. */
export const loadD3Force: D3Loader = async () => {
  try {
    return (await import('d3-force-3d')) as D3ForceModule;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
};

export interface LayoutMeasurement {
  n: number;
  /** Undirected radio edges (springs / links). */
  edges: number;
  oursMsPerStep: number;
  /** Undefined when d3-force-3d was not available. */
  d3MsPerStep?: number;
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

/**
 * Median time of one step of each engine on the same graph, after a warm-up of both. Without `d3` (not
 * installed), only our layout is timed.
 */
export function measureLayout(n: number, d3: D3ForceModule | undefined, steps = defaultSteps(n)): LayoutMeasurement {
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
  let tick: (() => void) | undefined;
  if (d3) {
    const nodes: SimNode[] = [];
    for (let i = 0; i < n; i++) nodes.push({ x: home[3 * i]!, y: home[3 * i + 1]!, z: home[3 * i + 2]! });
    const links: SimLink[] = [];
    for (let e = 0; e < edges; e++) links.push({ source: edgePairs[2 * e]!, target: edgePairs[2 * e + 1]! });
    const simulation = d3
      .forceSimulation(nodes, 3)
      .stop() // its constructor starts a timer; only our explicit ticks may run
      .force('charge', d3.forceManyBody().strength(-12).theta(0.9))
      .force('link', d3.forceLink(links).distance(2.5))
      .force('center', d3.forceCenter());
    tick = () => void simulation.tick();
  }

  for (let s = 0; s < warmUp; s++) {
    layout.step(pos, vel, evolved, TICK_S);
    tick?.();
  }
  // Alternate the two engines step by step, so that load from other processes on this shared machine
  // falls on both alike.
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let s = 0; s < steps; s++) {
    let t0 = performance.now();
    layout.step(pos, vel, evolved, TICK_S);
    ours.push(performance.now() - t0);
    if (tick) {
      t0 = performance.now();
      tick();
      theirs.push(performance.now() - t0);
    }
  }
  return { n, edges, oursMsPerStep: median(ours), ...(tick ? { d3MsPerStep: median(theirs) } : {}) };
}
