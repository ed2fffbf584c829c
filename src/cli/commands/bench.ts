// `qres bench` (= `npm run bench`): simulator speed and memory per node at 150 … 100,000 nodes (layout off),
// and the force layout's step time beside d3-force-3d's on the same graph, in one run. Writes the tables into
// docs/BENCHMARKS.md (section "sim") unless --no-write. Needs no devDependency: d3-force-3d (one) is loaded only
// for the layout comparison, and without it the layout table shows our step time and a one-line note says why.
import { numberFlag, UsageError, type Command } from '../command';
import { createSim, type Sim } from '../../sim/runner';
import { machineLine, table, writeSection } from '../report';
import { D3_MISSING_NOTE, loadD3Force, measureLayout, type D3Loader, type LayoutMeasurement } from '../layoutBench';

const USAGE = `usage: npm run bench [-- flags]

Measures ticks per second and sim-state bytes per node for 150, 1,000, 10,000 and 100,000 nodes (layout off),
and the layout step at 150, 1,000 and 10,000 nodes beside d3-force-3d's tick on the same graph (when
d3-force-3d, a devDependency, is installed; otherwise our step alone, with a note).

  --sizes A,B,...    node counts for the tick table (default 150,1000,10000,100000)
  --layout-sizes ..  node counts for the layout table (default 150,1000,10000)
  --seconds S        minimum wall time per size, seconds (default 5)
  --no-write         print only; do not update docs/BENCHMARKS.md
  --json             print the figures as JSON`;

/** Bytes of every typed array the simulation keeps for its state (components, neighbourhoods, radio pool). */
export function simStateBytes(sim: Sim): number {
  let bytes = 0;
  for (const component of Object.values(sim.world.components)) {
    for (const column of Object.values(component as Record<string, ArrayBufferView>)) bytes += column.byteLength;
  }
  const { offsets, neighbours } = sim.world.hood;
  bytes += offsets.byteLength + neighbours.byteLength;
  bytes += sim.world.link.stateBytes;
  return bytes;
}

export interface TickRow {
  nodes: number;
  ticksPerSecond: number;
  bytesPerNode: number;
  setupMs: number;
}

export function measureTicks(nodes: number, minSeconds: number): TickRow {
  const t0 = performance.now();
  const sim = createSim({ nodes, seed: 7, layout: false });
  const setupMs = performance.now() - t0;
  // Warm up into the storms (the first seconds of sim time are calm and cheaper than the steady state).
  const warm = performance.now();
  while (sim.tick < 300 && performance.now() - warm < minSeconds * 500) sim.step(10);
  let ticks = 0;
  const start = performance.now();
  while (performance.now() - start < minSeconds * 1000 || ticks < 20) {
    sim.step(10);
    ticks += 10;
  }
  const elapsed = (performance.now() - start) / 1000;
  return { nodes, ticksPerSecond: ticks / elapsed, bytesPerNode: simStateBytes(sim) / nodes, setupMs };
}

function sizes(raw: string | boolean | undefined, fallback: number[]): number[] {
  if (raw === undefined) return fallback;
  const list = String(raw)
    .split(',')
    .map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1 || n > 1_000_000)) throw new UsageError(`bad size list '${raw}'`);
  return list;
}

/** The bench command; `loadD3` is injectable so that tests can run it as if d3-force-3d were not installed. */
export function makeBenchCommand(loadD3: D3Loader = loadD3Force): Command {
  return {
    name: 'bench',
    summary: 'simulator ticks/s and bytes per node, and the layout against d3-force-3d',
    usage: USAGE,
    options: {
      sizes: { type: 'string' },
      'layout-sizes': { type: 'string' },
      seconds: { type: 'string' },
      'no-write': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    async run(values) {
      const tickSizes = sizes(values.sizes, [150, 1000, 10_000, 100_000]);
      const layoutSizes = sizes(values['layout-sizes'], [150, 1000, 10_000]);
      const seconds = numberFlag(values, 'seconds') ?? 5;
      const ticks: TickRow[] = [];
      for (const n of tickSizes) {
        process.stderr.write(`bench: ${n} nodes, ticks …\n`);
        ticks.push(measureTicks(n, seconds));
      }
      const layouts: LayoutMeasurement[] = [];
      const d3 = layoutSizes.length > 0 ? await loadD3() : undefined;
      if (layoutSizes.length > 0 && !d3) process.stderr.write(`bench: ${D3_MISSING_NOTE}\n`);
      for (const n of layoutSizes) {
        process.stderr.write(`bench: ${n} nodes, layout${d3 ? ' vs d3-force-3d' : ''} …\n`);
        layouts.push(measureLayout(n, d3));
      }
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ machine: machineLine(), ticks, layouts, d3: d3 !== undefined })}\n`);
        return 0;
      }
      const tickTable = table(
        ['nodes', 'ticks/s', 'sim time × real time (100 ms ticks)', 'sim-state bytes/node', 'setup ms'],
        ticks.map((r) => [
          r.nodes.toLocaleString('en'),
          r.ticksPerSecond.toFixed(0),
          `${(r.ticksPerSecond / 10).toFixed(1)}×`,
          r.bytesPerNode.toFixed(0),
          r.setupMs.toFixed(0),
        ]),
      );
      const layoutTable = table(
        ['nodes', 'edges', 'ours ms/step', 'd3-force-3d ms/tick', 'speed-up'],
        layouts.map((r) => [
          r.n.toLocaleString('en'),
          r.edges.toLocaleString('en'),
          r.oursMsPerStep.toFixed(2),
          r.d3MsPerStep === undefined ? '—' : r.d3MsPerStep.toFixed(2),
          r.d3MsPerStep === undefined ? '—' : `${(r.d3MsPerStep / r.oursMsPerStep).toFixed(1)}×`,
        ]),
      );
      const text =
        `## Simulator (\`npm run bench\`)\n\nMachine: ${machineLine()}. Layout off for the tick table (headless). ` +
        `Bytes per node count every typed array of the sim state: components, radio neighbourhoods, the in-flight packet pool ` +
        `(not counted: one 4-byte per-node scratch column rewritten every tick, and the view's edge list, built only for snapshots).\n\n` +
        `${tickTable}\n\nForce layout, one step on the same graph (Fibonacci sphere, radio links < 3.5), median of several steps, the two engines interleaved:\n\n${layoutTable}\n${d3 || layoutSizes.length === 0 ? '' : `\n${D3_MISSING_NOTE}\n`}`;
      process.stdout.write(`${text}\n`);
      if (!values['no-write']) {
        writeSection('sim', text);
        process.stderr.write('bench: wrote docs/BENCHMARKS.md (section "sim")\n');
      }
      return 0;
    },
  };
}

export const benchCommand: Command = makeBenchCommand();
