// --secure in the simulator (docs/SECURITY.md "In the simulator"). The protocol itself, per node, is the
// rulebook's (src/core/rules/secureCure.ts: chains, bodies, forgeries, the receiver's checks, parts and
// parity); what is the simulator's lives here: per-world maps of every node's chain and every receiver's record,
// the outbox that paces long bodies onto the radio, and the verify-once cache across receivers.
//
// The radio. The link model's transmit queue holds 8 frames, and a 1,447-byte body is 35 LoRa frames, so a
// body is sent as parts of at most PART_FRAMES frames, one part per tick when the radio is idle, leaving queue
// room for the node's own requests and consensus broadcasts; a parity part (XOR of the parts) follows, so one
// lost part does not lose the body. Parts that together fit PART_FRAMES frames go out in the same tick (on a
// Wi-Fi-sized MTU a body is one frame: every queued body leaves at once, as over MQTT). Every byte of every
// part is on air and counted.
//
// The CPU. Proofs are made once per gene version (cached). Verification is a pure function of (sender, body
// bytes), so the simulator verifies each distinct body once and reuses the verdict for every receiver; the
// verify times reported are those real computations. Every receiver's continuity check is its own.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Gene } from '../core/gene/gene';
import { fragmentCount, frameHeaderBytes } from '../core/net/fragment';
import { radioAuthBytes, type RadioAuthMode } from '../core/net/radioAuth';
import {
  PARITY_HEADER,
  PART_HEADER,
  SECURE_OUTBOX,
  acceptSecureBody,
  acceptSecurePart,
  checkSecureBody,
  createPartsBuffer,
  createSecureChain,
  forgeSecureCureBody as forgeBody,
  resendKeepTicks,
  secureCureBody,
  splitSecureBody,
  type BodyCheck,
  type ChainRecord,
  type PartsBuffer,
  type SecureChain,
  type SecureVerdict,
} from '../core/rules/secureCure';
import type { SimConfig } from './config';
import { MESSAGE_HEADER_BYTES } from './messages';
import type { SimWorld } from './world';

export type { SecureVerdict } from '../core/rules/secureCure';

/** Frames per part, and per tick of one node's secure sending (the transmit queue holds 8: leave room for the
 *  node's own small messages). */
const PART_FRAMES = 6;

/** A node's chain (the rulebook's), and the ids of its bodies' parts. */
interface SimChain extends SecureChain {
  /** Parts of one body share its id, so a resend (the requester retries) fills the gaps loss left. */
  cachedBodyId: number;
  nextBodyId: number;
}

interface Outgoing {
  to: number;
  parts: Uint8Array[];
  frames: number[];
  next: number;
}

/** `partials` and `completed` (the PartsBuffer): every receiver's reassembly, keyed `receiver:sender:body id`. */
export interface SecureState extends PartsBuffer {
  seed: number;
  chains: Map<number, SimChain>;
  outbox: Map<number, Outgoing[]>;
  /** receiver × (n + 1) + sender → the sender's last chain position and commitment this receiver verified. */
  seen: Map<number, ChainRecord>;
  verdicts: Map<string, BodyCheck>;
  /** receiver × (n + 1) + sender → bodies of that sender this receiver rejected (diagnostics and tests). */
  rejections: Map<number, number>;
}

export function createSecureState(config: SimConfig): SecureState {
  return { seed: config.seed, chains: new Map(), outbox: new Map(), ...createPartsBuffer(), seen: new Map(), verdicts: new Map(), rejections: new Map() };
}

function chainOf(state: SecureState, eid: number): SimChain {
  let chain = state.chains.get(eid);
  if (!chain) {
    chain = Object.assign(createSecureChain(state.seed, eid), { cachedBodyId: 0, nextBodyId: 0 });
    state.chains.set(eid, chain);
  }
  return chain;
}

function takeBodyId(chain: SimChain): number {
  const id = chain.nextBodyId;
  chain.nextBodyId = (id + 1) & 0xffff;
  return id;
}

/** The secure cure body of an honest responder's current gene (the rulebook's secureCureBody, cached per
 *  gene version), counting refused moves. */
export function buildSecureCureBody(world: SimWorld, eid: number, gene: Gene): Uint8Array {
  const chain = chainOf(world.secure!, eid);
  const built = secureCureBody(chain, gene);
  if (built.fresh) {
    if (built.refused) world.counters.proofsRefused++;
    chain.cachedBodyId = takeBodyId(chain);
  }
  return built.body;
}

/** An attacker's forged body for its poison gene (the rulebook's forgeSecureCureBody). */
export function forgeSecureCureBody(world: SimWorld, eid: number, poison: Gene): Uint8Array {
  const state = world.secure!;
  return forgeBody(chainOf(state, eid), poison, state.seed);
}

/** Queues a body for `to`, split into parts; false when the node's outbox is full (the request is dropped). */
export function queueSecureReply(world: SimWorld, from: number, to: number, body: Uint8Array): boolean {
  const state = world.secure!;
  const queue = state.outbox.get(from) ?? [];
  if (queue.length >= SECURE_OUTBOX) return false;
  const chain = chainOf(state, from);
  const id = body === chain.cachedBody ? chain.cachedBodyId : takeBodyId(chain);
  // Room per part after the larger of the two part headers, so the parity part fits PART_FRAMES frames too.
  // Each part travels as one unicast message with its authentication trailer (src/core/net/radioAuth.ts).
  const trailer = radioAuthBytes(world.config.radioAuth as RadioAuthMode, false, 1);
  const checksum = world.config.radioAuth === 'none'; // as the link model frames it
  const room = Math.max(
    1,
    PART_FRAMES * (world.config.mtu - frameHeaderBytes(checksum)) - MESSAGE_HEADER_BYTES - trailer - Math.max(PART_HEADER, PARITY_HEADER),
  );
  const parts = splitSecureBody(body, id, room);
  const frames = parts.map((part) => fragmentCount(MESSAGE_HEADER_BYTES + part.length + trailer, world.config.mtu, checksum));
  for (const f of frames) world.counters.proofFrames += f;
  queue.push({ to, parts, frames, next: 0 });
  state.outbox.set(from, queue);
  world.counters.proofBodies++;
  world.counters.proofBodyBytes += body.length;
  return true;
}

/** Sends the next part(s) of each node's queued bodies, if its radio is idle this tick: the first, then more
 *  while the tick's parts fit PART_FRAMES frames. */
export function pumpSecureOutbox(world: SimWorld, send: (from: number, to: number, part: Uint8Array) => void): void {
  const state = world.secure!;
  const nowUs = world.tick * world.config.tickMs * 1000;
  const { txFreeAtUs } = world.components.Radio;
  for (const [from, queue] of state.outbox) {
    if (txFreeAtUs[from]! > nowUs) continue;
    let frames = 0;
    while (queue.length > 0) {
      const head = queue[0]!;
      const f = head.frames[head.next]!;
      if (frames > 0 && frames + f > PART_FRAMES) break;
      frames += f;
      send(from, head.to, head.parts[head.next++]!);
      if (head.next === head.parts.length) queue.shift();
    }
    if (queue.length === 0) state.outbox.delete(from);
  }
}

/** The rulebook's checkSecureBody, computed once per distinct (sender, body) for all receivers. */
function checkBody(world: SimWorld, sender: number, bytes: Uint8Array): BodyCheck {
  const state = world.secure!;
  const key = `${sender}:${bytesToHex(sha256(bytes))}`;
  const known = state.verdicts.get(key);
  if (known) return known;
  const verdict = checkSecureBody(sender, bytes, (ms) => world.counters.proofVerifyMs.push(ms));
  if (state.verdicts.size >= 4096) state.verdicts.clear(); // a bound, not a decision: verdicts are pure
  state.verdicts.set(key, verdict);
  return verdict;
}

/** A received cure part: 'pending' until its body is complete, then the rulebook's verdict on it. */
export function acceptSecureReply(world: SimWorld, to: number, from: number, part: Uint8Array): SecureVerdict {
  const state = world.secure!;
  const pair = to * (world.n + 1) + from;
  const reject = (verdict: SecureVerdict & { status: 'rejected' }): SecureVerdict => {
    world.counters.proofsRejected++;
    state.rejections.set(pair, (state.rejections.get(pair) ?? 0) + 1);
    return verdict;
  };
  const got = acceptSecurePart(state, `${to}:${from}`, part, world.tick, resendKeepTicks(world.config.tickMs));
  if (got.status === 'bad') return reject({ status: 'rejected', reason: 'part', penalise: true });
  if (got.status !== 'complete') return got;
  const verdict = acceptSecureBody(state.seen, pair, checkBody(world, from, got.body));
  if (verdict.status === 'rejected') return reject(verdict);
  if (verdict.status === 'ok') {
    if (verdict.anchored) world.counters.proofAnchors++;
    world.counters.proofsVerified += verdict.proofs;
  }
  return verdict;
}

/** The `proofs` object of the sim report. */
export function secureReport(world: SimWorld) {
  const c = world.counters;
  const ms = [...c.proofVerifyMs].sort((a, b) => a - b);
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return {
    verified: c.proofsVerified,
    rejected: c.proofsRejected,
    refused: c.proofsRefused,
    anchors: c.proofAnchors,
    bytesPerGene: c.proofBodies ? Math.round(c.proofBodyBytes / c.proofBodies) : 0,
    framesPerGene: c.proofBodies ? round1(c.proofFrames / c.proofBodies) : 0,
    verifyMsP50: ms.length ? round1(ms[Math.floor(ms.length / 2)]!) : 0,
    verifyComputed: ms.length,
  };
}
