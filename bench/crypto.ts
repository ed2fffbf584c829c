// npm run bench:crypto — proof sizes and timings, and secure-aggregation cost, into docs/BENCHMARKS.md.
// Floats are fine here (timings only). Medians of repeated runs after one warm-up (which builds the tables).
import { writeSection, table, machineLine } from '../src/cli/report';
import {
  GENE_COMMITMENT_BYTES,
  TRANSITION_PROOF_BYTES,
  commitGene,
  geneProofContext,
  proveGeneUpdate,
  verifyGeneUpdate,
  verifyGeneUpdates,
  type GeneUpdateStatement,
} from '../src/core/crypto/geneProof';
import { commitVector, geneScalars } from '../src/core/crypto/pedersen';
import { VECTOR_OPENING_PROOF_BYTES, encodeLinearProof, proveVectorOpening, verifyVectorOpening, decodeLinearProof } from '../src/core/crypto/openingProof';
import { randomScalar, seededByteSource } from '../src/core/crypto/group';
import { rangeGeneratorMsm } from '../src/core/crypto/generators';
import { type SeedShares, createSecAggKeys, maskInput, shareSecAggSeeds, unmaskSum } from '../src/core/crypto/secureAggregation';
import { createRng } from '../src/core/rng/rng';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const loadAtStart = os.loadavg()[0]!;
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function timeMs(runs: number, fn: () => unknown): number {
  fn(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

// ---- proofs ----
const src = seededByteSource('bench-crypto');
const oldGene = { weights: Int32Array.from([65536, -32768, 1000, 0, -1, 70000, -70000, 12]), bias: 3000 };
const newGene = { weights: oldGene.weights.map((w, i) => w + ((i * 4099) % 32768) - 16384), bias: oldGene.bias + 20000 };
const ctx = geneProofContext(1, 2);
const first = commitGene(oldGene, src);
const update = proveGeneUpdate(oldGene, newGene, first.opening, ctx, src);
if (!verifyGeneUpdate(first.commitment, update.commitment, update.proof, ctx)) throw new Error('bench: honest proof failed');
const commitMs = timeMs(20, () => commitGene(newGene, src));
const proveMs = timeMs(10, () => proveGeneUpdate(oldGene, newGene, first.opening, ctx, src));
const verifyMs = timeMs(40, () => verifyGeneUpdate(first.commitment, update.commitment, update.proof, ctx));
// Batch verification: k proofs of different nodes' updates checked together (verifyGeneUpdates).
const batchStatements = Array.from({ length: 16 }, (_, k) => {
  const from = { weights: oldGene.weights.map((w) => w + k * 100), bias: oldGene.bias };
  const to = { weights: newGene.weights.map((w) => w + k * 100), bias: newGene.bias };
  const c = commitGene(from, src);
  const context = geneProofContext(100 + k, 2);
  const u = proveGeneUpdate(from, to, c.opening, context, src);
  return { commitOld: c.commitment, commitNew: u.commitment, proof: u.proof, context };
});
if (!verifyGeneUpdates(batchStatements)) throw new Error('bench: honest batch failed');
const batchRows = [1, 2, 4, 8, 16].map((k) => {
  const ms = timeMs(k <= 4 ? 20 : 8, () => verifyGeneUpdates(batchStatements.slice(0, k)));
  return [k, fmt(ms), fmt(ms / k)];
});
console.log(table(['proofs in the batch', 'batch verify ms (median)', 'ms per proof'], batchRows));

// ---- the same measurements on earlier code, in the same process ----
// Commit 731cfe2 is the last one before the inner-product argument was restricted to powers of two (its odd
// rounds carried a slot unfolded: forgeable, see docs/SECURITY.md); issue 11's targets are set against it.
// Commit 9d7d097 is the padded (sound) verifier before the MSM rework of src/core/crypto/msm.ts. Each commit's
// crypto folder is checked out of git into a temporary folder (with a package.json saying "type": "module", so
// that tsx loads it and @noble as ES modules exactly like the current code: without it tsx compiles them to
// CommonJS, whose getter-based imports made @noble's SHA-512 ~40× slower and inflated the old verifier's time)
// and imported beside the current files; the versions' runs alternate so that load from other processes hits
// all alike. Times are medians of wall-clock and of this process's CPU time (user + system): on a shared
// machine the CPU time is the steadier of the two. Skipped (with a note) when git history is not available.
const BASELINES = [
  { commit: '731cfe23ef424a288fa5142285bddc1ac60fec3f', label: 'before the soundness fix (731cfe2, 144 bits, odd rounds carried: forgeable)' },
  { commit: '9d7d0970d77c8fc7fee3bf5094971c4c5daed3c3', label: 'padded to 256 bits, before the MSM rework (9d7d097)' },
  { commit: 'c2ab0c1855d2dc1b1bc53637d5e14f1caee23b73', label: 'ristretto255 on @noble/curves with width-10 tables (c2ab0c1)' },
];
/** The @noble/curves (ristretto255) backend this one replaced: its range-generator MSM is timed beside mcl's. */
const NOBLE_BACKEND = BASELINES[2]!.commit;
/** Issue 11's targets, absolute (ms on this machine) and as the same fraction of the 731cfe2 verifier (36.6 and 12.0 ms then). */
const TARGET = { singleMs: 25, perProofAt8Ms: 10, singleRatio: 25 / 36.6, perProofAt8Ratio: 10 / 12.0 };
type GeneApi = typeof import('../src/core/crypto/geneProof');
function baselineDir(commit: string): string {
  return path.join(os.tmpdir(), `qres-crypto-baseline-${commit.slice(0, 12)}`);
}
async function loadBaseline(commit: string): Promise<GeneApi | undefined> {
  try {
    const dir = baselineDir(commit);
    const cryptoDir = path.join(dir, 'src/core/crypto');
    mkdirSync(cryptoDir, { recursive: true });
    const files = execFileSync('git', ['ls-tree', '--name-only', commit, 'src/core/crypto/'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter((f) => f.endsWith('.ts'));
    for (const f of files) {
      const text = execFileSync('git', ['show', `${commit}:${f}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      writeFileSync(path.join(dir, f), text);
    }
    writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    if (!existsSync(path.join(dir, 'node_modules'))) symlinkSync(path.resolve('node_modules'), path.join(dir, 'node_modules'), 'dir');
    return (await import(path.join(cryptoDir, 'geneProof.ts'))) as GeneApi;
  } catch {
    return undefined;
  }
}
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const compareRows: (string | number)[][] = [];
const compareHeader = [
  'code',
  'prove ms',
  'verify one proof: wall ms',
  'CPU ms',
  '÷ 731cfe2 (CPU)',
  'per proof in a batch of 8: wall ms',
  'CPU ms',
  '÷ 731cfe2 (CPU)',
];
const targetRows: (string | number)[][] = [];
const apis: [string, GeneApi][] = [];
for (const b of BASELINES) {
  const api = await loadBaseline(b.commit);
  if (api) apis.push([b.label, api]);
  else console.log(`baseline skipped: commit ${b.commit.slice(0, 7)} not available`);
}
if (apis.length > 0) {
  apis.push(['now', await import('../src/core/crypto/geneProof')]);
  const mk = (api: GeneApi, label: string, k: number) => {
    const s = seededByteSource(`bench-compare-${label}-${k}`);
    const from = { weights: oldGene.weights.map((w) => w + k * 100), bias: oldGene.bias };
    const to = { weights: newGene.weights.map((w) => w + k * 100), bias: newGene.bias };
    const c = api.commitGene(from, s);
    const context = api.geneProofContext(200 + k, 2);
    const t0 = performance.now();
    const u = api.proveGeneUpdate(from, to, c.opening, context, s);
    const ms = performance.now() - t0;
    return { statement: { commitOld: c.commitment, commitNew: u.commitment, proof: u.proof, context }, ms };
  };
  const proveTimes = apis.map(() => [] as number[]);
  const sets: GeneUpdateStatement[][] = apis.map(() => []);
  for (let k = 0; k < 8; k++) {
    apis.forEach(([label, api], i) => {
      const { statement, ms } = mk(api, label, k);
      sets[i]!.push(statement);
      if (k > 0) proveTimes[i]!.push(ms); // k = 0 builds the tables
    });
  }
  const times = apis.map(() => ({ single: [] as number[], singleCpu: [] as number[], batch8: [] as number[], batch8Cpu: [] as number[] }));
  apis.forEach(([, api], i) => {
    const st = sets[i]!;
    if (!api.verifyGeneUpdate(st[0]!.commitOld, st[0]!.commitNew, st[0]!.proof, st[0]!.context) || !api.verifyGeneUpdates(st))
      throw new Error('bench: honest proof failed');
  });
  for (let r = 0; r < 21; r++) {
    // Rotate the order every round, so no version always runs right after the same other one.
    for (let o = 0; o < apis.length; o++) {
      const i = (o + r) % apis.length;
      const api = apis[i]![1];
      const st = sets[i]!;
      const s = st[r % 8]!;
      let t0 = performance.now();
      let c0 = cpuMs();
      if (!api.verifyGeneUpdate(s.commitOld, s.commitNew, s.proof, s.context)) throw new Error('bench: honest proof failed');
      times[i]!.singleCpu.push(cpuMs() - c0);
      times[i]!.single.push(performance.now() - t0);
      if (r % 2 === 0) {
        t0 = performance.now();
        c0 = cpuMs();
        if (!api.verifyGeneUpdates(st)) throw new Error('bench: honest batch failed');
        times[i]!.batch8Cpu.push((cpuMs() - c0) / 8);
        times[i]!.batch8.push((performance.now() - t0) / 8);
      }
    }
  }
  const ref = times[0]!;
  const ratio = (a: number[], b: number[]) => (median(a) / median(b)).toFixed(2);
  apis.forEach(([label], i) => {
    const t = times[i]!;
    compareRows.push([
      label,
      fmt(median(proveTimes[i]!)),
      fmt(median(t.single)),
      fmt(median(t.singleCpu)),
      ratio(t.singleCpu, ref.singleCpu),
      fmt(median(t.batch8)),
      fmt(median(t.batch8Cpu)),
      ratio(t.batch8Cpu, ref.batch8Cpu),
    ]);
  });
  console.log(table(compareHeader, compareRows));
  const now = times[times.length - 1]!;
  const met = (ok: boolean) => (ok ? 'met' : '**not met**');
  const sRatio = median(now.singleCpu) / median(ref.singleCpu);
  const bRatio = median(now.batch8Cpu) / median(ref.batch8Cpu);
  // Absolute targets are judged on CPU time (what one verification costs this process); wall-clock is printed
  // beside it with the load, since on a shared 2-core machine it adds the time spent waiting for a core.
  const loadNow = os.loadavg()[0]!.toFixed(1);
  targetRows.push(
    ['one proof, CPU time', `≤ ${TARGET.singleMs} ms`, `${fmt(median(now.singleCpu))} ms`, met(median(now.singleCpu) <= TARGET.singleMs)],
    ['one proof, wall-clock', `≤ ${TARGET.singleMs} ms`, `${fmt(median(now.single))} ms`, `load ${loadNow}`],
    ['one proof, ÷ 731cfe2 (CPU)', `≤ ${TARGET.singleRatio.toFixed(2)}`, sRatio.toFixed(2), met(sRatio <= TARGET.singleRatio)],
    [
      'per proof in a batch of 8, CPU time',
      `≤ ${TARGET.perProofAt8Ms} ms`,
      `${fmt(median(now.batch8Cpu))} ms`,
      met(median(now.batch8Cpu) <= TARGET.perProofAt8Ms),
    ],
    ['per proof in a batch of 8, wall-clock', `≤ ${TARGET.perProofAt8Ms} ms`, `${fmt(median(now.batch8))} ms`, `load ${loadNow}`],
    ['per proof in a batch of 8, ÷ 731cfe2 (CPU)', `≤ ${TARGET.perProofAt8Ratio.toFixed(2)}`, bRatio.toFixed(2), met(bRatio <= TARGET.perProofAt8Ratio)],
  );
  console.log(table(['issue 11 target', 'asked', 'this run', ''], targetRows));
}
// ---- the verifier's fixed part on both backends: 514-term MSM over the range generators ----
// mcl's WebAssembly mulVec (now) against @noble/curves' ristretto255 with our width-10 precomputed tables
// (c2ab0c1's generators.ts, loaded from git like the baselines above), same process, alternating, CPU time.
const msmRows: (string | number)[][] = [];
if (apis.length > 0) {
  try {
    type GenApi = { rangeGeneratorMsm(s: bigint[]): unknown; rangeGeneratorTables(): unknown };
    const noble = (await import(path.join(baselineDir(NOBLE_BACKEND), 'src/core/crypto/generators.ts'))) as GenApi;
    const nobleGroup = (await import(path.join(baselineDir(NOBLE_BACKEND), 'src/core/crypto/group.ts'))) as { GROUP_ORDER: bigint };
    noble.rangeGeneratorTables(); // built once per process (already, by the baseline runs above)
    const scalarsNow = Array.from({ length: 514 }, () => randomScalar(src));
    const scalarsNoble = scalarsNow.map((k) => k % nobleGroup.GROUP_ORDER);
    const cpu = { now: [] as number[], noble: [] as number[] };
    for (let r = 0; r < 9; r++) {
      let c0 = cpuMs();
      rangeGeneratorMsm(scalarsNow);
      cpu.now.push(cpuMs() - c0);
      c0 = cpuMs();
      noble.rangeGeneratorMsm(scalarsNoble);
      cpu.noble.push(cpuMs() - c0);
    }
    msmRows.push(['@noble/curves ristretto255, precomputed width-10 tables (c2ab0c1)', fmt(median(cpu.noble))]);
    msmRows.push(['mcl-wasm 2.4.1 secp256k1, mulVec, no tables (now)', fmt(median(cpu.now))]);
    console.log(table(['514-term fixed-generator MSM', 'CPU ms (median of 9)'], msmRows));
  } catch (e) {
    console.log(`backend MSM comparison skipped: ${(e as Error).message}`);
  }
}

const values = geneScalars(oldGene);
const blind = randomScalar(src);
const C = commitVector(values, blind);
const opening = encodeLinearProof(proveVectorOpening(C, values, blind, ctx, src));
const openProveMs = timeMs(20, () => proveVectorOpening(C, values, blind, ctx, src));
const openVerifyMs = timeMs(40, () => verifyVectorOpening(C, decodeLinearProof(opening, 10), ctx));

const proofRows = [
  ['gene commitment (9 coordinate commitments)', GENE_COMMITMENT_BYTES, fmt(commitMs), '—'],
  ['transition proof (aggregated range proof, 9 × 16 bits padded to 16 × 16)', TRANSITION_PROOF_BYTES, fmt(proveMs), fmt(verifyMs)],
  ['vector-commitment opening proof', VECTOR_OPENING_PROOF_BYTES, fmt(openProveMs), fmt(openVerifyMs)],
];
console.log(table(['item', 'bytes', 'make ms (median)', 'verify ms (median)'], proofRows));

// ---- secure aggregation ----
const LEN = 9;
const aggRows: (string | number)[][] = [];
for (const n of [10, 50, 200]) {
  const t = Math.floor(n / 2) + 1;
  const drops = Math.max(1, Math.floor(n / 10));
  const s = seededByteSource(`secagg-${n}`);
  const rng = createRng(n);
  const ids = Array.from({ length: n }, (_, i) => i);
  let t0 = performance.now();
  const keys = ids.map((id) => createSecAggKeys(id, s));
  const keygenMs = (performance.now() - t0) / n;
  const peers = keys.map((k) => ({ id: k.id, publicKey: k.publicKey }));
  t0 = performance.now();
  const held = new Map<number, SeedShares[]>(ids.map((id) => [id, []]));
  for (const k of keys) for (const sh of shareSecAggSeeds(k, ids, t, s)) held.get(sh.holder)!.push(sh);
  const shareMs = (performance.now() - t0) / n;
  const inputs = ids.map(() => Int32Array.from({ length: LEN }, () => rng.nextU32() | 0));
  const ctx2 = new TextEncoder().encode('round');
  // Masking all n nodes costs n(n−1) X25519 operations; above 50 we time 5 nodes and, for unmasking, use
  // random vectors in place of masked inputs (unmasking cost does not depend on the values).
  const full = n <= 50;
  t0 = performance.now();
  const maskedCount = full ? n : 5;
  const masked = ids.slice(0, maskedCount).map((id) => maskInput(keys[id]!, inputs[id]!, peers, ctx2));
  const maskMs = (performance.now() - t0) / maskedCount;
  const all = full ? masked : ids.map(() => Int32Array.from({ length: LEN }, () => rng.nextU32() | 0));
  const run = (dropCount: number) => {
    const survivors = ids.slice(dropCount);
    const m = new Map(survivors.map((id) => [id, all[id]!]));
    const t1 = performance.now();
    const sum = unmaskSum({ masked: m, participants: peers, sharesHeld: held, threshold: t, context: ctx2, length: LEN });
    const ms = performance.now() - t1;
    if (full) {
      const plain = new Int32Array(LEN);
      for (const id of survivors) for (let i = 0; i < LEN; i++) plain[i] = (plain[i]! + inputs[id]![i]!) | 0;
      if (plain.some((v, i) => v !== sum[i])) throw new Error(`bench: secure sum wrong (n ${n}, drops ${dropCount})`);
    }
    return ms;
  };
  const unmask0 = run(0);
  const unmaskD = run(drops);
  aggRows.push([n, t, fmt(keygenMs), fmt(shareMs), fmt(maskMs), fmt(unmask0), `${drops}: ${fmt(unmaskD)}`, full ? 'yes' : 'timing only']);
  console.log(`n ${n} done`);
}
const aggHeader = ['n', 't', 'keygen ms/node', 'share seeds ms/node', 'mask ms/node', 'unmask ms (0 drops)', 'unmask ms (drops: ms)', 'sum checked'];
console.log(table(aggHeader, aggRows));

writeSection(
  'crypto',
  [
    '## Crypto (`npm run bench:crypto`)',
    '',
    `Machine: ${machineLine()}. secp256k1 via mcl-wasm 2.4.1 (WebAssembly); scalars and transcripts via @noble. Medians after a warm-up.`,
    `1-minute load average ${loadAtStart.toFixed(1)} at the start of the run and ${os.loadavg()[0]!.toFixed(1)} at the end (${os.cpus().length} cores): other processes'`,
    'load inflates every absolute figure; the old-versus-new table alternates its runs, so its ratios hold up better.',
    '',
    table(['item', 'bytes', 'make ms (median)', 'verify ms (median)'], proofRows),
    '',
    'Batch verification (`verifyGeneUpdates`): k transition proofs checked as one weighted equation, so the 514 fixed',
    'generators are multiplied once per batch instead of once per proof. A false batch says some proof is bad, not which.',
    '',
    table(['proofs in the batch', 'batch verify ms (median)', 'ms per proof'], batchRows),
    '',
    ...(compareRows.length
      ? [
          'Earlier verifiers measured in this same run, alternating (`bench/crypto.ts` checks their files out of git; see the',
          'comment there): `731cfe2` is the verifier before the soundness fix (144 bits, forgeable), the one issue 11 sets its',
          'targets against; `9d7d097` is the padded verifier before the MSM rework; `c2ab0c1` the last one on ristretto255',
          '(@noble/curves) before the move to secp256k1 on mcl-wasm. 21 single verifications and 11 batches',
          'of 8 each; medians of wall-clock and CPU time.',
          '',
          table(compareHeader, compareRows),
          '',
          'Issue 11 asks for one proof ≤ 25 ms and ≤ 10 ms per proof in a batch of 8 on this machine, set when the old',
          'verifier took 36.6 and 12.0 ms on a quieter one; the same targets as fractions of the old verifier are 0.68 and 0.83:',
          '',
          table(['issue 11 target', 'asked', 'this run', ''], targetRows),
          '',
        ]
      : []),
    ...(msmRows.length
      ? [
          "The verifier's fixed part (514 range generators, random full scalars) on the backend before and after the change,",
          'same process, alternating:',
          '',
          table(['514-term fixed-generator MSM', 'CPU ms (median of 9)'], msmRows),
          '',
        ]
      : []),
    `Secure aggregation of a ${LEN}-word int32 vector; t = ⌊n/2⌋ + 1, dropouts = ⌊n/10⌋ (at least 1). Key generation, seed`,
    "sharing and masking are per node; unmasking is the aggregator's total. Masking costs n − 1 X25519 operations per node;",
    'for n = 200 five nodes are masked and unmasking runs on random vectors (its cost does not depend on the values).',
    '',
    table(aggHeader, aggRows),
  ].join('\n'),
);
console.log('wrote docs/BENCHMARKS.md section "crypto"');
