import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng, xoshiro128FromState, type Rng } from '../../../src/core/rng/rng';

function draw(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextU32());
}

/** xoshiro128** written from the published algorithm on BigInt words, independent of the code under test. */
function referenceXoshiro(state: [number, number, number, number], n: number): number[] {
  const M = 0xffffffffn;
  const s = state.map((x) => BigInt(x >>> 0));
  const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (32n - k))) & M;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Number((rotl((s[1]! * 5n) & M, 7n) * 9n) & M));
    const t = (s[1]! << 9n) & M;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11n);
  }
  return out;
}

describe('xoshiro128** core', () => {
  it('matches the reference output for state [1, 2, 3, 4]', () => {
    // First outputs of the reference C code (hand-checked: rotl(2·5, 7)·9 = 11520, then s1 = 0 → 0, ...).
    const expected = [11520, 0, 5927040, 70819200, 2031721883, 1637235492];
    expect(draw(xoshiro128FromState(1, 2, 3, 4), 6)).toEqual(expected);
    expect(referenceXoshiro([1, 2, 3, 4], 6)).toEqual(expected);
  });

  it('matches an independent BigInt implementation from random states', () => {
    const word = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(fc.tuple(word, word, word, word), (st) => {
        fc.pre((st[0] | st[1] | st[2] | st[3]) !== 0);
        expect(draw(xoshiro128FromState(...st), 64)).toEqual(referenceXoshiro(st, 64));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses the all-zero state', () => {
    expect(() => xoshiro128FromState(0, 0, 0, 0)).toThrow(RangeError);
  });
});

describe('seeding and golden sequences', () => {
  it('pins the first values for seed 7', () => {
    expect(draw(createRng(7), 8)).toEqual([272826350, 1131525540, 1322384144, 2696484800, 3049842636, 3051514227, 398469670, 2782642573]);
  });

  it('pins the first values of named streams of seed 7', () => {
    expect(draw(createRng(7).stream('mutation'), 4)).toEqual([1287748369, 2408073959, 864147480, 1944640823]);
    expect(draw(createRng(7).stream('noise'), 4)).toEqual([2262326941, 275619653, 1858015323, 42435067]);
  });

  it('seed 0 is a normal seed, and seeds are taken modulo 2^32', () => {
    expect(draw(createRng(0), 4)).toEqual([1292791899, 1284423797, 2013314966, 3703690653]);
    expect(draw(createRng(7 + 2 ** 32), 8)).toEqual(draw(createRng(7), 8));
    expect(draw(createRng(-1), 8)).toEqual(draw(createRng(0xffffffff), 8));
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
    expect(createRng(7).seed).toBe(7);
  });

  it('different seeds give different sequences', () => {
    expect(draw(createRng(7), 4)).not.toEqual(draw(createRng(8), 4));
  });
});

describe('named streams', () => {
  it('the same name gives the same stream; different names differ', () => {
    const rng = createRng(42);
    expect(draw(rng.stream('a'), 16)).toEqual(draw(rng.stream('a'), 16));
    expect(draw(rng.stream('a'), 16)).not.toEqual(draw(rng.stream('b'), 16));
    expect(draw(rng.stream('a'), 16)).not.toEqual(draw(createRng(42), 16));
  });

  it('a stream does not depend on draws made in the parent or in other streams', () => {
    const fresh = draw(createRng(99).stream('gossip'), 32);
    const busy = createRng(99);
    const other = busy.stream('sensor');
    draw(busy, 1000);
    draw(other, 777);
    const gossip = busy.stream('gossip');
    const interleaved: number[] = [];
    for (let i = 0; i < 32; i++) {
      interleaved.push(gossip.nextU32());
      other.nextInt(7); // draws elsewhere between ours change nothing
    }
    expect(interleaved).toEqual(fresh);
  });

  it('two streams are uncorrelated', () => {
    const rng = createRng(5);
    const a = rng.stream('a');
    const b = rng.stream('b');
    const n = 20_000;
    let sa = 0;
    let sb = 0;
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = 0; i < n; i++) {
      const x = a.nextQ16() / 65536;
      const y = b.nextQ16() / 65536;
      sa += x;
      sb += y;
      sab += x * y;
      saa += x * x;
      sbb += y * y;
    }
    const cov = sab / n - (sa / n) * (sb / n);
    const corr = cov / Math.sqrt((saa / n - (sa / n) ** 2) * (sbb / n - (sb / n) ** 2));
    expect(Math.abs(corr)).toBeLessThan(4 / Math.sqrt(n)); // 4σ under independence
  });
});

describe('distributions', () => {
  it('nextInt stays in [0, n) for every bound, and range(lo, hi) is inclusive', () => {
    const rng = createRng(11);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 32 }), (n) => {
        const x = rng.nextInt(n);
        expect(Number.isInteger(x) && x >= 0 && x < n).toBe(true);
      }),
      { numRuns: 10_000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.nat(50), (lo, width) => {
        const x = rng.range(lo, lo + width);
        expect(x >= lo && x <= lo + width).toBe(true);
      }),
      { numRuns: 10_000 },
    );
    expect(() => rng.nextInt(0)).toThrow(RangeError);
    expect(() => rng.nextInt(1.5)).toThrow(RangeError);
  });

  it('nextInt is uniform (chi² over 10 buckets)', () => {
    const rng = createRng(3);
    const counts = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[rng.nextInt(10)]! += 1;
    const expected = n / 10;
    const chi2 = counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.88); // 9 degrees of freedom, p = 0.001
  });

  it('nextInt is unbiased where plain modulo would not be (n = 3·2^30)', () => {
    // x % n over 32 bits would put half the mass in the lowest third; rejection keeps each third at 1/3.
    const rng = createRng(4);
    const third = 2 ** 30;
    const counts = [0, 0, 0];
    const n = 30_000;
    for (let i = 0; i < n; i++) counts[Math.floor(rng.nextInt(3 * third) / third)]! += 1;
    for (const c of counts) expect(Math.abs(c / n - 1 / 3)).toBeLessThan(0.015);
  });

  it('nextQ16 is in [0, 1) and chance(p) fires with frequency p', () => {
    const rng = createRng(21);
    const n = 100_000;
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.nextQ16();
      expect(x >= 0 && x < 65536 && Number.isInteger(x)).toBe(true);
      if (rng.chance(16384)) hits += 1; // p = 0.25
    }
    const sigma = Math.sqrt((0.25 * 0.75) / n);
    expect(Math.abs(hits / n - 0.25)).toBeLessThan(4 * sigma);
    for (let i = 0; i < 1000; i++) {
      expect(rng.chance(0)).toBe(false);
      expect(rng.chance(65536)).toBe(true);
    }
  });

  it('gaussianQ16 has mean ≈ 0 and variance ≈ 1, within [-6, 6]', () => {
    const rng = createRng(8);
    const n = 50_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const g = rng.gaussianQ16();
      expect(Number.isInteger(g) && g >= -6 * 65536 && g <= 6 * 65536).toBe(true);
      const x = g / 65536;
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
  });
});
