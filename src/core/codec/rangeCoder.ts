// A 32-bit range coder with carry propagation (the LZMA scheme: one cached byte plus a count of pending 0xFF
// bytes, so a carry out of `low` ripples into bytes not yet written). Without that carry handling a range
// coder can corrupt a stream; this one is exact. All arithmetic is on integers below 2^53 held in doubles,
// so it is bit-identical on every JavaScript engine.
//
// Frequencies are out of 2^16 (PROB_BITS). The decoder never reads more than 4 bytes past the end (the encoder
// trims at most 4 trailing zero bytes of its flush), never loops more than once per symbol, and reports
// anything impossible as a CodecDecodeError.

export const PROB_BITS = 16;
export const PROB_TOTAL = 1 << PROB_BITS;
const TOP = 2 ** 24;
const TWO_32 = 2 ** 32;
const MAX_TRIMMED = 4;

export type CodecDecodeReason = 'header' | 'version' | 'mode' | 'length' | 'param' | 'truncated' | 'symbol' | 'value' | 'trailing' | 'checksum';

/** A malformed coded stream. Decoders throw nothing else for bad input. */
export class CodecDecodeError extends Error {
  override readonly name = 'CodecDecodeError';
  constructor(
    readonly reason: CodecDecodeReason,
    message: string,
  ) {
    super(message);
  }
}

/** Appends to a growable byte buffer. */
export class ByteSink {
  private buf: Uint8Array;
  length = 0;
  constructor(capacity = 256) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }
  push(byte: number): void {
    if (this.length === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.length++] = byte;
  }
  pop(): number {
    return this.buf[--this.length]!;
  }
  last(): number {
    return this.buf[this.length - 1]!;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export class RangeEncoder {
  private low = 0;
  private range = 0xffffffff;
  private cache = 0;
  private pending = 1;
  /** The very first cached byte is the integer part of a fraction in [0, 1): always 0, never written. */
  private first = true;
  private finished = false;
  constructor(readonly out: ByteSink = new ByteSink()) {}

  /** Codes a symbol occupying [cum, cum + freq) of total (≤ 2^16); freq ≥ 1. */
  encodeFreq(cum: number, freq: number, total = PROB_TOTAL): void {
    const r = Math.floor(this.range / total);
    this.low += cum * r;
    this.range = freq * r;
    while (this.range < TOP) {
      this.range *= 256;
      this.shiftLow();
    }
  }

  /** Codes `bits` (1..16) raw bits of `value`, each equally likely. */
  encodeBits(value: number, bits: number): void {
    const r = Math.floor(this.range / (1 << bits));
    this.low += value * r;
    this.range = r;
    while (this.range < TOP) {
      this.range *= 256;
      this.shiftLow();
    }
  }

  /** Flushes the final interval with as few bytes as possible; returns the sink's bytes. */
  finish(): Uint8Array {
    if (this.finished) return this.out.bytes();
    this.finished = true;
    // Pick the value in [low, low + range) with the most trailing zero bytes, then drop those bytes.
    for (const unit of [TWO_32, TOP]) {
      const v = Math.ceil(this.low / unit) * unit;
      if (v < this.low + this.range) {
        this.low = v;
        break;
      }
    }
    const before = this.out.length;
    for (let i = 0; i < 5; i++) this.shiftLow();
    let trimmed = 0;
    while (trimmed < MAX_TRIMMED && this.out.length > before && this.out.last() === 0) {
      this.out.pop();
      trimmed++;
    }
    return this.out.bytes();
  }

  private shiftLow(): void {
    if (this.low < 0xff000000 || this.low >= TWO_32) {
      const carry = this.low >= TWO_32 ? 1 : 0;
      let byte = this.cache;
      while (this.pending > 0) {
        if (this.first) this.first = false;
        else this.out.push((byte + carry) & 0xff);
        byte = 0xff;
        this.pending--;
      }
      this.cache = Math.floor(this.low / TOP) & 0xff;
    }
    this.pending++;
    this.low = (this.low % TOP) * 256;
  }
}

export class RangeDecoder {
  private code = 0;
  private range = 0xffffffff;
  private pos: number;
  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
  ) {
    this.pos = start;
    for (let i = 0; i < 4; i++) this.code = this.code * 256 + this.next();
  }

  /** The cumulative frequency (of total ≤ 2^16) the next symbol lies at; follow with consume(). */
  peek(total = PROB_TOTAL): number {
    const v = Math.floor(this.code / Math.floor(this.range / total));
    if (v >= total) throw new CodecDecodeError('symbol', 'coded value outside the frequency table');
    return v;
  }

  /** Removes the symbol [cum, cum + freq) of total that peek() pointed into. */
  consume(cum: number, freq: number, total = PROB_TOTAL): void {
    const r = Math.floor(this.range / total);
    this.code -= cum * r;
    this.range = freq * r;
    this.normalize();
  }

  decodeBits(bits: number): number {
    const r = Math.floor(this.range / (1 << bits));
    const v = Math.floor(this.code / r);
    if (v >= 1 << bits) throw new CodecDecodeError('symbol', 'coded value outside the raw-bit range');
    this.code -= v * r;
    this.range = r;
    this.normalize();
    return v;
  }

  /** Throws unless the stream was consumed exactly (up to the trimmed zero bytes). */
  end(): void {
    if (this.pos < this.bytes.length) throw new CodecDecodeError('trailing', `${this.bytes.length - this.pos} bytes after the end of the coded stream`);
  }

  private normalize(): void {
    while (this.range < TOP) {
      this.range *= 256;
      this.code = this.code * 256 + this.next();
    }
  }

  private next(): number {
    const i = this.pos++;
    if (i < this.bytes.length) return this.bytes[i]!;
    if (i - this.bytes.length >= MAX_TRIMMED) throw new CodecDecodeError('truncated', 'coded stream ends early');
    return 0;
  }
}
