// npm run bench:crypto — proof sizes and timings, and secure-aggregation cost, into docs/BENCHMARKS.md.
// Floats are fine here (timings only). Medians of repeated runs after one warm-up (which builds the tables).
import { writeSection, table, machineLine } from '../src/cli/report';
import {
  GENE_COMMITMENT_BYTES, TRANSITION_PROOF_BYTES, commitGene, geneProofContext, proveGeneUpdate, verifyGeneUpdate, verifyGeneUpdates,
} from '../src/core/crypto/geneProof';
import { commitVector, geneScalars } from '../src/core/crypto/pedersen';
import { VECTOR_OPENING_PROOF_BYTES, encodeLinearProof, proveVectorOpening, verifyVectorOpening, decodeLinearProof } from '../src/core/crypto/openingProof';
import { randomScalar, seededByteSource } from '../src/core/crypto/group';
import { type SeedShares, createSecAggKeys, maskInput, shareSecAggSeeds, unmaskSum } from '../src/core/crypto/secureAggregation';
import { createRng } from '../src/core/rng/rng';

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
const newGene = { weights: oldGene.weights.map((w, i) => w + (i * 4099) % 32768 - 16384), bias: oldGene.bias + 20000 };
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
const values = geneScalars(oldGene);
const blind = randomScalar(src);
const C = commitVector(values, blind);
const opening = encodeLinearProof(proveVectorOpening(C, values, blind, ctx, src));
const openProveMs = timeMs(20, () => proveVectorOpening(C, values, blind, ctx, src));
const openVerifyMs = timeMs(40, () => verifyVectorOpening(C, decodeLinearProof(opening, 10), ctx));

const proofRows = [
  ['gene commitment (9 coordinate commitments)', GENE_COMMITMENT_BYTES, fmt(commitMs), '—'],
  ['transition proof (aggregated range proof, 9 × 16 bits)', TRANSITION_PROOF_BYTES, fmt(proveMs), fmt(verifyMs)],
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

writeSection('crypto', [
  '## Crypto (`npm run bench:crypto`)',
  '',
  `Machine: ${machineLine()}. ristretto255 via @noble/curves 2.4.0 (pure JS, BigInt). Medians after a warm-up.`,
  '',
  table(['item', 'bytes', 'make ms (median)', 'verify ms (median)'], proofRows),
  '',
  'Batch verification (`verifyGeneUpdates`): k transition proofs checked as one weighted equation, so the 290 fixed',
  'generators are multiplied once per batch instead of once per proof. A false batch says some proof is bad, not which.',
  '',
  table(['proofs in the batch', 'batch verify ms (median)', 'ms per proof'], batchRows),
  '',
  `Secure aggregation of a ${LEN}-word int32 vector; t = ⌊n/2⌋ + 1, dropouts = ⌊n/10⌋ (at least 1). Key generation, seed`,
  'sharing and masking are per node; unmasking is the aggregator\'s total. Masking costs n − 1 X25519 operations per node;',
  'for n = 200 five nodes are masked and unmasking runs on random vectors (its cost does not depend on the values).',
  '',
  table(aggHeader, aggRows),
].join('\n'));
console.log('wrote docs/BENCHMARKS.md section "crypto"');
