import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeEscaped, decodeWide, encodeEscaped, encodeWide, escapedBits, joinResidual } from '../../../src/core/codec/escape';
import { CodecDecodeError, RangeDecoder, RangeEncoder } from '../../../src/core/codec/rangeCoder';

describe('escape and wide fields', () => {
  it('round-trip any escaped quotient and any ≤ 32-bit field', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 32 }),
        fc.nat(),
        (k, extra, neg, bits, raw) => {
          const q = (neg ? -1 : 1) * (k + extra);
          const wide = raw % 2 ** bits;
          const enc = new RangeEncoder();
          encodeEscaped(enc, q, k);
          encodeWide(enc, wide, bits);
          const dec = new RangeDecoder(enc.finish());
          expect(decodeEscaped(dec, k)).toBe(q);
          expect(decodeWide(dec, bits)).toBe(wide);
          dec.end();
        },
      ),
      { numRuns: 2_000 },
    );
    expect(escapedBits(5, 4)).toBe(7);
  });

  it('rejects residuals outside int32', () => {
    expect(joinResidual(-(2 ** 30), 1, 0)).toBe(-(2 ** 31));
    expect(() => joinResidual(2 ** 30, 1, 0)).toThrow(CodecDecodeError);
  });
});
