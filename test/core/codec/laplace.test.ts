import { describe, expect, it } from 'vitest';
import {
  LEVEL_THRESHOLDS,
  MAX_FREQ,
  NUM_LEVELS,
  bitLength,
  findSymbol,
  levelForMean,
  levelOf,
  log2Q8,
  quotientOf,
  symbolOf,
} from '../../../src/core/codec/laplace';
import { PROB_TOTAL } from '../../../src/core/codec/rangeCoder';

describe('Laplace tables', () => {
  it('every level is a valid 16-bit table: sums to 2^16, each count in [1, 15/16]', () => {
    for (let L = 0; L < NUM_LEVELS; L++) {
      const { table, shift } = levelOf(L);
      expect(shift).toBe(L < 24 ? 0 : (L - 20) >> 2);
      expect(table.cum[table.cum.length - 1]).toBe(PROB_TOTAL);
      for (const f of table.freq) {
        expect(f).toBeGreaterThanOrEqual(1);
        expect(f).toBeLessThanOrEqual(MAX_FREQ);
      }
    }
  });

  it('is shaped like exp(−|r|/b): decreasing in |r|, symmetric', () => {
    const { table } = levelOf(18); // b ≈ 5.7
    for (let m = 1; m < table.k; m++) {
      expect(table.freq[symbolOf(table, m)]).toBeLessThanOrEqual(table.freq[symbolOf(table, m - 1)]!);
      expect(table.freq[symbolOf(table, m)]).toBe(table.freq[symbolOf(table, -m)]);
    }
    const ratio = table.freq[symbolOf(table, 10)]! / table.freq[symbolOf(table, 9)]!;
    expect(ratio).toBeCloseTo(Math.exp(-1 / 2 ** (18 / 4 - 2)), 2);
  });

  it('maps quotients to zig-zag symbols and back, escaping beyond K', () => {
    const { table } = levelOf(10);
    for (let q = -table.k; q <= table.k; q++) expect(quotientOf(symbolOf(table, q))).toBe(q);
    expect(symbolOf(table, table.k + 1)).toBe(table.escape);
    expect(symbolOf(table, -table.k - 1)).toBe(table.escape);
    for (let v = 0; v < PROB_TOTAL; v += 97) {
      const s = findSymbol(table, v);
      expect(table.cum[s]! <= v && v < table.cum[s + 1]!).toBe(true);
    }
  });

  it('computes integer log2 and bit lengths', () => {
    for (const x of [1, 2, 3, 1000, 65535, 65536, 2 ** 40 + 5]) expect(Math.abs(log2Q8(x) - 256 * Math.log2(x))).toBeLessThanOrEqual(1);
    expect([0, 1, 2, 3, 255, 256, 2 ** 32].map(bitLength)).toEqual([0, 1, 2, 2, 8, 9, 33]);
  });

  it('picks levels monotonically from the mean |r|', () => {
    let prev = 0;
    for (let m = 0; m < 2 ** 40; m = m * 1.3 + 1) {
      const L = levelForMean(Math.floor(m));
      expect(L).toBeGreaterThanOrEqual(prev);
      prev = L;
    }
    expect(levelForMean(LEVEL_THRESHOLDS[30]!)).toBe(30);
    expect(levelForMean(LEVEL_THRESHOLDS[30]! - 1)).toBe(29);
  });
});
