// The --secure cure protocol, per node: what both runtimes (the simulator's systems, the node daemon) run, pure
// and deterministic. Body format and proof checks: ./secureBody.ts. Threat model: docs/SECURITY.md.
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
// The receiver. A body is checked (opening, then every step as one batch: a pure function of sender and bytes),
// then for continuity against the receiver's record of the sender's chain: an older position is stale (ignored,
// no penalty), another commitment at a position already seen is equivocation (a fork). Every rejection but a
// stale one costs the sender a failed check (TRUST_FAILED), through refuseSecureCure. The same body again within
// RESEND_KEEP_S is a resend: ignored (it was decided when it first came).
//
// Small MTUs. A body that does not fit the radio's transmit queue travels as parts, one parity part after them
// (splitSecureBody / acceptSecurePart); over MQTT it is one message and needs none of that.
//
// Determinism: all blinding comes from seededByteSource(swarm seed, node id); nothing here reads a clock except
// the optional proof-time callback, which decides nothing.
import {
  UpdateOutOfRangeError,
  commitGene,
  concatBytes,
  proveGeneUpdate,
  seededByteSource,
  type ByteSource,
  type GeneOpening,
  type GeneValues,
} from '../crypto';
import { encodeGene, type Gene } from '../gene/gene';
import * as q16 from '../fixed/q16';
import {
  KIND_ANCHOR,
  KIND_STEPS,
  MAX_STEPS,
  SecureBodyError,
  checkOpening,
  checkSteps,
  cureProofContext,
  decodeSecureBody,
  encodeSecureBody,
  openingScalar,
} from './secureBody';
import { adjustTrust, TRUST_FAILED } from './trust';

/** Largest per-coordinate move one transition proof covers (Q16 units). */
export const STEP_BOUND = (1 << 15) - 1;
/** Secure bodies a node has on its way out at once; a request beyond that goes unanswered (the requester
 *  retries). On a radio the queue drains a part per tick; over MQTT it drains at once, so it bounds the bodies
 *  answered in one tick (and the proving work a burst of requests can demand). */
export const SECURE_OUTBOX = 4;
/** A receiver remembers a body (or an incomplete body's parts) this long; the requester's retries come within
 *  ~8 s, so a resend of the same body inside it is a duplicate. */
export const RESEND_KEEP_S = 20;

export const SPAWN_GENE: GeneValues = { weights: [q16.ONE, 0, 0, 0, 0, 0, 0, 0], bias: 0 };

/** Ticks of RESEND_KEEP_S at `tickMs` per tick. */
export function resendKeepTicks(tickMs: number): number {
  return Math.max(1, Math.ceil((RESEND_KEEP_S * 1000) / tickMs));
}

// ---- the sender's chain ----

/** One node's commitment chain and its secret openings. */
export interface SecureChain {
  readonly node: number;
  readonly source: ByteSource;
  position: number;
  commitment: Uint8Array;
  opening: GeneOpening;
  values: number[];
  /** The body of the current gene version (never prove the same transition twice). */
  cachedKey: string;
  cachedBody: Uint8Array | null;
}

/** Position 0 of node `node`'s chain in the swarm of `seed`: a commitment to the spawn gene. */
export function createSecureChain(seed: number, node: number): SecureChain {
  const source = seededByteSource(`QRES/sim-secure/v1/${seed}/${node}`);
  const { commitment, opening } = commitGene(SPAWN_GENE, source);
  return { node, source, position: 0, commitment, opening, values: [q16.ONE, 0, 0, 0, 0, 0, 0, 0, 0], cachedKey: '', cachedBody: null };
}

const valuesOf = (gene: Gene): number[] => [...Array.from(gene.weights), gene.bias];
const asGene = (v: number[]): GeneValues => ({ weights: v.slice(0, 8), bias: v[8]! });
const hexOf = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export interface BuiltBody {
  body: Uint8Array;
  /** Proved (or anchored) now; false when the cached body of this gene version was returned. */
  fresh: boolean;
  /** The move needed more than MAX_STEPS: published as an anchor. */
  refused: boolean;
}

/** The secure cure body of an honest responder's current gene: k bounded steps from its last published
 *  commitment, or an anchor when the move needs more than MAX_STEPS. Cached per gene version. */
export function secureCureBody(chain: SecureChain, gene: Gene): BuiltBody {
  const geneBytes = encodeGene(gene);
  const key = hexOf(geneBytes);
  if (chain.cachedKey === key && chain.cachedBody) return { body: chain.cachedBody, fresh: false, refused: false };
  const target = valuesOf(gene);
  const maxMove = Math.max(...target.map((v, j) => Math.abs(v - chain.values[j]!)));
  const k = Math.max(1, Math.ceil(maxMove / STEP_BOUND));
  let body: Uint8Array | null = null;
  if (k <= MAX_STEPS) {
    try {
      body = proveSteps(chain, geneBytes, target, k);
    } catch (e) {
      if (!(e instanceof UpdateOutOfRangeError)) throw e; // cannot happen for steps ≤ STEP_BOUND; anchor if it does
    }
  }
  const refused = body === null;
  if (!body) {
    const { commitment, opening } = commitGene(asGene(target), chain.source);
    const position = chain.position + 1;
    const rho = openingScalar(chain.node, position, geneBytes, commitment, opening.blinds);
    body = encodeSecureBody({ kind: KIND_ANCHOR, position, geneBytes, commitment, rho, prev: null, links: [], proofs: [] });
    Object.assign(chain, { position, commitment, opening });
  }
  chain.values = target;
  chain.cachedKey = key;
  chain.cachedBody = body;
  return { body, fresh: true, refused };
}

function proveSteps(chain: SecureChain, geneBytes: Uint8Array, target: number[], k: number): Uint8Array {
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
    const step = proveGeneUpdate(asGene(values), asGene(next), opening, cureProofContext(chain.node, chain.position + i), chain.source);
    if (i < k) links.push(step.commitment);
    proofs.push(step.proof);
    commitment = step.commitment;
    opening = step.newOpening;
    values = next;
  }
  const position = chain.position + k;
  const rho = openingScalar(chain.node, position, geneBytes, commitment, opening.blinds);
  const body = encodeSecureBody({ kind: KIND_STEPS, position, geneBytes, commitment, rho, prev, links, proofs });
  Object.assign(chain, { position, commitment, opening });
  return body;
}

/** Node id no chain has: the decoy transition's context. */
const DECOY_NODE = 0xffffffff;
const decoys = new Map<number, Uint8Array>();

/** The genuine proof attackers replay: a transition of the spawn gene under the swarm's decoy chain. A pure
 *  function of the seed (computed once per process and seed), so every attacker of both runtimes replays the
 *  same bytes. */
export function decoyProof(seed: number): Uint8Array {
  let proof = decoys.get(seed >>> 0);
  if (!proof) {
    const source = seededByteSource(`QRES/secure-decoy/v1/${seed >>> 0}`);
    const { opening } = commitGene(SPAWN_GENE, source);
    const decoy = { weights: [q16.ONE - 1000, 500, 0, 0, 0, 0, 0, 0], bias: 0 };
    proof = proveGeneUpdate(SPAWN_GENE, decoy, opening, cureProofContext(DECOY_NODE, 1), source).proof;
    if (decoys.size >= 16) decoys.clear();
    decoys.set(seed >>> 0, proof);
  }
  return proof;
}

/** An attacker's body for its poison gene: a valid commitment and opening at the next position of its chain,
 *  and a genuine proof of another transition (decoyProof) replayed as the link. Well formed; fails the
 *  transition check at every receiver. */
export function forgeSecureCureBody(chain: SecureChain, poison: Gene, seed: number): Uint8Array {
  const proof = decoyProof(seed);
  const geneBytes = encodeGene(poison);
  const { commitment, opening } = commitGene(poison, chain.source);
  const position = chain.position + 1;
  const rho = openingScalar(chain.node, position, geneBytes, commitment, opening.blinds);
  const body = encodeSecureBody({ kind: KIND_STEPS, position, geneBytes, commitment, rho, prev: chain.commitment, links: [], proofs: [proof] });
  Object.assign(chain, { position, commitment, opening });
  return body;
}

// ---- the receiver ----

export type BodyCheck =
  | { ok: true; kind: number; position: number; prevPosition: number; prev: Uint8Array | null; commitment: Uint8Array; geneBytes: Uint8Array; proofs: number }
  | { ok: false; reason: string };

/** Decodes and verifies a body from `sender`: the opening, then every transition proof (one batch). A pure
 *  function of (sender, bytes); `onProof` sees the measured time per proof. Never throws on any bytes. */
export function checkSecureBody(sender: number, bytes: Uint8Array, onProof?: (ms: number) => void): BodyCheck {
  try {
    const body = decodeSecureBody(bytes);
    const proofs = body.proofs.length;
    if (!checkOpening(sender, body)) return { ok: false, reason: 'opening' };
    if (body.kind === KIND_STEPS && !checkSteps(sender, body, onProof)) return { ok: false, reason: 'proof' };
    return {
      ok: true,
      kind: body.kind,
      position: body.position,
      prevPosition: body.position - proofs,
      prev: body.prev,
      commitment: body.commitment,
      geneBytes: body.geneBytes,
      proofs,
    };
  } catch (e) {
    if (!(e instanceof SecureBodyError)) throw e;
    return { ok: false, reason: e.reason };
  }
}

/** A receiver's record of one sender's chain: the last position and commitment it verified. */
export interface ChainRecord {
  position: number;
  commitment: Uint8Array;
}

export type SecureVerdict =
  | { status: 'pending' }
  /** The same body (or a late part of it) again: decided when it first came. */
  | { status: 'duplicate' }
  | { status: 'ok'; geneBytes: Uint8Array; anchored: boolean; proofs: number }
  | { status: 'rejected'; reason: string; penalise: boolean };

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The receiver's verdict on a checked body: rejected if the check failed, stale or a fork against `records`'s
 * entry for the sender (`key`), else accepted (or anchored), and the record moves to the body's position.
 */
export function acceptSecureBody<K>(records: Map<K, ChainRecord>, key: K, check: BodyCheck): SecureVerdict {
  if (!check.ok) return { status: 'rejected', reason: check.reason, penalise: true };
  const seen = records.get(key);
  if (seen) {
    if (check.position < seen.position) return { status: 'rejected', reason: 'stale', penalise: false }; // an old version delivered late
    // Equivocation: two different commitments at one position of the sender's chain, shown to this receiver.
    if (check.position === seen.position && !sameBytes(check.commitment, seen.commitment)) return { status: 'rejected', reason: 'fork', penalise: true };
    if (check.prev && check.prevPosition === seen.position && !sameBytes(check.prev, seen.commitment))
      return { status: 'rejected', reason: 'fork', penalise: true };
  }
  records.set(key, { position: check.position, commitment: check.commitment });
  return { status: 'ok', geneBytes: check.geneBytes, anchored: check.kind === KIND_ANCHOR, proofs: check.proofs };
}

/** What a rejected body costs its sender (at reputation slot `slot`): a failed check, unless it was only late. */
export function refuseSecureCure(trust: Uint8Array, slot: number, verdict: { penalise: boolean }): void {
  if (verdict.penalise) adjustTrust(trust, slot, -TRUST_FAILED);
}

/** Whether `key` (a body, or a body id) was completed within keepTicks of `tick`; forgets older entries. The
 *  receiver's duplicate rule: the same body again inside RESEND_KEEP_S is ignored. */
export function isRecent<K>(completed: Map<K, number>, key: K, tick: number, keepTicks: number): boolean {
  const at = completed.get(key);
  if (at === undefined) return false;
  if (tick - at > keepTicks) {
    completed.delete(key);
    return false;
  }
  return true;
}

/** Drops every entry of `map` older than keepTicks (by the tick `tickOf` gives). */
export function expireRecent<K, V>(map: Map<K, V>, tick: number, keepTicks: number, tickOf: (v: V) => number): void {
  for (const [k, v] of map) if (tick - tickOf(v) > keepTicks) map.delete(k);
}

// ---- parts, for small MTUs ----

/** Parts of a body: [tag u8][body id u16][index u8][count u8][payload]. */
export const PART_TAG = 0x5a;
export const PART_HEADER = 5;
/** The parity part of a body: [tag u8][body id u16][body length u16][count u8][XOR of every part, zero-padded].
 *  One lost part (of any number) is rebuilt from it: at 2 % frame loss a 6-frame part is lost 11 % of the time,
 *  so a 6-part body arrives whole 48 % of the time without parity and 82 % with it. */
export const PARITY_TAG = 0x5b;
export const PARITY_HEADER = 6;

/** A body split into parts of at most `room` payload bytes, then (for more than one part) the parity part. */
export function splitSecureBody(body: Uint8Array, id: number, room: number): Uint8Array[] {
  const count = Math.ceil(body.length / room);
  const parts: Uint8Array[] = [];
  const parity = new Uint8Array(Math.min(room, body.length));
  for (let i = 0; i < count; i++) {
    const payload = body.subarray(i * room, Math.min(body.length, (i + 1) * room));
    for (let j = 0; j < payload.length; j++) parity[j]! ^= payload[j]!;
    parts.push(concatBytes(Uint8Array.of(PART_TAG, id & 0xff, id >>> 8, i, count), payload));
  }
  if (count > 1) parts.push(concatBytes(Uint8Array.of(PARITY_TAG, id & 0xff, id >>> 8, body.length & 0xff, body.length >>> 8, count), parity));
  return parts;
}

export interface PartialBody {
  parts: (Uint8Array | null)[];
  missing: number;
  tick: number;
  parity: Uint8Array | null;
  bodyLength: number;
}

/** One receiver's (or a world's) reassembly state, keyed by `${sender key}:${body id}`. */
export interface PartsBuffer {
  partials: Map<string, PartialBody>;
  /** Bodies completed recently: their late parts (the parity part, mostly) are duplicates, not a new body. */
  completed: Map<string, number>;
}

export function createPartsBuffer(): PartsBuffer {
  return { partials: new Map(), completed: new Map() };
}

export type PartResult = { status: 'pending' } | { status: 'duplicate' } | { status: 'bad' } | { status: 'complete'; body: Uint8Array };

/** A received part from the sender `prefix` names: 'bad' if malformed, 'pending' until its body is complete
 *  (the parity part rebuilds one missing part), then the body, once. */
export function acceptSecurePart(buf: PartsBuffer, prefix: string, part: Uint8Array, tick: number, keepTicks: number): PartResult {
  expireRecent(buf.partials, tick, keepTicks, (p) => p.tick);
  expireRecent(buf.completed, tick, keepTicks, (t) => t);
  const isParity = part[0] === PARITY_TAG;
  if (isParity ? part.length <= PARITY_HEADER || part[5]! < 2 : part.length <= PART_HEADER || part[0] !== PART_TAG || part[4] === 0 || part[3]! >= part[4]!) {
    return { status: 'bad' };
  }
  const count = isParity ? part[5]! : part[4]!;
  const key = `${prefix}:${part[1]! | (part[2]! << 8)}`;
  if (buf.completed.has(key)) return { status: 'duplicate' };
  let partial = buf.partials.get(key);
  if (!partial || partial.parts.length !== count) {
    partial = { parts: new Array<Uint8Array | null>(count).fill(null), missing: count, tick, parity: null, bodyLength: 0 };
    buf.partials.set(key, partial);
  }
  partial.tick = tick;
  if (isParity) {
    partial.parity = part.slice(PARITY_HEADER);
    partial.bodyLength = part[3]! | (part[4]! << 8);
  } else {
    if (partial.parts[part[3]!] === null) partial.missing--;
    partial.parts[part[3]!] = part.slice(PART_HEADER);
  }
  if (partial.missing === 1 && partial.parity) rebuildMissing(partial);
  if (partial.missing > 0) return { status: 'pending' };
  buf.partials.delete(key);
  buf.completed.set(key, tick);
  return { status: 'complete', body: concatBytes(...(partial.parts as Uint8Array[])) };
}

/** The one missing part = parity XOR every other part; its length from the body length the parity carries. */
function rebuildMissing(partial: PartialBody): void {
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
