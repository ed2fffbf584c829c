// The payloads a real node sends, as bytes. Every message starts with a 4-byte header:
//
//   [0] magic/version 0x51 ('Q', wire v1)   [1] type u8   [2..4) sender node id u16 LE
//
// followed by a body whose length is fixed by the type (announce: by its two counts):
//
//   1 REQUEST    u16 request number                                              6 B   "I storm: a cure?"
//   2 REPLY      32-byte gene (src/core/gene/gene.ts)                           36 B   a cure, to the requester
//   3 CONSENSUS  u32 round + 32-byte gene (the node's consensus vector)         40 B
//   4 ANNOUNCE   u8 flags, u32 round, u8 nHeard, u8 nBanned, nHeard + nBanned u16 ids   heartbeat
//   5 STATUS     u8 online (1) / offline (0)                                     5 B   retained; last will
//   6 SUMMARY    34-byte summary gene (src/core/gene/summary.ts)                38 B   retained
//   7 SECURE     a secure cure body (src/core/rules/secureBody.ts): the gene, its commitment and the transition
//                proof(s) from the sender's chain; 363 B (anchor) or 1,451 + 1,088·(k − 1) B (k steps)   --secure
//                cure, to the requester
//
// Decoders check everything and throw only WireDecodeError; genes and summaries carry their own CRC/hash. A secure
// body is checked for form here (a malformed one is WireDecodeError, like any garbage); its proofs are checked by
// the receiver (src/core/rules/secureCure.ts), where a failed one costs the sender reputation.
import { decodeGene, encodeGene, GeneDecodeError, GENE_BYTES, type Gene } from '../core/gene/gene';
import { decodeSummaryGene, encodeSummaryGene, SummaryDecodeError, SUMMARY_GENE_BYTES, type DecodedSummaryGene, type SummaryGene } from '../core/gene/summary';
import { decodeSecureBody, SecureBodyError, type SecureBody } from '../core/rules/secureBody';
import { checkNodeId } from './topics';

export const WIRE_MAGIC = 0x51;
export const HEADER_BYTES = 4;
export const MSG_REQUEST = 1;
export const MSG_REPLY = 2;
export const MSG_CONSENSUS = 3;
export const MSG_ANNOUNCE = 4;
export const MSG_STATUS = 5;
export const MSG_SUMMARY = 6;
export const MSG_SECURE_REPLY = 7;
/** Most ids an announce lists per kind (heard, banned). */
export const MAX_ANNOUNCE_IDS = 64;

/** Announce flag bits: the regime in the low two bits (Calm 0, PreStorm 1, Storm 2), then these. */
export const FLAG_EVOLVED = 1 << 2;
export const FLAG_ATTACKER = 1 << 3;
export const FLAG_IN_NOISE = 1 << 4;
export const FLAG_HEALED = 1 << 5;

export type WireDecodeReason = 'length' | 'magic' | 'type' | 'body';

export class WireDecodeError extends Error {
  override readonly name = 'WireDecodeError';
  constructor(
    readonly reason: WireDecodeReason,
    message: string,
  ) {
    super(message);
  }
}

export interface Announce {
  flags: number;
  round: number;
  heard: number[];
  banned: number[];
}

export type WireMessage =
  | { type: typeof MSG_REQUEST; from: number; seq: number }
  | { type: typeof MSG_REPLY; from: number; gene: Gene }
  | { type: typeof MSG_CONSENSUS; from: number; round: number; gene: Gene }
  | ({ type: typeof MSG_ANNOUNCE; from: number } & Announce)
  | { type: typeof MSG_STATUS; from: number; online: boolean }
  | { type: typeof MSG_SUMMARY; from: number; summary: DecodedSummaryGene }
  /** `bytes`: the body as sent (what its proofs are checked over); `secure`: its fields, well formed. */
  | { type: typeof MSG_SECURE_REPLY; from: number; bytes: Uint8Array; secure: SecureBody };

function frame(type: number, from: number, bodyBytes: number): { out: Uint8Array; view: DataView } {
  checkNodeId(from);
  const out = new Uint8Array(HEADER_BYTES + bodyBytes);
  const view = new DataView(out.buffer);
  out[0] = WIRE_MAGIC;
  out[1] = type;
  view.setUint16(2, from, true);
  return { out, view };
}

export function encodeRequest(from: number, seq: number): Uint8Array {
  const { out, view } = frame(MSG_REQUEST, from, 2);
  view.setUint16(HEADER_BYTES, seq & 0xffff, true);
  return out;
}

export function encodeReply(from: number, gene: Gene): Uint8Array {
  const { out } = frame(MSG_REPLY, from, GENE_BYTES);
  out.set(encodeGene(gene), HEADER_BYTES);
  return out;
}

export function encodeConsensus(from: number, round: number, gene: Gene): Uint8Array {
  const { out, view } = frame(MSG_CONSENSUS, from, 4 + GENE_BYTES);
  view.setUint32(HEADER_BYTES, round >>> 0, true);
  out.set(encodeGene(gene), HEADER_BYTES + 4);
  return out;
}

export function encodeAnnounce(from: number, a: Announce): Uint8Array {
  const heard = a.heard.slice(0, MAX_ANNOUNCE_IDS);
  const banned = a.banned.slice(0, MAX_ANNOUNCE_IDS);
  const { out, view } = frame(MSG_ANNOUNCE, from, 7 + 2 * (heard.length + banned.length));
  let at = HEADER_BYTES;
  out[at++] = a.flags & 0xff;
  view.setUint32(at, a.round >>> 0, true);
  at += 4;
  out[at++] = heard.length;
  out[at++] = banned.length;
  for (const id of [...heard, ...banned]) {
    view.setUint16(at, checkNodeId(id), true);
    at += 2;
  }
  return out;
}

export function encodeStatus(from: number, online: boolean): Uint8Array {
  const { out } = frame(MSG_STATUS, from, 1);
  out[HEADER_BYTES] = online ? 1 : 0;
  return out;
}

export function encodeSummary(from: number, summary: SummaryGene): Uint8Array {
  const { out } = frame(MSG_SUMMARY, from, SUMMARY_GENE_BYTES);
  out.set(encodeSummaryGene(summary), HEADER_BYTES);
  return out;
}

export function encodeSecureReply(from: number, body: Uint8Array): Uint8Array {
  const { out } = frame(MSG_SECURE_REPLY, from, body.length);
  out.set(body, HEADER_BYTES);
  return out;
}

function expectLength(bytes: Uint8Array, n: number, what: string): void {
  if (bytes.length !== n) throw new WireDecodeError('length', `${what} must be ${n} bytes, got ${bytes.length}`);
}

/** Decodes and validates any wire message. Throws WireDecodeError and nothing else. */
export function decodeWire(bytes: Uint8Array): WireMessage {
  if (!(bytes instanceof Uint8Array) || bytes.length < HEADER_BYTES) {
    throw new WireDecodeError('length', `message shorter than the ${HEADER_BYTES}-byte header`);
  }
  if (bytes[0] !== WIRE_MAGIC) throw new WireDecodeError('magic', `bad magic 0x${bytes[0]!.toString(16)}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = bytes[1]!;
  const from = view.getUint16(2, true);
  const body = bytes.subarray(HEADER_BYTES);
  try {
    switch (type) {
      case MSG_REQUEST:
        expectLength(bytes, HEADER_BYTES + 2, 'a request');
        return { type, from, seq: view.getUint16(HEADER_BYTES, true) };
      case MSG_REPLY:
        expectLength(bytes, HEADER_BYTES + GENE_BYTES, 'a reply');
        return { type, from, gene: decodeGene(body) };
      case MSG_CONSENSUS:
        expectLength(bytes, HEADER_BYTES + 4 + GENE_BYTES, 'a consensus message');
        return { type, from, round: view.getUint32(HEADER_BYTES, true), gene: decodeGene(body.subarray(4)) };
      case MSG_ANNOUNCE: {
        if (bytes.length < HEADER_BYTES + 7) throw new WireDecodeError('length', 'announce too short');
        const nHeard = bytes[HEADER_BYTES + 5]!;
        const nBanned = bytes[HEADER_BYTES + 6]!;
        if (nHeard > MAX_ANNOUNCE_IDS || nBanned > MAX_ANNOUNCE_IDS) throw new WireDecodeError('body', 'announce lists too many ids');
        expectLength(bytes, HEADER_BYTES + 7 + 2 * (nHeard + nBanned), 'this announce');
        const ids: number[] = [];
        for (let i = 0; i < nHeard + nBanned; i++) ids.push(view.getUint16(HEADER_BYTES + 7 + 2 * i, true));
        return {
          type,
          from,
          flags: bytes[HEADER_BYTES]!,
          round: view.getUint32(HEADER_BYTES + 1, true),
          heard: ids.slice(0, nHeard),
          banned: ids.slice(nHeard),
        };
      }
      case MSG_STATUS:
        expectLength(bytes, HEADER_BYTES + 1, 'a status');
        if (bytes[HEADER_BYTES]! > 1) throw new WireDecodeError('body', `status byte ${bytes[HEADER_BYTES]}`);
        return { type, from, online: bytes[HEADER_BYTES] === 1 };
      case MSG_SUMMARY:
        expectLength(bytes, HEADER_BYTES + SUMMARY_GENE_BYTES, 'a summary');
        return { type, from, summary: decodeSummaryGene(body) };
      case MSG_SECURE_REPLY: {
        const own = body.slice(); // the caller's buffer may be reused; the proofs are checked later
        return { type, from, bytes: own, secure: decodeSecureBody(own) };
      }
      default:
        throw new WireDecodeError('type', `unknown message type ${type}`);
    }
  } catch (err) {
    if (err instanceof SecureBodyError) throw new WireDecodeError(err.reason === 'length' ? 'length' : 'body', err.message);
    if (err instanceof GeneDecodeError || err instanceof SummaryDecodeError) throw new WireDecodeError('body', err.message);
    throw err;
  }
}
