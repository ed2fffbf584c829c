import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  SUMMARY_GENE_BYTES,
  SUMMARY_HASH_BYTES,
  SummaryDecodeError,
  SummaryRangeError,
  decodeSummaryGene,
  encodeSummaryGene,
  summaryHash,
  type SummaryGene,
} from '../../../src/core/gene/summary';
import { BIAS_LIMIT, WEIGHT_LIMIT } from '../../../src/core/neuron/kernel';
import { FRAGMENT_HEADER_BYTES, fragmentCount } from '../../../src/core/net/fragment';
import { MESSAGE_HEADER_BYTES } from '../../../src/sim/messages';

const arbSummary: fc.Arbitrary<SummaryGene> = fc.record({
  round: fc.integer({ min: 0, max: 0xffffffff }),
  weights: fc.array(fc.integer({ min: -WEIGHT_LIMIT, max: WEIGHT_LIMIT }), { minLength: 8, maxLength: 8 }).map((a) => Int32Array.from(a)),
  bias: fc.integer({ min: -BIAS_LIMIT, max: BIAS_LIMIT }),
  spread: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 ** 32 })),
});

const sample: SummaryGene = { round: 1900, weights: Int32Array.of(32768, 16384, 9830, 6554, 0, 0, -5, 7), bias: -65536, spread: 900 };

describe('summary gene', () => {
  it(`is ${SUMMARY_GENE_BYTES} bytes, so a reply carrying it (headers included) is one 51-byte LoRa DR0 frame`, () => {
    expect(encodeSummaryGene(sample).length).toBe(SUMMARY_GENE_BYTES);
    expect(fragmentCount(MESSAGE_HEADER_BYTES + SUMMARY_GENE_BYTES, 51)).toBe(1);
    expect(FRAGMENT_HEADER_BYTES + MESSAGE_HEADER_BYTES + SUMMARY_GENE_BYTES).toBeLessThanOrEqual(51);
  });

  it('holds the inclusive limits exactly: ±8.0 weights and ±64.0 bias', () => {
    const edge = {
      round: 0xffffffff,
      weights: Int32Array.of(WEIGHT_LIMIT, -WEIGHT_LIMIT, WEIGHT_LIMIT - 1, 1 - WEIGHT_LIMIT, 1, -1, 0, WEIGHT_LIMIT),
      bias: BIAS_LIMIT,
      spread: 0,
    };
    const d = decodeSummaryGene(encodeSummaryGene(edge));
    expect(Array.from(d.weights)).toEqual(Array.from(edge.weights));
    expect(d.bias).toBe(BIAS_LIMIT);
    expect(decodeSummaryGene(encodeSummaryGene({ ...edge, bias: -BIAS_LIMIT })).bias).toBe(-BIAS_LIMIT);
    expect(d.round).toBe(0xffffffff);
  });

  it('round-trips round, weights and bias exactly; spread rounded up by at most 25 % (10,000 cases)', () => {
    fc.assert(
      fc.property(arbSummary, (s) => {
        const bytes = encodeSummaryGene(s);
        const d = decodeSummaryGene(bytes);
        expect(d.round).toBe(s.round);
        expect(d.weights).toEqual(s.weights);
        expect(d.bias).toBe(s.bias);
        // Rounded up, never down; exact up to 7, and at most 25 % over beyond.
        expect(d.spread).toBeGreaterThanOrEqual(s.spread);
        if (s.spread <= 7) expect(d.spread).toBe(s.spread);
        else expect(d.spread).toBeLessThanOrEqual(Math.ceil(s.spread * 1.25));
        expect(encodeSummaryGene(d)).toEqual(bytes); // canonical: re-encoding is stable
        expect(d.hash).toEqual(summaryHash(s));
      }),
      { numRuns: 10_000 },
    );
  });

  it('names different states with different hashes', () => {
    const other = { ...sample, round: sample.round + 1 };
    expect(summaryHash(other)).not.toEqual(summaryHash(sample));
    expect(summaryHash({ ...sample, weights: Int32Array.of(32768, 16384, 9830, 6554, 0, 0, -5, 8) })).not.toEqual(summaryHash(sample));
  });

  it('rejects every single-bit flip, wrong lengths and versions with typed reasons', () => {
    const bytes = encodeSummaryGene(sample);
    for (let i = 0; i < bytes.length * 8; i++) {
      const bad = bytes.slice();
      bad[i >> 3]! ^= 1 << (i & 7);
      expect(() => decodeSummaryGene(bad)).toThrow(SummaryDecodeError);
    }
    const reason = (b: Uint8Array) => {
      try {
        decodeSummaryGene(b);
      } catch (e) {
        return (e as SummaryDecodeError).reason;
      }
    };
    const last = SUMMARY_GENE_BYTES - 1;
    expect(reason(bytes.subarray(0, last))).toBe('length');
    expect(reason(Uint8Array.of(1, ...bytes.subarray(1)))).toBe('version'); // the 50-byte v1 is not read as v2
    expect(reason(Uint8Array.of(...bytes.subarray(0, last), bytes[last]! ^ 1))).toBe('checksum');
  });

  it('rejects a re-hashed summary whose spread byte is not canonical (range), so every valid summary has one encoding', () => {
    const bytes = encodeSummaryGene(sample);
    const last = SUMMARY_GENE_BYTES - 1;
    bytes[last] = (5 << 3) | 1; // 1 · 2^5 = 32, canonically 4 · 2^3
    const rest = Uint8Array.of(...bytes.subarray(0, 5), ...bytes.subarray(5 + SUMMARY_HASH_BYTES));
    bytes.set(sha256(rest).subarray(0, SUMMARY_HASH_BYTES), 5);
    expect(() => decodeSummaryGene(bytes)).toThrow(/not canonical/);
    bytes[last] = (3 << 3) | 4;
    bytes.set(sha256(Uint8Array.of(...bytes.subarray(0, 5), ...bytes.subarray(5 + SUMMARY_HASH_BYTES))).subarray(0, SUMMARY_HASH_BYTES), 5);
    expect(decodeSummaryGene(bytes).spread).toBe(32);
  });

  it('refuses to encode out-of-range fields', () => {
    expect(() => encodeSummaryGene({ ...sample, weights: Int32Array.of(WEIGHT_LIMIT + 1, 0, 0, 0, 0, 0, 0, 0) })).toThrow(SummaryRangeError);
    expect(() => encodeSummaryGene({ ...sample, bias: BIAS_LIMIT + 1 })).toThrow(SummaryRangeError);
    expect(() => encodeSummaryGene({ ...sample, round: -1 })).toThrow(SummaryRangeError);
    expect(() => encodeSummaryGene({ ...sample, spread: -1 })).toThrow(SummaryRangeError);
    expect(() => encodeSummaryGene({ ...sample, spread: Number.NaN })).toThrow(SummaryRangeError);
    expect(() => encodeSummaryGene({ ...sample, bias: 0.5 })).toThrow(SummaryRangeError);
    expect(() => encodeSummaryGene({ ...sample, weights: new Int32Array(7) })).toThrow(SummaryRangeError);
  });

  it('arbitrary bytes → SummaryDecodeError or a valid summary, nothing else (10,000 cases)', () => {
    const good = encodeSummaryGene(sample);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ minLength: SUMMARY_GENE_BYTES - 2, maxLength: SUMMARY_GENE_BYTES + 2 }),
          fc.tuple(fc.nat(SUMMARY_GENE_BYTES - 1), fc.nat(255)).map(([i, v]) => good.map((x, j) => (j === i ? v : x))),
        ),
        (bytes) => {
          try {
            const d = decodeSummaryGene(bytes);
            expect(encodeSummaryGene(d)).toEqual(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(SummaryDecodeError);
          }
        },
      ),
      { numRuns: 10_000 },
    );
  });
});
