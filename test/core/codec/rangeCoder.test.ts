import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CodecDecodeError, PROB_TOTAL, RangeDecoder, RangeEncoder } from '../../../src/core/codec/rangeCoder';

/** A fixed 4-symbol table with a very skewed symbol, so long runs push carries through 0xFF bytes. */
const FREQ = [60000, 5000, 500, 36];
const CUM = [0, 60000, 65000, 65500, PROB_TOTAL];

function encode(symbols: number[], bits: [number, number][] = []): Uint8Array {
  const enc = new RangeEncoder();
  symbols.forEach((s, i) => {
    enc.encodeFreq(CUM[s]!, FREQ[s]!);
    const b = bits[i];
    if (b) enc.encodeBits(b[0], b[1]);
  });
  return enc.finish();
}

function decode(bytes: Uint8Array, n: number, bitWidths: number[] = []): { symbols: number[]; bits: number[] } {
  const dec = new RangeDecoder(bytes);
  const symbols: number[] = [];
  const bits: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = dec.peek();
    const s = CUM.findIndex((c, j) => j < 4 && v >= c && v < CUM[j + 1]!);
    dec.consume(CUM[s]!, FREQ[s]!);
    symbols.push(s);
    if (bitWidths[i]) bits.push(dec.decodeBits(bitWidths[i]!));
  }
  dec.end();
  return { symbols, bits };
}

describe('range coder', () => {
  it('round-trips symbol sequences, including carry-heavy ones (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 0, 0, 1, 2, 3), { maxLength: 400 }), (symbols) => {
        expect(decode(encode(symbols), symbols.length).symbols).toEqual(symbols);
      }),
      { numRuns: 3_000 },
    );
  });

  it('round-trips raw bits mixed with symbols', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(0, 1, 2, 3), fc.integer({ min: 1, max: 16 }), fc.nat(0xffff)), { maxLength: 200 }), (items) => {
        const bits = items.map(([, w, v]) => [v % 2 ** w, w] as [number, number]);
        const out = decode(
          encode(
            items.map((x) => x[0]),
            bits,
          ),
          items.length,
          bits.map((b) => b[1]),
        );
        expect(out.bits).toEqual(bits.map((b) => b[0]));
      }),
      { numRuns: 2_000 },
    );
  });

  it('codes near the ideal size and trims the flush', () => {
    const symbols = Array.from({ length: 10_000 }, (_, i) => (i % 13 === 0 ? 1 : 0)) as number[];
    const ideal = symbols.reduce((s, x) => s - Math.log2(FREQ[x]! / PROB_TOTAL), 0) / 8;
    const bytes = encode(symbols);
    expect(bytes.length).toBeLessThan(ideal * 1.01 + 4);
    expect(encode([]).length).toBe(0);
  });

  it('throws typed errors for trailing bytes, truncation and impossible values', () => {
    const bytes = encode(Array.from({ length: 300 }, (_, i) => i % 4));
    // Up to 4 trimmed zero bytes may legitimately follow; 5 extra bytes never can.
    expect(() => decode(Uint8Array.of(...bytes, 7, 7, 7, 7, 7), 300)).toThrow(CodecDecodeError);
    // A cut stream is only caught when the decoder runs out of bytes (the series format adds a CRC for the rest).
    expect(() => decode(new Uint8Array(0), 300)).toThrow(/ends early/);
    expect(() => new RangeDecoder(Uint8Array.of(0xff, 0xff, 0xff, 0xff)).peek()).toThrow(CodecDecodeError);
  });
});
