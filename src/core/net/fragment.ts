// MTU fragmentation for every message on the radio. One frame = a header + a slice of the message:
//
//   [crc32 u32 LE][message id u16 LE][index u8][count u8][payload ...]      8-byte header (checksum on)
//                 [message id u16 LE][index u8][count u8][payload ...]      4-byte header (checksum off)
//
// The CRC-32 covers everything after itself (the rest of the header and the payload), so a frame whose id,
// index or count was hit by noise is rejected as a whole instead of poisoning a reassembly. Eight bytes is
// the price of that on a 51-byte LoRa frame (43 bytes left). When every message carries an authentication tag
// (src/core/net/radioAuth.ts: a MIC over the message and its id), the tag already rejects a message any of whose
// frames was damaged, so the simulator's radio leaves the CRC out (checksum off: 47 bytes left).
import { readU32, writeU32 } from '../codec/bytes';
import { crc32 } from '../codec/crc';

export const FRAGMENT_HEADER_BYTES = 8;
/** The header without the CRC-32 (checksum off). */
export const FRAGMENT_HEADER_BYTES_NO_CRC = 4;
/** The frame header's size with or without the CRC-32. */
export const frameHeaderBytes = (checksum = true): number => (checksum ? FRAGMENT_HEADER_BYTES : FRAGMENT_HEADER_BYTES_NO_CRC);
/** At most this many frames per message (the count is one byte). */
export const MAX_FRAGMENTS = 255;

export type FragmentDecodeReason = 'short' | 'checksum' | 'index' | 'count' | 'mismatch';

/** A frame that cannot be part of any message. push() throws it and leaves the reassembler unchanged. */
export class FragmentDecodeError extends Error {
  override readonly name = 'FragmentDecodeError';
  constructor(
    readonly reason: FragmentDecodeReason,
    message: string,
  ) {
    super(message);
  }
}

/** Splits a message into frames of ≤ mtu bytes each (header included). Throws RangeError if it needs > 255 frames or mtu ≤ header. */
export function fragment(messageId: number, payload: Uint8Array, mtu: number, checksum = true): Uint8Array[] {
  if (!Number.isInteger(messageId) || messageId < 0 || messageId > 0xffff) {
    throw new RangeError(`message id must be an integer in [0, 65535], got ${messageId}`);
  }
  const headerBytes = frameHeaderBytes(checksum);
  if (!Number.isInteger(mtu) || mtu <= headerBytes) {
    throw new RangeError(`mtu must be an integer > ${headerBytes}, got ${mtu}`);
  }
  const room = mtu - headerBytes;
  const h = headerBytes - 4;
  const count = Math.max(1, Math.ceil(payload.length / room));
  if (count > MAX_FRAGMENTS) {
    throw new RangeError(`a ${payload.length}-byte message needs ${count} frames at mtu ${mtu}; at most ${MAX_FRAGMENTS}`);
  }
  const frames: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const start = index * room;
    const end = Math.min(payload.length, start + room);
    const frame = new Uint8Array(headerBytes + end - start);
    frame[h] = messageId & 0xff;
    frame[h + 1] = messageId >>> 8;
    frame[h + 2] = index;
    frame[h + 3] = count;
    frame.set(payload.subarray(start, end), headerBytes);
    if (checksum) writeU32(frame, 0, crc32(frame, 4));
    frames.push(frame);
  }
  return frames;
}

/** How many frames fragment() makes for a payload of this size (for airtime and byte accounting). */
export function fragmentCount(payloadBytes: number, mtu: number, checksum = true): number {
  return Math.max(1, Math.ceil(payloadBytes / (mtu - frameHeaderBytes(checksum))));
}

/** The parsed header of one frame, after its checksum was verified. */
export interface FrameHeader {
  messageId: number;
  index: number;
  count: number;
}

/** Checks a frame and reads its header; throws FragmentDecodeError for anything malformed. */
export function parseFrame(frame: Uint8Array, checksum = true): FrameHeader {
  const headerBytes = frameHeaderBytes(checksum);
  if (frame.length < headerBytes) {
    throw new FragmentDecodeError('short', `frame of ${frame.length} bytes is shorter than the ${headerBytes}-byte header`);
  }
  if (checksum && readU32(frame, 0) !== crc32(frame, 4)) throw new FragmentDecodeError('checksum', 'frame checksum mismatch');
  const h = headerBytes - 4;
  const count = frame[h + 3]!;
  const index = frame[h + 2]!;
  if (count === 0) throw new FragmentDecodeError('count', 'fragment count is 0');
  if (index >= count) throw new FragmentDecodeError('index', `fragment index ${index} ≥ count ${count}`);
  return { messageId: frame[h]! | (frame[h + 1]! << 8), index, count };
}

export interface ReassemblerOptions {
  /** Bound on buffered partial messages; when a new one would exceed it, the oldest is evicted. */
  maxPartial: number;
  /** How many completed (key, id) pairs are remembered so that a late duplicate is not delivered twice. 0 = none. */
  rememberCompleted: number;
  /** Whether frames carry the CRC-32 (see fragment()). */
  checksum: boolean;
}

const DEFAULT_OPTIONS: ReassemblerOptions = { maxPartial: 64, rememberCompleted: 256, checksum: true };

interface PartialMessage {
  key: number;
  messageId: number;
  count: number;
  received: number;
  parts: (Uint8Array | undefined)[];
}

/**
 * Rebuilds messages from frames. Message ids are scoped by `key` (the (sender, receiver) stream), so ids from
 * different senders never mix. A sender must not reuse an id on a stream while it may still be buffered or
 * remembered as completed (ids are u16 and a counter per stream wraps after 65,536 messages).
 */
export class Reassembler {
  readonly stats = { duplicates: 0, evicted: 0, completed: 0 };
  private readonly opts: ReassemblerOptions;
  /** Insertion order = age, so the first entry is the one to evict. */
  private readonly partials = new Map<string, PartialMessage>();
  private readonly completedIds = new Map<string, true>();

  constructor(opts: Partial<ReassemblerOptions> = {}) {
    this.opts = { ...DEFAULT_OPTIONS, ...opts };
    if (!Number.isInteger(this.opts.maxPartial) || this.opts.maxPartial < 1) throw new RangeError('maxPartial must be an integer ≥ 1');
    if (!Number.isInteger(this.opts.rememberCompleted) || this.opts.rememberCompleted < 0) {
      throw new RangeError('rememberCompleted must be an integer ≥ 0');
    }
  }

  get partialCount(): number {
    return this.partials.size;
  }

  /** Returns the whole message when its last missing fragment arrives, else null. */
  push(key: number, frame: Uint8Array): Uint8Array | null {
    if (!Number.isSafeInteger(key)) throw new RangeError(`stream key must be a safe integer, got ${key}`);
    const { messageId, index, count } = parseFrame(frame, this.opts.checksum);
    const id = `${key}:${messageId}`;
    const headerBytes = frameHeaderBytes(this.opts.checksum);
    if (this.completedIds.has(id)) {
      this.stats.duplicates++;
      return null;
    }
    if (count === 1) {
      // Fast path: a whole message in one frame never touches the partial buffers.
      this.rememberCompleted(id);
      return frame.slice(headerBytes);
    }
    let partial = this.partials.get(id);
    if (partial !== undefined && partial.count !== count) {
      throw new FragmentDecodeError('mismatch', `message ${messageId} has ${partial.count} fragments buffered, frame says ${count}`);
    }
    if (partial === undefined) {
      if (this.partials.size >= this.opts.maxPartial) this.evictOldest();
      partial = { key, messageId, count, received: 0, parts: new Array<Uint8Array | undefined>(count) };
      this.partials.set(id, partial);
    } else if (partial.parts[index] !== undefined) {
      this.stats.duplicates++;
      return null;
    }
    // A copy: the caller may reuse its receive buffer.
    partial.parts[index] = frame.slice(headerBytes);
    partial.received++;
    if (partial.received < count) return null;
    this.partials.delete(id);
    this.rememberCompleted(id);
    let length = 0;
    for (const part of partial.parts) length += part!.length;
    const message = new Uint8Array(length);
    let at = 0;
    for (const part of partial.parts) {
      message.set(part!, at);
      at += part!.length;
    }
    return message;
  }

  /** Drops partial messages (e.g. on TTL expiry); returns how many. */
  expire(predicate: (key: number, messageId: number) => boolean): number {
    let dropped = 0;
    for (const [id, partial] of this.partials) {
      if (predicate(partial.key, partial.messageId)) {
        this.partials.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  private evictOldest(): void {
    const oldest = this.partials.keys().next();
    if (!oldest.done) {
      this.partials.delete(oldest.value);
      this.stats.evicted++;
    }
  }

  private rememberCompleted(id: string): void {
    this.stats.completed++;
    if (this.opts.rememberCompleted === 0) return;
    this.completedIds.set(id, true);
    if (this.completedIds.size > this.opts.rememberCompleted) {
      this.completedIds.delete(this.completedIds.keys().next().value!);
    }
  }
}
