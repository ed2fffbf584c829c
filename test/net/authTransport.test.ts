import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { seal } from '../../src/core/identity/envelope';
import { generateKeyPair, type KeyPair } from '../../src/core/identity/keys';
import { addMember, createRoster, revokeMember, type Roster } from '../../src/core/identity/roster';
import { authenticate, connectAuthenticated, DROP_REASONS, ForeignTopicError, Signer, type AuthenticatedTransport } from '../../src/net/authTransport';
import { startBroker, type RunningBroker } from '../../src/net/broker';
import { LoopbackBus } from '../../src/net/loopbackTransport';
import { allOf, replyTopic, summaryTopic, swarmFilter, topicFor } from '../../src/net/topics';
import type { MessageHandler, Transport } from '../../src/net/transport';
import { runAdversary, startCapture } from './adversary';

const SWARM = 'demo';
const keys: KeyPair[] = [1, 2, 3, 4].map((b) => generateKeyPair(new Uint8Array(32).fill(b)));
let roster: Roster = createRoster(SWARM);
for (const [i, k] of keys.entries()) roster = addMember(roster, i + 1, k.publicKey);

const tick = () => new Promise((r) => setTimeout(r, 0));
const bytes = (...b: number[]) => new Uint8Array(b);

function node(bus: LoopbackBus, id: number, now: () => number = Date.now, will?: { topic: string; bytes: Uint8Array }): AuthenticatedTransport {
  const signer = new Signer({ me: id, secretKey: keys[id - 1]!.secretKey, swarm: SWARM, now });
  const inner = bus.connect({ will: will ? { ...signer.will(will.topic, will.bytes)(), retain: true } : undefined });
  return authenticate(inner, { me: id, secretKey: keys[id - 1]!.secretKey, roster, now, signer });
}

describe('authenticate() over the loopback bus', () => {
  it('delivers honest messages and drops what a keyless client publishes, counted by reason', async () => {
    const bus = new LoopbackBus();
    const a = node(bus, 1);
    const b = node(bus, 2);
    const got: [string, number[]][] = [];
    await b.subscribe(swarmFilter(SWARM), (t, p) => got.push([t, [...p]]));
    const stranger = bus.connect();
    a.publish(topicFor(SWARM, 'announce', 1), bytes(1, 2, 3));
    stranger.publish(topicFor(SWARM, 'announce', 1), bytes(1, 2, 3)); // not an envelope
    stranger.publish(
      topicFor(SWARM, 'announce', 1),
      seal(bytes(9), { from: 1, counter: Date.now(), secretKey: keys[2]!.secretKey, context: topicFor(SWARM, 'announce', 1) }),
    );
    stranger.publish(topicFor(SWARM, 'announce', 9), seal(bytes(9), { from: 9, counter: Date.now(), secretKey: generateKeyPair().secretKey }));
    stranger.publish('qres/demo/summary', bytes(1));
    await tick();
    expect(got).toEqual([[topicFor(SWARM, 'announce', 1), [1, 2, 3]]]);
    expect(b.delivered).toBe(1);
    expect(b.drops).toMatchObject({ malformed: 1, 'bad-signature': 1, 'unknown-sender': 1, topic: 1 });
    expect(b.dropped).toBe(4);
    expect(Object.keys(b.drops).sort()).toEqual([...DROP_REASONS].sort());
  });

  it('checks the signer against the sender the topic names: a member cannot speak for another', async () => {
    const bus = new LoopbackBus();
    const b = node(bus, 2);
    const got: number[][] = [];
    await b.subscribe(swarmFilter(SWARM), (_t, p) => got.push([...p]));
    const raw = bus.connect();
    // node 3's genuine envelope, moved to node 1's topic
    const t3 = topicFor(SWARM, 'consensus', 3);
    const env3 = seal(bytes(7), { from: 3, counter: Date.now(), secretKey: keys[2]!.secretKey, context: t3 });
    raw.publish(topicFor(SWARM, 'consensus', 1), env3);
    // node 3 signs as node 1 with its own key, bound to node 1's topic
    const t1 = topicFor(SWARM, 'consensus', 1);
    raw.publish(t1, seal(bytes(7), { from: 1, counter: Date.now(), secretKey: keys[2]!.secretKey, context: t1 }));
    // node 3's reply to node 4 redirected to node 2
    const r34 = replyTopic(SWARM, 4, 3);
    raw.publish(replyTopic(SWARM, 2, 3), seal(bytes(8), { from: 3, counter: Date.now() + 1, secretKey: keys[2]!.secretKey, context: r34 }));
    await tick();
    expect(got).toEqual([]);
    expect(b.drops).toMatchObject({ 'wrong-sender': 1, 'bad-signature': 2 });
    expect(() => node(bus, 3).publish(t1, bytes(1))).toThrow(ForeignTopicError);
  });

  it('opens a message once however many of its filters match, and delivers it to each handler once', async () => {
    const bus = new LoopbackBus();
    const a = node(bus, 1);
    const b = node(bus, 2);
    const seen: string[] = [];
    await b.subscribe(swarmFilter(SWARM), () => seen.push('all'));
    await b.subscribe(allOf(SWARM, 'announce'), () => seen.push('announce'));
    await b.subscribe(topicFor(SWARM, 'announce', 1), () => seen.push('one'));
    a.publish(topicFor(SWARM, 'announce', 1), bytes(1));
    a.publish(topicFor(SWARM, 'announce', 1), bytes(1)); // same payload, new counter: a new message
    await tick();
    expect(seen.sort()).toEqual(['all', 'all', 'announce', 'announce', 'one', 'one']);
    expect(b.delivered).toBe(2);
    expect(b.dropped).toBe(0);
  });

  it('a joiner accepts an hour-old retained summary once; a replayed one is refused', async () => {
    const bus = new LoopbackBus();
    let now = 1_700_000_000_000;
    const clock = () => now;
    const a = node(bus, 1, clock);
    a.publish(summaryTopic(SWARM, 1), bytes(5, 5), { retain: true });
    now += 3_600_000;
    const joiner = node(bus, 2, clock);
    const got: number[][] = [];
    await joiner.subscribe(allOf(SWARM, 'summary'), (_t, p) => got.push([...p]));
    await tick();
    expect(got).toEqual([[5, 5]]);
    let captured: Uint8Array | null = null;
    bus.connect().subscribe(allOf(SWARM, 'summary'), (_t, raw) => (captured = raw));
    await tick();
    bus.connect().publish(summaryTopic(SWARM, 1), captured!, { retain: true });
    await tick();
    expect(got.length).toBe(1);
    expect(joiner.drops.replay).toBe(1);
  });

  it("delivers a dead node's sealed last will, and drops a revoked node's messages", async () => {
    const bus = new LoopbackBus();
    const status1 = topicFor(SWARM, 'status', 1);
    const signer = new Signer({ me: 1, secretKey: keys[0]!.secretKey, swarm: SWARM });
    const inner = bus.connect({ will: { ...signer.will(status1, bytes(0))(), retain: true } });
    const a = authenticate(inner, { me: 1, secretKey: keys[0]!.secretKey, roster, signer });
    const b = node(bus, 2);
    const got: [string, number[]][] = [];
    await b.subscribe(swarmFilter(SWARM), (t, p) => got.push([t, [...p]]));
    a.publish(status1, bytes(1), { retain: true });
    await tick();
    inner.kill();
    await tick();
    expect(got).toEqual([
      [status1, [1]],
      [status1, [0]],
    ]);
    const c = node(bus, 3);
    b.setRoster(revokeMember(roster, 3));
    c.publish(topicFor(SWARM, 'announce', 3), bytes(3));
    await tick();
    expect(got.length).toBe(2);
    expect(b.drops.revoked).toBe(1);
  });
});

/** An inner transport that hands us its handler, so a test can push a million messages synchronously. */
class CaptureTransport implements Transport {
  handlers: MessageHandler[] = [];
  publish(): void {}
  subscribe(_filter: string, handler: MessageHandler): void {
    this.handlers.push(handler);
  }
  async close(): Promise<void> {}
}

function gc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('authenticate() under a flood', () => {
  it('keeps its memory flat after 1,000,000 messages from made-up ids', () => {
    const collect = gc();
    const inner = new CaptureTransport();
    const t = authenticate(inner, { me: 2, secretKey: keys[1]!.secretKey, roster });
    let delivered = 0;
    t.subscribe(swarmFilter(SWARM), () => delivered++);
    const handler = inner.handlers[0]!;
    const template = seal(new Uint8Array(40), { from: 1000, counter: Date.now(), secretKey: generateKeyPair().secretKey });
    const topics = Array.from({ length: 65536 }, (_, id) => `qres/${SWARM}/announce/${id}`);
    const push = (n: number, offset: number) => {
      for (let i = 0; i < n; i++) {
        const id = 1000 + ((offset + i) % 64536);
        const env = template.slice();
        env[1] = id & 0xff;
        env[2] = id >>> 8;
        env[3] = i & 0xff; // counters differ too
        handler(topics[id]!, env);
      }
    };
    push(50_000, 0); // warm up (JIT, topic strings)
    collect();
    const before = process.memoryUsage().heapUsed;
    const start = performance.now();
    push(1_000_000, 50_000);
    const ms = performance.now() - start;
    collect();
    const after = process.memoryUsage().heapUsed;
    const growth = after - before;
    console.log(
      `[flood] 1,000,000 made-up-id messages in ${ms.toFixed(0)} ms (${((ms * 1000) / 1e6).toFixed(2)} µs each); heap ${(before / 1e6).toFixed(1)} → ${(after / 1e6).toFixed(1)} MB (${growth >= 0 ? '+' : ''}${(growth / 1024).toFixed(0)} KiB); guard senders ${t.guard.size}`,
    );
    expect(delivered).toBe(0);
    expect(t.drops['unknown-sender']).toBe(1_050_000);
    expect(t.guard.size).toBe(0);
    expect(growth).toBeLessThan(2 * 1024 * 1024);
  });

  it('its guard never holds more senders than the roster, whatever members send', () => {
    const inner = new CaptureTransport();
    const t = authenticate(inner, { me: 2, secretKey: keys[1]!.secretKey, roster });
    t.subscribe(swarmFilter(SWARM), () => undefined);
    for (let id = 1; id <= 4; id++) {
      for (let k = 0; k < 50; k++) {
        const topic = topicFor(SWARM, 'announce', id);
        inner.handlers[0]!(topic, seal(bytes(k), { from: id, counter: Date.now() + k, secretKey: keys[id - 1]!.secretKey, context: topic }));
      }
    }
    expect(t.delivered).toBe(200);
    expect(t.guard.size).toBe(4);
  });
});

describe('authenticated endpoints on the embedded broker, under the adversary harness', () => {
  let broker: RunningBroker;
  beforeAll(async () => {
    broker = await startBroker({ port: 0, wsPort: null }); // no broker ACL: the transport alone must hold
  });
  afterAll(async () => {
    await broker.close();
  });

  it('drops every random, truncated, oversized, replayed, forged and flooding message; honest ones all arrive', async () => {
    const ids = [1, 2, 3];
    const nodes = ids.map((id) =>
      connectAuthenticated({ url: broker.mqttUrl, protocolVersion: 4, me: id, secretKey: keys[id - 1]!.secretKey, roster, login: false }),
    );
    await Promise.all(nodes.map((n) => n.mqtt.whenConnected(5000)));
    const received = new Map<number, string[]>(ids.map((id) => [id, []]));
    for (const [i, n] of nodes.entries()) await n.subscribe(swarmFilter(SWARM), (t, p) => received.get(ids[i]!)!.push(`${t}:${[...p].join(',')}`));
    const honest: string[] = [];
    const honestRound = async (round: number) => {
      for (const [i, n] of nodes.entries()) {
        const id = ids[i]!;
        const msgs: [string, Uint8Array, boolean][] = [
          [topicFor(SWARM, 'announce', id), bytes(round, id), false],
          [topicFor(SWARM, 'consensus', id), bytes(round, id, 1), false],
          [replyTopic(SWARM, ids[(i + 1) % 3]!, id), bytes(round, id, 2), false],
          [summaryTopic(SWARM, id), bytes(round, id, 3), true],
        ];
        for (const [t, b, retain] of msgs) {
          n.publish(t, b, { retain });
          honest.push(`${t}:${[...b].join(',')}`);
        }
      }
      await new Promise((r) => setTimeout(r, 150));
    };
    // Until every node has worked through its backlog (forged messages each cost a signature check).
    const settle = async () => {
      let last = -1;
      for (let i = 0; i < 100; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const seen = nodes.reduce((n, x) => n + x.delivered + x.dropped, 0);
        if (seen === last) return;
        last = seen;
      }
    };
    // Two honest rounds are 24 messages; the window only bounds the wait (signing is slow on a loaded machine).
    const capture = startCapture(broker.mqttUrl, SWARM, 20_000, { enough: 24 });
    await capture.ready;
    await honestRound(1);
    await honestRound(2);
    const captured = await capture.result;
    expect(captured.length).toBeGreaterThanOrEqual(24);

    const before = nodes.map((n) => n.dropped);
    const result = await runAdversary({
      url: broker.mqttUrl,
      swarm: SWARM,
      ids: [1, 2, 3, 4],
      captured,
      seed: 7,
      timeMs: 4000,
      counts: { random: 300, truncated: 300, oversized: 20, replayed: 300, forged: 200, flood: 3000 },
    });
    expect(result.connected).toBe(true);
    const sent = Object.fromEntries(result.reports.map((r) => [r.attack, r.sent]));
    expect(sent).toMatchObject({ random: 300, truncated: 300, oversized: 20, replayed: 300, forged: 200 });
    expect(sent.flood).toBeGreaterThan(500);
    await settle();
    // an insider with node 3's key may speak as 3, and only as 3
    const insider = await runAdversary({ url: broker.mqttUrl, swarm: SWARM, ids: [1, 2], key: keys[2]!.secretKey, attacks: ['forged'], count: 100, seed: 9 });
    expect(insider.reports[0]!.sent).toBe(100);
    await settle();
    await honestRound(3);
    await settle();
    // On a loaded machine the nodes may still be verifying: wait (at most 30 s) until each has heard every honest
    // message, or stopped making progress; the checks below then say what is missing.
    for (let i = 0; i < 120 && ids.some((id) => received.get(id)!.length < honest.length); i++) await new Promise((r) => setTimeout(r, 250));

    for (const [i, n] of nodes.entries()) {
      const id = ids[i]!;
      const got = received.get(id)!;
      // exactly the honest messages (own echoes included), each once: nothing the adversary sent came through
      expect(new Set(got).size).toBe(got.length);
      for (const m of got) expect(honest).toContain(m);
      expect(got.length).toBe(honest.length);
      const drops = n.drops;
      console.log(
        `[adversary] node ${id}: delivered ${n.delivered}, dropped ${n.dropped - before[i]!} during the attack: ${JSON.stringify(Object.fromEntries(Object.entries(drops).filter(([, v]) => v > 0)))}`,
      );
      for (const reason of ['malformed', 'topic', 'bad-signature', 'unknown-sender', 'replay'] as const) expect(drops[reason], reason).toBeGreaterThan(0);
      expect(n.guard.size).toBeLessThanOrEqual(3);
    }
    await Promise.all(nodes.map((n) => n.close()));
  });
});
