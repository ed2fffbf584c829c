import { describe, expect, it } from 'vitest';
import { LoopbackBus } from '../../src/net/loopbackTransport';
import { TransportClosedError } from '../../src/net/transport';

const flush = () => new Promise((r) => setTimeout(r, 0));
const bytes = (...b: number[]) => Uint8Array.from(b);

describe('LoopbackBus', () => {
  it('delivers asynchronously to matching filters, with a copy of the bytes', async () => {
    const bus = new LoopbackBus();
    const a = bus.connect();
    const b = bus.connect();
    const got: [string, number[]][] = [];
    b.subscribe('qres/demo/gene/+', (t, m) => got.push([t, [...m]]));
    const payload = bytes(1, 2, 3);
    a.publish('qres/demo/gene/1', payload);
    a.publish('qres/demo/other/1', bytes(9));
    payload[0] = 99; // the sender reuses its buffer
    expect(got).toEqual([]); // not inside publish
    await flush();
    expect(got).toEqual([['qres/demo/gene/1', [1, 2, 3]]]);
  });

  it('keeps retained messages for later subscribers and clears them with an empty payload', async () => {
    const bus = new LoopbackBus();
    const a = bus.connect();
    a.publish('qres/demo/summary', bytes(5), { retain: true });
    const late: number[][] = [];
    bus.connect().subscribe('qres/demo/#', (_t, m) => late.push([...m]));
    await flush();
    expect(late).toEqual([[5]]);
    a.publish('qres/demo/summary', new Uint8Array(0), { retain: true });
    const later: number[][] = [];
    bus.connect().subscribe('qres/demo/#', (_t, m) => later.push([...m]));
    await flush();
    expect(later).toEqual([]);
  });

  it('publishes the will when a client is killed, not when it closes', async () => {
    const bus = new LoopbackBus();
    const seen: string[] = [];
    bus.connect().subscribe('status/+', (t) => seen.push(t));
    const clean = bus.connect({ will: { topic: 'status/1', bytes: bytes(0) } });
    await clean.close();
    const dying = bus.connect({ will: { topic: 'status/2', bytes: bytes(0) } });
    dying.kill();
    await flush();
    expect(seen).toEqual(['status/2']);
    expect(() => dying.publish('x', bytes(1))).toThrow(TransportClosedError);
  });

  it('loses about the configured share of deliveries, reproducibly per seed', async () => {
    const run = async (seed: number) => {
      const bus = new LoopbackBus();
      const tx = bus.connect({ lossQ16: 16384, seed });
      let n = 0;
      bus.connect().subscribe('t', () => n++);
      for (let i = 0; i < 2000; i++) tx.publish('t', bytes(i & 255));
      await flush();
      return n;
    };
    const n = await run(3);
    expect(n).toBeGreaterThan(1350);
    expect(n).toBeLessThan(1650);
    expect(await run(3)).toBe(n);
  });
});
