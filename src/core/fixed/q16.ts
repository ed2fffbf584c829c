// Q16.16 fixed point: a value v is stored as the int32 round(v · 65536). Range [-32768, 32768), step 2^-16.
//
// Every operation that decides state is integer-exact: JS numbers are doubles, but every intermediate
// below is an integer smaller than 2^53, so no rounding ever happens inside the engine's arithmetic.
// Rounding is "to nearest, ties towards +∞" (add half, arithmetic shift), the same on every machine.
import { SIN_QUARTER_STEPS, SIN_TABLE } from './sinTable';

export type Q16 = number;

export const FRAC_BITS = 16;
export const ONE: Q16 = 0x10000;
export const HALF: Q16 = 0x8000;
export const MAX: Q16 = 0x7fffffff;
export const MIN: Q16 = -0x80000000;
export const EPSILON: Q16 = 1;
/** π in Q16 (205887 = round(π · 65536)). */
export const PI: Q16 = 205887;
export const TWO_PI: Q16 = 411775;
export const HALF_PI: Q16 = 102944;

/** A Q16 conversion got a value it cannot represent. */
export class Q16RangeError extends RangeError {
  override readonly name = 'Q16RangeError';
}

const TWO_16 = 65536;

function saturate(n: number): Q16 {
  return n > MAX ? MAX : n < MIN ? MIN : n;
}

/** Integer → Q16. Throws Q16RangeError outside [-32768, 32767]. */
export function fromInt(n: number): Q16 {
  if (!Number.isInteger(n) || n < -32768 || n > 32767) {
    throw new Q16RangeError(`fromInt: ${n} is not an integer in [-32768, 32767]`);
  }
  return n * TWO_16;
}

/** Q16 → integer, rounding towards −∞ (like an arithmetic shift). */
export function toInt(a: Q16): number {
  return a >> FRAC_BITS;
}

/** Float → Q16, rounded to nearest. For configuration and tests only, never on a state path. */
export function fromFloat(f: number): Q16 {
  if (!Number.isFinite(f)) throw new Q16RangeError(`fromFloat: ${f} is not finite`);
  if (f < -32768 || f >= 32768) throw new Q16RangeError(`fromFloat: ${f} is outside [-32768, 32768)`);
  // Inside the range, only [MAX + ½ step, 32768) rounds past MAX; its nearest representable value is MAX.
  const r = Math.round(f * TWO_16);
  return r > MAX ? MAX : r | 0;
}

/** Q16 → float, for display only. */
export function toFloat(a: Q16): number {
  return a / TWO_16;
}

export function add(a: Q16, b: Q16): Q16 {
  return saturate(a + b);
}

export function sub(a: Q16, b: Q16): Q16 {
  return saturate(a - b);
}

export function neg(a: Q16): Q16 {
  return a === MIN ? MAX : -a | 0;
}

export function abs(a: Q16): Q16 {
  return a < 0 ? neg(a) : a;
}

export function clamp(a: Q16, lo: Q16, hi: Q16): Q16 {
  return a < lo ? lo : a > hi ? hi : a;
}

/**
 * a · b with the exact 64-bit product, rounded to nearest and saturated. The operands are split into a
 * signed high and an unsigned low 16-bit half, so every partial product is exact:
 * (a·b + 2^15) >> 16 = ah·bh·2^16 + (ah·bl + al·bh) + ((al·bl + 2^15) >>> 16).
 */
export function mul(a: Q16, b: Q16): Q16 {
  // Fast path, same result: while |a|, |b| < 2^26 the product is below 2^52, so the double a·b is the exact
  // integer and (a·b + 2^15) / 2^16 only rescales by a power of two; floor then equals the arithmetic shift.
  // (Kept small so the engine inlines it; the general case is its own function.)
  if (a < 0x4000000 && a > -0x4000000 && b < 0x4000000 && b > -0x4000000) {
    return saturate(Math.floor((a * b + HALF) / TWO_16));
  }
  return mulWide(a, b);
}

/** mul for operands of any size: the exact product from 16-bit halves, so every partial product is exact. */
function mulWide(a: Q16, b: Q16): Q16 {
  const ah = a >> 16;
  const al = a & 0xffff;
  const bh = b >> 16;
  const bl = b & 0xffff;
  const low = (al * bl + HALF) >>> 16;
  return saturate(ah * bh * TWO_16 + (ah * bl + al * bh) + low);
}

/** Σ a[i]·b[i] over n terms with exact accumulation and a single rounding at the end (n ≤ 64). */
export function dotAt(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, n: number): Q16 {
  // Fast path, same result: with at most 8 terms and every |a[i]| ≤ 2^19 (the neuron's weight limit is 8.0 =
  // 2^19), each product is below 2^50 and their sum below 2^53: the plain double sum is exact.
  if (n <= 8) {
    let sum = 0;
    let small = true;
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      if (x > 0x80000 || x < -0x80000) {
        small = false;
        break;
      }
      sum += x * b[bo + i]!;
    }
    if (small) return saturate(Math.floor((sum + HALF) / TWO_16));
  }
  let hh = 0;
  let mid = 0;
  let ll = 0;
  for (let i = 0; i < n; i++) {
    const x = a[ao + i]!;
    const y = b[bo + i]!;
    const xh = x >> 16;
    const xl = x & 0xffff;
    const yh = y >> 16;
    const yl = y & 0xffff;
    hh += xh * yh;
    mid += xh * yl + xl * yh;
    ll += xl * yl;
  }
  // ll < 2^38 and mid < 2^38: both exact; dividing by 2^16 is exact in binary floating point.
  return saturate(hh * TWO_16 + mid + Math.floor((ll + HALF) / TWO_16));
}

/** The 8-term dot product of the neuron (8 lags). */
export function dot8(a: ArrayLike<number>, b: ArrayLike<number>): Q16 {
  return dotAt(a, 0, b, 0, 8);
}

/**
 * a / b rounded to nearest (ties away from zero on the magnitude), saturated. Division by zero saturates
 * towards the sign of a (0/0 = 0) instead of throwing, because it can happen on a state path.
 */
export function div(a: Q16, b: Q16): Q16 {
  if (b === 0) return a > 0 ? MAX : a < 0 ? MIN : 0;
  const num = a * TWO_16; // exact, |num| < 2^47
  const negative = num < 0 !== b < 0;
  const n = Math.abs(num);
  const d = Math.abs(b);
  let q = floorDiv(n, d);
  if (2 * (n - q * d) >= d) q += 1; // q·d ≤ n < 2^47: exact
  // `| 0` turns a negative zero (e.g. -1 / 65536000) into 0, so results compare equal with Object.is.
  return saturate(negative ? -q : q) | 0;
}

/**
 * a / d for a Q16 (or any integer |a| < 2^53) and a positive integer d, rounded to nearest with ties away from
 * zero, exact. For averages and EMA steps where q16.div's fixed-point rescaling is not needed.
 */
export function divInt(a: number, d: number): number {
  const m = a < 0 ? -a : a;
  let q = floorDiv(m, d);
  if (2 * (m - q * d) >= d) q += 1;
  return a < 0 ? -q : q;
}

/** Integer square root: floor(√a) in Q16, i.e. floor(√(a · 2^16)). Throws Q16RangeError for a < 0. */
export function sqrt(a: Q16): Q16 {
  if (a < 0) throw new Q16RangeError(`sqrt of a negative value (${a})`);
  return isqrt(a * TWO_16);
}

/** floor(√n) for an integer 0 ≤ n < 2^52, exact (a float estimate corrected with exact integer squares). */
export function isqrt(n: number): number {
  let r = Math.floor(Math.sqrt(n));
  while (r * r > n) r -= 1;
  while ((r + 1) * (r + 1) <= n) r += 1;
  return r;
}

// One full turn is 4 quarter waves of SIN_QUARTER_STEPS table steps each; positions carry 16 fraction bits.
const STEPS_PER_TURN = 4 * SIN_QUARTER_STEPS;
const POS_PER_TURN = STEPS_PER_TURN * TWO_16;

function tableAt(step: number): number {
  const quadrant = step >> 8;
  const i = step & (SIN_QUARTER_STEPS - 1);
  switch (quadrant & 3) {
    case 0:
      return SIN_TABLE[i]!;
    case 1:
      return SIN_TABLE[SIN_QUARTER_STEPS - i]!;
    case 2:
      return -SIN_TABLE[i]!;
    default:
      return -SIN_TABLE[SIN_QUARTER_STEPS - i]!;
  }
}

function sinAtPos(pos: number): Q16 {
  const step = Math.floor(pos / TWO_16) % STEPS_PER_TURN;
  const frac = pos % TWO_16;
  const v0 = tableAt(step);
  const v1 = tableAt((step + 1) % STEPS_PER_TURN);
  return v0 + Math.floor(((v1 - v0) * frac + HALF) / TWO_16);
}

// 2π · 2^36 rounded: one turn in Q16 units with 20 extra fraction bits. Reducing modulo the Q16 constant
// TWO_PI instead (off by 0.17 LSB per turn) let the phase drift, so the error grew to 0.013 at |x| ≈ 32767.
const TURN_2_36 = 431777206545;
const TWO_13 = 8192;

/** floor(n / d) for integers |n| < 2^53, 0 < d: a float estimate corrected with exact integer products. */
export function floorDiv(n: number, d: number): number {
  let q = Math.floor(n / d);
  let r = n - q * d;
  while (r < 0) {
    q -= 1;
    r += d;
  }
  while (r >= d) {
    q += 1;
    r -= d;
  }
  return q;
}

/** round(s / k) to nearest with ties towards +∞ (⌊s/k + 1/2⌋), exact for integers |s| < 2^53, 0 < k < 2^53. */
export function roundDivUp(s: number, k: number): number {
  const q = floorDiv(s, k);
  return 2 * (s - q * k) >= k ? q + 1 : q;
}

/** The position of x (radians) within its turn, in [0, POS_PER_TURN): floor(frac(x / 2π) · 2^26), exact. */
function turnPos(x: Q16): number {
  const m = (((x * 1048576) % TURN_2_36) + TURN_2_36) % TURN_2_36; // |x · 2^20| < 2^51: exact
  // m · 2^26 / TURN exceeds 2^53, so divide in two 13-bit steps (each numerator < 2^52).
  const a = m * TWO_13;
  const q1 = floorDiv(a, TURN_2_36);
  const q2 = floorDiv((a - q1 * TURN_2_36) * TWO_13, TURN_2_36);
  return q1 * TWO_13 + q2;
}

/** sin(x) for x in Q16 radians, from a 257-entry quarter-wave table with linear interpolation. */
export function sin(x: Q16): Q16 {
  return sinAtPos(turnPos(x));
}

/** cos(x) for x in Q16 radians (the sine table a quarter turn ahead). */
export function cos(x: Q16): Q16 {
  return sinAtPos((turnPos(x) + POS_PER_TURN / 4) % POS_PER_TURN);
}
