// Layout step time alone: our Barnes–Hut force layout beside d3-force-3d's tick on the same graph, at 150, 1,000
// and 10,000 nodes. Run: `npx tsx bench/layout.ts`. `npm run bench` measures the same (src/cli/layoutBench.ts).
import { D3_MISSING_NOTE, loadD3Force, measureLayout } from '../src/cli/layoutBench';
import { table } from '../src/cli/report';

const d3 = await loadD3Force();
if (!d3) console.error(D3_MISSING_NOTE);
const rows = [150, 1_000, 10_000].map((n) => measureLayout(n, d3));
console.log(
  table(
    ['nodes', 'edges', 'ours ms/step', 'd3-force-3d ms/tick'],
    rows.map((r) => [r.n.toLocaleString('en'), r.edges.toLocaleString('en'), r.oursMsPerStep.toFixed(2), r.d3MsPerStep?.toFixed(2) ?? '—']),
  ),
);
