import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/runner';
import { hashedFields, stateHash, UNHASHED_COMPONENTS } from '../../src/sim/stateHash';
import { QUEUES, type ComponentName, type QueueName, type SimWorld } from '../../src/sim/world';
import { BROADCAST, encodeMessage, MSG_CURE_REPLY } from '../../src/core/net/message';
import { acceptSecureReply, queueSecureReply } from '../../src/sim/secure';

/** One entry of each queue, in its shape: a queue added to the registry needs one here (the type says so). */
const QUEUE_SAMPLES: Record<QueueName, (world: SimWorld) => void> = {
  requests: (w) => w.requests.push(3, 4),
  replies: (w) => w.replies.push({ to: 3, from: 4, gene: new Uint8Array(32) }),
  summaryRequests: (w) => w.summaryRequests.push(3, 4, 0),
  summaries: (w) => w.summaries.push({ to: 3, from: 4, body: new Uint8Array(34) }),
};

describe('stateHash covers the state', () => {
  it('hashes the registries: every component but Drawn, and the queues, streams, seeds, link and --secure state', () => {
    expect(hashedFields()).toEqual(['streams', 'seeds', 'link', 'requests', 'replies', 'summaryRequests', 'summaries', 'secure']);
    expect([...UNHASHED_COMPONENTS]).toEqual(['Drawn']);
  });

  it('changing any one element of any hashed component column changes the hash (and Drawn does not)', () => {
    const sim = createSim({ nodes: 60, seed: 7, join: 2, layout: true });
    sim.step(120);
    const base = sim.stateHash();
    const components = sim.world.components as unknown as Record<ComponentName, Record<string, { length: number; [i: number]: number }>>;
    let checked = 0;
    for (const name of Object.keys(components) as ComponentName[]) {
      for (const [field, column] of Object.entries(components[name])) {
        expect(column.length, `${name}.${field} is empty in this world`).toBeGreaterThan(0);
        const i = Math.min(column.length - 1, 7);
        const old = column[i]!;
        column[i] = old === 1 ? 2 : 1;
        if (UNHASHED_COMPONENTS.has(name)) expect(sim.stateHash(), `${name}.${field}`).toBe(base);
        else expect(sim.stateHash(), `${name}.${field}`).not.toBe(base);
        column[i] = old;
        checked++;
      }
    }
    expect(sim.stateHash()).toBe(base);
    expect(checked).toBeGreaterThan(25);
  });

  it('a pending entry in any queue changes the hash', () => {
    for (const queue of QUEUES) {
      const sim = createSim({ nodes: 60, seed: 7 });
      sim.step(30);
      const base = sim.stateHash();
      QUEUE_SAMPLES[queue](sim.world);
      expect(sim.stateHash(), queue).not.toBe(base);
    }
  });

  it('the RNG streams and the rules seeds are hashed: one draw, or another seed, changes the hash', () => {
    const sim = createSim({ nodes: 60, seed: 7 });
    sim.step(30);
    const base = sim.stateHash();
    for (const [name, rng] of Object.entries(sim.world.streams)) {
      const fresh = createSim({ nodes: 60, seed: 7 });
      fresh.step(30);
      (fresh.world.streams as Record<string, typeof rng>)[name]!.nextU32();
      expect(fresh.stateHash(), name).not.toBe(base);
    }
    const seeds = sim.world.seeds as unknown as Record<string, number>;
    for (const key of Object.keys(seeds)) {
      seeds[key]! += 1;
      expect(sim.stateHash(), key).not.toBe(base);
      seeds[key]! -= 1;
    }
    expect(sim.stateHash()).toBe(base);
  });

  it('a queued or in-flight frame, and its bytes, change the hash', () => {
    const run = (body: Uint8Array | null) => {
      const sim = createSim({ nodes: 60, seed: 7 });
      sim.step(30);
      if (body) sim.world.link.send(sim.world.components.Radio.txFreeAtUs, 5, BROADCAST, 999, encodeMessage(MSG_CURE_REPLY, 5, BROADCAST, body), sim.tick);
      return sim.stateHash();
    };
    const none = run(null);
    const a = run(Uint8Array.of(1, 2, 3));
    const b = run(Uint8Array.of(1, 2, 4));
    expect(new Set([none, a, b]).size).toBe(3);
  });

  it('a partial message in a reassembly buffer changes the hash', () => {
    // At 1,000 bit/s a 51-byte frame takes ~4 ticks of air: after 6 ticks the first fragment of a two-fragment
    // message has been delivered and sits in the receivers' buffers, the second is still in flight.
    const run = (first: number) => {
      // Chatty: every radio listens every tick (in the silent swarm these receivers would sleep through it).
      const sim = createSim({ nodes: 60, seed: 7, bitrateBps: 1000, loss: 0, chatty: true });
      const body = new Uint8Array(60).fill(9);
      body[0] = first;
      const { Radio } = sim.world.components;
      const eid = 5;
      Radio.txFreeAtUs[eid] = 0;
      sim.world.link.send(Radio.txFreeAtUs, eid, BROADCAST, 999, encodeMessage(MSG_CURE_REPLY, eid, BROADCAST, body), sim.tick);
      sim.step(6);
      return sim.stateHash();
    };
    expect(run(1)).not.toBe(run(2));
  });

  it('--secure: a chain entry, an outbox part and a partial body change the hash; the verdict memo does not', () => {
    const sim = createSim({ nodes: 40, seed: 7, secure: true });
    sim.step(10);
    const secure = sim.world.secure!;
    const empty = sim.stateHash();
    expect(queueSecureReply(sim.world, 3, 4, new Uint8Array(400).fill(7))).toBe(true);
    const queued = sim.stateHash();
    expect(queued).not.toBe(empty);
    const chain = secure.chains.get(3)!;
    chain.position++;
    expect(sim.stateHash()).not.toBe(queued);
    chain.position--;
    expect(sim.stateHash()).toBe(queued);
    const part = secure.outbox.get(3)![0]!.parts[0]!;
    part[part.length - 1]! ^= 1;
    expect(sim.stateHash()).not.toBe(queued);
    part[part.length - 1]! ^= 1;
    expect(acceptSecureReply(sim.world, 4, 3, part).status).toBe('pending');
    const partial = sim.stateHash();
    expect(partial).not.toBe(queued);
    secure.verdicts.clear();
    expect(sim.stateHash()).toBe(partial);
  });

  it('is a pure function of the world', () => {
    const sim = createSim({ nodes: 60, seed: 7 });
    sim.step(50);
    expect(stateHash(sim.world)).toBe(sim.stateHash());
    expect(sim.stateHash()).toBe(sim.stateHash());
  });
});
