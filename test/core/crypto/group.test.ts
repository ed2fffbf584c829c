import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
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
import { numberToBytesBE, numberToBytesLE } from '@noble/curves/utils.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';

describe('group encodings', () => {
  it('maps negative integers to n − |v|', () => {
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

  it('round-trips points and rejects every non-canonical or invalid SEC1 encoding', () => {
    const p = Point.BASE.multiply(12345n);
    expect(decodePoint(encodePoint(p)).equals(p)).toBe(true);
    expect(encodePoint(p)).toEqual(secp256k1.Point.BASE.multiply(12345n).toBytes(true)); // SEC1, as noble writes it
    // The other y: same x, flipped parity prefix, is the negation, a different valid point.
    const flipped = encodePoint(p);
    flipped[0] = flipped[0] === 2 ? 3 : 2;
    expect(decodePoint(flipped).equals(p.negate())).toBe(true);
    for (const prefix of [0, 1, 4, 5, 6, 7, 0xff]) {
      const bad = encodePoint(p);
      bad[0] = prefix;
      expect(() => decodePoint(bad), `prefix ${prefix}`).toThrow(NonCanonicalEncodingError);
    }
    // x ≥ p: not a reduced field element (p + 1 would alias x = 1 if reduced)
    const big = new Uint8Array(33);
    big[0] = 2;
    big.set(numberToBytesBE(secp256k1.Point.Fp.ORDER + 1n, 32), 1);
    expect(() => decodePoint(big)).toThrow(NonCanonicalEncodingError);
    // an x with no point on the curve (x = 5: 5^3 + 7 = 132 is not a square mod p)
    const offCurve = new Uint8Array(33);
    offCurve[0] = 2;
    offCurve[32] = 5;
    expect(() => secp256k1.Point.fromBytes(offCurve)).toThrow(); // noble agrees: no such point
    expect(() => decodePoint(offCurve)).toThrow(NonCanonicalEncodingError);
    // the identity is 33 zero bytes and nothing else
    expect(decodePoint(new Uint8Array(33)).is0()).toBe(true);
    expect(encodePoint(Point.ZERO)).toEqual(new Uint8Array(33));
    const zeroX = new Uint8Array(33);
    zeroX[0] = 2; // x = 0 with a prefix: not the identity's encoding (and 7 is not a square mod p)
    expect(() => decodePoint(zeroX)).toThrow(NonCanonicalEncodingError);
    const dirtyZero = new Uint8Array(33);
    dirtyZero[32] = 1; // prefix 0 with a nonzero x
    expect(() => decodePoint(dirtyZero)).toThrow(NonCanonicalEncodingError);
    expect(() => decodePoint(new Uint8Array(32))).toThrow(EncodingLengthError);
    expect(() => decodePoint(new Uint8Array(65))).toThrow(EncodingLengthError);
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

  it('accepts exactly the 33-byte strings an independent decoder (noble) accepts, and nothing throws another error', () => {
    // Differential: mcl's decoder plus our canonicity check against @noble/curves' SEC1 decoder, on arbitrary bytes
    // and on valid encodings with bytes changed (prefixes, x near p, x off the curve).
    const valid = fc.bigInt({ min: 1n, max: GROUP_ORDER - 1n }).map((k) => secp256k1.Point.BASE.multiply(k).toBytes(true));
    const mutated = fc.tuple(valid, fc.array(fc.tuple(fc.nat(32), fc.nat(255)), { minLength: 1, maxLength: 3 })).map(([bytes, edits]) => {
      const out = bytes.slice();
      for (const [i, v] of edits) out[i] = v;
      return out;
    });
    const nearP = fc.bigInt({ min: 0n, max: 2n ** 32n }).map((d) => {
      const out = new Uint8Array(33);
      out[0] = 2 + Number(d & 1n);
      out.set(numberToBytesBE((secp256k1.Point.Fp.ORDER - 2n ** 31n + d) % 2n ** 256n, 32), 1);
      return out;
    });
    const input = fc.oneof(fc.uint8Array({ minLength: 33, maxLength: 33 }), valid, mutated, nearP);
    fc.assert(
      fc.property(input, (bytes) => {
        let nobleOk = true;
        try {
          secp256k1.Point.fromBytes(bytes);
        } catch {
          nobleOk = false;
        }
        const allZero = bytes.every((b) => b === 0);
        try {
          const p = decodePoint(bytes);
          expect(nobleOk || allZero).toBe(true);
          expect(p.toBytes()).toEqual(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(NonCanonicalEncodingError);
          expect(nobleOk).toBe(false);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
