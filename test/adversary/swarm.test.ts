// Issue 13 item 4: the hostile-client suite against a real swarm. Five honest node processes with keys
// (`qres node --keys`) on the embedded broker (`qres broker --keys`, the roster's logins and ACL), real time (tick
// 100 ms: every message costs each receiver an Ed25519 verification, 1.8 ms here) and 2-second rounds. Roster member 6 runs no node: its key is the insider's.
//
//   1. clean run: the baseline (consensus spread, cure replies, RSS);
//   2. the ACL broker: a keyless client is refused; the insider (node 6's login and key) floods under its own id,
//      then tries to publish as node 2 and is thrown out;
//   3. the broker restarted WITHOUT its ACL (a misconfigured or bypassed broker: only the nodes' own checks are
//      left): the keyless harness (test/net/adversary.ts) sends random, truncated, oversized, replayed, forged and
//      flooding traffic on every topic, retained summaries included; the insider forges other ids with its key
//      and replays their captured messages;
//   4. afterwards, from every node's /status: 0 honest nodes banned, cure replies still flowing, consensus spread
//      within the clean run's noise, RSS bounded, and every forgery dropped and counted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { provisionSwarmKeys } from '../../src/cli/commands/keys';
import { Signer } from '../../src/net/authTransport';
import { readNodeKey } from '../../src/net/keyFiles';
import { encodeAnnounce, encodeConsensus, encodeRequest } from '../../src/net/wire';
import { topicFor } from '../../src/net/topics';
import { BROKER_READY, fetchStatus, NODE_READY, spawnQres, type SpawnedProcess } from '../../src/node/launcher';
import { captureTraffic, forgedTraffic, replayTraffic, runAdversary, type Captured } from '../net/adversary';
import { freePort, sleep, until } from '../helpers/wait';

type Status = Record<string, unknown>;
const SWARM = 'adv';
const HONEST = [1, 2, 3, 4, 5];
const INSIDER = 6;
/** The bound this suite states: a node's RSS may grow by at most this much over the attacks. */
const RSS_BOUND_MB = 50;

let dir: string;
let keys: string;
let port: number;
let broker: SpawnedProcess;
let viewer: { username: string; password: string };
let insiderKey: Uint8Array;
const nodes = new Map<number, { proc: SpawnedProcess; url: string }>();
let captured: Captured[] = [];
const clean = { spread: 0, rss: new Map<number, number>() };

/** Statuses once every node has checked what it received (its receive queue is nearly empty), or after 30 s
 *  (a CPU shared with other jobs may not get there; the queue sizes are printed). */
async function drained(): Promise<Status[]> {
  await sleep(500);
  const started = Date.now();
  for (;;) {
    const all = await statuses();
    const queued = all.map((s) => (s.receive as { queued: number }).queued);
    if (queued.every((q) => q < 20)) return all;
    if (Date.now() - started > 30_000) {
      process.stdout.write(`[measured] receive queues not drained after 30 s: ${queued.join(', ')}\n`);
      return all;
    }
    await sleep(250);
  }
}

async function statuses(): Promise<Status[]> {
  const all = await Promise.all(HONEST.map((id) => fetchStatus(nodes.get(id)!.url, 5000)));
  if (all.some((s) => s === null)) throw new Error('a node did not answer /status');
  return all as Status[];
}

const sum = (all: Status[], key: string): number => all.reduce((a, s) => a + (s[key] as number), 0);
const auth = (s: Status) => s.auth as { delivered: number; dropped: number; drops: Record<string, number> };

/** Largest max − min over the 9 coordinates of the honest nodes' consensus vectors (Q16). */
function spread(all: Status[]): number {
  let worst = 0;
  for (let k = 0; k < 9; k++) {
    const col = all.map((s) => (s.consensus as number[])[k]!);
    worst = Math.max(worst, Math.max(...col) - Math.min(...col));
  }
  return worst;
}

/** Every other honest node is among this node's live peers (heard, authenticated, within the last rounds). */
function hearsAllHonest(s: Status): boolean {
  const live = s.peerIds as number[];
  return HONEST.filter((h) => h !== s.id).every((h) => live.includes(h));
}

function honestBanned(all: Status[]): number[] {
  return [...new Set(all.flatMap((s) => (s.banned as number[]).filter((b) => HONEST.includes(b))))];
}

function startBroker(withAcl: boolean): SpawnedProcess {
  return spawnQres(['broker', '--port', String(port), '--no-ws', ...(withAcl ? ['--keys', keys] : [])], BROKER_READY);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qres-adv-'));
  keys = join(dir, 'keys');
  const p = provisionSwarmKeys(keys, SWARM, [...HONEST, INSIDER]);
  viewer = { username: 'viewer', password: p.viewerPassword };
  insiderKey = readNodeKey(keys, INSIDER).secretKey;
  port = await freePort();
  broker = startBroker(true);
  await broker.ready;
  await Promise.all(
    HONEST.map(async (id) => {
      const proc = spawnQres(
        [
          'node',
          '--id',
          String(id),
          '--keys',
          keys,
          '--broker',
          `mqtt://127.0.0.1:${port}`,
          '--tick-ms',
          '100',
          '--round-s',
          '2',
          '--storage',
          join(dir, 'genes'),
        ],
        NODE_READY,
        60_000,
      );
      nodes.set(id, { proc, url: await proc.ready });
    }),
  );
}, 90_000);

afterAll(async () => {
  await Promise.all([...nodes.values()].map((n) => n.proc.stop(3000)));
  await broker?.stop(3000);
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('hostile clients against a keyed swarm (5 node processes, embedded broker)', () => {
  it('runs clean: keyed nodes converge and answer cures; the baseline', async () => {
    const ready = await until(
      '5 rounds',
      async () => {
        const all = await statuses();
        return all.every((s) => s.connected === true && s.authenticated === true && (s.roundsDone as number) >= 5) && all;
      },
      60_000,
    );
    expect(honestBanned(ready)).toEqual([]);
    for (const s of ready) expect(hearsAllHonest(s)).toBe(true);
    // the clean run's noise: the largest spread over two consensus rounds (it moves with the storms, round by round)
    for (let i = 0; i < 42; i++) {
      clean.spread = Math.max(clean.spread, spread(await statuses()));
      await sleep(500);
    }
    const all = await statuses();
    for (const s of all) clean.rss.set(s.id as number, s.rssMB as number);
    // nobody but the swarm speaks: nothing forged. Two drops a clean run can show: 'stale' (a message delayed > 30 s
    // by a starved CPU) and 'replay' (the broker delivering a retained message a second time: aedes does so on a
    // resubscribe; the guard drops the duplicate). Every other reason means a message no honest node sent.
    for (const s of all) expect(auth(s).dropped - (auth(s).drops.stale ?? 0) - (auth(s).drops.replay ?? 0)).toBe(0);
    // about 8 envelopes a second (2.5 s once caught only 20 under load): 6 s holds three rounds
    captured = await captureTraffic(`mqtt://127.0.0.1:${port}`, SWARM, 6000, viewer);
    expect(captured.length).toBeGreaterThan(20);
    expect(captured.some((c) => c.retain && c.topic.includes('/summary/'))).toBe(true);
    process.stdout.write(`[measured] clean: spread ${clean.spread} Q16, RSS ${[...clean.rss.values()].join(', ')} MB, captured ${captured.length} envelopes\n`);
  }, 90_000);

  it('ACL broker: a keyless client is refused; the insider floods only its own allowance and cannot speak as node 2', async () => {
    const before = await statuses();
    const keyless = await runAdversary({ url: `mqtt://127.0.0.1:${port}`, swarm: SWARM, ids: [...HONEST, INSIDER], count: 50 });
    expect(keyless.connected).toBe(false);
    expect(keyless.error).toMatch(/Bad username or password|Not authorized|refused/i);

    // The insider logs in as node 6 and floods under its own id: announces, cure requests, consensus vectors.
    const signer = new Signer({ me: INSIDER, secretKey: insiderKey, swarm: SWARM });
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      protocolVersion: 4,
      reconnectPeriod: 0,
      username: String(INSIDER),
      password: signer.mqttPassword(),
    });
    client.on('error', () => undefined);
    const round = Math.floor(Date.now() / 100 / 20);
    const flood = 300;
    for (let i = 0; i < flood; i++) {
      const kind = i % 3;
      const topic = topicFor(SWARM, kind === 0 ? 'announce' : kind === 1 ? 'request' : 'consensus', INSIDER);
      const payload =
        kind === 0
          ? encodeAnnounce(INSIDER, { flags: 0x08, round, heard: HONEST, banned: HONEST })
          : kind === 1
            ? encodeRequest(INSIDER, i & 0xffff)
            : encodeConsensus(INSIDER, round, { weights: Int32Array.from({ length: 8 }, () => 3 * 65536), bias: 65536, mu: 3277 });
      client.publish(topic, Buffer.from(signer.seal(topic, payload)), { qos: 0 });
      if (i % 50 === 49) await sleep(1);
    }
    const afterFlood = await drained();
    process.stdout.write(
      `[measured] insider flood ${flood}: per node rate-limited ${afterFlood.map((s, i) => (s.dropped as number) - (before[i]!.dropped as number)).join(', ')}; ` +
        `delivered ${afterFlood.map((s, i) => auth(s).delivered - auth(before[i]!).delivered).join(', ')}; auth drops ${afterFlood.map((s, i) => auth(s).dropped - auth(before[i]!).dropped).join(', ')}; ` +
        `receive ${JSON.stringify(afterFlood[0]!.receive)}\n`,
    );
    // Node 6's token bucket at each receiver is measured when a message is checked; a receiver whose CPU is shared
    // checks at its own pace, which smooths the burst, so the per-id cut is asserted in flood.test.ts (in-process).
    expect(afterFlood.every((s) => s.handlerErrors === 0)).toBe(true);
    // ... and node 6 spent nobody else's allowance: every honest peer is still heard in the next rounds
    const heard = await until(
      'honest peers accepted after the flood',
      async () => {
        const all = await statuses();
        return all.every(hearsAllHonest) && all.every((s, i) => (s.roundsDone as number) >= (afterFlood[i]!.roundsDone as number) + 2) && all;
      },
      30_000,
    );
    expect(honestBanned(heard)).toEqual([]);
    // Speaking as node 2 through the ACL broker: refused, and the broker closes the insider's connection.
    const asTwo = topicFor(SWARM, 'summary', 2);
    client.publish(asTwo, Buffer.from(signer.seal(topicFor(SWARM, 'summary', INSIDER), Uint8Array.of(1, 2, 3), 'retained')), { qos: 0, retain: true });
    await until('the broker closes the insider', async () => !client.connected, 5000);
    await client.endAsync(true).catch(() => undefined);
    const after = await statuses();
    for (let i = 0; i < HONEST.length; i++) expect(auth(after[i]!).drops['wrong-sender']).toBe(auth(before[i]!).drops['wrong-sender']);
    process.stdout.write(
      `[measured] ACL broker: keyless refused (${keyless.error}); insider flood ${flood}: rate-limited per node ${afterFlood.map((s, i) => (s.dropped as number) - (before[i]!.dropped as number)).join(', ')}\n`,
    );
  }, 90_000);

  it('broker without ACL: the keyless harness and the insider on every topic; nodes drop and count all of it', async () => {
    await broker.stop(3000);
    broker = startBroker(false);
    await broker.ready;
    const before = await until(
      'every node reconnected',
      async () => {
        const all = await statuses();
        return all.every((s) => s.connected === true) && all;
      },
      30_000,
    );
    const url = `mqtt://127.0.0.1:${port}`;
    const fresh = await captureTraffic(url, SWARM, 1500); // no login needed now: fresh envelopes to replay
    const all = [...captured, ...fresh];
    // One kind at a time, each checked before the next: a burst beyond what a node can verify is dropped unchecked
    // at its receive queue (counted as overload), which would hide what the checks themselves do.
    const harness = await runAdversary({
      url,
      swarm: SWARM,
      ids: [...HONEST, INSIDER],
      captured: all,
      timeMs: 8000,
      attacks: ['random', 'truncated', 'oversized', 'replayed', 'forged'],
      counts: { random: 500, truncated: 500, oversized: 30, replayed: 600, forged: 250 },
    });
    expect(harness.connected).toBe(true); // an open broker keeps it: only the nodes' checks stand in its way
    await drained();
    // The insider with its own key: other ids forged with it, and others' messages replayed, retained ones included.
    const insider = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 });
    insider.on('error', () => undefined);
    const forged = await forgedTraffic(insider, { swarm: SWARM, ids: HONEST, key: insiderKey, count: 200, timeMs: 5000, captured: all });
    const replayed = await replayTraffic(insider, { swarm: SWARM, captured: all.filter((c) => !c.topic.endsWith(`/${INSIDER}`)), count: 400, timeMs: 5000 });
    await insider.endAsync(true);
    await drained();
    const flood = await runAdversary({ url, swarm: SWARM, attacks: ['flood'], counts: { flood: 20_000 }, timeMs: 8000 });
    harness.reports.push(...flood.reports);
    const reports = [...harness.reports, forged, replayed];
    const sent = reports.reduce((a, r) => a + r.sent, 0);
    expect(reports.find((r) => r.attack === 'flood')!.sent).toBeGreaterThan(5000);
    expect(reports.every((r) => r.sent > 0)).toBe(true);
    const after = await drained();
    const overload = (s: Status): number => (s.receive as { overload: number }).overload;
    process.stdout.write(
      `[measured] open broker: sent ${sent} (${reports.map((r) => `${r.attack} ${r.sent}`).join(', ')}); per node auth drops ` +
        `${after.map((s, i) => auth(s).dropped - auth(before[i]!).dropped).join(', ')}, receive-queue overload ${after.map((s, i) => overload(s) - overload(before[i]!)).join(', ')}; ` +
        `node 1 by reason ${JSON.stringify(
          Object.fromEntries(
            Object.entries(auth(after[0]!).drops)
              .map(([k, v]) => [k, v - auth(before[0]!).drops[k]!])
              .filter(([, v]) => (v as number) > 0),
          ),
        )}\n`,
    );
    for (let i = 0; i < HONEST.length; i++) {
      const a = auth(after[i]!);
      const b = auth(before[i]!);
      const d = (r: string): number => a.drops[r]! - b.drops[r]!;
      // what was sent reached the node and was dropped: by its checks, or unchecked when its receive queue was full
      expect(a.dropped - b.dropped + overload(after[i]!) - overload(before[i]!)).toBeGreaterThan(sent / 4);
      expect(a.delivered - b.delivered).toBeGreaterThan(0); // the swarm's own traffic still got through
      expect(d('bad-signature')).toBeGreaterThan(0); // forged under member ids (fresh key and the insider's)
      expect(d('replay') + d('stale')).toBeGreaterThan(0); // captured envelopes sent again
      expect(d('unknown-sender')).toBeGreaterThan(1000); // the flood from made-up ids
      expect(d('malformed')).toBeGreaterThan(0);
      expect(after[i]!.handlerErrors).toBe(0);
      expect(after[i]!.rejected).toBe(before[i]!.rejected); // nothing unauthenticated reached NodeCore
    }
  }, 120_000);

  it('afterwards: 0 honest banned, cure replies flowing, consensus within the clean noise, RSS bounded', async () => {
    const start = await statuses();
    const later = await until(
      'more cure replies and 4 more rounds',
      async () => {
        const all = await statuses();
        const rounds = all.every((s, i) => (s.roundsDone as number) >= (start[i]!.roundsDone as number) + 4);
        return rounds && sum(all, 'repliesSent') > sum(start, 'repliesSent') && all;
      },
      // Silent mode answers only with a fresh cure a node vouches for (src/core/rules/cure.ts silentAnswer): among
      // five nodes a reply can take a minute to come; a clean-clone CI run once waited more than 45 s.
      100_000,
    );
    process.stdout.write(
      `[measured] bans after: ${later.map((s) => `${s.id}:[${(s.banned as number[]).join(',')}]`).join(' ')}; reputation at node 3 ${JSON.stringify(later[2]!.reputation)}\n`,
    );
    expect(honestBanned(later)).toEqual([]);
    for (const s of later) {
      expect(s.connected).toBe(true);
      expect(hearsAllHonest(s)).toBe(true);
    }
    const spreads: number[] = [];
    for (let i = 0; i < 7; i++) {
      spreads.push(spread(await statuses()));
      await sleep(500);
    }
    const median = [...spreads].sort((a, b) => a - b)[3]!;
    expect(median).toBeLessThanOrEqual(Math.max(2 * clean.spread, 1500));
    const rss = later.map((s) => (s.rssMB as number) - clean.rss.get(s.id as number)!);
    for (const growth of rss) expect(growth).toBeLessThan(RSS_BOUND_MB);
    process.stdout.write(
      `[measured] after: spread ${spreads.join(', ')} Q16 (clean max ${clean.spread}); replies ${sum(start, 'repliesSent')} -> ${sum(later, 'repliesSent')}, ` +
        `cures installed ${sum(later, 'curesInstalled')}; RSS growth ${rss.map((x) => x.toFixed(1)).join(', ')} MB (now ${later.map((s) => s.rssMB).join(', ')} MB)\n`,
    );
  }, 150_000);
});
