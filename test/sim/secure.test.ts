import { beforeAll, describe, expect, it } from 'vitest';
import { fragment } from '../../src/core/net/fragment';
import { STORM } from '../../src/core/neuron/regimeDetector';
import type { Gene } from '../../src/core/gene/gene';
import { createSim, type Sim } from '../../src/sim/runner';
import { TRUST_BAN, TRUST_FAILED, TRUST_INITIAL } from '../../src/core/rules/trust';
import { slotOf } from '../../src/sim/placement';
import { MSG_CURE_REPLY } from '../../src/sim/messages';
import {
  acceptSecureReply,
  buildSecureCureBody,
  forgeSecureCureBody,
  pumpSecureOutbox,
  queueSecureReply,
  secureReport,
  type SecureVerdict,
} from '../../src/sim/secure';
import { decodeSecureBody, KIND_ANCHOR, KIND_STEPS, stepsBodyBytes } from '../../src/core/rules/secureBody';
import { geneInstallSystem } from '../../systems/geneInstall';
import { ROLE_ATTACKER, ROLE_HONEST } from '../../components/body';
import type { SimWorld } from '../../src/sim/world';

const ONE = 65536;
const SECONDS = 120;
const gene = (w0: number, w1: number, bias = 0): Gene => ({ weights: Int32Array.of(w0, w1, 0, 0, 0, 0, 0, 0), bias, mu: 1311 });

/** Queues a body and collects its parts as the radio would send them. */
function partsOf(world: SimWorld, from: number, to: number, body: Uint8Array): Uint8Array[] {
  expect(queueSecureReply(world, from, to, body)).toBe(true);
  const parts: Uint8Array[] = [];
  while (world.secure!.outbox.has(from)) pumpSecureOutbox(world, (_f, _t, part) => parts.push(part));
  return parts;
}

/** Delivers parts in order (skipping the indices in `lost`); the verdict that decided the body, else the last one. */
function deliver(world: SimWorld, to: number, from: number, parts: Uint8Array[], lost: number[] = []): SecureVerdict {
  let last: SecureVerdict = { status: 'pending' };
  for (const [i, part] of parts.entries()) {
    if (lost.includes(i)) continue;
    const v = acceptSecureReply(world, to, from, part);
    if (v.status === 'ok' || v.status === 'rejected') return v;
    last = v;
  }
  return last;
}

describe('secure bodies in a world', () => {
  it('proves a small move in one step, a large one in several, and refuses (anchors) beyond MAX_STEPS', () => {
    const { world } = createSim({ nodes: 8, secure: true, layout: false });
    const near = buildSecureCureBody(world, 1, gene(ONE - 20_000, 10_000));
    expect(decodeSecureBody(near).kind).toBe(KIND_STEPS);
    expect(near.length).toBe(stepsBodyBytes(1));
    expect(buildSecureCureBody(world, 1, gene(ONE - 20_000, 10_000))).toBe(near); // cached: not proved again
    const far = buildSecureCureBody(world, 1, gene(ONE - 20_000, 10_000 + 80_000)); // 1.22 → 3 steps
    expect(decodeSecureBody(far).proofs).toHaveLength(3);
    expect(decodeSecureBody(far).position).toBe(4);
    expect(world.counters.proofsRefused).toBe(0);
    const jump = buildSecureCureBody(world, 1, gene(-3 * ONE, 0)); // a move of 4: more than 4 × 0.5
    expect(decodeSecureBody(jump).kind).toBe(KIND_ANCHOR);
    expect(world.counters.proofsRefused).toBe(1);
    // Each of them verifies at its receiver, in chain order.
    for (const body of [near, far, jump]) {
      expect(deliver(world, 2, 1, partsOf(world, 1, 2, body)).status).toBe('ok');
    }
    expect(world.counters.proofsVerified).toBe(4);
    expect(world.counters.proofAnchors).toBe(1);
  }, 30_000);

  it('a parity part rebuilds any one lost part; two lost parts leave the body pending (the retry fills them)', () => {
    const { world } = createSim({ nodes: 16, secure: true, layout: false });
    const body = buildSecureCureBody(world, 1, gene(ONE - 20_000, 10_000));
    const parts = partsOf(world, 1, 2, body);
    const dataParts = parts.length - 1;
    expect(dataParts).toBeGreaterThan(2); // 1,447 bytes at MTU 51: several parts, then the parity part
    for (let lost = 0; lost < dataParts; lost++) {
      const receiver = 3 + lost;
      // Another receiver each time, so each trial starts from nothing.
      expect(deliver(world, receiver, 1, partsOf(world, 1, receiver, body), [lost]).status, `part ${lost} lost`).toBe('ok');
    }
    expect(deliver(world, 14, 1, partsOf(world, 1, 14, body), [0, 1]).status).toBe('pending');
    // The late parity part of a body already complete is a duplicate, not the start of a new body.
    const again = partsOf(world, 1, 15, body);
    expect(deliver(world, 15, 1, again).status).toBe('ok');
    expect(acceptSecureReply(world, 15, 1, again[again.length - 1]!).status).toBe('duplicate');
  }, 30_000);

  it('rejects a forged body, a replay to another node, and an equivocating chain', () => {
    const { world } = createSim({ nodes: 8, secure: true, layout: false });
    const forged = forgeSecureCureBody(world, 3, gene(2 * ONE, -ONE));
    expect(deliver(world, 2, 3, partsOf(world, 3, 2, forged))).toMatchObject({ status: 'rejected', reason: 'proof', penalise: true });
    const honest = buildSecureCureBody(world, 1, gene(ONE - 5000, 3000));
    expect(deliver(world, 2, 4, partsOf(world, 1, 2, honest))).toMatchObject({ status: 'rejected', penalise: true }); // claimed by node 4
    expect(deliver(world, 2, 1, partsOf(world, 1, 2, honest))).toMatchObject({ status: 'ok' });
    // Node 1 equivocates: another commitment at the same chain position (here: another world's node 1).
    const other = createSim({ nodes: 8, seed: 99, secure: true, layout: false }).world;
    const fork = buildSecureCureBody(other, 1, gene(ONE - 5000, 3000));
    expect(decodeSecureBody(fork).position).toBe(decodeSecureBody(honest).position);
    expect(deliver(world, 2, 1, partsOf(world, 1, 2, fork))).toMatchObject({ status: 'rejected', reason: 'fork', penalise: true });
  }, 30_000);

  it('costs the sender −0.15 per forged body at install, and bans it after three', () => {
    const sim = createSim({ nodes: 40, secure: true, layout: false });
    const world = sim.world;
    const { Regime, Evolution, Consensus } = world.components;
    const receiver = 1;
    const attacker = world.hood.neighbours[world.hood.offsets[0]!]! + 1;
    const slot = slotOf(world.hood, receiver - 1, attacker - 1);
    for (let k = 1; k <= 3; k++) {
      Regime.regime[receiver] = STORM;
      Evolution.installed[receiver] = 0;
      const body = forgeSecureCureBody(world, attacker, gene(2 * ONE, -ONE + k));
      for (const part of partsOf(world, attacker, receiver, body)) world.replies.push({ to: receiver, from: attacker, gene: part });
      geneInstallSystem.run(world);
      // The third failed check crosses the ban line: a full sentence starts (score 0).
      expect(Consensus.trust[slot]).toBe(k < 3 ? TRUST_INITIAL - k * TRUST_FAILED : 0);
      expect(Evolution.installed[receiver]).toBe(0);
    }
    expect(Consensus.trust[slot]!).toBeLessThan(TRUST_BAN);
    expect(world.counters.proofsRejected).toBe(3);
  }, 30_000);
});

describe('--secure swarm', () => {
  let honest: Sim;
  let replay: Sim;
  let attacked: Sim;
  let wifi: Sim;
  const replyBytes: number[] = [];
  const replyFrames: number[] = [];

  beforeAll(() => {
    honest = createSim({ nodes: 60, seed: 7, secure: true, layout: false });
    const link = honest.world.link;
    const send = link.send.bind(link);
    link.send = (tx, from, to, id, message, tick) => {
      if (message[0] === MSG_CURE_REPLY) {
        const before = link.counters.bytesSent;
        const ok = send(tx, from, to, id, message, tick);
        replyBytes.push(link.counters.bytesSent - before);
        // As the link frames it: no CRC-32 when messages carry the radio's authentication trailer (the default).
        replyFrames.push(fragment(id, message, honest.config.mtu, honest.config.radioAuth === 'none').length);
        return ok;
      }
      return send(tx, from, to, id, message, tick);
    };
    honest.step(SECONDS * 10);
    replay = createSim({ nodes: 60, seed: 7, secure: true, layout: false });
    replay.step(SECONDS * 10);
    attacked = createSim({ nodes: 60, seed: 7, secure: true, layout: false, attack: 'mimic', byzantine: 0.2 });
    attacked.step(SECONDS * 10);
    // On a Wi-Fi-sized link a proven cure is 2 frames and arrives in time (at MTU 51 it is 42 frames with its parity part and mostly
    // arrives after the node has healed itself: docs/SECURITY.md).
    wifi = createSim({ nodes: 60, seed: 7, secure: true, layout: false, mtu: 1400 });
    wifi.step(SECONDS * 10);
  }, 300_000); // four 60-node --secure sims: ~95-120 s on an idle 2-core machine after the proofs were padded to 256 bits

  it('still heals by gossip, with proofs verified and none rejected', () => {
    expect(wifi.metrics().heals.gossip).toBeGreaterThan(0);
    expect(secureReport(wifi.world).verified).toBeGreaterThan(0);
    const proofs = secureReport(honest.world);
    expect(proofs.verified).toBeGreaterThan(0);
    expect(proofs.rejected).toBe(0);
    expect(proofs.bytesPerGene).toBeGreaterThanOrEqual(stepsBodyBytes(1));
    expect(proofs.verifyMsP50).toBeGreaterThan(0);
  });

  it('is deterministic: the same seed gives the same state hash', () => {
    expect(replay.stateHash()).toBe(honest.stateHash());
    expect(secureReport(replay.world).verified).toBe(secureReport(honest.world).verified);
  });

  it('puts the proof bytes on air: a cure costs the whole body, fragmented to the MTU', () => {
    const bodies = honest.world.counters.proofBodies;
    const sent = replyBytes.reduce((a, b) => a + b, 0);
    expect(bodies).toBeGreaterThan(0);
    expect(replyFrames.reduce((a, b) => a + b, 0)).toBe(honest.world.counters.proofFrames - framesQueuedNotSent(honest));
    // Every byte of every body sent went out (plus part, message and fragment headers).
    expect(sent).toBeGreaterThan((bodies - pendingBodies(honest)) * stepsBodyBytes(1));
    expect(replyFrames.every((f) => f <= 6)).toBe(true); // parts fit the 8-frame transmit queue
  });

  it('bans an attacker that sends forged proofs at the nodes that got them, and no honest node', () => {
    const w = attacked.world;
    const { Role, Consensus } = w.components;
    expect(attacked.metrics().bans.honest).toBe(0);
    expect(w.counters.proofsRejected).toBeGreaterThan(0);
    let convicted = 0;
    for (const [pair, count] of w.secure!.rejections) {
      const to = Math.floor(pair / (w.n + 1));
      const from = pair % (w.n + 1);
      expect(Role.kind[from]).toBe(ROLE_ATTACKER); // no honest body is ever rejected
      expect(Role.kind[to]).toBe(ROLE_HONEST);
      // Each forged body costs −0.15; consensus rounds may have earned the mimic a little back in between.
      const trust = Consensus.trust[slotOf(w.hood, to - 1, from - 1)]!;
      if (count >= 3) expect(trust).toBeLessThan(TRUST_INITIAL);
      if (trust < TRUST_BAN) convicted++;
    }
    expect(convicted).toBeGreaterThan(0);
    // No honest node is banned by an honest neighbour.
    for (let i = 0; i < w.n; i++) {
      if (Role.kind[i + 1] !== ROLE_HONEST) continue;
      for (let s = w.hood.offsets[i]!; s < w.hood.offsets[i + 1]!; s++) {
        if (Role.kind[w.hood.neighbours[s]! + 1] === ROLE_HONEST) expect(Consensus.trust[s]!).toBeGreaterThanOrEqual(TRUST_BAN);
      }
    }
  });
});

function framesQueuedNotSent(sim: Sim): number {
  let frames = 0;
  for (const queue of sim.world.secure!.outbox.values()) {
    // As queueSecureReply counted them: each part with its message header and trailer, framed as the link frames it.
    for (const q of queue) for (let i = q.next; i < q.frames.length; i++) frames += q.frames[i]!;
  }
  return frames;
}

function pendingBodies(sim: Sim): number {
  let n = 0;
  for (const queue of sim.world.secure!.outbox.values()) n += queue.length;
  return n;
}
