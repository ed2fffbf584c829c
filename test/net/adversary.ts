// A hostile MQTT client for tests (issue 13): plain mqtt.js, no node key (unless you hand it one), publishing
// what an attacker would on every topic of a swarm, retained summaries and statuses included:
//
//   random     random bytes of random length
//   truncated  prefixes of captured valid envelopes (or of plausible headers)
//   oversized  64 KiB payloads
//   replayed   captured valid envelopes re-sent verbatim on their own topic (and retained where they were)
//   forged     well-formed envelopes under real roster ids, signed with a key that is not theirs (a fresh one,
//              or `key`: an insider's own key, used to speak for others)
//   flood      well-formed-looking envelopes from made-up ids (1000..65535), fast
//
// Every attack is bounded in count and in time (whichever ends first), seeded, and reports what it sent.
// Reusable for the full-swarm suite: runAdversary({ url, swarm, ... }) runs them all in turn.
import mqtt, { type MqttClient } from 'mqtt';
import { seal } from '../../src/core/identity/envelope';
import { generateKeyPair } from '../../src/core/identity/keys';
import { KINDS, type TopicKind } from '../../src/net/topics';

export interface Captured {
  topic: string;
  bytes: Uint8Array;
  retain: boolean;
}

export interface AttackOptions {
  swarm: string;
  /** Node ids to speak for (the honest nodes' ids, typically). Default 0..7. */
  ids?: number[];
  /** Most messages this attack sends. */
  count?: number;
  /** Time bound, ms. */
  timeMs?: number;
  seed?: number;
  /** An insider's secret key (the adversary holds one node's key); default: a fresh key of its own. */
  key?: Uint8Array;
  /** Valid envelopes to replay or truncate (from captureTraffic). */
  captured?: readonly Captured[];
}

export interface AttackReport {
  attack: string;
  sent: number;
  retained: number;
  ms: number;
}

const RETAINED_KINDS: readonly TopicKind[] = ['summary', 'status'];

/** A small seeded PRNG (xorshift32): the same seed gives the same attack. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

function randomBytes(rand: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

/** Every topic a node `id` could appear on (reply: to and from every other listed id). */
export function topicsOf(swarm: string, id: number, others: readonly number[]): { topic: string; retain: boolean }[] {
  const out: { topic: string; retain: boolean }[] = [];
  for (const kind of KINDS) {
    if (kind === 'reply') {
      for (const o of others)
        if (o !== id) out.push({ topic: `qres/${swarm}/reply/${o}/${id}`, retain: false }, { topic: `qres/${swarm}/reply/${id}/${o}`, retain: false });
    } else {
      out.push({ topic: `qres/${swarm}/${kind}/${id}`, retain: RETAINED_KINDS.includes(kind) });
    }
  }
  // and a few that are not topics of the swarm at all
  out.push(
    { topic: `qres/${swarm}/summary`, retain: true },
    { topic: `qres/${swarm}/reply/${id}`, retain: false },
    { topic: `qres/${swarm}/gene/${id}`, retain: false },
  );
  return out;
}

export async function connectAdversary(url: string, credentials?: { username: string; password: string }): Promise<MqttClient> {
  return mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...credentials });
}

/** Listens to a swarm for `ms` and returns what went by (the raw, sealed bytes), retained messages included. */
export async function captureTraffic(url: string, swarm: string, ms: number, credentials?: { username: string; password: string }): Promise<Captured[]> {
  return startCapture(url, swarm, ms, { credentials }).result;
}

/** Captures like captureTraffic, but says when its subscription is in place (`ready`), and stops early once it holds
 *  `enough` messages (on a loaded machine a fixed window may close before the traffic it waits for). */
export function startCapture(
  url: string,
  swarm: string,
  ms: number,
  options: { credentials?: { username: string; password: string }; enough?: number } = {},
): { ready: Promise<void>; result: Promise<Captured[]> } {
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const result = (async () => {
    const client = await connectAdversary(url, options.credentials);
    const got: Captured[] = [];
    let enough: () => void = () => {};
    const full = new Promise<void>((r) => (enough = r));
    client.on('message', (topic, payload, packet) => {
      got.push({ topic, bytes: new Uint8Array(payload), retain: packet.retain === true });
      if (options.enough !== undefined && got.length >= options.enough) enough();
    });
    await client.subscribeAsync(`qres/${swarm}/#`);
    readyResolve();
    await Promise.race([full, new Promise((r) => setTimeout(r, ms))]);
    await client.endAsync();
    return got;
  })();
  return { ready, result };
}

/** Publishes what `step` returns until `count` messages are sent or `timeMs` is up (a null step is skipped);
 *  waits for the socket every 200 messages. */
async function drive(client: MqttClient, name: string, count: number, timeMs: number, step: (i: number) => Captured | null): Promise<AttackReport> {
  const start = Date.now();
  let sent = 0;
  let retained = 0;
  for (let i = 0; sent < count && i < 4 * count && Date.now() - start < timeMs; i++) {
    if (!client.connected) break; // an ACL broker may have thrown us out
    const m = step(i);
    if (!m) continue;
    const p = client.publishAsync(m.topic, Buffer.from(m.bytes), { qos: 0, retain: m.retain }).catch(() => undefined);
    sent++;
    if (m.retain) retained++;
    if (sent % 200 === 0) await p;
  }
  await new Promise((r) => setImmediate(r));
  return { attack: name, sent, retained, ms: Date.now() - start };
}

function targets(o: AttackOptions): { topic: string; retain: boolean }[] {
  const ids = o.ids ?? [0, 1, 2, 3, 4, 5, 6, 7];
  return ids.flatMap((id) => topicsOf(o.swarm, id, ids));
}

export function randomTraffic(client: MqttClient, o: AttackOptions): Promise<AttackReport> {
  const rand = prng(o.seed ?? 1);
  const t = targets(o);
  return drive(client, 'random', o.count ?? 500, o.timeMs ?? 5000, (i) => {
    const { topic, retain } = t[i % t.length]!;
    return { topic, retain, bytes: randomBytes(rand, 1 + Math.floor(rand() * 200)) };
  });
}

export function truncatedTraffic(client: MqttClient, o: AttackOptions): Promise<AttackReport> {
  const rand = prng(o.seed ?? 2);
  const t = targets(o);
  const sources =
    (o.captured ?? []).length > 0
      ? o.captured!
      : t.map((x) => ({ ...x, bytes: seal(randomBytes(rand, 40), { from: 1, counter: Date.now(), secretKey: generateKeyPair().secretKey }) }));
  return drive(client, 'truncated', o.count ?? 500, o.timeMs ?? 5000, (i) => {
    const src = sources[i % sources.length]!;
    const cut = Math.floor(rand() * src.bytes.length);
    const target = rand() < 0.5 ? src : { ...t[i % t.length]!, bytes: src.bytes };
    return { topic: target.topic, retain: target.retain, bytes: src.bytes.subarray(0, cut) };
  });
}

export function oversizedTraffic(client: MqttClient, o: AttackOptions): Promise<AttackReport> {
  const rand = prng(o.seed ?? 3);
  const t = targets(o);
  const big = randomBytes(rand, 64 * 1024);
  return drive(client, 'oversized', o.count ?? 50, o.timeMs ?? 5000, (i) => {
    const bytes = big.slice();
    if (o.captured?.length) bytes.set(o.captured[i % o.captured.length]!.bytes.subarray(0, 9)); // a valid-looking header
    return { ...t[i % t.length]!, bytes };
  });
}

/** Re-sends captured valid envelopes verbatim on their own topics (retained ones retained again). */
export function replayTraffic(client: MqttClient, o: AttackOptions): Promise<AttackReport> {
  const captured = o.captured ?? [];
  return drive(client, 'replayed', captured.length === 0 ? 0 : (o.count ?? 500), o.timeMs ?? 5000, (i) => captured[i % captured.length]!);
}

/** Well-formed envelopes under the listed ids, signed with the wrong key (or an insider's). */
export function forgedTraffic(client: MqttClient, o: AttackOptions): Promise<AttackReport> {
  const rand = prng(o.seed ?? 4);
  const t = targets(o);
  const secretKey = o.key ?? generateKeyPair().secretKey;
  return drive(client, 'forged', o.count ?? 300, o.timeMs ?? 5000, (i) => {
    const { topic, retain } = t[i % t.length]!;
    const parts = topic.split('/');
    const from = Number(parts[parts.length - 1]);
    if (!Number.isInteger(from)) return null;
    const payload = o.captured?.length ? o.captured[i % o.captured.length]!.bytes.subarray(9, -64) : randomBytes(rand, 40);
    return { topic, retain, bytes: seal(payload, { from, counter: Date.now(), secretKey, context: topic, channel: retain ? 'retained' : 'live' }) };
  });
}

/** Envelope-shaped messages from made-up ids (1000..65535) on their own topics, as fast as the socket takes. */
export function floodTraffic(client: MqttClient, o: AttackOptions): Promise<AttackReport> {
  const rand = prng(o.seed ?? 5);
  const template = seal(randomBytes(rand, 40), { from: 1000, counter: Date.now(), secretKey: generateKeyPair().secretKey });
  return drive(client, 'flood', o.count ?? 5000, o.timeMs ?? 5000, (i) => {
    const id = 1000 + (i % 64536);
    const bytes = template.slice();
    bytes[1] = id & 0xff;
    bytes[2] = id >>> 8;
    const kind = KINDS[i % KINDS.length]!;
    const topic = kind === 'reply' ? `qres/${o.swarm}/reply/${i % 8}/${id}` : `qres/${o.swarm}/${kind}/${id}`;
    return { topic, retain: RETAINED_KINDS.includes(kind), bytes };
  });
}

export interface AdversaryOptions extends AttackOptions {
  url: string;
  credentials?: { username: string; password: string };
  /** Which attacks, in order. Default all. */
  attacks?: ('random' | 'truncated' | 'oversized' | 'replayed' | 'forged' | 'flood')[];
  /** Per-attack count (a number, or per attack). */
  counts?: Partial<Record<string, number>>;
}

/** Connects one hostile client and runs the attacks in turn. A refused connection is reported, not thrown. */
export async function runAdversary(o: AdversaryOptions): Promise<{ connected: boolean; reports: AttackReport[]; error: string | null }> {
  let client: MqttClient;
  try {
    client = await connectAdversary(o.url, o.credentials);
  } catch (err) {
    return { connected: false, reports: [], error: (err as Error).message };
  }
  client.on('error', () => undefined);
  const run = {
    random: randomTraffic,
    truncated: truncatedTraffic,
    oversized: oversizedTraffic,
    replayed: replayTraffic,
    forged: forgedTraffic,
    flood: floodTraffic,
  };
  const reports: AttackReport[] = [];
  for (const name of o.attacks ?? (['random', 'truncated', 'oversized', 'replayed', 'forged', 'flood'] as const)) {
    reports.push(await run[name](client, { ...o, count: o.counts?.[name] ?? o.count }));
  }
  await new Promise((r) => setTimeout(r, 200)); // a broker that refuses a publish closes us shortly after
  const connected = client.connected;
  await client.endAsync(true).catch(() => undefined);
  return { connected, reports, error: null };
}
