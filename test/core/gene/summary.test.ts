import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  SUMMARY_GENE_BYTES,
  SummaryDecodeError,
  SummaryRangeError,
  decodeSummaryGene,
  encodeSummaryGene,
  summaryHash,
  type SummaryGene,
} from '../../../src/core/gene/summary';
import { BIAS_LIMIT, WEIGHT_LIMIT } from '../../../src/core/neuron/kernel';

const arbSummary: fc.Arbitrary<SummaryGene> = fc.record({
  round: fc.integer({ min: 0, max: 0xffffffff }),
  weights: fc.array(fc.integer({ min: -WEIGHT_LIMIT, max: WEIGHT_LIMIT }), { minLength: 8, maxLength: 8 }).map((a) => Int32Array.from(a)),
  bias: fc.integer({ min: -BIAS_LIMIT, max: BIAS_LIMIT }),
  spread: fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 0x7fffffff })), { minLength: 9, maxLength: 9 }).map((a) => Int32Array.from(a)),
});

const sample: SummaryGene = { round: 1900, weights: Int32Array.of(32768, 16384, 9830, 6554, 0, 0, -5, 7), bias: -65536, spread: Int32Array.of(100, 200, 0, 5, 5, 5, 5, 5, 900) };

describe('summary gene', () => {
  it(`fits one LoRa DR0 frame: ${SUMMARY_GENE_BYTES} ≤ 51 bytes`, () => {
    expect(encodeSummaryGene(sample).length).toBe(SUMMARY_GENE_BYTES);
    expect(SUMMARY_GENE_BYTES).toBeLessThanOrEqual(51);
  });

  it('round-trips round, weights and bias exactly; spread rounded up by less than one step (10,000 cases)', () => {
    fc.assert(
      fc.property(arbSummary, (s) => {
        const bytes = encodeSummaryGene(s);
        const d = decodeSummaryGene(bytes);
        expect(d.round).toBe(s.round);
        expect(d.weights).toEqual(s.weights);
        expect(d.bias).toBe(s.bias);
        const maxSpread = Math.max(...s.spread);
        const step = Math.max(1, 2 ** Math.ceil(Math.log2(Math.max(1, maxSpread) / 255)));
        d.spread.forEach((v, i) => {
          expect(v).toBeGreaterThanOrEqual(s.spread[i]!);
          expect(v - s.spread[i]!).toBeLessThan(step);
        });
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
    expect(reason(bytes.subarray(0, 49))).toBe('length');
    expect(reason(Uint8Array.of(2, ...bytes.subarray(1)))).toBe('version');
    expect(reason(Uint8Array.of(...bytes.subarray(0, 49), bytes[49]! ^ 1))).toBe('checksum');
  });

  it('refuses to encode out-of-range fields', () => {
    expect(() => encodeSummaryGene({ ...sample, weights: Int32Array.of(WEIGHT_LIMIT + 1, 0, 0, 0, 0, 0, 0, 0) })).toThrow(SummaryRangeError);
    expect(() => encodeSummaryGene({ ...sample, bias: BIAS_LIMIT + 1 })).toThrow(SummaryRangeError);
    expect(() => encodeSummaryGene({ ...sample, round: -1 })).toThrow(SummaryRangeError);
    expect(() => encodeSummaryGene({ ...sample, spread: new Int32Array(9).fill(-1) })).toThrow(SummaryRangeError);
    expect(() => encodeSummaryGene({ ...sample, weights: new Int32Array(7) })).toThrow(SummaryRangeError);
  });

  it('arbitrary bytes → SummaryDecodeError or a valid summary, nothing else (10,000 cases)', () => {
    const good = encodeSummaryGene(sample);
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ minLength: 48, maxLength: 52 }), fc.tuple(fc.nat(49), fc.nat(255)).map(([i, v]) => good.map((x, j) => (j === i ? v : x)))), (bytes) => {
        try {
          const d = decodeSummaryGene(bytes);
          expect(encodeSummaryGene(d)).toEqual(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(SummaryDecodeError);
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
