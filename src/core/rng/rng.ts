// Seeded randomness: xoshiro128** (Blackman & Vigna, 2018), 32-bit integer only, seeded through SplitMix32.
// Independent named streams (`rng.stream('mutation')`) mean that adding a draw in one system never shifts
// the numbers another system sees, which keeps golden hashes stable as the code grows.

/** A 32-bit FNV-1a hash of a string (UTF-16 code units), used to name streams. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** SplitMix32 finaliser: a good 32-bit mix, used to expand seeds. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export interface Rng {
  /** The seed this generator was made from (for reports). */
  readonly seed: number;
  /** Next uniform 32-bit unsigned integer. */
  nextU32(): number;
  /** Uniform integer in [0, n), unbiased (rejection sampling), 1 ≤ n ≤ 2^32. */
  nextInt(n: number): number;
  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number;
  /** Uniform Q16 fraction in [0, 1): 0 ≤ x < 65536. */
  nextQ16(): number;
  /** True with probability pQ16 / 65536. */
  chance(pQ16: number): boolean;
  /** An approximately standard-normal Q16 value (Irwin–Hall sum of 12 uniforms minus 6), integer only. */
  gaussianQ16(): number;
  /** An independent generator derived from this one's seed and a name. Same name, same stream. */
  stream(name: string): Rng;
  /** A copy of the generator's state words (s0..s3 of xoshiro128**, as u32): what the next draws depend on.
   *  Reading it draws nothing (the state hash reads it). */
  state(): Uint32Array;
}

class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(readonly seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      return mix32(x);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** A generator started from a raw xoshiro128** state (to check against the published reference). */
  static fromState(s0: number, s1: number, s2: number, s3: number): Xoshiro128 {
    const g = new Xoshiro128(0);
    g.s0 = s0 | 0;
    g.s1 = s1 | 0;
    g.s2 = s2 | 0;
    g.s3 = s3 | 0;
    return g;
  }

  nextU32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) throw new RangeError(`nextInt: bad bound ${n}`);
    // Reject the top partial bucket so every residue is equally likely.
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  range(lo: number, hi: number): number {
    return lo + this.nextInt(hi - lo + 1);
  }

  nextQ16(): number {
    return this.nextU32() >>> 16;
  }

  chance(pQ16: number): boolean {
    return this.nextQ16() < pQ16;
  }

  gaussianQ16(): number {
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += this.nextQ16();
    return sum - 6 * 65536;
  }

  stream(name: string): Rng {
    return new Xoshiro128(mix32(this.seed ^ fnv1a32(name)));
  }

  state(): Uint32Array {
    return Uint32Array.of(this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A test helper: the raw xoshiro128** generator from state words s0..s3 (not all zero), bypassing seeding.
 * Its `seed` (and so its streams) is 0. For state [1, 2, 3, 4] the reference's first output is 11520.
 */
export function xoshiro128FromState(s0: number, s1: number, s2: number, s3: number): Rng {
  if ((s0 | s1 | s2 | s3) === 0) throw new RangeError('xoshiro128FromState: the all-zero state is a fixed point');
  return Xoshiro128.fromState(s0, s1, s2, s3);
}

/** A seeded generator. The seed is taken modulo 2^32. */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`createRng: seed must be a finite number, got ${seed}`);
  return new Xoshiro128(Math.trunc(seed) >>> 0);
}
