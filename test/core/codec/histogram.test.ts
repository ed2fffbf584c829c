import { describe, expect, it } from 'vitest';
import { AdaptiveHistogram, HISTOGRAM_MAX_K, histogramParams } from '../../../src/core/codec/histogram';

describe('AdaptiveHistogram', () => {
  it('keeps cum/find consistent with the counts through updates and halvings', () => {
    const h = new AdaptiveHistogram(37);
    let x = 5;
    for (let step = 0; step < 8000; step++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      h.update((x >>> 16) % 5 === 0 ? 36 : (x >>> 16) % 7);
      if (step % 997 === 0) {
        let cum = 0;
        for (let s = 0; s < 37; s++) {
          expect(h.cumOf(s)).toBe(cum);
          expect(h.find(cum)).toBe(s);
          expect(h.find(cum + h.freqOf(s) - 1)).toBe(s);
          cum += h.freqOf(s);
        }
        expect(cum).toBe(h.total);
        expect(h.total).toBeLessThanOrEqual(1 << 16);
      }
    }
  });

  it('never lets one symbol exceed 15/16 of the total', () => {
    const h = new AdaptiveHistogram(4);
    for (let i = 0; i < 20_000; i++) {
      h.update(0);
      expect(h.freqOf(0) * 16).toBeLessThanOrEqual(h.total * 15);
    }
  });

  it('chooses a shift so the 99.5th percentile fits in K', () => {
    expect(histogramParams(Int32Array.from({ length: 1000 }, (_, i) => (i % 21) - 10))).toEqual({ shift: 0, k: 10 });
    const big = histogramParams(Int32Array.from({ length: 1000 }, (_, i) => i * 100_000));
    expect(big.k).toBeLessThanOrEqual(HISTOGRAM_MAX_K);
    expect(big.shift).toBeGreaterThan(0);
  });
});
