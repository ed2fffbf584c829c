import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { CodecDecodeError, compress, compressDetailed, decompress, int32LeBytes, streamPredictor } from '../../../src/core/codec/compress';
import { MAX_SYMBOLS_PER_BYTE } from '../../../src/core/codec/laplace';

describe('series compressor', () => {
  it('round-trips any Int32Array losslessly (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.integer(), { maxLength: 60 }), fc.array(fc.integer({ min: -300, max: 300 }), { maxLength: 300 })), (xs) => {
        const s = Int32Array.from(xs);
        expect(decompress(compress(s))).toEqual(s);
      }),
      { numRuns: 500 },
    );
  });

  it('compresses a smooth noisy sine well below int16 and gzip, with a predictive model winning', () => {
    let x = 1;
    const noise = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 29) - 3;
    const s = Int32Array.from({ length: 5000 }, (_, t) => Math.round(3000 * Math.sin(t / 15.3)) + noise());
    const { bytes, predictor } = compressDetailed(s);
    expect(decompress(bytes)).toEqual(s);
    // 3 bits of noise per sample bound it near 1,900 bytes; int16 is 10,000 and gzip -9 much more than ours.
    expect(bytes.length).toBeLessThan((s.length * 2) / 3);
    expect(bytes.length).toBeLessThan(gzipSync(new Uint8Array(new Int16Array(s).buffer), { level: 9 }).length * 0.6);
    expect(predictor).toMatch(/neuron|delta2/);
    expect(streamPredictor(bytes)).toBe(predictor);
  });

  it('can be restricted to one predictor', () => {
    const s = Int32Array.from({ length: 300 }, (_, i) => i * i);
    expect(streamPredictor(compress(s, { predictor: 'delta1' }))).toBe('delta1');
  });

  it('detects a damaged stream with the checksum or a decode error', () => {
    const s = Int32Array.from({ length: 400 }, (_, i) => Math.round(100 * Math.sin(i / 5)));
    const bytes = compress(s);
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i]! ^= 0x24;
      expect(() => decompress(bad)).toThrow(CodecDecodeError);
    }
    expect(() => decompress(new TextEncoder().encode('hello, world'))).toThrow(/magic/);
  });

  it('writes samples as int32 little-endian for the checksum', () => {
    expect(Array.from(int32LeBytes(Int32Array.of(1, -2)))).toEqual([1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff]);
  });

  it('arbitrary bytes → CodecDecodeError or samples, nothing else (10,000 cases)', () => {
    const seed = compress(Int32Array.from({ length: 40 }, (_, i) => i * 3));
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 40 }).map((b) => Uint8Array.of(0x51, 0x53, 1, ...b)),
      fc.tuple(fc.nat(80), fc.nat(255)).map(([i, v]) => seed.map((x, j) => (j === i % seed.length ? v : x))),
      fc.uint8Array({ maxLength: 24 }),
    );
    fc.assert(
      fc.property(input, (bytes) => {
        try {
          expect(decompress(bytes).length).toBeLessThanOrEqual(MAX_SYMBOLS_PER_BYTE * (bytes.length + 5));
        } catch (e) {
          expect(e).toBeInstanceOf(CodecDecodeError);
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
