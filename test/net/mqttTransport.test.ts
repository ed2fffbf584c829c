import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/net/broker';
import { createMqttTransport, isAuthRefusal, type MqttTransport } from '../../src/net/mqttTransport';
import { generateKeyPair, mqttPassword } from '../../src/core/identity/keys';
import { addMember, createRoster } from '../../src/core/identity/roster';

let broker: RunningBroker;
const open: MqttTransport[] = [];
beforeAll(async () => {
  broker = await startBroker({ port: 0, wsPort: 0 });
});
afterAll(async () => {
  await Promise.all(open.map((t) => t.close()));
  await broker.close();
});

function connect(extra: Partial<Parameters<typeof createMqttTransport>[0]> = {}): MqttTransport {
  const t = createMqttTransport({ url: broker.mqttUrl, reconnectPeriodMs: 100, ...extra });
  open.push(t);
  return t;
}

function waitFor<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = (): void => {
      const v = check();
      if (v !== undefined) return resolve(v);
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out'));
      setTimeout(poll, 20);
    };
    poll();
  });
}

describe('MQTT transport', () => {
  it('falls back from MQTT 5 to 3.1.1 when the broker (aedes) refuses v5', async () => {
    const t = connect();
    await t.whenConnected(5000);
    expect(t.protocolVersion).toBe(4);
  });

  it('carries binary payloads, and retained messages reach late subscribers', async () => {
    const a = connect();
    await a.whenConnected(5000);
    const b = connect();
    await b.whenConnected(5000);
    const got: number[][] = [];
    await b.subscribe('qres/mt/gene/+', (_t, m) => got.push([...m]));
    await new Promise((r) => setTimeout(r, 100));
    a.publish('qres/mt/gene/1', Uint8Array.from([0, 255, 7]));
    a.publish('qres/mt/summary', Uint8Array.from([42]), { retain: true });
    await waitFor(() => (got.length === 1 ? true : undefined));
    expect(got[0]).toEqual([0, 255, 7]);
    const late = connect();
    await late.whenConnected(5000);
    const summary = new Promise<number[]>((resolve) => void late.subscribe('qres/mt/summary', (_t, m) => resolve([...m])));
    expect(await summary).toEqual([42]);
  });

  it("publishes the last will when a client's connection dies, not on a clean close", async () => {
    const watcher = connect();
    await watcher.whenConnected(5000);
    const wills: string[] = [];
    await watcher.subscribe('qres/mt/status/+', (t, m) => wills.push(`${t}=${[...m]}`));
    const clean = connect({ will: { topic: 'qres/mt/status/8', bytes: Uint8Array.from([0]) } });
    const dying = connect({ will: { topic: 'qres/mt/status/9', bytes: Uint8Array.from([0]) } });
    await clean.whenConnected(5000);
    await dying.whenConnected(5000);
    await clean.close();
    dying.drop();
    await waitFor(() => (wills.length > 0 ? true : undefined));
    await new Promise((r) => setTimeout(r, 200));
    expect(wills).toEqual(['qres/mt/status/9=0']);
  });

  it('reconnects after a broker restart and re-subscribes', async () => {
    const a = connect();
    const b = connect();
    await a.whenConnected(5000);
    await b.whenConnected(5000);
    const got: number[] = [];
    await b.subscribe('qres/mt/r', (_t, m) => got.push(m[0]!));
    const port = Number(new URL(broker.mqttUrl).port);
    await broker.close();
    await waitFor(() => (!a.connected && !b.connected ? true : undefined));
    a.publish('qres/mt/r', Uint8Array.from([1])); // offline: lost, not queued
    broker = await startBroker({ port, wsPort: 0 });
    await waitFor(() => (a.connected && b.connected && a.connects >= 2 && b.connects >= 2 ? true : undefined), 10_000);
    await new Promise((r) => setTimeout(r, 200));
    a.publish('qres/mt/r', Uint8Array.from([2]));
    await waitFor(() => (got.length > 0 ? true : undefined));
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual([2]);
  });

  it('logs in with credentials, asks for a fresh will before every (re)connect, and reports an auth refusal', async () => {
    const key = generateKeyPair(new Uint8Array(32).fill(5));
    const roster = addMember(createRoster('mt'), 5, key.publicKey);
    const password = mqttPassword('mt', 5, key.secretKey);
    let authBroker = await startBroker({ port: 0, wsPort: null, auth: { roster, viewerPassword: 'viewer-password-0123456789' } });
    const port = Number(new URL(authBroker.mqttUrl).port);
    let wills = 0;
    const t = createMqttTransport({
      url: authBroker.mqttUrl,
      reconnectPeriodMs: 100,
      username: '5',
      password,
      will: () => ({ topic: 'qres/mt/status/5', bytes: Uint8Array.from([0, ++wills]), retain: true }),
    });
    open.push(t);
    await t.whenConnected(5000);
    const firstWills = wills;
    expect(firstWills).toBeGreaterThanOrEqual(1); // (and once more for the MQTT 5 → 3.1.1 fallback)
    await authBroker.close();
    await waitFor(() => (!t.connected ? true : undefined));
    authBroker = await startBroker({ port, wsPort: null, auth: { roster, viewerPassword: 'viewer-password-0123456789' } });
    await waitFor(() => (t.connected && t.connects >= 2 ? true : undefined), 10_000);
    expect(wills).toBeGreaterThan(firstWills);
    const watcher = createMqttTransport({ url: authBroker.mqttUrl, username: 'viewer', password: 'viewer-password-0123456789' });
    open.push(watcher);
    await watcher.whenConnected(5000);
    const seen: number[][] = [];
    await watcher.subscribe('qres/mt/status/+', (_t, m) => seen.push([...m]));
    const sent = wills;
    t.drop();
    await waitFor(() => (seen.length > 0 ? true : undefined));
    expect(seen[0]).toEqual([0, sent]); // the will of the last connect, not the first
    const errors: unknown[] = [];
    const wrong = createMqttTransport({
      url: authBroker.mqttUrl,
      reconnectPeriodMs: 0,
      username: '5',
      password: 'nope',
      protocolVersion: 4,
      onError: (e) => errors.push(e),
    });
    open.push(wrong);
    await waitFor(() => (errors.length > 0 ? true : undefined));
    expect(isAuthRefusal(errors[0])).toBe(true);
    expect(isAuthRefusal(new Error('x'))).toBe(false);
    await Promise.all([watcher.close(), wrong.close()]);
    await authBroker.close();
  });
});
