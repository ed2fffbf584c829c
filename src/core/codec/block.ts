// One block of the block format: `frames` frames of `channels` int32 samples, coded without reference to any
// other block (so each decodes alone). Payload (format 3): LEB128(range-coded length), the range-coded stream
// (binaryCoder.ts's coder, without its always-zero first byte, trailing zero bytes dropped), then a plain bit
// stream (LSB first) holding the residuals' raw low bits. Format 2 (still decoded): the range-coded stream alone,
// its first byte included, the raw low bits range-coded too. The hot loops run in the WebAssembly kernel
// (kernel.ts, wasm/codec.ts). Layout of the range-coded stream:
//   [stereo mode: 2 raw bits, 2 channels only: 0 independent, 1 left/side, 2 side/right, 3 mid/side]
//   per coded channel: [log2 sub-frame length − 6: 4 raw bits]
//     per sub-frame: [kind: 1 raw bit: 0 = fixed order 2, 1 = LPC]
//                    LPC: [order − 1: 5 bits][precision − 1: 4 bits][shift: 5 bits][coefficients: precision bits each]
//                    [residuals: the adaptive residual coder, its state carried across the channel's sub-frames]
// Side is L − R, mid is (L + R) >> 1 (L = mid + ((side + (side & 1)) >> 1)... the FLAC identities); stereo modes
// are used only when every sample of the block fits 30 bits, so side cannot overflow.
import { MAX_ORDER, MAX_PRECISION, MAX_SHIFT, analyse, autocorrelation, fromAutocorrelation, type Lpc } from './lpc';
import { CodecDecodeError } from './rangeCoder';
import { COEF_BYTES, PROBS_BYTES, STATE_BYTES, kernel, throwDecodeFlag, type Kernel } from './kernel';
import { compress as compressLegacy, decompress as decompressLegacy } from './compress';
import { leb128Length, putLeb128 } from './residual';

export interface BlockCodecOptions {
  /** Prediction order up to 32 and several sub-frame lengths per channel, the smallest kept (slower, smaller). */
  best?: boolean;
}

/** The block payload layout this encoder writes: 3 = range-coded stream plus a plain bit stream (file format 3);
 *  2 = one range-coded stream (file format 2, still decoded). */
export const BLOCK_FORMAT = 3;

/** Largest LPC order the default mode tries (the decoder accepts any order up to MAX_ORDER). */
export const DEFAULT_MAX_ORDER = 32;

const DEFAULT_SUBFRAME_LOG2 = 11;
const BEST_SUBFRAME_LOG2 = [10, 11, 12, 13, 14, 15];
const PRECISION = 15;
const MIN_SUBFRAME_LOG2 = 6;
/** The 4-bit sub-frame field's value that means "this channel is a stream of the previous codec". */
const LEGACY_CODE = 15;
/** The previous codec is tried on a series of at most this many frames (one short block)… */
export const LEGACY_WHOLE = 4096;
/** …and on the last, partial block of a longer series when it has at most this many. */
export const LEGACY_TAIL = 1024;
/** …and only where the new coder needs fewer than this many bytes per frame (smooth series, not audio). */
const LEGACY_WORTH_BYTES = 0.5;
/** One LPC per block must beat one per half by this factor in the estimate (the estimate favours long frames). */
const WHOLE_BLOCK_MARGIN = 0.99;

/**
 * A block's coder in the kernel's memory: the range encoder (state record and output region) and the bit writer
 * of format 3 (state record and output region); the payload is LEB128(range length), the range-coded bytes, the
 * plain bits.
 */
class Coder {
  constructor(
    readonly k: Kernel,
    readonly s: number,
    readonly out: number,
    readonly capacity: number,
    readonly bw: number,
    readonly rawOut: number,
  ) {
    this.restart();
  }
  /** Starts again (the output regions are reused). */
  restart(): this {
    this.k.x.encInit(this.s, this.out, this.capacity);
    this.k.x.bitsInit(this.bw, this.rawOut, this.capacity);
    return this;
  }
  /** Up to 32 raw bits, range-coded. */
  encodeDirect(value: number, bits: number): void {
    this.k.x.encWide(this.s, value, bits);
  }
  private rangeLength = 0;
  private rawLength = 0;
  /** Flushes both streams; the payload's length (counted past the regions too: overflowed() says whether the bytes are whole). */
  finish(): number {
    // Format 3 drops the range coder's first byte (always 0) and up to 4 trailing zero bytes (read back as zeros).
    const end = this.k.x.encFinish(this.s, 1);
    let length = end - this.out - 1;
    const u8 = this.k.u8;
    for (let t = 0; t < 4 && length > 0 && end - this.out <= this.capacity && u8[this.out + length]! === 0; t++) length--;
    this.rangeLength = length;
    this.rawLength = this.k.x.bitsFinish(this.bw) - this.rawOut;
    return leb128Length(this.rangeLength) + this.rangeLength + this.rawLength;
  }
  overflowed(): boolean {
    return this.k.flag(this.s) !== 0 || this.k.u32at(this.bw + 20) !== 0;
  }
  /** The payload (after finish()), in `into`'s buffer (grown when short): valid until the next call. */
  bytes(into: { buf: Uint8Array }): Uint8Array {
    const head = leb128Length(this.rangeLength);
    const length = head + this.rangeLength + this.rawLength;
    if (into.buf.length < length) into.buf = new Uint8Array(Math.max(length, 2 * into.buf.length));
    const out = into.buf.subarray(0, length);
    putLeb128(out, 0, this.rangeLength);
    const u8 = this.k.u8;
    out.set(u8.subarray(this.out + 1, this.out + 1 + this.rangeLength), head);
    out.set(u8.subarray(this.rawOut, this.rawOut + this.rawLength), head + this.rangeLength);
    return out;
  }
}

/** Kernel addresses of one block's buffers. */
interface Layout {
  probs: number;
  coefs: number;
  x: number;
  r: number;
}

/** Reusable scratch buffers for blocks of up to `capacity` frames. */
export class BlockEncoder {
  private readonly mid: Int32Array;
  private readonly side: Int32Array;
  private readonly maxOrder: number;
  constructor(
    readonly capacity: number,
    private readonly opts: BlockCodecOptions = {},
  ) {
    this.mid = new Int32Array(capacity);
    this.side = new Int32Array(capacity);
    this.maxOrder = opts.best ? MAX_ORDER : DEFAULT_MAX_ORDER;
  }
  private layout: Layout = { probs: 0, coefs: 0, x: 0, r: 0 };
  private trial: Coder | undefined;
  /** The payload buffer, reused from block to block (encode()'s bytes are valid until the next encode()). */
  private readonly payload = { buf: new Uint8Array(0) };

  /**
   * Codes channels[c][0, frames) for every channel (the bytes are valid until the next encode()). `legacyUpTo`: the default mode also tries the previous codec
   * when the block has at most this many frames (the writer passes LEGACY_WHOLE for a series that is one short
   * block, LEGACY_TAIL for the last partial block of a longer one, where learning from scratch costs most).
   */
  encode(channels: readonly Int32Array[], frames: number, legacyUpTo = 0): Uint8Array {
    if (frames > this.capacity) throw new RangeError(`block of ${frames} frames > capacity ${this.capacity}`);
    // Room for 4 bytes a sample (the coded size is far below it but for noise-like data past 16 bits); an
    // overflow (counted, never written past the region) codes the block again with more.
    for (let room = frames * channels.length * 4 + 4096; ; room *= 4) {
      const bytes = this.encodeInto(channels, frames, legacyUpTo, room);
      if (bytes !== undefined) return bytes;
    }
  }

  private encodeInto(channels: readonly Int32Array[], frames: number, legacyUpTo: number, room: number): Uint8Array | undefined {
    const k = kernel();
    const trialRoom = this.opts.best || legacyUpTo > 0 ? room : 0;
    k.reset(4 * STATE_BYTES + PROBS_BYTES + COEF_BYTES + 8 * frames + 2 * (room + trialRoom) + 64);
    this.layout = { probs: k.alloc(PROBS_BYTES), coefs: k.alloc(COEF_BYTES), x: k.alloc(4 * frames), r: k.alloc(4 * frames) };
    const main = new Coder(k, k.alloc(STATE_BYTES), k.alloc(room), room, k.alloc(STATE_BYTES), k.alloc(room));
    this.trial = trialRoom > 0 ? new Coder(k, k.alloc(STATE_BYTES), k.alloc(trialRoom), trialRoom, k.alloc(STATE_BYTES), k.alloc(trialRoom)) : undefined;
    return this.encodeWithCoder(main, channels, frames, legacyUpTo);
  }

  private encodeWithCoder(enc: Coder, channels: readonly Int32Array[], frames: number, legacyUpTo: number): Uint8Array | undefined {
    let coded: readonly Int32Array[] = channels;
    if (channels.length === 2) {
      const mode = this.stereoMode(channels[0]!, channels[1]!, frames);
      enc.encodeDirect(mode, 2);
      if (mode === 1) coded = [channels[0]!, this.side];
      else if (mode === 2) coded = [this.side, channels[1]!];
      else if (mode === 3) coded = [this.mid, this.side];
    }
    for (const x of coded) {
      kernel().i32.set(x.subarray(0, frames), this.layout.x >> 2);
      this.encodeChannel(enc, x, frames, frames <= legacyUpTo);
    }
    enc.finish();
    if (enc.overflowed()) return undefined;
    return enc.bytes(this.payload);
  }

  private stereoMode(l: Int32Array, r: Int32Array, n: number): number {
    const limit = 1 << 29;
    for (let i = 0; i < n; i++) {
      const a = l[i]!;
      const b = r[i]!;
      if (a >= limit || a < -limit || b >= limit || b < -limit) return 0;
    }
    const mid = this.mid;
    const side = this.side;
    for (let i = 0; i < n; i++) {
      mid[i] = (l[i]! + r[i]!) >> 1;
      side[i] = l[i]! - r[i]!;
    }
    // FLAC's estimate: the sum of |second differences| of each candidate channel.
    const cost = (x: Int32Array) => {
      let s = 0;
      for (let i = 2; i < n; i++) s += Math.abs(x[i]! - 2 * x[i - 1]! + x[i - 2]!);
      return s;
    };
    const cl = cost(l);
    const cr = cost(r);
    const cm = cost(mid);
    const cs = cost(side);
    const options = [cl + cr, cl + cs, cs + cr, cm + cs];
    let best = 0;
    for (let m = 1; m < 4; m++) if (options[m]! < options[best]!) best = m;
    return best;
  }

  private encodeChannel(enc: Coder, x: Int32Array, frames: number, legacy: boolean): void {
    const best = this.opts.best === true;
    const legacyToo = legacy || best;
    let choice: { log2: number; lpcs?: (Lpc | undefined)[] };
    let size = Infinity;
    if (!this.opts.best || frames <= 1 << BEST_SUBFRAME_LOG2[0]!) choice = this.chooseSubframes(x, frames);
    else {
      // Trial-code each sub-frame length into a scratch coder, then code the winner for real.
      choice = { log2: DEFAULT_SUBFRAME_LOG2 };
      for (const log2 of BEST_SUBFRAME_LOG2) {
        // A sub-frame as long as the block: longer ones would code the same.
        if (1 << (log2 - 1) >= frames) break;
        const trial = this.trial!.restart();
        this.encodeWith(trial, x, frames, log2);
        const s = trial.finish();
        if (s < size) {
          size = s;
          choice = { log2 };
        }
      }
    }
    if (legacyToo) {
      // Short or slow-mode channels also try the previous codec (NLMS predictors, histogram model), which wins on
      // short series and values on a lattice; its stream is embedded whole.
      if (size === Infinity) {
        const trial = this.trial!.restart();
        this.encodeWith(trial, x, frames, choice.log2, choice.lpcs);
        size = trial.finish();
      }
      if (legacy || (best && frames <= LEGACY_WHOLE) || size < frames * LEGACY_WORTH_BYTES) {
        const legacy = compressLegacy(x.subarray(0, frames));
        if (legacy.length + 4 < size) {
          enc.encodeDirect(LEGACY_CODE, 4);
          enc.encodeDirect(legacy.length, 32);
          for (const b of legacy) enc.encodeDirect(b, 8);
          return;
        }
      }
    }
    this.encodeWith(enc, x, frames, choice.log2, choice.lpcs);
  }

  /**
   * Default mode: the sub-frame length (2048 frames up to the whole block, in powers of two) whose LPCs the
   * analysis estimates smallest. Each 2048-frame piece is analysed once (windowed autocorrelation); a longer
   * sub-frame's estimate comes from the sum of its pieces' autocorrelations, so the choice costs Levinson
   * recursions, not passes over the samples. A longer sub-frame must beat the best shorter one by the margin
   * (the summed estimate favours long frames); when it wins, its sub-frames are analysed for real. 2048 rather than 4096 as the shortest: speech 2.952 → 2.986 at
   * the same speed (--best, which codes 1024 … 32768 for real, 2.992).
   */
  private chooseSubframes(x: Int32Array, frames: number): { log2: number; lpcs?: (Lpc | undefined)[] } {
    if (frames <= 1 << DEFAULT_SUBFRAME_LOG2) return { log2: DEFAULT_SUBFRAME_LOG2 };
    const sub = 1 << DEFAULT_SUBFRAME_LOG2;
    let level: (Float64Array | undefined)[] = [];
    const pieces: (Lpc | undefined)[] = [];
    let bestBits = 0;
    for (let from = 0; from < frames; from += sub) {
      const to = Math.min(frames, from + sub);
      const ac = autocorrelation(x, from, to, this.maxOrder);
      const lpc = ac === undefined ? undefined : fromAutocorrelation(ac, to - from, PRECISION);
      pieces.push(lpc);
      level.push(ac?.slice());
      bestBits += lpc?.bits ?? 0;
    }
    let bestLog2 = DEFAULT_SUBFRAME_LOG2;
    for (let log2 = DEFAULT_SUBFRAME_LOG2 + 1; 1 << (log2 - 1) < frames; log2++) {
      // Pair up the previous level's autocorrelations: sub-frame j of this level is pieces 2j and 2j + 1.
      const next: (Float64Array | undefined)[] = [];
      let bits = 0;
      for (let j = 0; j < level.length; j += 2) {
        const a = level[j];
        const b = level[j + 1];
        let sum = a;
        if (a !== undefined && b !== undefined) {
          sum = a.length >= b.length ? a : b;
          const other = sum === a ? b : a;
          for (let i = 0; i < other.length; i++) sum[i]! += other[i]!;
        } else if (sum === undefined) sum = b;
        next.push(sum);
        const n = Math.min(frames, (j + 2) * (1 << (log2 - 1))) - j * (1 << (log2 - 1));
        const lpc = sum === undefined ? undefined : fromAutocorrelation(sum, n, PRECISION);
        bits += lpc?.bits ?? 0;
      }
      level = next;
      if (bits < bestBits * WHOLE_BLOCK_MARGIN) {
        bestBits = bits;
        bestLog2 = log2;
      }
    }
    if (bestLog2 === DEFAULT_SUBFRAME_LOG2) return { log2: bestLog2, lpcs: pieces };
    // A longer sub-frame is analysed again over its samples: the summed pieces' LPC costs smooth series much more
    // (hourly pressure 3,539 bytes instead of 3,188) than the second pass costs time (15 % of the encoder on noise).
    const lpcs: (Lpc | undefined)[] = [];
    const length = 1 << bestLog2;
    for (let from = 0; from < frames; from += length) lpcs.push(analyse(x, from, Math.min(frames, from + length), this.maxOrder, PRECISION));
    return { log2: bestLog2, lpcs };
  }

  /** Codes the channel whose samples are at the layout's x (and in x, for the analysis). */
  private encodeWith(enc: Coder, x: Int32Array, frames: number, log2: number, lpcs?: (Lpc | undefined)[]): void {
    enc.encodeDirect(log2 - MIN_SUBFRAME_LOG2, 4);
    const sub = 2 ** log2;
    const k = enc.k;
    const { probs, coefs, r } = this.layout;
    k.resetProbs(probs);
    let mean = 16 * 16;
    for (let from = 0, piece = 0; from < frames; from += sub, piece++) {
      const to = Math.min(frames, from + sub);
      const lpc = lpcs !== undefined ? lpcs[piece] : analyse(x, from, to, this.maxOrder, PRECISION);
      if (lpc === undefined) enc.encodeDirect(0, 1);
      else {
        enc.encodeDirect(1, 1);
        enc.encodeDirect(lpc.order - 1, 5);
        enc.encodeDirect(PRECISION - 1, 4);
        enc.encodeDirect(lpc.shift, 5);
        k.i32.set(lpc.coefs, coefs >> 2);
        k.x.encCoefs(enc.s, coefs, lpc.order, PRECISION);
      }
      k.x.residuals(this.layout.x, 0, from, to, coefs, lpc?.order ?? 0, lpc?.shift ?? 0, r);
      mean = k.x.encRun(enc.s, probs, mean, r, from, to, enc.bw);
    }
  }
}

/** A range decoder in the kernel's memory: each call checks the error word, so malformed input throws at once. */
class Decoder {
  constructor(
    readonly k: Kernel,
    readonly s: number,
  ) {}
  /** Up to 32 raw bits. */
  decodeDirect(bits: number): number {
    const v = this.k.x.decWide(this.s, bits) >>> 0; // wasm's i32 result, as the unsigned value it is
    throwDecodeFlag(this.k.flag(this.s));
    return v;
  }
}

/** Decodes a block's payload into out[c][0, frames); malformed input throws CodecDecodeError, nothing else. */
export function decodeBlock(payload: Uint8Array, channels: number, frames: number, out: Int32Array[], version = BLOCK_FORMAT): void {
  const k = kernel();
  k.reset(2 * STATE_BYTES + PROBS_BYTES + COEF_BYTES + 8 * frames + payload.length + 64);
  const s = k.alloc(STATE_BYTES);
  const br = version >= 3 ? k.alloc(STATE_BYTES) : 0;
  const probs = k.alloc(PROBS_BYTES);
  const coefsAt = k.alloc(COEF_BYTES);
  const r = k.alloc(4 * frames);
  const xAt = k.alloc(4 * frames);
  // Format 3: LEB128(range length), the range-coded bytes, the plain bits (followed here by zero bytes).
  let rangeStart = 0;
  let rangeLength = payload.length;
  if (version >= 3) {
    let v = 0;
    let i = 0;
    for (let scale = 1; ; scale *= 128) {
      if (i >= payload.length || i >= 5) throw new CodecDecodeError('length', 'block payload: bad range-coded length');
      const b = payload[i++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) break;
    }
    if (v > payload.length - i) throw new CodecDecodeError('length', `range-coded length ${v} past the block payload`);
    rangeStart = i;
    rangeLength = v;
  }
  const bytesAt = k.alloc(payload.length + 8);
  k.u8.set(payload, bytesAt);
  k.u8.fill(0, bytesAt + payload.length, bytesAt + payload.length + 8);
  if (br !== 0) k.x.bitsRead(br, bytesAt + rangeStart + rangeLength, bytesAt + payload.length);
  throwDecodeFlag(k.x.decInit(s, bytesAt + rangeStart, bytesAt + rangeStart + rangeLength, version >= 3 ? 0 : 1));
  const dec = new Decoder(k, s);
  let mode = 0;
  if (channels === 2) mode = dec.decodeDirect(2);
  for (let c = 0; c < channels; c++) {
    const x = out[c]!;
    const code = dec.decodeDirect(4);
    if (code === LEGACY_CODE) {
      const length = dec.decodeDirect(32);
      if (length > 8 * frames + 64) throw new CodecDecodeError('length', `embedded stream of ${length} bytes for ${frames} frames`);
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = dec.decodeDirect(8);
      const samples = decompressLegacy(bytes, { maxLength: frames });
      if (samples.length !== frames) throw new CodecDecodeError('length', `embedded stream holds ${samples.length} samples, the block ${frames}`);
      x.set(samples);
      continue;
    }
    const log2 = code + MIN_SUBFRAME_LOG2;
    if (log2 > 20) throw new CodecDecodeError('param', `sub-frame length 2^${log2} out of range`);
    const sub = 2 ** log2;
    k.resetProbs(probs);
    let mean = 16 * 16;
    for (let from = 0; from < frames; from += sub) {
      const to = Math.min(frames, from + sub);
      let order = 0;
      let shift = 0;
      if (dec.decodeDirect(1) === 1) {
        order = dec.decodeDirect(5) + 1;
        const precision = dec.decodeDirect(4) + 1;
        shift = dec.decodeDirect(5);
        if (precision > MAX_PRECISION || shift > MAX_SHIFT || order > MAX_ORDER)
          throw new CodecDecodeError('param', `LPC order ${order} / precision ${precision} / shift ${shift} out of range`);
        k.x.decCoefs(s, coefsAt, order, precision);
        throwDecodeFlag(k.flag(s));
      }
      mean = k.x.decRun(s, probs, mean, r, from, to, br);
      throwDecodeFlag(k.flag(s));
      k.x.restore(r, 0, from, to, coefsAt, order, shift, xAt);
    }
    x.set(k.i32.subarray(xAt >> 2, (xAt >> 2) + frames));
  }
  if (mode !== 0) {
    const a = out[0]!;
    const b = out[1]!;
    for (let i = 0; i < frames; i++) {
      if (mode === 1)
        b[i] = (a[i]! - b[i]!) | 0; // left, side → right = left − side
      else if (mode === 2)
        a[i] = (a[i]! + b[i]!) | 0; // side, right → left = side + right
      else {
        const side = b[i]!;
        const mid = a[i]! * 2 + (side & 1);
        a[i] = ((mid + side) / 2) | 0;
        b[i] = ((mid - side) / 2) | 0;
      }
    }
  }
  throwDecodeFlag(k.flag(s));
}
