// The block file format (.qrc, version 3; version 2 files are still read): a header, then independently decodable blocks, then an end block.
// Every byte is under a CRC-32, so damage anywhere is found, named (block and byte offset) and confined to its
// block. docs/CODEC.md is the full specification.
//
//   header  'Q' 'R' 'C' '2' | version u8 = 3 | kind u8 | channels u8 | flags u8 | blockFrames u32
//           | metaLength u32 | meta | crc32 of everything before it
//   block   'Q' 'B' | index u32 | frames u32 | codedLength u32 | sideLength u32 | crc32 of these 18 bytes
//           | coded (block.ts) | side bytes | crc32 of coded + side
//   end     a block with frames = 0 whose side is: total frames (u32 low, u32 high) | trailer bytes
//
// A series shorter than one block is written as a single-block file instead (flags bit 1), one CRC for all:
//   'Q' 'R' 'C' '2' | version | kind | channels | flags | blockFrames, metaLength (LEB128) | meta
//           | frames, codedLength, sideLength, trailerLength (LEB128) | coded | side | trailer | crc32 of all before
// 22 bytes of container on a one-channel series of a few thousand samples instead of 80.
//
// All integers little-endian. Block k holds frames [k·blockFrames, k·blockFrames + frames); every block but the
// last data block is full, so a reader seeks by skipping whole blocks on their headers alone.
import { readU32, writeU32 } from './bytes';
import { crc32 } from './crc';
import { BlockEncoder, LEGACY_TAIL, LEGACY_WHOLE, decodeBlock, type BlockCodecOptions } from './block';
import { CodecDecodeError, type CodecDecodeReason } from './rangeCoder';

export const FILE_MAGIC = [0x51, 0x52, 0x43, 0x32]; // "QRC2"
export const FORMAT_VERSION = 3;
/** Versions this reader decodes: 2 (one range-coded stream per block) and 3 (plus a plain bit stream). */
const READABLE_VERSIONS = [2, 3];
const FIXED_HEADER = 16;
export const BLOCK_HEADER_BYTES = 22;
const SYNC_0 = 0x51;
const SYNC_1 = 0x42; // "QB"
export const MAX_META = 1 << 20;
export const MAX_BLOCK_FRAMES = 1 << 20;
export const MAX_CHANNELS = 255;
/** Largest coded or side part of one block: generous (a block of raw int32 is 4 MiB per channel at most). */
const MAX_PART = 1 << 30;
/** Frames per block by default: long blocks learn from scratch less often (smaller, and faster on short series). */
export const DEFAULT_BLOCK_FRAMES = 32768;
/** The default block holds at most this many samples (all channels): 1 MiB of int32, whatever the channel count. */
const DEFAULT_BLOCK_SAMPLES = 1 << 18;

/** The default block length for `channels` channels: DEFAULT_BLOCK_FRAMES, halved down to 4096 for many channels. */
export function defaultBlockFrames(channels: number): number {
  let frames = DEFAULT_BLOCK_FRAMES;
  while (frames > 4096 && frames * channels > DEFAULT_BLOCK_SAMPLES) frames >>= 1;
  return frames;
}

/** What the samples are: the reader of the file needs it to write them back. */
export const KIND_INT16 = 0;
export const KIND_INT32 = 1;
export const KIND_CSV = 2;
export const KIND_WAV = 3;
export const KIND_NAMES = ['int16', 'int32', 'csv', 'wav'] as const;

export interface FileHeader {
  kind: number;
  channels: number;
  blockFrames: number;
  /** Kind-specific bytes (the WAV header, the CSV layout). */
  meta: Uint8Array;
  best?: boolean;
  /** The file's format version (read; a writer always writes FORMAT_VERSION). */
  version?: number;
}

/** A damaged or malformed file: names the block (−1 for the file header) and the byte offset of the damage. */
export class CodecFileError extends CodecDecodeError {
  constructor(
    reason: CodecDecodeReason,
    readonly block: number,
    readonly offset: number,
    detail: string,
  ) {
    super(reason, `${block < 0 ? 'file header' : `block ${block}`} at byte ${offset}: ${detail}`);
  }
}

export function encodeHeader(h: FileHeader): Uint8Array {
  if (h.channels < 1 || h.channels > MAX_CHANNELS) throw new RangeError(`channels ${h.channels} outside 1..${MAX_CHANNELS}`);
  if (h.blockFrames < 1 || h.blockFrames > MAX_BLOCK_FRAMES) throw new RangeError(`block of ${h.blockFrames} frames outside 1..${MAX_BLOCK_FRAMES}`);
  if (h.meta.length > MAX_META) throw new RangeError(`meta of ${h.meta.length} bytes > ${MAX_META}`);
  const out = new Uint8Array(FIXED_HEADER + h.meta.length + 4);
  out.set(FILE_MAGIC, 0);
  out[4] = FORMAT_VERSION;
  out[5] = h.kind;
  out[6] = h.channels;
  out[7] = h.best ? 1 : 0;
  writeU32(out, 8, h.blockFrames);
  writeU32(out, 12, h.meta.length);
  out.set(h.meta, FIXED_HEADER);
  writeU32(out, FIXED_HEADER + h.meta.length, crc32(out, 0, FIXED_HEADER + h.meta.length));
  return out;
}

/** Where to read a file's bytes from: memory, or a file read in pieces (the CLI), so memory stays bounded. */
export interface ByteSource {
  /** Up to `length` bytes at `offset`; fewer only at the end of the data. */
  read(offset: number, length: number): Uint8Array;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { read: (offset, length) => bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length)) };
}

/** flags bit 1: the whole file is one block under one CRC (a series shorter than a block). */
const FLAG_SINGLE = 2;

function pushLeb128(out: number[], value: number): void {
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
}

/** The single-block layout: header fields, lengths, parts, and one CRC-32 over all of it. */
function singleFileBytes(h: FileHeader, frames: number, coded: Uint8Array, side: Uint8Array, trailer: Uint8Array): Uint8Array {
  const head = [...FILE_MAGIC, FORMAT_VERSION, h.kind, h.channels, (h.best ? 1 : 0) | FLAG_SINGLE];
  pushLeb128(head, h.blockFrames);
  pushLeb128(head, h.meta.length);
  const lengths: number[] = [];
  for (const v of [frames, coded.length, side.length, trailer.length]) pushLeb128(lengths, v);
  const total = head.length + h.meta.length + lengths.length + coded.length + side.length + trailer.length;
  const out = new Uint8Array(total + 4);
  let at = 0;
  for (const part of [Uint8Array.from(head), h.meta, Uint8Array.from(lengths), coded, side, trailer]) {
    out.set(part, at);
    at += part.length;
  }
  writeU32(out, total, crc32(out, 0, total));
  return out;
}

/** What a single-block file holds besides its header (checked against its CRC). */
interface SingleBlock {
  frames: number;
  coded: Uint8Array;
  side: Uint8Array;
  trailer: Uint8Array;
}

/** A LEB128 field of a single-block header at bytes[at] (`base` is bytes[0]'s offset in the file); [value, next]. */
function lebField(bytes: Uint8Array, at: number, base: number, max: number, what: string): [number, number] {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (at + i >= bytes.length) throw new CodecFileError('truncated', -1, base + at + i, 'the file ends inside its header');
    const b = bytes[at + i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) {
      if (value > max) throw new CodecFileError('header', -1, base + at, `${what} ${value} out of range (damaged header)`);
      return [value, at + i + 1];
    }
  }
  throw new CodecFileError('header', -1, base + at, `${what}: a length field longer than 5 bytes (damaged header)`);
}

/** Reads a single-block file whole (it is one block, so memory is still one block) and checks its CRC. */
function readSingle(src: ByteSource, fixed: Uint8Array): { header: FileHeader; single: SingleBlock } {
  const head = src.read(0, 8 + 10);
  const [blockFrames, a1] = lebField(head, 8, 0, MAX_BLOCK_FRAMES, 'block size');
  const [metaLength, metaAt] = lebField(head, a1, 0, MAX_META, 'metadata length');
  const lengthsAt = metaAt + metaLength;
  const lengths = src.read(lengthsAt, 20);
  const [frames, b1] = lebField(lengths, 0, lengthsAt, blockFrames, 'frame count');
  const [coded, b2] = lebField(lengths, b1, lengthsAt, MAX_PART, 'coded length');
  const [side, b3] = lebField(lengths, b2, lengthsAt, MAX_PART, 'side length');
  const [trailer, b4] = lebField(lengths, b3, lengthsAt, MAX_PART, 'trailer length');
  const partsAt = lengthsAt + b4;
  const total = partsAt + coded + side + trailer;
  const all = src.read(0, total + 5);
  if (all.length < total + 4) throw new CodecFileError('truncated', -1, all.length, 'the file ends before its checksum (truncated)');
  if (all.length > total + 4) throw new CodecFileError('trailing', -1, total + 4, 'bytes after the end of the file (damaged or appended)');
  if (crc32(all, 0, total) !== readU32(all, total)) throw new CodecFileError('checksum', -1, 0, 'checksum mismatch (the file is damaged)');
  if (!READABLE_VERSIONS.includes(fixed[4]!)) throw new CodecFileError('version', -1, 4, `unknown format version ${fixed[4]}`);
  if ((fixed[7]! & ~(1 | FLAG_SINGLE)) !== 0) throw new CodecFileError('header', -1, 7, `unknown flags ${fixed[7]}`);
  const header: FileHeader = {
    kind: fixed[5]!,
    channels: fixed[6]!,
    best: (fixed[7]! & 1) === 1,
    blockFrames,
    meta: all.slice(metaAt, lengthsAt),
    version: fixed[4]!,
  };
  checkHeader(header);
  const part = (from: number, length: number) => all.subarray(from, from + length);
  return { header, single: { frames, coded: part(partsAt, coded), side: part(partsAt + coded, side), trailer: part(partsAt + coded + side, trailer) } };
}

function checkHeader(header: FileHeader): void {
  if (header.kind >= KIND_NAMES.length) throw new CodecFileError('header', -1, 5, `unknown kind ${header.kind}`);
  if (header.channels < 1) throw new CodecFileError('header', -1, 6, 'zero channels');
  if (header.blockFrames < 1 || header.blockFrames > MAX_BLOCK_FRAMES)
    throw new CodecFileError('header', -1, 8, `block size ${header.blockFrames} out of range`);
}

/** Reads and checks the file header; returns it and its length in bytes (a single-block file: its block too). */
export function readHeader(src: ByteSource): { header: FileHeader; length: number; single?: SingleBlock } {
  const fixed = src.read(0, FIXED_HEADER);
  if (fixed.length < 4 || FILE_MAGIC.some((m, i) => fixed[i] !== m))
    throw new CodecFileError('header', -1, 0, 'not a file written by qres compress (bad magic)');
  if (fixed.length >= 8 && (fixed[7]! & FLAG_SINGLE) !== 0) return { ...readSingle(src, fixed), length: 0 };
  if (fixed.length < FIXED_HEADER) throw new CodecFileError('truncated', -1, fixed.length, 'the file ends inside its header');
  const metaLength = readU32(fixed, 12);
  if (metaLength > MAX_META) throw new CodecFileError('header', -1, 12, `header declares ${metaLength} bytes of metadata (damaged header)`);
  const all = src.read(0, FIXED_HEADER + metaLength + 4);
  if (all.length < FIXED_HEADER + metaLength + 4) throw new CodecFileError('truncated', -1, all.length, 'the file ends inside its header');
  if (crc32(all, 0, FIXED_HEADER + metaLength) !== readU32(all, FIXED_HEADER + metaLength))
    throw new CodecFileError('checksum', -1, 0, 'header checksum mismatch (the header is damaged)');
  if (!READABLE_VERSIONS.includes(all[4]!)) throw new CodecFileError('version', -1, 4, `unknown format version ${all[4]}`);
  const header: FileHeader = {
    kind: all[5]!,
    channels: all[6]!,
    best: (all[7]! & 1) === 1,
    blockFrames: readU32(all, 8),
    meta: all.slice(FIXED_HEADER, FIXED_HEADER + metaLength),
    version: all[4]!,
  };
  if ((all[7]! & ~1) !== 0) throw new CodecFileError('header', -1, 7, `unknown flags ${all[7]}`);
  checkHeader(header);
  return { header, length: FIXED_HEADER + metaLength + 4 };
}

function blockBytes(index: number, frames: number, coded: Uint8Array, side: Uint8Array, into?: { buf: Uint8Array }): Uint8Array {
  const length = BLOCK_HEADER_BYTES + coded.length + side.length + 4;
  let out: Uint8Array;
  if (into === undefined) out = new Uint8Array(length);
  else {
    if (into.buf.length < length) into.buf = new Uint8Array(Math.max(length, 2 * into.buf.length));
    out = into.buf.subarray(0, length);
  }
  out[0] = SYNC_0;
  out[1] = SYNC_1;
  writeU32(out, 2, index);
  writeU32(out, 6, frames);
  writeU32(out, 10, coded.length);
  writeU32(out, 14, side.length);
  writeU32(out, 18, crc32(out, 0, 18));
  out.set(coded, BLOCK_HEADER_BYTES);
  out.set(side, BLOCK_HEADER_BYTES + coded.length);
  writeU32(out, out.length - 4, crc32(out, BLOCK_HEADER_BYTES, out.length - 4));
  return out;
}

/**
 * Writes a file as it goes: the header at once, each block as soon as it is full, the end block on finish().
 * A device feeds it one sample (or frame) at a time with push(); bulk callers hand over whole blocks. The bytes
 * handed to the sink are valid until it returns (a data block is built in a buffer reused for the next one, so
 * that a long file leaves no garbage per block): a sink that keeps them copies them.
 */
export class SeriesWriter {
  private readonly encoder: BlockEncoder;
  private readonly pending: Int32Array[];
  private fill = 0;
  private index = 0;
  private total = 0;
  private finished = false;
  constructor(
    readonly header: FileHeader,
    private readonly sink: (bytes: Uint8Array) => void,
    opts: BlockCodecOptions = {},
  ) {
    this.encoder = new BlockEncoder(header.blockFrames, opts);
    this.pending = Array.from({ length: header.channels }, () => new Int32Array(header.blockFrames));
    this.fileHeader = { ...header, best: opts.best ?? header.best };
    // Checked now, written with the first full block (or as a single-block file by finish()).
    this.headerBytes = encodeHeader(this.fileHeader);
  }
  private readonly fileHeader: FileHeader;
  private headerBytes: Uint8Array | undefined;
  private readonly blockBuffer = { buf: new Uint8Array(0) };
  /** Block 0 when it is shorter than a block: the file will be a single-block file, written by finish(). */
  private single: { frames: number; coded: Uint8Array; side: Uint8Array } | undefined;

  /** One frame: one value per channel (a single number for one channel). */
  push(frame: number | ArrayLike<number>): void {
    if (typeof frame === 'number') {
      if (this.header.channels !== 1) throw new RangeError('push(number) needs a one-channel file');
      this.pending[0]![this.fill] = frame;
    } else for (let c = 0; c < this.header.channels; c++) this.pending[c]![this.fill] = frame[c]!;
    if (++this.fill === this.header.blockFrames) this.flushPending(new Uint8Array(0));
  }

  /** Appends frames [0, frames) of each channel, cut into blocks. */
  pushChannels(channels: readonly Int32Array[], frames: number): void {
    for (let at = 0; at < frames; ) {
      const n = Math.min(frames - at, this.header.blockFrames - this.fill);
      for (let c = 0; c < this.header.channels; c++) this.pending[c]!.set(channels[c]!.subarray(at, at + n), this.fill);
      this.fill += n;
      at += n;
      if (this.fill === this.header.blockFrames) this.flushPending(new Uint8Array(0));
    }
  }

  /**
   * Writes one block now, with side bytes of its own (the CSV text around the numbers). Pending pushed frames
   * must be empty; every block but the last must be full.
   */
  writeBlock(channels: readonly Int32Array[], frames: number, side: Uint8Array): void {
    if (this.fill !== 0) throw new Error('writeBlock with frames pending');
    if (frames > this.header.blockFrames || frames < 1) throw new RangeError(`block of ${frames} frames`);
    for (let c = 0; c < this.header.channels; c++) this.pending[c]!.set(channels[c]!.subarray(0, frames));
    this.fill = frames;
    this.flushPending(side);
  }

  /** Writes what is pending and the end block (total frames and the trailer). */
  finish(trailer: Uint8Array = new Uint8Array(0)): void {
    if (this.finished) return;
    if (this.fill > 0) this.flushPending(new Uint8Array(0));
    if (this.headerBytes !== undefined) {
      // Nothing written yet: no block was full, so the whole series is one (possibly empty) block.
      const s = this.single ?? { frames: 0, coded: new Uint8Array(0), side: new Uint8Array(0) };
      this.sink(singleFileBytes(this.fileHeader, s.frames, s.coded, s.side, trailer));
      this.headerBytes = undefined;
      this.finished = true;
      return;
    }
    const side = new Uint8Array(8 + trailer.length);
    writeU32(side, 0, this.total % 2 ** 32);
    writeU32(side, 4, Math.floor(this.total / 2 ** 32));
    side.set(trailer, 8);
    this.sink(blockBytes(this.index, 0, new Uint8Array(0), side));
    this.finished = true;
  }

  get framesWritten(): number {
    return this.total + this.fill;
  }

  private flushPending(side: Uint8Array): void {
    if (this.lastWasShort) throw new Error('only the last block may be shorter than blockFrames');
    // A short series, or the short last block of a longer one: the block coder also tries the previous codec.
    const short = this.fill < this.header.blockFrames;
    const coded = this.encoder.encode(this.pending, this.fill, !short ? 0 : this.index === 0 ? LEGACY_WHOLE : LEGACY_TAIL);
    if (short && this.index === 0) this.single = { frames: this.fill, coded: coded.slice(), side };
    else {
      if (this.headerBytes !== undefined) {
        this.sink(this.headerBytes);
        this.headerBytes = undefined;
      }
      this.sink(blockBytes(this.index, this.fill, coded, side, this.blockBuffer));
    }
    this.lastWasShort = this.fill < this.header.blockFrames;
    this.index++;
    this.total += this.fill;
    this.fill = 0;
  }
  private lastWasShort = false;
}

export interface DecodedBlock {
  index: number;
  /** The first frame's number in the whole file. */
  firstFrame: number;
  frames: number;
  /** channels[c][0, frames). */
  channels: Int32Array[];
  side: Uint8Array;
}

export interface Damage {
  /** The block that was lost (or the first of a run of lost blocks). */
  block: number;
  /** How many consecutive blocks were lost (at least 1; the end block counts when missing). */
  blocks: number;
  offset: number;
  error: CodecFileError;
}

export interface ReadOptions {
  /** Decode only frames [from, from + count): blocks outside are skipped on their headers. */
  from?: number;
  count?: number;
  /** On damage, report it and go on with the next intact block instead of throwing. */
  salvage?: boolean;
  onDamage?: (d: Damage) => void;
}

export interface EndInfo {
  totalFrames: number;
  trailer: Uint8Array;
}

/** Reads the blocks of a file in order; memory is one block. */
export class SeriesReader {
  readonly header: FileHeader;
  private readonly start: number;
  /** Set once the end block has been read. */
  end: EndInfo | undefined;
  private readonly single: SingleBlock | undefined;
  constructor(private readonly src: ByteSource) {
    const { header, length, single } = readHeader(src);
    this.header = header;
    this.start = length;
    this.single = single;
  }

  *blocks(opts: ReadOptions = {}): Generator<DecodedBlock> {
    const { channels, blockFrames } = this.header;
    const from = opts.from ?? 0;
    const until = opts.count === undefined ? Infinity : from + opts.count;
    if (this.single !== undefined) {
      // A single-block file: its CRC was checked with the header; the block decodes or the file is malformed.
      const { frames, coded, side, trailer } = this.single;
      this.end = { totalFrames: frames, trailer };
      if (frames === 0 || from >= frames || until <= 0) return;
      const out = Array.from({ length: channels }, () => new Int32Array(frames));
      try {
        decodeBlock(coded, channels, frames, out, this.header.version);
      } catch (err) {
        if (!(err instanceof CodecDecodeError)) throw err;
        const e = new CodecFileError(err.reason, 0, 0, err.message);
        if (!opts.salvage) throw e;
        opts.onDamage?.({ block: 0, blocks: 1, offset: 0, error: e });
        return;
      }
      yield { index: 0, firstFrame: 0, frames, channels: out, side };
      return;
    }
    const out = Array.from({ length: channels }, () => new Int32Array(blockFrames));
    let offset = this.start;
    let expected = 0;
    for (;;) {
      let head: { index: number; frames: number; coded: number; side: number };
      try {
        head = this.readBlockHeader(offset, expected);
      } catch (err) {
        if (!(err instanceof CodecFileError) || !opts.salvage) throw err;
        const next = this.resync(offset + 1, expected);
        const lost = next === undefined ? 1 : Math.max(1, next.index - expected);
        opts.onDamage?.({ block: expected, blocks: lost, offset, error: err });
        if (next === undefined) return;
        offset = next.offset;
        expected = next.index;
        continue;
      }
      const first = head.index * blockFrames;
      if (head.frames === 0) {
        const payload = this.readPayload(offset, head);
        if (payload instanceof CodecFileError || payload.side.length < 8) {
          const e = payload instanceof CodecFileError ? payload : new CodecFileError('header', head.index, offset, 'end block too short');
          if (!opts.salvage) throw e;
          opts.onDamage?.({ block: head.index, blocks: 1, offset, error: e });
          return;
        }
        const total = readU32(payload.side, 0) + readU32(payload.side, 4) * 2 ** 32;
        this.end = { totalFrames: total, trailer: payload.side.subarray(8) };
        return;
      }
      const needed = first + head.frames > from && first < until;
      const length = BLOCK_HEADER_BYTES + head.coded + head.side + 4;
      if (needed) {
        const payload = this.readPayload(offset, head);
        if (payload instanceof CodecFileError) {
          if (!opts.salvage) throw payload;
          opts.onDamage?.({ block: head.index, blocks: 1, offset, error: payload });
          if (payload.reason === 'truncated') return;
        } else {
          try {
            decodeBlock(payload.coded, channels, head.frames, out, this.header.version);
            yield { index: head.index, firstFrame: first, frames: head.frames, channels: out, side: payload.side };
          } catch (err) {
            if (!(err instanceof CodecDecodeError)) throw err;
            const e = new CodecFileError(err.reason, head.index, offset + BLOCK_HEADER_BYTES, err.message);
            if (!opts.salvage) throw e;
            opts.onDamage?.({ block: head.index, blocks: 1, offset, error: e });
          }
        }
      } else if (first >= until) return;
      offset += length;
      expected = head.index + 1;
    }
  }

  private readBlockHeader(offset: number, expected: number): { index: number; frames: number; coded: number; side: number } {
    const h = this.src.read(offset, BLOCK_HEADER_BYTES);
    if (h.length === 0) throw new CodecFileError('truncated', expected, offset, 'the file ends before its end block (truncated)');
    if (h.length < BLOCK_HEADER_BYTES) throw new CodecFileError('truncated', expected, offset, 'the file ends inside a block header (truncated)');
    if (h[0] !== SYNC_0 || h[1] !== SYNC_1) throw new CodecFileError('header', expected, offset, 'no block starts here (damaged)');
    if (crc32(h, 0, 18) !== readU32(h, 18)) throw new CodecFileError('checksum', expected, offset, 'block header checksum mismatch');
    const index = readU32(h, 2);
    const frames = readU32(h, 6);
    const coded = readU32(h, 10);
    const side = readU32(h, 14);
    if (index !== expected) throw new CodecFileError('header', expected, offset, `found block ${index} where block ${expected} should be`);
    if (frames > this.header.blockFrames || coded > MAX_PART || side > MAX_PART) throw new CodecFileError('header', index, offset, 'block header out of range');
    if (frames === 0 && coded !== 0) throw new CodecFileError('header', index, offset, 'end block with coded samples');
    return { index, frames, coded, side };
  }

  private readPayload(offset: number, head: { index: number; coded: number; side: number }): { coded: Uint8Array; side: Uint8Array } | CodecFileError {
    const length = head.coded + head.side + 4;
    const body = this.src.read(offset + BLOCK_HEADER_BYTES, length);
    if (body.length < length)
      return new CodecFileError('truncated', head.index, offset + BLOCK_HEADER_BYTES + body.length, 'the file ends inside this block (truncated)');
    if (crc32(body, 0, length - 4) !== readU32(body, length - 4))
      return new CodecFileError('checksum', head.index, offset + BLOCK_HEADER_BYTES, 'block checksum mismatch (the block is damaged)');
    return { coded: body.subarray(0, head.coded), side: body.subarray(head.coded, head.coded + head.side) };
  }

  /** The next offset ≥ from where an intact block header with index ≥ minIndex starts. */
  private resync(from: number, minIndex: number): { offset: number; index: number } | undefined {
    const CHUNK = 1 << 16;
    for (let base = from; ; base += CHUNK) {
      const chunk = this.src.read(base, CHUNK + BLOCK_HEADER_BYTES);
      if (chunk.length < BLOCK_HEADER_BYTES) return undefined;
      const last = Math.min(CHUNK, chunk.length - BLOCK_HEADER_BYTES + 1);
      for (let i = 0; i < last; i++) {
        if (chunk[i] !== SYNC_0 || chunk[i + 1] !== SYNC_1) continue;
        if (crc32(chunk, i, i + 18) !== readU32(chunk, i + 18)) continue;
        const index = readU32(chunk, i + 2);
        if (index >= minIndex && readU32(chunk, i + 6) <= this.header.blockFrames) return { offset: base + i, index };
      }
    }
  }
}

export interface SeriesOptions extends BlockCodecOptions {
  blockFrames?: number;
}

/** One-channel in-memory convenience: samples → file bytes (kind int32 unless told). */
export function encodeSeries(samples: Int32Array, opts: SeriesOptions & { kind?: number } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const w = new SeriesWriter(
    { kind: opts.kind ?? KIND_INT32, channels: 1, blockFrames: opts.blockFrames ?? DEFAULT_BLOCK_FRAMES, meta: new Uint8Array(0) },
    (b) => parts.push(b.slice()),
    opts,
  );
  w.pushChannels([samples], samples.length);
  w.finish();
  return concat(parts);
}

/** Inverse of encodeSeries (or any one-channel file): every block checked, damage throws CodecFileError. */
export function decodeSeries(bytes: Uint8Array, opts: ReadOptions = {}): Int32Array {
  const reader = new SeriesReader(bytesSource(bytes));
  if (reader.header.channels !== 1) throw new CodecFileError('header', -1, 6, `${reader.header.channels} channels, expected 1`);
  const parts: Int32Array[] = [];
  const from = opts.from ?? 0;
  const until = opts.count === undefined ? Infinity : from + opts.count;
  for (const b of reader.blocks(opts)) {
    const lo = Math.max(0, from - b.firstFrame);
    const hi = Math.min(b.frames, until - b.firstFrame);
    parts.push(b.channels[0]!.slice(lo, hi));
  }
  if (reader.end === undefined && opts.count === undefined && !opts.salvage)
    throw new CodecFileError('truncated', -1, bytes.length, 'no end block (truncated)');
  const out = new Int32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
