// One block of the block format: `frames` frames of `channels` int32 samples, coded without reference to any
// other block (so each decodes alone). Layout, all in one binary range-coded stream (binaryCoder.ts):
//   [stereo mode: 2 raw bits, 2 channels only: 0 independent, 1 left/side, 2 side/right, 3 mid/side]
//   per coded channel: [log2 sub-frame length − 6: 4 raw bits]
//     per sub-frame: [kind: 1 raw bit: 0 = fixed order 2, 1 = LPC]
//                    LPC: [order − 1: 5 bits][precision − 1: 4 bits][shift: 5 bits][coefficients: precision bits each]
//                    [residuals: the adaptive residual coder, its state carried across the channel's sub-frames]
// Side is L − R, mid is (L + R) >> 1 (L = mid + ((side + (side & 1)) >> 1)... the FLAC identities); stereo modes
// are used only when every sample of the block fits 30 bits, so side cannot overflow.
import { BitDecoder, BitEncoder, ResidualModel, decodeResidualRun, encodeResidualRun } from './binaryCoder';
import { MAX_ORDER, MAX_PRECISION, MAX_SHIFT, analyse, autocorrelation, fromAutocorrelation, restore, residualsOf, type Lpc } from './lpc';
import { CodecDecodeError } from './rangeCoder';
import { compress as compressLegacy, decompress as decompressLegacy } from './compress';

export interface BlockCodecOptions {
  /** Prediction order up to 32 and several sub-frame lengths per channel, the smallest kept (slower, smaller). */
  best?: boolean;
}

/** Largest LPC order the default mode tries (the decoder accepts any order up to MAX_ORDER). */
export const DEFAULT_MAX_ORDER = 32;

const DEFAULT_SUBFRAME_LOG2 = 12;
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

/** Reusable scratch buffers for blocks of up to `capacity` frames. */
export class BlockEncoder {
  private readonly residuals: Int32Array;
  private readonly mid: Int32Array;
  private readonly side: Int32Array;
  private readonly maxOrder: number;
  constructor(
    readonly capacity: number,
    private readonly opts: BlockCodecOptions = {},
  ) {
    this.residuals = new Int32Array(capacity);
    this.mid = new Int32Array(capacity);
    this.side = new Int32Array(capacity);
    this.maxOrder = opts.best ? MAX_ORDER : DEFAULT_MAX_ORDER;
  }
  private readonly coder = new BitEncoder(1 << 16);
  private readonly model = new ResidualModel();

  /**
   * Codes channels[c][0, frames) for every channel (the bytes are valid until the next encode()). `legacyUpTo`: the default mode also tries the previous codec
   * when the block has at most this many frames (the writer passes LEGACY_WHOLE for a series that is one short
   * block, LEGACY_TAIL for the last partial block of a longer one, where learning from scratch costs most).
   */
  encode(channels: readonly Int32Array[], frames: number, legacyUpTo = 0): Uint8Array {
    if (frames > this.capacity) throw new RangeError(`block of ${frames} frames > capacity ${this.capacity}`);
    // One coder and one model for every block (no large allocation per block); the caller copies the bytes.
    const enc = this.coder;
    enc.reset();
    let coded: readonly Int32Array[] = channels;
    if (channels.length === 2) {
      const mode = this.stereoMode(channels[0]!, channels[1]!, frames);
      enc.encodeDirect(mode, 2);
      if (mode === 1) coded = [channels[0]!, this.side];
      else if (mode === 2) coded = [this.side, channels[1]!];
      else if (mode === 3) coded = [this.mid, this.side];
    }
    for (const x of coded) this.encodeChannel(enc, x, frames, frames <= legacyUpTo);
    return enc.finish();
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

  private encodeChannel(enc: BitEncoder, x: Int32Array, frames: number, legacy: boolean): void {
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
        const trial = new BitEncoder(frames * 2 + 64);
        this.encodeWith(trial, x, frames, log2);
        const s = trial.finish().length;
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
        const trial = new BitEncoder(frames * 2 + 64);
        this.encodeWith(trial, x, frames, choice.log2, choice.lpcs);
        size = trial.finish().length;
      }
      if (legacy || (best && frames <= LEGACY_WHOLE) || size < frames * LEGACY_WORTH_BYTES) {
        const legacy = compressLegacy(x.subarray(0, frames));
        if (legacy.length + 4 < size) {
          enc.encodeDirect(LEGACY_CODE, 4);
          enc.encodeWide(legacy.length, 32);
          for (const b of legacy) enc.encodeDirect(b, 8);
          return;
        }
      }
    }
    this.encodeWith(enc, x, frames, choice.log2, choice.lpcs);
  }

  /**
   * Default mode: the sub-frame length (4096 frames up to the whole block, in powers of two) whose LPCs the
   * analysis estimates smallest. Each 4096-frame piece is analysed once (windowed autocorrelation); a longer
   * sub-frame's estimate comes from the sum of its pieces' autocorrelations, so the choice costs Levinson
   * recursions, not passes over the samples. A longer sub-frame must beat the best shorter one by the margin
   * (the summed estimate favours long frames); when it wins, its sub-frames are analysed for real.
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
    const lpcs: (Lpc | undefined)[] = [];
    const length = 1 << bestLog2;
    for (let from = 0; from < frames; from += length) lpcs.push(analyse(x, from, Math.min(frames, from + length), this.maxOrder, PRECISION));
    return { log2: bestLog2, lpcs };
  }

  private encodeWith(enc: BitEncoder, x: Int32Array, frames: number, log2: number, lpcs?: (Lpc | undefined)[]): void {
    enc.encodeDirect(log2 - MIN_SUBFRAME_LOG2, 4);
    const sub = 2 ** log2;
    const model = this.model.reset();
    const r = this.residuals;
    for (let from = 0, k = 0; from < frames; from += sub, k++) {
      const to = Math.min(frames, from + sub);
      const lpc = lpcs !== undefined ? lpcs[k] : analyse(x, from, to, this.maxOrder, PRECISION);
      if (lpc === undefined) enc.encodeDirect(0, 1);
      else {
        enc.encodeDirect(1, 1);
        enc.encodeDirect(lpc.order - 1, 5);
        enc.encodeDirect(PRECISION - 1, 4);
        enc.encodeDirect(lpc.shift, 5);
        const bias = 2 ** (PRECISION - 1);
        for (let j = 0; j < lpc.order; j++) enc.encodeDirect(lpc.coefs[j]! + bias, PRECISION);
      }
      residualsOf(x, 0, from, to, lpc, r);
      encodeResidualRun(enc, model, r, from, to);
    }
  }
}

const decodeScratch = { residuals: new Int32Array(0), model: new ResidualModel() };

/** Decodes a block's payload into out[c][0, frames); malformed input throws CodecDecodeError, nothing else. */
export function decodeBlock(payload: Uint8Array, channels: number, frames: number, out: Int32Array[]): void {
  const dec = new BitDecoder(payload);
  let mode = 0;
  if (channels === 2) mode = dec.decodeDirect(2);
  if (decodeScratch.residuals.length < frames) decodeScratch.residuals = new Int32Array(frames);
  const residuals = decodeScratch.residuals;
  const model = decodeScratch.model;
  for (let c = 0; c < channels; c++) {
    const x = out[c]!;
    const code = dec.decodeDirect(4);
    if (code === LEGACY_CODE) {
      const length = dec.decodeWide(32);
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
    model.reset();
    for (let from = 0; from < frames; from += sub) {
      const to = Math.min(frames, from + sub);
      let lpc: Lpc | undefined;
      if (dec.decodeDirect(1) === 1) {
        const order = dec.decodeDirect(5) + 1;
        const precision = dec.decodeDirect(4) + 1;
        const shift = dec.decodeDirect(5);
        if (precision > MAX_PRECISION || shift > MAX_SHIFT || order > MAX_ORDER)
          throw new CodecDecodeError('param', `LPC order ${order} / precision ${precision} / shift ${shift} out of range`);
        const coefs = new Int32Array(order);
        const bias = 2 ** (precision - 1);
        for (let j = 0; j < order; j++) coefs[j] = dec.decodeDirect(precision) - bias;
        lpc = { order, shift, coefs };
      }
      decodeResidualRun(dec, model, residuals, from, to);
      restore(residuals, 0, from, to, lpc, x);
    }
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
  if (dec.overrun() > 4) throw new CodecDecodeError('truncated', 'block payload ends early');
}
