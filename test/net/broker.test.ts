import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { startBroker, type RunningBroker } from '../../src/net/broker';

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startBroker({ port: 0, wsPort: 0 });
});
afterAll(async () => {
  await broker.close();
});

describe('embedded broker', () => {
  it('listens on 127.0.0.1 for TCP and WebSocket and relays between them', async () => {
    expect(broker.mqttUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    expect(broker.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const tcp = await mqtt.connectAsync(broker.mqttUrl, { protocolVersion: 4, reconnectPeriod: 0 });
    const ws = await mqtt.connectAsync(broker.wsUrl!, { protocolVersion: 4, reconnectPeriod: 0 });
    const got = new Promise<Buffer>((resolve) => ws.on('message', (_t, m) => resolve(m)));
    await ws.subscribeAsync('qres/t/#');
    await tcp.publishAsync('qres/t/x', Buffer.from([1, 2, 3]));
    expect([...(await got)]).toEqual([1, 2, 3]);
    expect(broker.clients).toBe(2);
    await tcp.endAsync();
    await ws.endAsync();
  });

  it('survives a client that sends garbage bytes', async () => {
    const net = await import('node:net');
    const port = Number(new URL(broker.mqttUrl).port);
    await new Promise<void>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x37])));
      s.on('close', () => resolve());
      s.on('error', () => resolve());
      setTimeout(() => s.destroy(), 300);
    });
    const c = await mqtt.connectAsync(broker.mqttUrl, { protocolVersion: 4, reconnectPeriod: 0 });
    expect(c.connected).toBe(true);
    await c.endAsync();
  });
});
