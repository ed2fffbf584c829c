// Raw-bit helpers shared by the residual models: wide raw fields, and the escape that codes any quotient
// beyond a model's alphabet (sign bit, 6-bit bit-length class, then the bits below the top one).
import { CodecDecodeError, type RangeDecoder, type RangeEncoder } from './rangeCoder';
import { bitLength } from './laplace';

export const ESCAPE_CLASS_BITS = 6;

/** Raw bits, high chunk first, ≤ 16 bits per coder step. */
export function encodeWide(enc: RangeEncoder, value: number, bits: number): void {
  while (bits > 16) {
    bits -= 16;
    enc.encodeBits(Math.floor(value / 2 ** bits) % 65536, 16);
  }
  if (bits > 0) enc.encodeBits(value % 2 ** bits, bits);
}

export function decodeWide(dec: RangeDecoder, bits: number): number {
  let v = 0;
  while (bits > 16) {
    bits -= 16;
    v = v * 65536 + dec.decodeBits(16);
  }
  return bits > 0 ? v * 2 ** bits + dec.decodeBits(bits) : v;
}

/** After the escape symbol: q with |q| > k. */
export function encodeEscaped(enc: RangeEncoder, q: number, k: number): void {
  const m = Math.abs(q) - k - 1;
  const c = bitLength(m);
  enc.encodeBits(q < 0 ? 1 : 0, 1);
  enc.encodeBits(c, ESCAPE_CLASS_BITS);
  if (c > 1) encodeWide(enc, m - 2 ** (c - 1), c - 1);
}

export function decodeEscaped(dec: RangeDecoder, k: number): number {
  const negative = dec.decodeBits(1) === 1;
  const c = dec.decodeBits(ESCAPE_CLASS_BITS);
  if (c > 32) throw new CodecDecodeError('value', `escape class ${c} > 32`);
  const m = c === 0 ? 0 : 2 ** (c - 1) + (c > 1 ? decodeWide(dec, c - 1) : 0);
  return (negative ? -1 : 1) * (k + 1 + m);
}

/** Bits an escaped q costs after the escape symbol. */
export function escapedBits(q: number, k: number): number {
  return 1 + ESCAPE_CLASS_BITS + Math.max(0, bitLength(Math.abs(q) - k - 1) - 1);
}

/** r = q·2^shift + low, checked to be an int32. */
export function joinResidual(q: number, shift: number, low: number): number {
  const r = q * 2 ** shift + low;
  if (r < -0x80000000 || r > 0x7fffffff) throw new CodecDecodeError('value', 'decoded residual outside int32');
  return r;
}
