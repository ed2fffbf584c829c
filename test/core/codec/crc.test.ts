import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc16, crc32 } from '../../../src/core/codec/crc';

const check = new TextEncoder().encode('123456789');

describe('crc', () => {
  it('matches the catalogue check values', () => {
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc16(check)).toBe(0x29b1);
  });
  it('covers a sub-range only', () => {
    const padded = new Uint8Array([0xff, ...check, 0xee]);
    expect(crc32(padded, 1, 10)).toBe(0xcbf43926);
    expect(crc16(padded, 1, 10)).toBe(0x29b1);
  });
  it("crc32 (eight bytes at a time) equals zlib's on any bytes and any sub-range (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
        const end = start + (b % (bytes.length - start + 1));
        expect(crc32(bytes, start, end)).toBe(zlibCrc32(bytes.subarray(start, end)));
      }),
      { numRuns: 500 },
    );
  });
  it('detects a single flipped bit', () => {
    const copy = check.slice();
    copy[4]! ^= 0x10;
    expect(crc32(copy)).not.toBe(0xcbf43926);
    expect(crc16(copy)).not.toBe(0x29b1);
  });
});
