// --secure: genes travel with commitments and transition proofs (issue 7, item 7; docs/SECURITY.md "In the
// simulator"). Per world: each replying node's commitment chain, the outbox that paces long bodies onto the
// radio, the receivers' reassembly buffers and their record of each sender's chain.
//
// The chain. Position 0 of every node is a commitment to the public spawn gene (the persistence predictor).
// A node that answers with a new gene version proves the move from its last published commitment: when every
// coordinate moves by < 2^15 (0.5) that is one transition proof; a larger move is split into k ≤ MAX_STEPS
// bounded steps through hidden intermediate genes (each step one more commitment + proof, 1,088 B). So an
// honest node can always answer, and a receiver learns the true bound of the move (k × 0.5), not a fresh start.
// Only a move beyond MAX_STEPS × 0.5 (rare: the largest move between published versions we saw was 0.52) is
// refused and published as an anchor: a fresh commitment with its opening only. Receivers accept an anchor
// (its gene still faces the own-window check) but the sender earns no +0.02 for it, since nothing bounds where
// that gene came from, and the receiver's record of the sender's chain restarts.
//
// The radio. The link model's transmit queue holds 8 frames, and a 1,447-byte body is 35 LoRa frames, so a
// body is sent as parts of at most PART_FRAMES frames, one part per tick when the radio is idle, leaving queue
// room for the node's own requests and consensus broadcasts; a parity part (XOR of the parts) follows, so one
// lost part does not lose the body. Every byte of every part is on air and counted.
//
// The CPU. Proofs are made once per gene version (cached). Verification is a pure function of (sender, body
// bytes), so the simulator verifies each distinct body once and reuses the verdict for every receiver; the
// verify times reported are those real computations. Every receiver's continuity check is its own.
//
// Determinism: all blinding comes from seededByteSource(sim seed, node id); wall-clock time is only measured.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  UpdateOutOfRangeError, commitGene, concatBytes, proveGeneUpdate, seededByteSource,
  type ByteSource, type GeneOpening, type GeneValues,
} from '../core/crypto';
import { encodeGene, type Gene } from '../core/gene/gene';
import { fragmentCount } from '../core/net/fragment';
import * as q16 from '../core/fixed/q16';
import type { SimConfig } from './config';
import { MESSAGE_HEADER_BYTES } from './messages';
import {
  KIND_ANCHOR, KIND_STEPS, MAX_STEPS, SecureBodyError, checkOpening, checkSteps, cureProofContext,
  decodeSecureBody, encodeSecureBody, openingScalar,
} from './secureBody';
import type { SimWorld } from './world';

const STEP_BOUND = (1 << 15) - 1;
/** Parts of a body: [tag u8][body id u16][index u8][count u8][payload]. */
const PART_TAG = 0x5a;
const PART_HEADER = 5;
/** The parity part of a body: [tag u8][body id u16][body length u16][count u8][XOR of every part, zero-padded].
 *  One lost part (of any number) is rebuilt from it: at 2 % frame loss a 6-frame part is lost 11 % of the time,
 *  so a 6-part body arrives whole 48 % of the time without parity and 82 % with it. */
const PARITY_TAG = 0x5b;
const PARITY_HEADER = 6;
/** Frames per part (the transmit queue holds 8: leave room for the node's own small messages). */
const PART_FRAMES = 6;
/** Bodies a node keeps queued; a request beyond that goes unanswered (the requester retries). */
const MAX_OUTBOX = 4;
/** A receiver keeps the parts of an incomplete body this long (the requester's retries come within ~8 s). */
const PARTIAL_KEEP_S = 20;
const SPAWN_GENE: GeneValues = { weights: [q16.ONE, 0, 0, 0, 0, 0, 0, 0], bias: 0 };

interface NodeChain {
  source: ByteSource;
  position: number;
  commitment: Uint8Array;
  opening: GeneOpening;
  values: number[];
  /** The body of the current gene version (never prove the same transition twice). */
  cachedKey: string;
  cachedBody: Uint8Array | null;
  /** Parts of one body share its id, so a resend (the requester retries) fills the gaps loss left. */
  cachedBodyId: number;
  nextBodyId: number;
}

interface Outgoing { to: number; parts: Uint8Array[]; next: number }
interface Partial { parts: (Uint8Array | null)[]; missing: number; tick: number; parity: Uint8Array | null; bodyLength: number }
type BodyCheck = { ok: true; kind: number; position: number; prevPosition: number; prev: Uint8Array | null; commitment: Uint8Array; geneBytes: Uint8Array; proofs: number } | { ok: false; reason: string };

export interface SecureState {
  seed: number;
  chains: Map<number, NodeChain>;
  outbox: Map<number, Outgoing[]>;
  partials: Map<string, Partial>;
  /** Bodies completed recently (receiver:sender:id → tick): their late parts (the parity part, mostly) are
   *  duplicates, not the start of a new body. Kept as long as partials. */
  completed: Map<string, number>;
  /** receiver × (n + 1) + sender → the sender's last chain position and commitment this receiver verified. */
  seen: Map<number, { position: number; commitment: Uint8Array }>;
  verdicts: Map<string, BodyCheck>;
  /** receiver × (n + 1) + sender → bodies of that sender this receiver rejected (diagnostics and tests). */
  rejections: Map<number, number>;
  /** The attackers' forged proof: a genuine proof of another transition, replayed. */
  forgedProof: Uint8Array | null;
}

export type SecureVerdict =
  | { status: 'pending' }
  /** A late part of a body this receiver already completed (and decided on). */
  | { status: 'duplicate' }
  | { status: 'ok'; geneBytes: Uint8Array; anchored: boolean }
  | { status: 'rejected'; reason: string; penalise: boolean };

export function createSecureState(config: SimConfig): SecureState {
  return {
    seed: config.seed, chains: new Map(), outbox: new Map(), partials: new Map(), completed: new Map(), seen: new Map(), verdicts: new Map(), rejections: new Map(),
    forgedProof: null,
  };
}

function chainOf(state: SecureState, eid: number): NodeChain {
  let chain = state.chains.get(eid);
  if (!chain) {
    const source = seededByteSource(`QRES/sim-secure/v1/${state.seed}/${eid}`);
    const { commitment, opening } = commitGene(SPAWN_GENE, source);
    chain = { source, position: 0, commitment, opening, values: [q16.ONE, 0, 0, 0, 0, 0, 0, 0, 0], cachedKey: '', cachedBody: null, cachedBodyId: 0, nextBodyId: 0 };
    state.chains.set(eid, chain);
  }
  return chain;
}

function takeBodyId(chain: NodeChain): number {
  const id = chain.nextBodyId;
  chain.nextBodyId = (id + 1) & 0xffff;
  return id;
}

const valuesOf = (gene: Gene): number[] => [...Array.from(gene.weights), gene.bias];
const asGene = (v: number[]): GeneValues => ({ weights: v.slice(0, 8), bias: v[8]! });

/** The secure cure body of an honest responder's current gene: k bounded steps from its last published
 *  commitment, or an anchor when the move needs more than MAX_STEPS. Cached per gene version. */
export function buildSecureCureBody(world: SimWorld, eid: number, gene: Gene): Uint8Array {
  const state = world.secure!;
  const chain = chainOf(state, eid);
  const geneBytes = encodeGene(gene);
  const key = bytesToHex(geneBytes);
  if (chain.cachedKey === key && chain.cachedBody) return chain.cachedBody;
  const target = valuesOf(gene);
  const maxMove = Math.max(...target.map((v, j) => Math.abs(v - chain.values[j]!)));
  const k = Math.max(1, Math.ceil(maxMove / STEP_BOUND));
  let body: Uint8Array | null = null;
  if (k <= MAX_STEPS) {
    try {
      body = proveSteps(chain, eid, geneBytes, target, k);
    } catch (e) {
      if (!(e instanceof UpdateOutOfRangeError)) throw e; // cannot happen for steps ≤ STEP_BOUND; anchor if it does
    }
  }
  if (!body) {
    world.counters.proofsRefused++;
    const { commitment, opening } = commitGene(asGene(target), chain.source);
    const position = chain.position + 1;
    const rho = openingScalar(eid, position, geneBytes, commitment, opening.blinds);
    body = encodeSecureBody({ kind: KIND_ANCHOR, position, geneBytes, commitment, rho, prev: null, links: [], proofs: [] });
    Object.assign(chain, { position, commitment, opening });
  }
  chain.values = target;
  chain.cachedKey = key;
  chain.cachedBody = body;
  chain.cachedBodyId = takeBodyId(chain);
  return body;
}

function proveSteps(chain: NodeChain, eid: number, geneBytes: Uint8Array, target: number[], k: number): Uint8Array {
  const from = chain.values;
  const prev = chain.commitment;
  const links: Uint8Array[] = [];
  const proofs: Uint8Array[] = [];
  let values = from;
  let opening = chain.opening;
  let commitment = prev;
  for (let i = 1; i <= k; i++) {
    // Floors of a linear ramp: consecutive points differ by at most ⌈move / k⌉ ≤ STEP_BOUND per coordinate.
    const next = i === k ? target : from.map((v, j) => v + Math.floor(((target[j]! - v) * i) / k));
    const step = proveGeneUpdate(asGene(values), asGene(next), opening, cureProofContext(eid, chain.position + i), chain.source);
    if (i < k) links.push(step.commitment);
    proofs.push(step.proof);
    commitment = step.commitment;
    opening = step.newOpening;
    values = next;
  }
  const position = chain.position + k;
  const rho = openingScalar(eid, position, geneBytes, commitment, opening.blinds);
  const body = encodeSecureBody({ kind: KIND_STEPS, position, geneBytes, commitment, rho, prev, links, proofs });
  Object.assign(chain, { position, commitment, opening });
  return body;
}

/** An attacker's body for its poison gene: a valid commitment and opening, and a genuine proof of some other
 *  transition replayed as the link from the attacker's chain. Well formed; fails the transition check. */
export function forgeSecureCureBody(world: SimWorld, eid: number, poison: Gene): Uint8Array {
  const state = world.secure!;
  const chain = chainOf(state, eid);
  if (!state.forgedProof) {
    const decoy = { weights: [q16.ONE - 1000, 500, 0, 0, 0, 0, 0, 0], bias: 0 };
    state.forgedProof = proveGeneUpdate(SPAWN_GENE, decoy, chain.opening, cureProofContext(eid, 1), chain.source).proof;
  }
  const geneBytes = encodeGene(poison);
  const { commitment, opening } = commitGene(poison, chain.source);
  const position = chain.position + 1;
  const rho = openingScalar(eid, position, geneBytes, commitment, opening.blinds);
  const body = encodeSecureBody({ kind: KIND_STEPS, position, geneBytes, commitment, rho, prev: chain.commitment, links: [], proofs: [state.forgedProof] });
  Object.assign(chain, { position, commitment, opening });
  return body;
}

/** Queues a body for `to`, split into parts; false when the node's outbox is full (the request is dropped). */
export function queueSecureReply(world: SimWorld, from: number, to: number, body: Uint8Array): boolean {
  const state = world.secure!;
  const queue = state.outbox.get(from) ?? [];
  if (queue.length >= MAX_OUTBOX) return false;
  const chain = chainOf(state, from);
  const id = body === chain.cachedBody ? chain.cachedBodyId : takeBodyId(chain);
  // Room per part after the larger of the two part headers, so the parity part fits PART_FRAMES frames too.
  const room = Math.max(1, PART_FRAMES * (world.config.mtu - 8) - MESSAGE_HEADER_BYTES - Math.max(PART_HEADER, PARITY_HEADER));
  const count = Math.ceil(body.length / room);
  const parts: Uint8Array[] = [];
  const parity = new Uint8Array(Math.min(room, body.length));
  for (let i = 0; i < count; i++) {
    const payload = body.subarray(i * room, Math.min(body.length, (i + 1) * room));
    for (let j = 0; j < payload.length; j++) parity[j]! ^= payload[j]!;
    parts.push(concatBytes(Uint8Array.of(PART_TAG, id & 0xff, id >>> 8, i, count), payload));
  }
  if (count > 1) parts.push(concatBytes(Uint8Array.of(PARITY_TAG, id & 0xff, id >>> 8, body.length & 0xff, body.length >>> 8, count), parity));
  for (const part of parts) world.counters.proofFrames += fragmentCount(MESSAGE_HEADER_BYTES + part.length, world.config.mtu);
  queue.push({ to, parts, next: 0 });
  state.outbox.set(from, queue);
  world.counters.proofBodies++;
  world.counters.proofBodyBytes += body.length;
  return true;
}

/** Sends the next part of each node's oldest queued body, if its radio is idle this tick. */
export function pumpSecureOutbox(world: SimWorld, send: (from: number, to: number, part: Uint8Array) => void): void {
  const state = world.secure!;
  const nowUs = world.tick * world.config.tickMs * 1000;
  const { txFreeAtUs } = world.components.Radio;
  for (const [from, queue] of state.outbox) {
    if (txFreeAtUs[from]! > nowUs) continue;
    const head = queue[0]!;
    send(from, head.to, head.parts[head.next++]!);
    if (head.next === head.parts.length) queue.shift();
    if (queue.length === 0) state.outbox.delete(from);
  }
}

function checkBody(world: SimWorld, sender: number, bytes: Uint8Array): BodyCheck {
  const state = world.secure!;
  const key = `${sender}:${bytesToHex(sha256(bytes))}`;
  const known = state.verdicts.get(key);
  if (known) return known;
  let verdict: BodyCheck;
  try {
    const body = decodeSecureBody(bytes);
    const proofs = body.proofs.length;
    if (!checkOpening(sender, body)) verdict = { ok: false, reason: 'opening' };
    else if (body.kind === KIND_STEPS && !checkSteps(sender, body, (ms) => world.counters.proofVerifyMs.push(ms))) verdict = { ok: false, reason: 'proof' };
    else verdict = { ok: true, kind: body.kind, position: body.position, prevPosition: body.position - proofs, prev: body.prev, commitment: body.commitment, geneBytes: body.geneBytes, proofs };
  } catch (e) {
    if (!(e instanceof SecureBodyError)) throw e;
    verdict = { ok: false, reason: e.reason };
  }
  if (state.verdicts.size >= 4096) state.verdicts.clear(); // a bound, not a decision: verdicts are pure
  state.verdicts.set(key, verdict);
  return verdict;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** A received cure part: 'pending' until its body is complete, then the verified gene or why it failed. */
export function acceptSecureReply(world: SimWorld, to: number, from: number, part: Uint8Array): SecureVerdict {
  const state = world.secure!;
  const keepTicks = Math.max(1, Math.ceil((PARTIAL_KEEP_S * 1000) / world.config.tickMs));
  for (const [k, p] of state.partials) if (world.tick - p.tick > keepTicks) state.partials.delete(k);
  for (const [k, tick] of state.completed) if (world.tick - tick > keepTicks) state.completed.delete(k);
  const reject = (reason: string, penalise = true): SecureVerdict => {
    world.counters.proofsRejected++;
    const pair = to * (world.n + 1) + from;
    state.rejections.set(pair, (state.rejections.get(pair) ?? 0) + 1);
    return { status: 'rejected', reason, penalise };
  };
  const isParity = part[0] === PARITY_TAG;
  if (isParity ? part.length <= PARITY_HEADER || part[5]! < 2 : part.length <= PART_HEADER || part[0] !== PART_TAG || part[4] === 0 || part[3]! >= part[4]!) {
    return reject('part');
  }
  const count = isParity ? part[5]! : part[4]!;
  const key = `${to}:${from}:${part[1]! | (part[2]! << 8)}`;
  if (state.completed.has(key)) return { status: 'duplicate' };
  let partial = state.partials.get(key);
  if (!partial || partial.parts.length !== count) {
    partial = { parts: new Array<Uint8Array | null>(count).fill(null), missing: count, tick: world.tick, parity: null, bodyLength: 0 };
    state.partials.set(key, partial);
  }
  partial.tick = world.tick;
  if (isParity) {
    partial.parity = part.slice(PARITY_HEADER);
    partial.bodyLength = part[3]! | (part[4]! << 8);
  } else {
    if (partial.parts[part[3]!] === null) partial.missing--;
    partial.parts[part[3]!] = part.slice(PART_HEADER);
  }
  if (partial.missing === 1 && partial.parity) rebuildMissing(partial);
  if (partial.missing > 0) return { status: 'pending' };
  state.partials.delete(key);
  state.completed.set(key, world.tick);
  const body = concatBytes(...(partial.parts as Uint8Array[]));

  const check = checkBody(world, from, body);
  if (!check.ok) return reject(check.reason);
  const seenKey = to * (world.n + 1) + from;
  const seen = state.seen.get(seenKey);
  if (seen) {
    if (check.position < seen.position) return reject('stale', false); // an old version delivered late
    // Equivocation: two different commitments at one position of the sender's chain, shown to this receiver.
    if (check.position === seen.position && !sameBytes(check.commitment, seen.commitment)) return reject('fork');
    if (check.prev && check.prevPosition === seen.position && !sameBytes(check.prev, seen.commitment)) return reject('fork');
  }
  state.seen.set(seenKey, { position: check.position, commitment: check.commitment });
  if (check.kind === KIND_ANCHOR) world.counters.proofAnchors++;
  world.counters.proofsVerified += check.proofs;
  return { status: 'ok', geneBytes: check.geneBytes, anchored: check.kind === KIND_ANCHOR };
}

/** The one missing part = parity XOR every other part; its length from the body length the parity carries. */
function rebuildMissing(partial: Partial): void {
  const parity = partial.parity!;
  const k = partial.parts.indexOf(null);
  const count = partial.parts.length;
  const length = k < count - 1 ? parity.length : partial.bodyLength - (count - 1) * parity.length;
  if (length <= 0 || length > parity.length) return; // inconsistent: wait for the part itself
  const rebuilt = parity.slice(0, length);
  for (const other of partial.parts) {
    if (other === null) continue;
    for (let j = 0; j < Math.min(length, other.length); j++) rebuilt[j]! ^= other[j]!;
  }
  partial.parts[k] = rebuilt;
  partial.missing = 0;
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
