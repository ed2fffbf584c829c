// A binary range coder (the LZMA scheme: 11-bit adaptive probabilities, one cached byte plus a count of pending
// 0xFF bytes for the carry) and the residual coder of the block format built on it. Integers only (`low` is
// held in a double below 2^40, everything else in uint32), so every engine codes the same bytes.
//
// Residual coding: r → zig-zag u; an adaptive Golomb parameter k follows a running mean of u; the quotient
// u >> k is coded in unary with one adaptive probability per (scale context, position); the two top bits of the
// remainder with adaptive probabilities, the rest as raw bits. Quotients past 23 escape to a raw bit-length class
// and the bits below its top one. This learns the residuals' shape (Laplace, Gaussian, lattices of spacing 2^j)
// per block, at a few binary decisions per sample.
import { CodecDecodeError } from './rangeCoder';

const TOP = 1 << 24;
const PROB_INIT = 1024;
const MOVE = 5;
/** Unary positions with their own probability; quotients at or past this escape. */
const UNARY = 24;
/** Scale contexts: 2 per Golomb k (the lower or upper half of the octave of the running mean), k ≤ 31. */
const SCALE_CONTEXTS = 64;
/** Probabilities per scale context: UNARY unary bits, then 3 (a 2-bit tree) for each of q = 0, q = 1, q ≥ 2. */
const PER_CONTEXT = UNARY + 9;
/** The running mean of u, in 1/16 units, moves by 1/2^MEAN_RATE of each new sample. */
const MEAN_RATE = 4;

// The coder state lives in typed arrays, not in object fields: V8 would box a field that holds uint32 values
// past 2^31 (a heap number per store), which made the coder 5× slower.
export class BitEncoder {
  private buf: Uint8Array;
  /** [low] (below 2^33, so a double). */
  readonly lo = new Float64Array(1);
  /** [range, cache, cacheSize, pos]. */
  readonly st = new Uint32Array(4);
  constructor(capacity = 1024) {
    this.buf = new Uint8Array(Math.max(64, capacity));
    this.reset();
  }

  /** Starts a new stream in the same buffer (the bytes finish() returned before are overwritten). */
  reset(): void {
    this.lo[0] = 0;
    this.st[0] = 0xffffffff;
    this.st[1] = 0;
    this.st[2] = 1;
    this.st[3] = 0;
  }

  encodeBit(probs: Uint16Array, i: number, bit: number): void {
    const st = this.st;
    const p = probs[i]!;
    let range = st[0]!;
    const bound = (range >>> 11) * p;
    if (bit === 0) {
      range = bound;
      probs[i] = p + ((2048 - p) >> MOVE);
    } else {
      this.lo[0]! += bound;
      range -= bound;
      probs[i] = p - (p >> MOVE);
    }
    while (range < TOP) {
      range = (range << 8) >>> 0;
      this.shiftLow();
    }
    st[0] = range;
  }

  /** `bits` (0..16) raw bits of value, each equally likely. */
  encodeDirect(value: number, bits: number): void {
    if (bits === 0) return;
    const st = this.st;
    let range = st[0]! >>> bits;
    this.lo[0]! += value * range;
    while (range < TOP) {
      range = (range << 8) >>> 0;
      this.shiftLow();
    }
    st[0] = range;
  }

  /** Up to 32 raw bits, 16 at a time. */
  encodeWide(value: number, bits: number): void {
    if (bits > 16) {
      this.encodeDirect(Math.floor(value / 65536), bits - 16);
      this.encodeDirect(value & 0xffff, 16);
    } else this.encodeDirect(value, bits);
  }

  finish(): Uint8Array {
    for (let i = 0; i < 5; i++) this.shiftLow();
    return this.buf.subarray(0, this.st[3]!);
  }

  private shiftLow(): void {
    this.lo[0] = this.shiftLowValue(this.lo[0]!);
  }

  /** Emits the top byte of low (with carry handling) and returns the new low. */
  shiftLowValue(low: number): number {
    const st = this.st;
    if (low < 0xff000000 || low >= 0x100000000) {
      const carry = low >= 0x100000000 ? 1 : 0;
      let temp = st[1]!;
      let n = st[2]!;
      do {
        this.put((temp + carry) & 0xff);
        temp = 0xff;
      } while (--n !== 0);
      st[2] = 0;
      st[1] = (low >>> 24) & 0xff;
    }
    st[2]!++;
    return (low & 0xffffff) * 256;
  }

  private put(b: number): void {
    const st = this.st;
    let pos = st[3]!;
    if (pos === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[pos++] = b;
    st[3] = pos;
  }
}

export class BitDecoder {
  /** [range, code, pos]. */
  readonly st = new Uint32Array(3);
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.st[0] = 0xffffffff;
    this.st[2] = start;
    if (this.next() !== 0) throw new CodecDecodeError('header', 'coded stream does not start with a zero byte');
    for (let i = 0; i < 4; i++) this.st[1] = (this.st[1]! << 8) | this.next();
  }

  decodeBit(probs: Uint16Array, i: number): number {
    const st = this.st;
    const p = probs[i]!;
    let range = st[0]!;
    let code = st[1]!;
    const bound = (range >>> 11) * p;
    let bit: number;
    if (code < bound) {
      range = bound;
      probs[i] = p + ((2048 - p) >> MOVE);
      bit = 0;
    } else {
      code -= bound;
      range -= bound;
      probs[i] = p - (p >> MOVE);
      bit = 1;
    }
    while (range < TOP) {
      range = (range << 8) >>> 0;
      code = ((code << 8) | this.next()) >>> 0;
    }
    st[0] = range;
    st[1] = code;
    return bit;
  }

  decodeDirect(bits: number): number {
    if (bits === 0) return 0;
    const st = this.st;
    let range = st[0]! >>> bits;
    let code = st[1]!;
    const v = Math.floor(code / range);
    if (v >= 1 << bits) throw new CodecDecodeError('symbol', 'coded value outside the raw-bit range');
    code -= v * range;
    while (range < TOP) {
      range = (range << 8) >>> 0;
      code = ((code << 8) | this.next()) >>> 0;
    }
    st[0] = range;
    st[1] = code;
    return v;
  }

  decodeWide(bits: number): number {
    if (bits > 16) {
      const hi = this.decodeDirect(bits - 16);
      return hi * 65536 + this.decodeDirect(16);
    }
    return this.decodeDirect(bits);
  }

  /** Bytes consumed past the end of the stream (the encoder's flush covers the last 4). */
  overrun(): number {
    return Math.max(0, this.st[2]! - this.end);
  }

  private next(): number {
    const i = this.st[2]!;
    this.st[2] = i + 1;
    if (i < this.end) return this.bytes[i]!;
    if (i - this.end >= 4) throw new CodecDecodeError('truncated', 'coded stream ends early');
    return 0;
  }
}

function bitLength(v: number): number {
  return v === 0 ? 0 : 32 - Math.clz32(v);
}

/** The adaptive state of the residual coder: one per channel, reset at each block. */
export class ResidualModel {
  readonly probs = new Uint16Array(SCALE_CONTEXTS * PER_CONTEXT).fill(PROB_INIT);
  mean = 16 * 16;
  /** Back to the initial state (a new block). */
  reset(): this {
    this.probs.fill(PROB_INIT);
    this.mean = 16 * 16;
    return this;
  }
}

/** Codes residuals[from, to) (int32). The coder is inlined: this loop is most of the encoder's time. */
export function encodeResidualRun(enc: BitEncoder, m: ResidualModel, residuals: Int32Array, from: number, to: number): void {
  const probs = m.probs;
  let mean = m.mean;
  const st = enc.st;
  let low = enc.lo[0]!;
  let range = st[0]!;
  for (let i = from; i < to; i++) {
    const r = residuals[i]!;
    const u = ((r << 1) ^ (r >> 31)) >>> 0;
    const mq = mean >>> 4;
    const k = mq < 1 ? 0 : 31 - Math.clz32(mq);
    const ctx = (2 * k + (k > 0 ? (mq >>> (k - 1)) & 1 : mq & 1)) * PER_CONTEXT;
    const q = u >>> k;
    const n = q < UNARY ? q : UNARY;
    // Unary: n ones, then a zero unless escaped.
    for (let j = 0; j <= n; j++) {
      if (j === UNARY) break;
      const idx = ctx + j;
      const p = probs[idx]!;
      const bound = (range >>> 11) * p;
      if (j < n) {
        low += bound;
        range -= bound;
        probs[idx] = p - (p >> MOVE);
      } else {
        range = bound;
        probs[idx] = p + ((2048 - p) >> MOVE);
      }
      if (range < TOP) {
        range = (range << 8) >>> 0;
        low = enc.shiftLowValue(low);
      }
    }
    if (q >= UNARY || k > 18) {
      // Rare or wide parts go through the encoder's methods: hand the state over and take it back.
      enc.lo[0] = low;
      st[0] = range;
      if (q >= UNARY) {
        const e = q - UNARY;
        const c = bitLength(e);
        enc.encodeDirect(c, 6);
        if (c > 1) enc.encodeWide(e - 2 ** (c - 1), c - 1);
      }
      if (k > 0) {
        const rem = u & ((1 << k) - 1);
        const t = ctx + UNARY + (q < 2 ? q : 2) * 3;
        if (k === 1) enc.encodeBit(probs, t, rem);
        else {
          const top = rem >>> (k - 2);
          const b1 = top >>> 1;
          enc.encodeBit(probs, t, b1);
          enc.encodeBit(probs, t + 1 + b1, top & 1);
          enc.encodeWide(rem & ((1 << (k - 2)) - 1), k - 2);
        }
      }
      low = enc.lo[0]!;
      range = st[0]!;
    } else if (k > 0) {
      // The remainder's top bit (and the next one when k ≥ 2) with adaptive probabilities, the rest raw.
      const t = ctx + UNARY + (q < 2 ? q : 2) * 3;
      const b1 = (u >>> (k - 1)) & 1;
      let p = probs[t]!;
      let bound = (range >>> 11) * p;
      if (b1 === 0) {
        range = bound;
        probs[t] = p + ((2048 - p) >> MOVE);
      } else {
        low += bound;
        range -= bound;
        probs[t] = p - (p >> MOVE);
      }
      if (range < TOP) {
        range = (range << 8) >>> 0;
        low = enc.shiftLowValue(low);
      }
      if (k > 1) {
        const idx = t + 1 + b1;
        p = probs[idx]!;
        bound = (range >>> 11) * p;
        if (((u >>> (k - 2)) & 1) === 0) {
          range = bound;
          probs[idx] = p + ((2048 - p) >> MOVE);
        } else {
          low += bound;
          range -= bound;
          probs[idx] = p - (p >> MOVE);
        }
        if (range < TOP) {
          range = (range << 8) >>> 0;
          low = enc.shiftLowValue(low);
        }
        const bits = k - 2;
        if (bits > 0) {
          range = range >>> bits;
          low += (u & ((1 << bits) - 1)) * range;
          while (range < TOP) {
            range = (range << 8) >>> 0;
            low = enc.shiftLowValue(low);
          }
        }
      }
    }
    mean += ((u >= 0x8000000 ? 0x7fffffff : u * 16) - mean) >> MEAN_RATE;
  }
  enc.lo[0] = low;
  st[0] = range;
  m.mean = mean;
}

/** Decodes residuals into out[from, to); the coder is inlined as in encodeResidualRun. */
export function decodeResidualRun(dec: BitDecoder, m: ResidualModel, out: Int32Array, from: number, to: number): void {
  const probs = m.probs;
  let mean = m.mean;
  const st = dec.st;
  const bytes = dec.bytes;
  const end = dec.end;
  let range = st[0]!;
  let code = st[1]!;
  let pos = st[2]!;
  for (let i = from; i < to; i++) {
    const mq = mean >>> 4;
    const k = mq < 1 ? 0 : 31 - Math.clz32(mq);
    const ctx = (2 * k + (k > 0 ? (mq >>> (k - 1)) & 1 : mq & 1)) * PER_CONTEXT;
    let q = 0;
    for (;;) {
      const idx = ctx + q;
      const p = probs[idx]!;
      const bound = (range >>> 11) * p;
      let bit: number;
      if (code < bound) {
        range = bound;
        probs[idx] = p + ((2048 - p) >> MOVE);
        bit = 0;
      } else {
        code -= bound;
        range -= bound;
        probs[idx] = p - (p >> MOVE);
        bit = 1;
      }
      if (range < TOP) {
        range = (range << 8) >>> 0;
        code = ((code << 8) | (pos < end ? bytes[pos]! : 0)) >>> 0;
        pos++;
      }
      if (bit === 0) break;
      if (++q === UNARY) break;
    }
    let rem = 0;
    if (q === UNARY || k > 18) {
      st[0] = range;
      st[1] = code;
      st[2] = pos;
      if (pos - end > 4) throw new CodecDecodeError('truncated', 'coded stream ends early');
      if (q === UNARY) {
        const c = dec.decodeDirect(6);
        if (c > 32) throw new CodecDecodeError('value', `escape class ${c} > 32`);
        q += c === 0 ? 0 : 2 ** (c - 1) + (c > 1 ? dec.decodeWide(c - 1) : 0);
      }
      if (k > 0) {
        const t = ctx + UNARY + (q < 2 ? q : 2) * 3;
        if (k === 1) rem = dec.decodeBit(probs, t);
        else {
          const b1 = dec.decodeBit(probs, t);
          const top = b1 * 2 + dec.decodeBit(probs, t + 1 + b1);
          rem = (top << (k - 2)) | dec.decodeWide(k - 2);
        }
      }
      range = st[0]!;
      code = st[1]!;
      pos = st[2]!;
    } else if (k > 0) {
      const t = ctx + UNARY + (q < 2 ? q : 2) * 3;
      let p = probs[t]!;
      let bound = (range >>> 11) * p;
      let b1 = 0;
      if (code < bound) {
        range = bound;
        probs[t] = p + ((2048 - p) >> MOVE);
      } else {
        code -= bound;
        range -= bound;
        probs[t] = p - (p >> MOVE);
        b1 = 1;
      }
      if (range < TOP) {
        range = (range << 8) >>> 0;
        code = ((code << 8) | (pos < end ? bytes[pos]! : 0)) >>> 0;
        pos++;
      }
      if (k === 1) rem = b1;
      else {
        const idx = t + 1 + b1;
        p = probs[idx]!;
        bound = (range >>> 11) * p;
        let b2 = 0;
        if (code < bound) {
          range = bound;
          probs[idx] = p + ((2048 - p) >> MOVE);
        } else {
          code -= bound;
          range -= bound;
          probs[idx] = p - (p >> MOVE);
          b2 = 1;
        }
        if (range < TOP) {
          range = (range << 8) >>> 0;
          code = ((code << 8) | (pos < end ? bytes[pos]! : 0)) >>> 0;
          pos++;
        }
        const bits = k - 2;
        let low = 0;
        if (bits > 0) {
          range = range >>> bits;
          low = Math.floor(code / range);
          if (low >= 1 << bits) throw new CodecDecodeError('symbol', 'coded value outside the raw-bit range');
          code -= low * range;
          while (range < TOP) {
            range = (range << 8) >>> 0;
            code = ((code << 8) | (pos < end ? bytes[pos]! : 0)) >>> 0;
            pos++;
          }
        }
        rem = (((b1 << 1) | b2) << bits) | low;
      }
    }
    const u = q * (1 << k) + rem;
    if (u > 0xffffffff) throw new CodecDecodeError('value', 'decoded residual outside int32');
    out[i] = u & 1 ? -((u - 1) / 2) - 1 : u / 2;
    mean += ((u >= 0x8000000 ? 0x7fffffff : u * 16) - mean) >> MEAN_RATE;
  }
  st[0] = range;
  st[1] = code;
  st[2] = pos;
  if (pos - end > 4) throw new CodecDecodeError('truncated', 'coded stream ends early');
  m.mean = mean;
}
