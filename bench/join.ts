// npm run bench:join — mid-flight joins from the summary gene against replaying the history of genes, at 2 %,
// 50 % and 90 % loss, joining after 60 s and after 600 s of a 1,200 s run, seeds 1–5; into docs/BENCHMARKS.md.
// Deterministic: the same figures on every machine (only the wall time varies).
import { createSim } from '../src/sim/runner';
import { joinReport, type JoinReport } from '../src/sim/join';
import { SUMMARY_GENE_BYTES } from '../src/core/gene/summary';
import { table, writeSection } from '../src/cli/report';

const SEEDS = [1, 2, 3, 4, 5];
const NODES = 150;
const JOINERS = 10;
const SECONDS = 1200;
const write = !process.argv.includes('--no-write');

interface Cell {
  loss: number;
  joinAtS: number;
  runs: JoinReport[];
}

const cells: Cell[] = [];
const start = performance.now();
for (const loss of [0.02, 0.5, 0.9]) {
  for (const joinAtS of [60, 600]) {
    const runs: JoinReport[] = [];
    for (const seed of SEEDS) {
      const sim = createSim({ nodes: NODES, join: JOINERS, joinAtS, loss, seed, layout: false });
      sim.step((SECONDS * 1000) / sim.world.config.tickMs);
      runs.push(joinReport(sim.world));
    }
    cells.push({ loss, joinAtS, runs });
    process.stderr.write(`bench:join: loss ${loss * 100} %, join at ${joinAtS} s: done (${((performance.now() - start) / 1000).toFixed(0)} s)\n`);
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const rows = cells.map(({ loss, joinAtS, runs }) => {
  const synced = runs.reduce((a, r) => a + r.synced, 0);
  const mean = runs.reduce((a, r) => a + r.meanSyncS, 0) / runs.length;
  const max = Math.max(...runs.map((r) => r.maxSyncS));
  const bytesPerJoin = runs.reduce((a, r) => a + r.bytes, 0) / (runs.length * JOINERS);
  const replayPerJoin = runs.reduce((a, r) => a + r.replayBytes, 0) / (runs.length * JOINERS);
  const savedMin = Math.min(...runs.map((r) => r.saved));
  const drift = runs.reduce((a, r) => a + r.drift, 0) / runs.length;
  const memberDrift = runs.reduce((a, r) => a + r.memberDrift, 0) / runs.length;
  return [
    pct(loss),
    `${joinAtS} s`,
    `${synced} / ${runs.length * JOINERS}`,
    mean.toFixed(1),
    max.toFixed(1),
    bytesPerJoin.toFixed(0),
    replayPerJoin.toFixed(0),
    pct(savedMin),
    pct(drift),
    pct(memberDrift),
  ];
});

const text = `## Mid-flight join (\`npm run bench:join\`)

${NODES} nodes, ${JOINERS} joiners, ${SECONDS} s runs, seeds ${SEEDS.join(', ')} (deterministic: any machine prints the same table).
A joiner asks for the ${SUMMARY_GENE_BYTES}-byte summary gene; a reply is one 51-byte LoRa frame with its headers.
"Replay" is what sending the joiner every consensus gene its neighbours broadcast so far would cost over the same
lossy link. Bytes are on air, retries and every answering neighbour included. Drift: a node's model against its
honest neighbours' mean at the end of the run, averaged over the joiners, and over the original honest members as the
baseline (the natural spread of a local consensus); means over the seeds.

${table(['loss', 'join at', 'synced', 'mean sync s', 'max sync s', 'bytes / join', 'replay bytes / join', 'saved (worst seed)', 'joiner drift', 'member drift'], rows)}
`;
process.stdout.write(`${text}\n`);
if (write) {
  writeSection('join', text);
  process.stderr.write('bench:join: wrote docs/BENCHMARKS.md (section "join")\n');
}
