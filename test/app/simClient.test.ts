import { describe, expect, it } from 'vitest';
import { afterReady, ownSnapshot, SnapshotPump, snapshotBuffers, type SimProxy } from '../../src/app/simClient';
import { WORKER_READY } from '../../src/sim/workerApi';
import type { Snapshot } from '../../src/sim/snapshot';
import { syntheticSnapshot } from '../render/syntheticSnapshot';

/** A stand-in for the comlink proxy: each snapshot() call waits until the test resolves it. */
function fakeApi() {
  const calls: { recycle: Snapshot | undefined; resolve: (s: Snapshot) => void }[] = [];
  const api = {
    snapshot: (recycle?: Snapshot) => new Promise<Snapshot>((resolve) => calls.push({ recycle, resolve })),
  } as unknown as SimProxy;
  return { api, calls };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('SnapshotPump', () => {
  it('keeps at most one request in flight', async () => {
    const { api, calls } = fakeApi();
    const got: number[] = [];
    const pump = new SnapshotPump(api, (s) => got.push(s.tick));
    pump.request();
    pump.request();
    pump.request();
    expect(calls).toHaveLength(1);
    expect(pump.busy).toBe(true);
    calls[0].resolve(syntheticSnapshot(2, 1));
    await flush();
    expect(got).toEqual([1]);
    expect(pump.busy).toBe(false);
    pump.request();
    expect(calls).toHaveLength(2);
  });

  it('passes the recycled snapshot back with the next request, once', async () => {
    const { api, calls } = fakeApi();
    const pump = new SnapshotPump(api, () => {});
    const old = syntheticSnapshot(2, 1);
    pump.recycle(old);
    pump.request();
    expect(calls[0].recycle).toBe(old);
    calls[0].resolve(syntheticSnapshot(2, 2));
    await flush();
    pump.request();
    expect(calls[1].recycle).toBeUndefined();
  });

  it('survives a failed request and can ask again', async () => {
    const api = { snapshot: () => Promise.reject(new Error('worker gone')) } as unknown as SimProxy;
    const pump = new SnapshotPump(api, () => {});
    const log = console.error;
    console.error = () => {};
    try {
      pump.request();
      await flush();
    } finally {
      console.error = log;
    }
    expect(pump.busy).toBe(false);
    expect(String(pump.lastError)).toContain('worker gone');
  });
});

describe('snapshotBuffers', () => {
  it('lists each distinct transferable buffer once', () => {
    const s = syntheticSnapshot(4, 1);
    expect(snapshotBuffers(s)).toHaveLength(6); // positions, state, energy, edges, edgeActivity, noiseZone
    const shared = new ArrayBuffer(64);
    const t = { ...s, positions: new Float32Array(shared, 0, 12), state: new Uint8Array(shared, 48, 4), energy: new Uint8Array(shared, 52, 4) };
    expect(snapshotBuffers(t)).toHaveLength(4);
  });
});

describe('ownSnapshot', () => {
  it('keeps transferred (unshared) snapshots as they are', () => {
    const s = syntheticSnapshot(3, 1);
    expect(ownSnapshot(s)).toBe(s);
  });

  it('copies arrays that live in a SharedArrayBuffer, so two snapshots never alias', () => {
    const s = syntheticSnapshot(3, 1);
    const sab = new SharedArrayBuffer(36);
    const positions = new Float32Array(sab);
    positions.set(s.positions);
    const own = ownSnapshot({ ...s, positions });
    expect(own.positions.buffer).not.toBe(sab);
    expect(Array.from(own.positions)).toEqual(Array.from(s.positions));
    positions[0] = 99;
    expect(own.positions[0]).toBe(0);
  });
});

describe('afterReady (the page holds messages until the worker has exposed its API)', () => {
  it('holds every message, with its transfer list, until the ready message, then sends them in order', () => {
    const sent: [unknown, Transferable[]][] = [];
    const listeners = new Set<(e: Event) => void>();
    const fake = {
      postMessage: (m: unknown, t: Transferable[]) => sent.push([m, t]),
      addEventListener: (_: string, l: EventListenerOrEventListenerObject) => listeners.add(l as (e: Event) => void),
      removeEventListener: (_: string, l: EventListenerOrEventListenerObject) => listeners.delete(l as (e: Event) => void),
    } as unknown as Worker;
    const ep = afterReady(fake);
    const buf = new ArrayBuffer(8);
    ep.postMessage({ id: 1 }, [buf]);
    ep.postMessage({ id: 2 });
    expect(sent).toEqual([]);
    for (const l of [...listeners]) l({ data: { id: 'not ready' } } as MessageEvent);
    expect(sent).toEqual([]);
    for (const l of [...listeners]) l({ data: WORKER_READY } as MessageEvent);
    expect(sent).toEqual([
      [{ id: 1 }, [buf]],
      [{ id: 2 }, []],
    ]);
    ep.postMessage({ id: 3 });
    expect(sent[2]).toEqual([{ id: 3 }, []]);
    expect(listeners.size).toBe(0); // the ready listener is gone; comlink's own are added through the endpoint
  });
});
