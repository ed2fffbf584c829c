import { describe, expect, it } from 'vitest';
import {
  GROUP_ORDER,
  Point,
  decodePoint,
  decodeScalar,
  encodePoint,
  encodeScalar,
  modL,
  randomScalar,
  scalarFromInt,
  seededByteSource,
} from '../../../src/core/crypto/group';
import { EncodingLengthError, NonCanonicalEncodingError } from '../../../src/core/crypto/errors';
import { numberToBytesLE } from '@noble/curves/utils.js';

describe('group encodings', () => {
  it('maps negative integers to ℓ − |v|', () => {
    expect(scalarFromInt(-5)).toBe(GROUP_ORDER - 5n);
    expect(scalarFromInt(7)).toBe(7n);
    expect(modL(GROUP_ORDER + 3n)).toBe(3n);
  });

  it('round-trips scalars and rejects non-reduced encodings', () => {
    const s = randomScalar(seededByteSource(1));
    expect(decodeScalar(encodeScalar(s))).toBe(s);
    expect(() => decodeScalar(numberToBytesLE(GROUP_ORDER, 32))).toThrow(NonCanonicalEncodingError);
    expect(() => decodeScalar(numberToBytesLE(GROUP_ORDER + 1n, 32))).toThrow(NonCanonicalEncodingError);
    expect(() => decodeScalar(new Uint8Array(32).fill(0xff))).toThrow(NonCanonicalEncodingError);
    expect(() => decodeScalar(new Uint8Array(31))).toThrow(EncodingLengthError);
  });

  it('round-trips points and rejects non-canonical ristretto encodings', () => {
    const p = Point.BASE.multiply(12345n);
    expect(decodePoint(encodePoint(p)).equals(p)).toBe(true);
    const negative = encodePoint(p);
    negative[0]! ^= 1; // an odd s is never canonical (RFC 9496)
    expect(() => decodePoint(negative)).toThrow(NonCanonicalEncodingError);
    const big = new Uint8Array(32).fill(0xff);
    big[31] = 0x7f; // s ≥ p: not a reduced field element
    expect(() => decodePoint(big)).toThrow(NonCanonicalEncodingError);
    expect(() => decodePoint(new Uint8Array(33))).toThrow(EncodingLengthError);
  });

  it('a decoded point re-encodes to its input bytes without recomputing, and callers cannot alter that cache', () => {
    const P = Point.BASE.multiply(123456789n);
    const bytes = P.toBytes();
    const decoded = decodePoint(bytes);
    const first = encodePoint(decoded);
    expect(first).toEqual(bytes);
    first.fill(0); // mutate what we were given
    expect(encodePoint(decoded)).toEqual(P.toBytes());
    bytes.fill(0); // and the caller's input buffer
    expect(encodePoint(decoded)).toEqual(P.toBytes());
    expect(encodePoint(decoded.add(Point.BASE))).toEqual(P.add(Point.BASE).toBytes()); // derived points: computed
  });

  it('seeded byte sources replay and differ by seed', () => {
    const a = seededByteSource(42)(100);
    expect(seededByteSource(42)(100)).toEqual(a);
    expect(seededByteSource(43)(100)).not.toEqual(a);
    const split = seededByteSource(42);
    const joined = new Uint8Array([...split(30), ...split(70)]);
    expect(joined).toEqual(a); // reads of any size see one stream
  });
});
