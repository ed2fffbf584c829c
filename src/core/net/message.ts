// The simulator's radio messages, as real bytes: [type u8][from u32 LE][to u32 LE][body]. `to` = BROADCAST for
// messages every neighbour should process. Bodies are genes (or summary genes, src/core/gene/summary.ts) in the
// gene wire format (src/core/gene/gene.ts), so a cure reply is 9 + GENE_BYTES bytes and, with the fragment
// header, fits one 51-byte LoRa frame. Pure encoding: the systems (systems/) use it, and so does the link model.
import { readU32 } from '../codec/bytes';

export const MSG_CURE_REQUEST = 1;
export const MSG_CURE_REPLY = 2;
export const MSG_CONSENSUS = 3;
export const MSG_SUMMARY_REQUEST = 4;
export const MSG_SUMMARY = 5;

export const BROADCAST = 0xffffffff;
export const MESSAGE_HEADER_BYTES = 9;

export class MessageDecodeError extends Error {
  override readonly name = 'MessageDecodeError';
}

export interface MessageHeader {
  type: number;
  from: number;
  to: number;
}

export function encodeMessage(type: number, from: number, to: number, body?: Uint8Array): Uint8Array {
  const out = new Uint8Array(MESSAGE_HEADER_BYTES + (body?.length ?? 0));
  const view = new DataView(out.buffer);
  out[0] = type;
  view.setUint32(1, from >>> 0, true);
  view.setUint32(5, to >>> 0, true);
  if (body) out.set(body, MESSAGE_HEADER_BYTES);
  return out;
}

/** Reads the header; the body is bytes.subarray(MESSAGE_HEADER_BYTES). Throws MessageDecodeError. */
export function decodeMessageHeader(bytes: Uint8Array): MessageHeader {
  if (bytes.length < MESSAGE_HEADER_BYTES) throw new MessageDecodeError(`message of ${bytes.length} bytes is too short`);
  const type = bytes[0]!;
  if (type < MSG_CURE_REQUEST || type > MSG_SUMMARY) throw new MessageDecodeError(`unknown message type ${type}`);
  return { type, from: readU32(bytes, 1), to: readU32(bytes, 5) };
}
