// npm run bench:identity — what authenticating a message costs (issue 13): bytes on the wire per tag mode and
// the time to seal and to open one 40-byte consensus message, medians of repeated batches after a warm-up.
// Prints a Markdown table (the one in docs/SECURITY.md, "Identity and the broker") and, with --json, one object.
import { open, seal, sealMic, tryOpen, AuthError, TAG_OVERHEAD_BYTES, type TagMode } from '../src/core/identity/envelope';
import { generateKeyPair } from '../src/core/identity/keys';
import { Keyring, pairwiseKey } from '../src/core/identity/mic';
import { ReplayGuard } from '../src/core/identity/replayGuard';
import { addMember, createRoster, type Roster } from '../src/core/identity/roster';
import { topicFor } from '../src/net/topics';
import os from 'node:os';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Median µs per call over `batches` batches of `n` calls (after one warm-up batch). */
function usPerCall(batches: number, n: number, fn: (i: number) => unknown): number {
  for (let i = 0; i < n; i++) fn(i);
  const xs: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn(b * n + i);
    xs.push(((performance.now() - t0) * 1000) / n);
  }
  return median(xs);
}

const N = 8;
const keys = Array.from({ length: N }, (_, i) => generateKeyPair(new Uint8Array(32).fill(i + 1)));
let roster: Roster = createRoster('bench');
keys.forEach((k, i) => (roster = addMember(roster, i + 1, k.publicKey)));
const groupKey = new Uint8Array(32).fill(0x42);
const ring = (me: number) => new Keyring({ me, secretKey: keys[me - 1]!.secretKey, roster, groupKey });
const sender = ring(1);
const receiver = ring(2);
const payload = new Uint8Array(40).map((_, i) => i); // a consensus message: header + round + 32-byte gene
const context = topicFor('bench', 'consensus', 1);
const T0 = Date.now();
// A fresh guard per opened message would measure allocation; one guard with ever-increasing counters is what a
// receiver has. The clock is pinned so that every counter stays "fresh".
const guard = () => new ReplayGuard({ roster, now: () => T0, maxAgeMs: Infinity, maxFutureMs: Infinity });

interface Row {
  mode: TagMode;
  overhead: number;
  sealUs: number;
  openUs: number;
}

const rows: Row[] = [];
{
  const envs = Array.from({ length: 64 }, (_, i) => seal(payload, { from: 1, counter: T0 + i, secretKey: keys[0]!.secretKey, context }));
  const sealUs = usPerCall(7, 40, (i) => seal(payload, { from: 1, counter: T0 + i, secretKey: keys[0]!.secretKey, context }));
  let g = guard();
  const openUs = usPerCall(7, 40, (i) => {
    if (i % 64 === 0) g = guard();
    const r = open(envs[i % 64]!, 1, roster, g, { context });
    if (r instanceof AuthError) throw new Error(`bench: ${r.reason}`);
  });
  rows.push({ mode: 'signature', overhead: TAG_OVERHEAD_BYTES.signature, sealUs, openUs });
}
for (const mode of ['group-mic', 'pairwise-mic'] as const) {
  const to = mode === 'pairwise-mic' ? 2 : undefined;
  const envs = Array.from({ length: 1024 }, (_, i) => sealMic(payload, { from: 1, counter: T0 + i, keyring: sender, to, context }));
  const sealUs = usPerCall(9, 400, (i) => sealMic(payload, { from: 1, counter: T0 + i, keyring: sender, to, context }));
  let g = guard();
  const openUs = usPerCall(9, 400, (i) => {
    if (i % 1024 === 0) g = guard();
    const r = open(envs[i % 1024]!, 1, roster, g, { context, keyring: receiver });
    if (r instanceof AuthError) throw new Error(`bench: ${r.reason}`);
  });
  rows.push({ mode, overhead: TAG_OVERHEAD_BYTES[mode], sealUs, openUs });
}
const pairKeyUs = usPerCall(5, 10, (i) => pairwiseKey('bench', 1, keys[0]!.secretKey, 2 + (i % (N - 1)), keys[1 + (i % (N - 1))]!.publicKey));
const junk = seal(payload, { from: 999, counter: T0, secretKey: keys[0]!.secretKey });
const junkG = guard();
const dropUs = usPerCall(7, 20_000, () => tryOpen(junk, 999, roster, junkG));
const forged = seal(payload, { from: 1, counter: T0 + 1e6, secretKey: keys[2]!.secretKey, context });
const forgedUs = usPerCall(5, 20, () => tryOpen(forged, 1, roster, junkG, { context }));

const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
const lines = [
  `| mode | tag | bytes added per message | seal (sender) | open (receiver, incl. replay guard) |`,
  `| --- | --- | --- | --- | --- |`,
  ...rows.map(
    (r) =>
      `| ${r.mode} | ${r.mode === 'signature' ? 'Ed25519, 64 B' : 'HMAC-SHA256/32, 4 B'} | ${r.overhead}${r.mode === 'pairwise-mic' ? ' per receiver' : ''} | ${fmt(r.sealUs)} | ${fmt(r.openUs)} |`,
  ),
];
console.log(lines.join('\n'));
console.log(`\npairwise key derivation (X25519 + HKDF, once per peer): ${fmt(pairKeyUs)}`);
console.log(`dropping a message from an id not in the roster: ${fmt(dropUs)}; a forged signature under a member id: ${fmt(forgedUs)}`);
console.log(
  `broadcast to n receivers: signature ${TAG_OVERHEAD_BYTES.signature} B and 1 seal; group MIC ${TAG_OVERHEAD_BYTES['group-mic']} B and 1 seal; pairwise MIC n × (${TAG_OVERHEAD_BYTES['pairwise-mic']} B + payload) and n seals`,
);
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, Node ${process.versions.node}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
if (process.argv.includes('--json')) console.log(JSON.stringify({ rows, pairKeyUs, dropUs, forgedUs }));
