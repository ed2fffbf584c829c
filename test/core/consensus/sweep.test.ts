import { describe, expect, it } from 'vitest';
import { runSweep } from '../../../src/core/consensus/sweep';

describe('ablation sweep', () => {
  const opts = { aggregators: ['mean', 'trimmed-mean'], attacks: ['sign-flip', 'bias'], fractions: [0, 0.1, 0.4], seeds: [1, 2] };
  it('runs every cell, reports worst cases and breakdown fractions, deterministically', () => {
    const progress: number[] = [];
    const a = runSweep({ ...opts, onProgress: (done, total) => progress.push(done / total) });
    expect(a.cells.length).toBe(2 * 2 * 3 * 2);
    expect(progress.at(-1)).toBe(1);
    for (const agg of opts.aggregators) {
      const w = a.worst[agg]!;
      expect(w.length).toBe(3);
      expect(w[0]!.drift).toBe(0);
      const worstCell = Math.max(...a.cells.filter((c) => c.aggregator === agg && c.fraction === 0.4).map((c) => c.consensusDrift));
      expect(w[2]!.drift).toBe(worstCell);
      const first = w.findIndex((x) => x.drift >= 0.05);
      expect(a.breakdown[agg]).toBe(first < 0 ? null : opts.fractions[first]);
    }
    expect(a.breakdown.mean).toBe(0.4); // 40 % attackers biasing by 20 % move the plain mean by ~8 %
    const b = runSweep(opts);
    expect(b.cells).toEqual(a.cells);
  });
});
