// Bulletproofs inner-product argument (Bünz et al. 2018, Protocol 1 with the Fiat–Shamir transcript) for vector
// lengths that are powers of two, and ONLY those: every round halves the vector, so every slot of every round is
// folded with the round challenge (G' = x⁻¹·G_lo + x·G_hi, H' = x·H_lo + x⁻¹·H_hi). Callers pad (the range proof
// pads 9 × 16 = 144 bits to 256 with commitments to zero). An earlier version carried the last slot of an
// odd-length round unfolded; nothing bound that slot to the challenge, and proofs were forgeable
// (docs/SECURITY.md). Both prover and verifier refuse any other length.
// Neither side folds points. The prover tracks, for each original index, the scalar its current folded generator
// gives g_i and h_i and evaluates L, R as multi-scalar multiplications over the original (fixed, precomputed)
// generators; the verifier gets the final coefficients s_i from the challenges by the standard product tree.
import { InvalidCryptoInputError } from './errors';
import { type Point, Fn } from './group';
import type { Transcript } from './transcript';

export interface InnerProductProof {
  readonly L: readonly Point[];
  readonly R: readonly Point[];
  readonly a: bigint;
  readonly b: bigint;
}

/** Σ gCoef_i·G_i + Σ hCoef_i·H_i + qCoef·Q over the argument's generators (supplied by the caller). */
export type GeneratorCommit = (gCoef: bigint[], hCoef: bigint[], qCoef: bigint) => Point;

export function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/** Rounds for a vector of length n = 2^k: k. Throws InvalidCryptoInputError for any other length. */
export function innerProductRounds(n: number): number {
  if (!isPowerOfTwo(n) || n > 2 ** 30) throw new InvalidCryptoInputError(`inner-product length must be a power of two, got ${n}`);
  return 31 - Math.clz32(n);
}

function inner(a: readonly bigint[], b: readonly bigint[]): bigint {
  let acc = 0n;
  for (let i = 0; i < a.length; i++) acc += a[i]! * b[i]!;
  return Fn.create(acc);
}

/** Inverses of non-zero scalars with one field inversion (Montgomery's trick). */
export function batchInvert(values: readonly bigint[]): bigint[] {
  const prefix: bigint[] = new Array<bigint>(values.length);
  let acc = 1n;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === 0n) throw new InvalidCryptoInputError('cannot invert zero');
    prefix[i] = acc;
    acc = Fn.mul(acc, values[i]!);
  }
  let inv = Fn.inv(acc);
  const out: bigint[] = new Array<bigint>(values.length);
  for (let i = values.length - 1; i >= 0; i--) {
    out[i] = Fn.mul(inv, prefix[i]!);
    inv = Fn.mul(inv, values[i]!);
  }
  return out;
}

/**
 * Final generator coefficients of a correct fold with round challenges x_0..x_{k−1} (round 0 first) on n = 2^k
 * generators: G_final = Σ s_i·g_i with s_i = Π_r x_r^{+1 if i is in round r's high half, else −1}, and H_final =
 * Σ s_i⁻¹·h_i where s_i⁻¹ = s_{n−1−i}. Product tree: s_0 = Π x_r⁻¹, then each s_i is s_{i − 2^j}·x_r² for the
 * highest set bit j of i (round r = k − 1 − j): one multiplication per coefficient.
 */
export function foldCoefficients(x: readonly bigint[], xInv: readonly bigint[]): { coefG: bigint[]; coefH: bigint[] } {
  const k = x.length;
  const n = 2 ** k;
  const s: bigint[] = new Array<bigint>(n);
  let s0 = 1n;
  for (const v of xInv) s0 = Fn.mul(s0, v);
  s[0] = s0;
  for (let j = 0; j < k; j++) {
    const sq = Fn.sqr(x[k - 1 - j]!);
    const base = 1 << j;
    for (let i = base; i < 2 * base; i++) s[i] = Fn.mul(s[i - base]!, sq);
  }
  const coefH: bigint[] = new Array<bigint>(n);
  for (let i = 0; i < n; i++) coefH[i] = s[n - 1 - i]!;
  return { coefG: s, coefH };
}

/** Proves knowledge of a, b with P = ⟨a, G⟩ + ⟨b, H⟩ + ⟨a, b⟩·Q for the P the transcript already fixes. */
export function proveInnerProduct(t: Transcript, commit: GeneratorCommit, a0: readonly bigint[], b0: readonly bigint[]): InnerProductProof {
  const n = a0.length;
  if (b0.length !== n) throw new InvalidCryptoInputError('inner-product vectors must have the same length');
  innerProductRounds(n); // refuses lengths that are not powers of two
  let a = a0.slice();
  let b = b0.slice();
  // Original index m sits in slot m mod len; coefG[m] / coefH[m] is the scalar its current generator gives it.
  const coefG = new Array<bigint>(n).fill(1n);
  const coefH = new Array<bigint>(n).fill(1n);
  const L: Point[] = [];
  const R: Point[] = [];
  t.appendU32('ipa-n', n);
  for (let len = n; len > 1; len /= 2) {
    const half = len / 2;
    const aLo = a.slice(0, half),
      aHi = a.slice(half);
    const bLo = b.slice(0, half),
      bHi = b.slice(half);
    const gL = new Array<bigint>(n).fill(0n),
      hL = new Array<bigint>(n).fill(0n);
    const gR = new Array<bigint>(n).fill(0n),
      hR = new Array<bigint>(n).fill(0n);
    for (let m = 0; m < n; m++) {
      const slot = m % len;
      if (slot >= half) {
        gL[m] = Fn.mul(aLo[slot - half]!, coefG[m]!); // ⟨a_lo, G_hi⟩
        hR[m] = Fn.mul(bLo[slot - half]!, coefH[m]!); // ⟨b_lo, H_hi⟩
      } else {
        hL[m] = Fn.mul(bHi[slot]!, coefH[m]!); //        ⟨b_hi, H_lo⟩
        gR[m] = Fn.mul(aHi[slot]!, coefG[m]!); //        ⟨a_hi, G_lo⟩
      }
    }
    const Lk = commit(gL, hL, inner(aLo, bHi));
    const Rk = commit(gR, hR, inner(aHi, bLo));
    L.push(Lk);
    R.push(Rk);
    t.appendPoint('L', Lk);
    t.appendPoint('R', Rk);
    const x = t.challengeScalar('ipa-x');
    const xInv = Fn.inv(x);
    const nextA: bigint[] = [],
      nextB: bigint[] = [];
    for (let i = 0; i < half; i++) {
      nextA.push(Fn.add(Fn.mul(aLo[i]!, x), Fn.mul(aHi[i]!, xInv)));
      nextB.push(Fn.add(Fn.mul(bLo[i]!, xInv), Fn.mul(bHi[i]!, x)));
    }
    for (let m = 0; m < n; m++) {
      const hi = m % len >= half;
      coefG[m] = Fn.mul(coefG[m]!, hi ? x : xInv);
      coefH[m] = Fn.mul(coefH[m]!, hi ? xInv : x);
    }
    a = nextA;
    b = nextB;
  }
  return { L, R, a: a[0]!, b: b[0]! };
}

/**
 * The verifier's side of the transcript: absorbs n and every (L_k, R_k), returns the round challenges x_k.
 * Null when n is not a power of two or the proof has the wrong number of rounds.
 */
export function innerProductChallengeScalars(t: Transcript, n: number, proof: InnerProductProof): bigint[] | null {
  if (!isPowerOfTwo(n)) return null;
  const rounds = innerProductRounds(n);
  if (proof.L.length !== rounds || proof.R.length !== rounds) return null;
  t.appendU32('ipa-n', n);
  const x: bigint[] = [];
  for (let k = 0; k < rounds; k++) {
    t.appendPoint('L', proof.L[k]!);
    t.appendPoint('R', proof.R[k]!);
    x.push(t.challengeScalar('ipa-x'));
  }
  return x;
}

export interface InnerProductChallenges {
  /** Round challenges x_k and their squares / inverse squares (the weights of L_k and R_k). */
  readonly x: bigint[];
  readonly xSquares: bigint[];
  readonly xInvSquares: bigint[];
  /** Final coefficients s_i of g_i and s_i⁻¹ of h_i: G_final = Σ s_i·g_i, H_final = Σ s_i⁻¹·h_i. */
  readonly coefG: bigint[];
  readonly coefH: bigint[];
}

/** Challenges plus the verifier's final generator coefficients; null on a wrong length or round count. */
export function innerProductChallenges(t: Transcript, n: number, proof: InnerProductProof): InnerProductChallenges | null {
  const x = innerProductChallengeScalars(t, n, proof);
  if (!x) return null;
  const xInv = batchInvert(x);
  return { x, xSquares: x.map((v) => Fn.sqr(v)), xInvSquares: xInv.map((v) => Fn.sqr(v)), ...foldCoefficients(x, xInv) };
}
