// Laplace models for prediction residuals, as 16-bit frequency tables built with integer arithmetic only
// (so every engine builds the same tables and a stream decodes identically everywhere).
//
// A model is a *level* L: scale b = 2^(L/4 − 2), a quarter octave apart, from b = 0.25 up to b ≈ 2^31.75.
// Levels 0..23 code the residual r directly with a table ∝ θ^|r| (θ = e^(−1/b)). From level 24 on, r is
// split as r = q·2^s + low: q is coded with one of the tables 20..23 (b between 8 and 13.5) and the s low
// bits raw, since at that scale they are nearly uniform (measured: within 0.3 % of the entropy of Laplace
// data at b = 100 and 300, see test/core/codec/residual.test.ts). |q| beyond the table's K goes out as an escape symbol, a sign bit, a 6-bit bit-length class and
// the bits themselves, so every int32 residual is lossless.
import { PROB_TOTAL } from './rangeCoder';

/** θ = round(e^(−1/b) · 2^16) for b = 2^(t/4 − 2), t = 0..23 (computed offline; constants so no float enters). */
const THETA_Q16 = [
  1200, 2268, 3874, 6075, 8869, 12192, 15933, 19953, 24109, 28267, 32314, 36162, 39750, 43041, 46019, 48681, 51039, 53111, 54917, 56484, 57835, 58997, 59992,
  60842,
];
/** b·9 + 1, rounded up: the table reaches past 9 b (tail mass e^−9 ≈ 1e-4 left to the escape). */
const K_OF_TABLE = THETA_Q16.map((_, t) => Math.ceil(9 * 2 ** (t / 4 - 2)) + 1);
/** The most probable symbol gets at most 15/16 of the total, so each symbol costs ≥ 0.093 bits (bounds decoded length per byte). */
export const MAX_FREQ = PROB_TOTAL - PROB_TOTAL / 16;
/** Symbols a stream can hold per coded byte: 8 bits / −log2(15/16). */
export const MAX_SYMBOLS_PER_BYTE = 86;
export const NUM_LEVELS = 136;

/**
 * Boundaries of E|r| (× 256) between levels L−1 and L for L < 28 (geometric means of the models' mean |r|,
 * computed offline); each further octave doubles. Adaptive coding picks the level whose range holds its
 * running mean |r|.
 */
const THRESHOLDS_BASE = [
  0, 13, 23, 38, 58, 83, 114, 151, 193, 243, 301, 368, 447, 539, 648, 776, 927, 1107, 1320, 1572, 1872, 2228, 2652, 3155, 3808, 4585, 5432, 6438,
];
export const LEVEL_THRESHOLDS: readonly number[] = (() => {
  const t = THRESHOLDS_BASE.slice();
  for (let L = t.length; L < NUM_LEVELS; L++) t.push(t[L - 4]! * 2);
  return t;
})();

/** A frequency table over zig-zag symbols (0, −1, +1, −2, +2, …, −K, +K) and a final escape symbol. */
export interface LaplaceTable {
  k: number;
  freq: Uint32Array;
  /** cum[i] = Σ freq[0..i); cum[n] = PROB_TOTAL. */
  cum: Uint32Array;
  escape: number;
  /** Cost of each symbol in 1/256 bits (integer), for choosing a model without coding. */
  costQ8: Uint32Array;
}

export interface Level {
  shift: number;
  table: LaplaceTable;
}

const tables: (LaplaceTable | undefined)[] = new Array(THETA_Q16.length);
const levels: (Level | undefined)[] = new Array(NUM_LEVELS);

/** The model of a level (tables are built on first use and shared). */
export function levelOf(level: number): Level {
  const cached = levels[level];
  if (cached !== undefined) return cached;
  const t = level < 24 ? level : 20 + ((level - 20) % 4);
  const shift = level < 24 ? 0 : (level - 20) >> 2;
  return (levels[level] = { shift, table: (tables[t] ??= buildTable(THETA_Q16[t]!, K_OF_TABLE[t]!)) });
}

function buildTable(theta: number, k: number): LaplaceTable {
  const n = 2 * k + 2;
  const weight = new Array<number>(n);
  let w = 2 ** 30;
  weight[0] = w;
  for (let m = 1; m <= k; m++) {
    w = Math.floor((w * theta) / 65536);
    weight[2 * m - 1] = w;
    weight[2 * m] = w;
  }
  // Both tails past K: 2·w(K+1)/(1 − θ).
  weight[n - 1] = Math.floor((2 * Math.floor((w * theta) / 65536) * 65536) / (65536 - theta));
  let total = 0;
  for (const x of weight) total += x;
  const freq = new Uint32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    freq[i] = Math.min(MAX_FREQ, Math.max(1, Math.floor((weight[i]! * PROB_TOTAL) / total)));
    sum += freq[i]!;
  }
  // Hand the rounding slack to the likeliest symbols first (or take it from them), within [1, MAX_FREQ].
  let diff = PROB_TOTAL - sum;
  for (let i = 0; diff !== 0; i = (i + 1) % n) {
    const room = diff > 0 ? MAX_FREQ - freq[i]! : 1 - freq[i]!;
    const step = diff > 0 ? Math.min(diff, room) : Math.max(diff, room);
    freq[i]! += step;
    diff -= step;
  }
  const cum = new Uint32Array(n + 1);
  const costQ8 = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    cum[i + 1] = cum[i]! + freq[i]!;
    costQ8[i] = costBitsQ8(freq[i]!);
  }
  return { k, freq, cum, escape: n - 1, costQ8 };
}

/** −log2(freq / 2^16) in 1/256 bits, by integer bit-by-bit logarithm. */
export function costBitsQ8(freq: number): number {
  return 16 * 256 - log2Q8(freq);
}

/** log2(x) × 256 for an integer x ≥ 1, rounded down, integers only. */
export function log2Q8(x: number): number {
  let intPart = 0;
  while (x >= 2 ** (intPart + 1)) intPart++;
  // Mantissa in [2^15, 2^16): squaring it stays below 2^32, exact in a double.
  let m = Math.floor((x * 2 ** 15) / 2 ** intPart);
  let frac = 0;
  for (let bit = 128; bit >= 1; bit >>= 1) {
    m = Math.floor((m * m) / 2 ** 15);
    if (m >= 2 ** 16) {
      m = Math.floor(m / 2);
      frac += bit;
    }
  }
  return intPart * 256 + frac;
}

/** The symbol index for quotient q, or the escape index when |q| > K. */
export function symbolOf(table: LaplaceTable, q: number): number {
  if (q > table.k || q < -table.k) return table.escape;
  return q > 0 ? 2 * q : -2 * q - (q < 0 ? 1 : 0);
}

export function quotientOf(symbol: number): number {
  return symbol & 1 ? -((symbol + 1) >> 1) : symbol >> 1;
}

/** Binary search: the symbol whose [cum, cum + freq) holds v. */
export function findSymbol(table: LaplaceTable, v: number): number {
  const cum = table.cum;
  let lo = 0;
  let hi = cum.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cum[mid]! <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The level whose E|r| range holds meanAbsQ8 (= mean |r| × 256). */
export function levelForMean(meanAbsQ8: number): number {
  let lo = 0;
  let hi = NUM_LEVELS - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (LEVEL_THRESHOLDS[mid]! <= meanAbsQ8) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Number of bits of a non-negative integer below 2^53 (0 for 0). */
export function bitLength(m: number): number {
  let c = 0;
  while (m >= 1) {
    m = Math.floor(m / 2);
    c++;
  }
  return c;
}
