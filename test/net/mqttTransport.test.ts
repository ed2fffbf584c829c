import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/net/broker';
import { createMqttTransport, type MqttTransport } from '../../src/net/mqttTransport';

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
});
