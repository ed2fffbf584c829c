import { describe, expect, it } from 'vitest';
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
  it('detects a single flipped bit', () => {
    const copy = check.slice();
    copy[4]! ^= 0x10;
    expect(crc32(copy)).not.toBe(0xcbf43926);
    expect(crc16(copy)).not.toBe(0x29b1);
  });
});
