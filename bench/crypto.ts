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
import { FIXED_TABLE_WIDTH, generators, rangeGeneratorMsm } from '../src/core/crypto/generators';
import { FixedBaseMsm } from '../src/core/crypto/msm';
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
];
/** Issue 11's targets, absolute (ms on this machine) and as the same fraction of the 731cfe2 verifier (36.6 and 12.0 ms then). */
const TARGET = { singleMs: 25, perProofAt8Ms: 10, singleRatio: 25 / 36.6, perProofAt8Ratio: 10 / 12.0 };
type GeneApi = typeof import('../src/core/crypto/geneProof');
async function loadBaseline(commit: string): Promise<GeneApi | undefined> {
  try {
    const dir = path.join(os.tmpdir(), `qres-crypto-baseline-${commit.slice(0, 12)}`);
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
  targetRows.push(
    [
      'one proof, absolute',
      `≤ ${TARGET.singleMs} ms`,
      `${fmt(median(now.single))} ms wall, ${fmt(median(now.singleCpu))} ms CPU`,
      met(median(now.single) <= TARGET.singleMs),
    ],
    ['one proof, ÷ 731cfe2', `≤ ${TARGET.singleRatio.toFixed(2)}`, sRatio.toFixed(2), met(sRatio <= TARGET.singleRatio)],
    [
      'per proof in a batch of 8, absolute',
      `≤ ${TARGET.perProofAt8Ms} ms`,
      `${fmt(median(now.batch8))} ms wall, ${fmt(median(now.batch8Cpu))} ms CPU`,
      met(median(now.batch8) <= TARGET.perProofAt8Ms),
    ],
    ['per proof in a batch of 8, ÷ 731cfe2', `≤ ${TARGET.perProofAt8Ratio.toFixed(2)}`, bRatio.toFixed(2), met(bRatio <= TARGET.perProofAt8Ratio)],
  );
  console.log(table(['issue 11 target', 'asked', 'this run', ''], targetRows));
}
// ---- table width for the 514 fixed range generators (FIXED_TABLE_WIDTH) ----
const widthRows: (string | number)[][] = [];
{
  const gens = generators();
  const fixedPoints = [...gens.g, ...gens.h, gens.B, gens.H];
  const fixedScalars = Array.from({ length: fixedPoints.length }, () => randomScalar(src));
  const widths = [8, 9, 10, 11];
  const built = widths.map((w) => {
    const t0 = performance.now();
    const tables = new FixedBaseMsm(fixedPoints, w);
    return { tables, buildMs: performance.now() - t0, points: fixedPoints.length * 2 ** (w - 2) };
  });
  const runs = widths.map(() => [] as number[]);
  for (let r = 0; r < 7; r++) {
    built.forEach((b, i) => {
      const t0 = performance.now();
      b.tables.msm(fixedScalars);
      runs[i]!.push(performance.now() - t0);
    });
  }
  widths.forEach((w, i) =>
    widthRows.push([w + (w === FIXED_TABLE_WIDTH ? ' (used)' : ''), fmt(median(runs[i]!)), fmt(built[i]!.buildMs), built[i]!.points.toLocaleString('en-US')]),
  );
  console.log(table(['table width w', '514-term MSM ms (median)', 'build ms', 'table points'], widthRows));
}

// ---- WebAssembly backend check: is pure-JS BigInt the wall? ----
// The one well-kept WebAssembly ristretto255 on npm is libsodium (libsodium-wrappers-sumo). It has no multi-scalar
// multiplication, only one scalar multiplication and one addition per call on encoded points, so the verifier's
// 514-term fixed part would cost 514 × (scalarmult + add). Not a dependency: measured only when installed
// (npm install --no-save libsodium-wrappers-sumo@0.8.4), against our fixed-base MSM on the same machine.
const wasmRows: (string | number)[][] = [];
try {
  const sodiumModule = 'libsodium-wrappers-sumo';
  const sodium = (await import(sodiumModule)).default as {
    ready: Promise<void>;
    crypto_core_ristretto255_random(): Uint8Array;
    crypto_core_ristretto255_scalar_random(): Uint8Array;
    crypto_scalarmult_ristretto255(n: Uint8Array, p: Uint8Array): Uint8Array;
    crypto_core_ristretto255_add(p: Uint8Array, q: Uint8Array): Uint8Array;
  };
  await sodium.ready;
  const pts = Array.from({ length: 64 }, () => sodium.crypto_core_ristretto255_random());
  const scs = Array.from({ length: 64 }, () => sodium.crypto_core_ristretto255_scalar_random());
  const mulMs = timeMs(5, () => pts.forEach((p, i) => sodium.crypto_scalarmult_ristretto255(scs[i]!, p))) / 64;
  const addMs = timeMs(5, () => pts.forEach((p, i) => sodium.crypto_core_ristretto255_add(p, pts[(i + 1) % 64]!))) / 64;
  const fixedScalars = Array.from({ length: 514 }, () => randomScalar(src));
  const nobleMs = timeMs(5, () => rangeGeneratorMsm(fixedScalars));
  wasmRows.push(['@noble/curves (pure JS) + our fixed-base tables', fmt(nobleMs)]);
  wasmRows.push([`libsodium-wrappers-sumo (WebAssembly): 514 × (scalarmult ${fmt(mulMs)} + add ${fmt(addMs)})`, fmt(514 * (mulMs + addMs))]);
  console.log(table(['514-term fixed-generator MSM', 'ms'], wasmRows));
} catch {
  console.log('WebAssembly comparison skipped: libsodium-wrappers-sumo is not installed');
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
    `Machine: ${machineLine()}. ristretto255 via @noble/curves 2.4.0 (pure JS, BigInt). Medians after a warm-up.`,
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
          'targets against; `9d7d097` is the padded verifier before the MSM rework. 21 single verifications and 11 batches',
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
    'Width of the precomputed tables for the 514 fixed range generators (2^(w−2) odd multiples each; built once):',
    '',
    table(['table width w', '514-term MSM ms (median)', 'build ms', 'table points'], widthRows),
    '',
    ...(wasmRows.length
      ? [
          "The verifier's fixed part on @noble/curves against the one well-kept WebAssembly ristretto255 on npm (libsodium,",
          'no MSM: one call per scalar multiplication and per addition), measured when it is installed:',
          '',
          table(['514-term fixed-generator MSM', 'ms'], wasmRows),
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
