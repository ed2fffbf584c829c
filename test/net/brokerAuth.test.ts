import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { generateKeyPair, mqttPassword, type KeyPair } from '../../src/core/identity/keys';
import { addMember, createRoster, revokeMember, type Roster } from '../../src/core/identity/roster';
import { connectAuthenticated } from '../../src/net/authTransport';
import { mayPublish, maySubscribe, mosquittoAcl, mosquittoConf, mosquittoPasswordLine, publishPatterns } from '../../src/net/brokerAcl';
import { startBroker, type RunningBroker } from '../../src/net/broker';
import { swarmFilter, topicFor } from '../../src/net/topics';
import { runAdversary } from './adversary';
import { checkAcl } from './aclScenario';

const SWARM = 'demo';
const keys: KeyPair[] = [1, 2, 3, 4].map((b) => generateKeyPair(new Uint8Array(32).fill(b)));
let roster: Roster = createRoster(SWARM);
for (const [i, k] of keys.entries()) roster = addMember(roster, i + 1, k.publicKey);
roster = revokeMember(roster, 4);
const passwords = new Map([1, 2, 3].map((id) => [id, mqttPassword(SWARM, id, keys[id - 1]!.secretKey)]));
const VIEWER = 'viewer-password-0123456789';

describe('ACL rules (brokerAcl.ts)', () => {
  it('node N publishes only topics naming N, inside its swarm; the viewer and strangers nothing', () => {
    expect(mayPublish(roster, '1', 'qres/demo/announce/1')).toBe(true);
    expect(mayPublish(roster, '1', 'qres/demo/summary/1')).toBe(true);
    expect(mayPublish(roster, '1', 'qres/demo/reply/2/1')).toBe(true);
    expect(mayPublish(roster, '1', 'qres/demo/reply/1/2')).toBe(false);
    expect(mayPublish(roster, '1', 'qres/demo/announce/2')).toBe(false);
    expect(mayPublish(roster, '1', 'qres/demo/summary')).toBe(false);
    expect(mayPublish(roster, '1', 'qres/other/announce/1')).toBe(false);
    expect(mayPublish(roster, '01', 'qres/demo/announce/1')).toBe(false);
    expect(mayPublish(roster, '4', 'qres/demo/announce/4')).toBe(false); // revoked
    expect(mayPublish(roster, 'viewer', 'qres/demo/announce/1')).toBe(false);
    expect(mayPublish(roster, undefined, 'qres/demo/announce/1')).toBe(false);
    for (const f of ['qres/demo/#', 'qres/demo/announce/+', 'qres/demo/reply/1/+', 'qres/demo/summary/3']) {
      expect(maySubscribe(roster, '1', f), f).toBe(true);
      expect(maySubscribe(roster, 'viewer', f), f).toBe(true);
      expect(maySubscribe(roster, '4', f), f).toBe(false);
      expect(maySubscribe(roster, undefined, f), f).toBe(false);
    }
    for (const f of ['#', 'qres/#', 'qres/+/announce/1', 'qres/other/#', '$SYS/#', 'qres/demo', 'qres/demo/#/x', 'qres/demo/a+/1', 'qres/demo//1']) {
      expect(maySubscribe(roster, '1', f), f).toBe(false);
    }
  });

  it('writes a Mosquitto ACL with one block per active node and none for the revoked', () => {
    const acl = mosquittoAcl(roster);
    expect(acl).toContain('user viewer\ntopic read qres/demo/#\n');
    expect(acl).toContain(
      `user 2\ntopic read qres/demo/#\n${publishPatterns('demo', 2)
        .map((t) => `topic write ${t}`)
        .join('\n')}\n`,
    );
    expect(acl).toContain('topic write qres/demo/summary/2');
    expect(acl).toContain('topic write qres/demo/reply/+/2');
    expect(acl).not.toMatch(/user 4|\/4\b/);
    expect(acl).not.toContain('pattern');
    expect(mosquittoConf({ passwordFile: '/p', aclFile: '/a', port: 1, wsPort: null, host: '127.0.0.1' })).toMatch(
      /allow_anonymous false[\s\S]*listener 1 127\.0\.0\.1\n$/,
    );
  });

  it('hashes passwords as mosquitto_passwd does ($7$, PBKDF2-SHA512, 101 rounds)', () => {
    // The line mosquitto_passwd 2.0.11 wrote for user alice, password "secret".
    const salt = Uint8Array.from(atob('GLIZvTj2fGu2lsrS'), (c) => c.charCodeAt(0));
    expect(mosquittoPasswordLine('alice', 'secret', salt)).toBe(
      'alice:$7$101$GLIZvTj2fGu2lsrS$ZvppktqycLK3WTbdTYDQ1zC5ux3ks30JsHXkrH506zV9ZGHmMMMIjFTFvZUUxoYAvNtBri/LV+pD2VCGgjr6zw==',
    );
    expect(() => mosquittoPasswordLine('a:b', 'x')).toThrow(RangeError);
  });
});

describe('the embedded broker with a roster', () => {
  let broker: RunningBroker;
  beforeAll(async () => {
    broker = await startBroker({ port: 0, wsPort: 0, auth: { roster, viewerPassword: VIEWER } });
  });
  afterAll(async () => {
    await broker.close();
  });

  it('enforces the same rules as the Mosquitto ACL (TCP)', async () => {
    const r = await checkAcl({
      url: broker.mqttUrl,
      swarm: SWARM,
      passwords,
      revoked: { id: 4, password: mqttPassword(SWARM, 4, keys[3]!.secretKey) },
      viewerPassword: VIEWER,
    });
    expect(r.refusedFilters).toEqual(['#', 'qres/#', 'qres/other/#', '$SYS/#', 'qres/+/announce/1']);
    expect(broker.refused.connect).toBeGreaterThanOrEqual(5);
    expect(broker.refused.publish).toBeGreaterThanOrEqual(9);
    expect(broker.refused.subscribe).toBeGreaterThanOrEqual(5);
  });

  it('lets the viewer watch over WebSocket, read-only', async () => {
    const ws = await mqtt.connectAsync(broker.wsUrl!, { protocolVersion: 4, reconnectPeriod: 0, username: 'viewer', password: VIEWER });
    const got: string[] = [];
    ws.on('message', (t) => got.push(t));
    await ws.subscribeAsync(swarmFilter(SWARM));
    const node1 = connectAuthenticated({ url: broker.mqttUrl, me: 1, secretKey: keys[0]!.secretKey, roster });
    await node1.mqtt.whenConnected(5000);
    node1.publish(topicFor(SWARM, 'announce', 1), new Uint8Array([1]));
    for (let i = 0; i < 40 && !got.includes(topicFor(SWARM, 'announce', 1)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(got).toContain(topicFor(SWARM, 'announce', 1));
    expect(node1.mqtt.protocolVersion).toBe(4); // aedes: fell back from v5 with the credentials kept
    await node1.close();
    await ws.endAsync();
  });

  it('refuses a keyless adversary at the door, and an insider beyond its own topics', async () => {
    const keyless = await runAdversary({ url: broker.mqttUrl, swarm: SWARM, count: 10 });
    expect(keyless.connected).toBe(false);
    expect(keyless.error).toMatch(/Bad username or password|Not authorized|refused/i);
    const before = broker.refused.publish;
    const insider = await runAdversary({
      url: broker.mqttUrl,
      swarm: SWARM,
      ids: [1, 2],
      attacks: ['forged'],
      count: 5,
      key: keys[2]!.secretKey,
      credentials: { username: '3', password: passwords.get(3)! },
    });
    expect(insider.connected).toBe(false); // thrown out at its first publish under another id
    expect(broker.refused.publish).toBe(before + 1);
  });

  it('setRoster: a node revoked at run time can no longer publish', async () => {
    const c = await mqtt.connectAsync(broker.mqttUrl, { protocolVersion: 4, reconnectPeriod: 0, username: '2', password: passwords.get(2)! });
    c.on('error', () => undefined);
    broker.setRoster(revokeMember(roster, 2));
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    c.publish(topicFor(SWARM, 'announce', 2), 'x');
    await closed;
    await expect(mqtt.connectAsync(broker.mqttUrl, { protocolVersion: 4, reconnectPeriod: 0, username: '2', password: passwords.get(2)! })).rejects.toThrow();
    broker.setRoster(roster);
  });
});
