import { afterAll, describe, expect, it } from 'vitest';
import { connectLiveSource, LiveSwarmModel, parseLiveParams } from '../../src/app/liveSource';
import { STATE_ATTACKER, STATE_BANNED, STATE_DETECTED, STATE_EVOLVED, STATE_REGIME_MASK, REGIME_STORM } from '../../src/sim/snapshot';
import { encodeAnnounce, encodeConsensus, encodeStatus, encodeSummary, FLAG_ATTACKER, FLAG_EVOLVED } from '../../src/net/wire';
import { topicFor } from '../../src/net/topics';
import { startBroker, type RunningBroker } from '../../src/net/broker';
import { createMqttTransport } from '../../src/net/mqttTransport';
import { connectAuthenticated } from '../../src/net/authTransport';
import { seal } from '../../src/core/identity/envelope';
import { generateKeyPair } from '../../src/core/identity/keys';
import { addMember, createRoster } from '../../src/core/identity/roster';

const gene = { weights: Int32Array.from([65536, 0, 0, 0, 0, 0, 0, 0]), bias: 0, mu: 3277 };
const announce = (m: LiveSwarmModel, id: number, flags: number, heard: number[], banned: number[], now: number) =>
  m.apply(topicFor('demo', 'announce', id), encodeAnnounce(id, { flags, round: 1, heard, banned }), now);

describe('LiveSwarmModel (messages → snapshot, no broker)', () => {
  it('adds nodes as they announce, in order, with states from their flags', () => {
    const m = new LiveSwarmModel('demo', 0);
    m.apply(topicFor('demo', 'status', 7), encodeStatus(7, true), 10);
    announce(m, 3, REGIME_STORM, [], [], 20);
    announce(m, 7, FLAG_EVOLVED, [], [], 30);
    const s = m.snapshot(100);
    expect(s.nodeCount).toBe(2);
    expect(s.state[0]! & STATE_EVOLVED).toBe(STATE_EVOLVED); // node 7 came first
    expect(s.state[1]! & STATE_REGIME_MASK).toBe(REGIME_STORM);
    expect(s.hud).toMatchObject({ nodes: 2, evolved: 1, storm: 1 });
    expect(s.positions.length).toBe(6);
    const r = Math.hypot(s.positions[0]!, s.positions[1]!, s.positions[2]!);
    expect(r).toBeCloseTo(s.brainRadius, 3);
  });

  it('draws links from who heard whom, bumping edgesVersion only when they change', () => {
    const m = new LiveSwarmModel('demo');
    announce(m, 1, 0, [2, 3], [], 0);
    announce(m, 2, 0, [1], [], 0);
    announce(m, 3, 0, [], [], 0);
    const a = m.snapshot(10);
    expect(Array.from(a.edges)).toEqual([0, 1, 0, 2]);
    const b = m.snapshot(20);
    expect(b.edgesVersion).toBe(a.edgesVersion);
    expect(b.edgeActivity[0]).toBeGreaterThan(0.9);
    announce(m, 3, 0, [2], [], 30);
    const c = m.snapshot(40);
    expect(c.edgesVersion).toBe(a.edgesVersion + 1);
    expect(Array.from(c.edges)).toEqual([0, 1, 0, 2, 1, 2]);
    expect(m.snapshot(10_000).edgeActivity[0]).toBe(0); // quiet links fade
  });

  it('marks a node detected when one honest node bans it, banned when most do', () => {
    const m = new LiveSwarmModel('demo');
    announce(m, 9, FLAG_ATTACKER, [], [], 0);
    announce(m, 1, 0, [], [9], 0);
    announce(m, 2, 0, [], [], 0);
    announce(m, 3, 0, [], [], 0);
    let s = m.snapshot(1);
    expect(s.state[0]! & (STATE_ATTACKER | STATE_DETECTED | STATE_BANNED)).toBe(STATE_ATTACKER | STATE_DETECTED);
    announce(m, 2, 0, [], [9], 2);
    s = m.snapshot(3);
    expect(s.state[0]! & STATE_BANNED).toBe(STATE_BANNED);
    expect(s.hud.attackersBanned).toBe(1);
  });

  it('an offline node keeps its place but loses its links; garbage and other swarms are ignored', () => {
    const m = new LiveSwarmModel('demo');
    announce(m, 1, 0, [2], [], 0);
    announce(m, 2, 0, [1], [], 0);
    expect(m.snapshot(1).edges.length).toBe(2);
    m.apply(topicFor('demo', 'status', 2), encodeStatus(2, false), 2);
    const s = m.snapshot(3);
    expect(s.nodeCount).toBe(2);
    expect(s.edges.length).toBe(0);
    m.apply(topicFor('demo', 'consensus', 4), Uint8Array.from([1, 2, 3]), 4);
    m.apply(topicFor('demo', 'consensus', 4), encodeConsensus(5, 1, gene), 4); // spoofed sender
    m.apply('qres/other/announce/1', encodeAnnounce(1, { flags: 0, round: 0, heard: [], banned: [] }), 4);
    expect(m.stats.rejected).toBe(3);
    m.apply(topicFor('demo', 'summary', 1), encodeSummary(1, { round: 77, weights: gene.weights, bias: 0, spread: 0 }), 5);
    expect(m.stats.summaryRound).toBe(77);
    expect(m.snapshot(6).nodeCount).toBe(2);
  });

  it('parses ?live=ws://…&swarm=…', () => {
    expect(parseLiveParams('?live=ws://127.0.0.1:8883&swarm=demo')).toEqual({ url: 'ws://127.0.0.1:8883', swarm: 'demo' });
    expect(parseLiveParams('?live=ws://127.0.0.1:8883')).toEqual({ url: 'ws://127.0.0.1:8883', swarm: 'demo' });
    expect(parseLiveParams('?nodes=10')).toBeNull();
    expect(parseLiveParams('?live=http://x')).toBeNull();
    expect(parseLiveParams('?live=ws://x&swarm=a/b')).toBeNull();
    expect(parseLiveParams('?live=ws://x&swarm=lab&pass=secret-password')).toEqual({
      url: 'ws://x',
      swarm: 'lab',
      username: 'viewer',
      password: 'secret-password',
    });
  });

  it('unwraps signed envelopes (an authenticated swarm) and still refuses garbage inside one', () => {
    const m = new LiveSwarmModel('demo', 0);
    const { secretKey } = generateKeyPair();
    const topic = topicFor('demo', 'announce', 4);
    const inner = encodeAnnounce(4, { flags: FLAG_EVOLVED, round: 1, heard: [], banned: [] });
    m.apply(topic, seal(inner, { from: 4, counter: 1, secretKey, context: topic }), 1);
    expect(m.snapshot(2).nodeCount).toBe(1);
    expect(m.snapshot(2).state[0]! & STATE_EVOLVED).toBe(STATE_EVOLVED);
    m.apply(topic, seal(Uint8Array.of(1, 2, 3), { from: 4, counter: 2, secretKey, context: topic }), 3);
    m.apply(topic, Uint8Array.of(0xa4, 4, 0), 3); // an envelope too short to hold a signature
    expect(m.stats.rejected).toBe(2);
  });
});

describe('connectLiveSource (MQTT over WebSocket)', () => {
  let broker: RunningBroker | null = null;
  afterAll(async () => {
    await broker?.close();
  });

  it('sees nodes announced through a real broker', async () => {
    broker = await startBroker({ port: 0, wsPort: 0 });
    const live = await connectLiveSource({ url: broker.wsUrl!, swarm: 'demo' });
    const node = createMqttTransport({ url: broker.mqttUrl });
    await node.whenConnected(5000);
    for (let i = 0; i < 50 && live.model.nodeCount === 0; i++) {
      node.publish(topicFor('demo', 'announce', 5), encodeAnnounce(5, { flags: FLAG_EVOLVED, round: 1, heard: [], banned: [] }));
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(live.connected).toBe(true);
    const s = live.snapshot();
    expect(s.nodeCount).toBe(1);
    expect(s.state[0]! & STATE_EVOLVED).toBe(STATE_EVOLVED);
    await node.close();
    await live.close();
  });

  it('logs in as the read-only viewer on a broker with a roster, and sees sealed announces', async () => {
    const pair = generateKeyPair();
    const roster = addMember(createRoster('demo'), 6, pair.publicKey);
    const viewerPassword = 'viewer-password-0123456789';
    const authBroker = await startBroker({ port: 0, wsPort: 0, auth: { roster, viewerPassword } });
    try {
      const refused = await connectLiveSource({ url: authBroker.wsUrl!, swarm: 'demo' });
      const live = await connectLiveSource({ url: authBroker.wsUrl!, swarm: 'demo', username: 'viewer', password: viewerPassword });
      const node = connectAuthenticated({ url: authBroker.mqttUrl, me: 6, secretKey: pair.secretKey, roster });
      await node.mqtt.whenConnected(5000);
      for (let i = 0; i < 60 && live.model.nodeCount === 0; i++) {
        node.publish(topicFor('demo', 'announce', 6), encodeAnnounce(6, { flags: FLAG_EVOLVED, round: 1, heard: [], banned: [] }));
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(live.connected).toBe(true);
      expect(live.model.nodeCount).toBe(1);
      expect(live.model.stats.rejected).toBe(0);
      expect(refused.connected).toBe(false); // no login: the broker refuses the page
      expect(authBroker.refused.connect).toBeGreaterThan(0);
      await Promise.all([node.close(), live.close(), refused.close()]);
    } finally {
      await authBroker.close();
    }
  });
});
