import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng/rng';
import { BROADCAST, encodeMessage } from '../../src/core/net/message';
import { resolveConfig } from '../../src/sim/config';
import { createLinkModel } from '../../src/sim/linkModel';
import type { Neighbourhoods } from '../../src/sim/placement';
import { createSim } from '../../src/sim/runner';

// Four nodes on a line: 1 – 2 – 3 – 4 (CSR over indices eid − 1).
const line: Neighbourhoods = { offsets: Uint32Array.from([0, 1, 3, 5, 6]), neighbours: Uint32Array.from([1, 0, 2, 1, 3, 2]) };

describe('per-node radio counters (for the energy model)', () => {
  it('a sender counts its frames and bytes; every radio neighbour hears each frame, addressed or not, lost or not', () => {
    const link = createLinkModel(resolveConfig({ nodes: 4, mtu: 51, loss: 0.5 }), line, createRng(1).stream('radio'));
    const txFree = new Float64Array(5);
    // A 100-byte body fragments into frames of at most 51 bytes.
    const big = encodeMessage(7, 2, BROADCAST, new Uint8Array(100));
    link.send(txFree, 2, BROADCAST, 0, big, 0);
    // A unicast from 3 to 4: node 2 overhears it.
    link.send(txFree, 3, 4, 0, encodeMessage(7, 3, 4, new Uint8Array(10)), 0);
    const sent = link.nodeCounters();
    const frames2 = sent.txFrames[2]!;
    expect(frames2).toBeGreaterThan(1);
    expect(sent.txFrames[3]).toBe(1);
    expect(sent.txBytes[2]! + sent.txBytes[3]!).toBe(link.counters.bytesSent);
    // Nothing has finished its airtime yet: nobody has heard anything.
    expect(sent.rxFrames.every((v) => v === 0)).toBe(true);
    for (let t = 0; t < 200 && link.inFlight() > 0; t++) link.deliver(t, () => {});
    expect(link.inFlight()).toBe(0);
    const pn = link.nodeCounters();
    // Node 1 hears node 2's frames; node 3 hears node 2's; node 2 hears node 3's unicast; node 4 hears it too.
    expect(pn.rxFrames[1]).toBe(frames2);
    expect(pn.rxBytes[1]).toBe(pn.txBytes[2]);
    expect(pn.rxFrames[3]).toBe(frames2);
    expect(pn.rxFrames[2]).toBe(1);
    expect(pn.rxFrames[4]).toBe(1);
    expect(pn.rxBytes[4]).toBe(pn.txBytes[3]);
    expect(link.counters.lost).toBeGreaterThan(0); // lost frames were heard all the same
  });

  it('in a running swarm the per-node sums are the link totals, and every transmission is heard by each radio neighbour', () => {
    const sim = createSim({ nodes: 60, seed: 3 });
    sim.step(300);
    const perNode = sim.world.link.nodeCounters();
    const { counters } = sim.world.link;
    const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
    expect(sum(perNode.txFrames)).toBe(counters.framesSent);
    expect(sum(perNode.txBytes)).toBe(counters.bytesSent);
    expect(sum(perNode.rxFrames)).toBe(counters.framesHeard);
    expect(sum(perNode.rxBytes)).toBe(counters.bytesHeard);
    // Receptions: each completed frame once per radio neighbour of its sender, so at least the addressed ones.
    expect(sum(perNode.rxFrames)).toBeGreaterThanOrEqual(counters.delivered + counters.lost);
    const { offsets } = sim.world.hood;
    let upper = 0;
    for (let i = 0; i < 60; i++) upper += perNode.txFrames[i + 1]! * (offsets[i + 1]! - offsets[i]!);
    expect(sum(perNode.rxFrames)).toBeLessThanOrEqual(upper);
  });
});
