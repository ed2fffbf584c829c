import { describe, expect, it } from 'vitest';
import { batteryLife, energyOf, perDay } from '../../src/core/energy/energy';
import { radioProfile } from '../../src/core/energy/profiles';
import { LoopbackBus } from '../../src/net/loopbackTransport';
import { resolveNodeConfig } from '../../src/node/config';
import { nodeEnergyStatus } from '../../src/node/energy';
import { NodeCore } from '../../src/node/nodeCore';
import { createSineSensor } from '../../src/node/sensor';
import { createNodeStats } from '../../src/node/stats';

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('a node with --radio', () => {
  it('counts the frames its messages take on that radio, sent and heard from neighbours (strangers are not counted)', async () => {
    const bus = new LoopbackBus();
    const mtu = radioProfile('ieee802154').phy.maxPayloadBytes;
    const make = (id: number, radioMtu?: number) =>
      new NodeCore(resolveNodeConfig({ swarm: 't', id, tickMs: 20, roundS: 2, announceEveryTicks: 10, peers: [1, 2] }), {
        transport: bus.connect(),
        sensor: createSineSensor(id, 7),
        now: () => 1_000_000,
        radioMtu,
      });
    const a = make(1, mtu);
    const b = make(2);
    const stranger = make(9);
    for (const n of [a, b, stranger]) await n.start();
    await flush();
    for (let t = 50_000; t < 50_200; t++) {
      for (const n of [a, b, stranger]) n.step(t);
      await flush();
    }
    // Sent: every message is at least one frame, each with the 4-byte fragment header (no CRC-32: the radio's
    // authentication trailer, at least a 4-byte MIC, protects the message).
    expect(a.stats.airFramesSent).toBeGreaterThanOrEqual(a.stats.msgsSent);
    expect(a.stats.airAuthBytesSent).toBeGreaterThanOrEqual(4 * a.stats.msgsSent);
    expect(a.stats.airBytesSent).toBe(a.stats.payloadBytesSent + a.stats.airAuthBytesSent + 4 * a.stats.airFramesSent);
    // Heard: node 2's messages only (node 9 is not a neighbour), and the node without --radio counts nothing.
    expect(a.stats.airFramesReceived).toBeGreaterThan(0);
    expect(a.stats.airFramesReceived).toBeLessThanOrEqual(b.stats.airFramesSent + b.stats.msgsSent);
    expect(a.stats.strangers).toBeGreaterThan(0);
    expect(b.stats.airFramesSent).toBe(0);
    expect(b.stats.airFramesReceived).toBe(0);
  });

  it('/status energy: bytes and joules per device day, the split, mW, battery life, and the listening assumption', () => {
    const stats = createNodeStats();
    Object.assign(stats, { airFramesSent: 120, airBytesSent: 4800, airFramesReceived: 900, airBytesReceived: 36_000 });
    const sf7 = radioProfile('lora-sf7');
    const s = nodeEnergyStatus(sf7, stats, 600) as {
      radio: string;
      listening: string;
      note: string;
      bytesSentPerDay: number;
      bytesReceivedPerDay: number;
      perDay: { totalJ: number; txJ: number; meanMw: number };
      battery: { years: number };
      saturated: boolean;
    };
    const day = perDay(energyOf(sf7, { seconds: 600, txFrames: 120, txBytes: 4800, rxFrames: 900, rxBytes: 36_000, listenSeconds: 'always' }));
    expect(s.radio).toBe('lora-sf7');
    expect(s.listening).toBe('always');
    expect(s.note).toMatch(/no listen schedule/);
    expect(s.bytesSentPerDay).toBe(4800 * 144);
    expect(s.bytesReceivedPerDay).toBe(36_000 * 144);
    expect(s.perDay.totalJ).toBeCloseTo(day.totalJ, 3);
    expect(s.perDay.txJ).toBeCloseTo(day.joules.tx, 3);
    expect(s.perDay.meanMw).toBeCloseTo(day.meanMw, 4);
    expect(s.battery.years).toBeCloseTo(batteryLife(day.totalJ).years, 3);
    expect(s.saturated).toBe(false);
    // A silent node's own listen time (its schedule): the receiver costs only that, and the battery lasts longer.
    const scheduled = nodeEnergyStatus(sf7, stats, 600, 300) as { listening: string; note: string; perDay: { totalJ: number; listenS: number } };
    expect(scheduled.listening).toBe('scheduled');
    expect(scheduled.note).toMatch(/scheduled listen windows/);
    expect(scheduled.perDay.totalJ).toBeLessThan(s.perDay.totalJ);
    expect(scheduled.perDay.listenS).toBeLessThan(300 * 144);
  });

  it('with a listen schedule the receiver sleeps outside its windows; receptions that do not fit them are infeasible', () => {
    const stats = createNodeStats();
    Object.assign(stats, { airFramesSent: 12, airBytesSent: 480, airFramesReceived: 90, airBytesReceived: 3600 });
    const sf7 = radioProfile('lora-sf7');
    const always = nodeEnergyStatus(sf7, stats, 600) as { perDay: { totalJ: number } };
    const scheduled = nodeEnergyStatus(sf7, stats, 600, 12) as { listening: string; perDay: { totalJ: number; sleepS: number } };
    expect(scheduled.listening).toBe('scheduled');
    expect(scheduled.perDay.sleepS).toBeGreaterThan(80_000);
    expect(scheduled.perDay.totalJ).toBeLessThan(always.perDay.totalJ / 20);
    expect(nodeEnergyStatus(sf7, stats, 600, 0.5)).toMatchObject({ infeasible: expect.stringMatching(/does not fit/) });
  });

  it('before any device time, and with traffic the radio cannot carry, it says so instead of a wrong figure', () => {
    const stats = createNodeStats();
    expect(nodeEnergyStatus(radioProfile('ble'), stats, 0)).toMatchObject({ radio: 'ble', deviceSeconds: 0 });
    Object.assign(stats, { airFramesSent: 100, airBytesSent: 25_500 });
    // 100 SF12 frames of 255 B take far more than the 10 s the node has run.
    const s = nodeEnergyStatus(radioProfile('lora-sf12'), stats, 10) as Record<string, unknown>;
    expect(s.infeasible).toMatch(/does not fit a period of 10 s/);
    expect(s).not.toHaveProperty('perDay');
  });
});
