// Bulletproofs inner-product argument (Bünz et al. 2018, Protocol 1 with the Fiat–Shamir transcript), for any
// vector length: when a round has an odd length, the last element is carried unfolded into the next round
// (144 = 9 × 16 bits → 72 → 36 → 18 → 9 → 5 → 3 → 2 → 1: 8 rounds, 16 points).
// Neither side ever folds points. Both track, for each original index i, the scalar coefficient that the
// current folded generators give g_i and h_i; the prover evaluates L and R as multi-scalar multiplications over
// the original (fixed, precomputed) generators, the verifier gets the final coefficients in one pass.
import { type Point, Fn } from './group';
import { Transcript } from './transcript';

export interface InnerProductProof {
  readonly L: readonly Point[];
  readonly R: readonly Point[];
  readonly a: bigint;
  readonly b: bigint;
}

/** Σ gCoef_i·G_i + Σ hCoef_i·H_i + qCoef·Q over the argument's generators (supplied by the caller). */
export type GeneratorCommit = (gCoef: bigint[], hCoef: bigint[], qCoef: bigint) => Point;

/** Rounds for a vector of length n (each round: n → ⌈n/2⌉). */
export function innerProductRounds(n: number): number {
  let rounds = 0;
  for (let k = n; k > 1; k = Math.ceil(k / 2)) rounds++;
  return rounds;
}

/** Which original indices each current slot holds, and their current generator coefficients. */
class FoldState {
  slots: number[][];
  readonly coefG: bigint[];
  readonly coefH: bigint[];

  constructor(n: number) {
    this.slots = Array.from({ length: n }, (_, i) => [i]);
    this.coefG = new Array<bigint>(n).fill(1n);
    this.coefH = new Array<bigint>(n).fill(1n);
  }

  /** G' = x⁻¹·G_lo + x·G_hi, H' = x·H_lo + x⁻¹·H_hi; an odd last slot is carried as is. */
  fold(x: bigint, xInv: bigint): void {
    const half = Math.floor(this.slots.length / 2);
    const next: number[][] = [];
    for (let s = 0; s < half; s++) {
      for (const m of this.slots[s]!) {
        this.coefG[m] = Fn.mul(this.coefG[m]!, xInv);
        this.coefH[m] = Fn.mul(this.coefH[m]!, x);
      }
      for (const m of this.slots[half + s]!) {
        this.coefG[m] = Fn.mul(this.coefG[m]!, x);
        this.coefH[m] = Fn.mul(this.coefH[m]!, xInv);
      }
      next.push(this.slots[s]!.concat(this.slots[half + s]!));
    }
    if (this.slots.length % 2 === 1) next.push(this.slots[this.slots.length - 1]!);
    this.slots = next;
  }

  /** Coefficients of Σ_s u_s·(current G_s) (or H_s) over the original generators. */
  expand(u: readonly bigint[], slotFrom: number, count: number, coef: readonly bigint[], out: bigint[]): void {
    for (let s = 0; s < count; s++) {
      for (const m of this.slots[slotFrom + s]!) out[m] = Fn.mul(u[s]!, coef[m]!);
    }
  }
}

function inner(a: readonly bigint[], b: readonly bigint[]): bigint {
  let acc = 0n;
  for (let i = 0; i < a.length; i++) acc += a[i]! * b[i]!;
  return Fn.create(acc);
}

/** Proves knowledge of a, b with P = ⟨a, G⟩ + ⟨b, H⟩ + ⟨a, b⟩·Q for the P the transcript already fixes. */
export function proveInnerProduct(t: Transcript, commit: GeneratorCommit, a0: readonly bigint[], b0: readonly bigint[]): InnerProductProof {
  const n = a0.length;
  let a = a0.slice();
  let b = b0.slice();
  const state = new FoldState(n);
  const L: Point[] = [];
  const R: Point[] = [];
  t.appendU32('ipa-n', n);
  while (a.length > 1) {
    const half = Math.floor(a.length / 2);
    const aLo = a.slice(0, half), aHi = a.slice(half, 2 * half);
    const bLo = b.slice(0, half), bHi = b.slice(half, 2 * half);
    const gL = new Array<bigint>(n).fill(0n), hL = new Array<bigint>(n).fill(0n);
    state.expand(aLo, half, half, state.coefG, gL); // ⟨a_lo, G_hi⟩
    state.expand(bHi, 0, half, state.coefH, hL); //    ⟨b_hi, H_lo⟩
    const gR = new Array<bigint>(n).fill(0n), hR = new Array<bigint>(n).fill(0n);
    state.expand(aHi, 0, half, state.coefG, gR); // ⟨a_hi, G_lo⟩
    state.expand(bLo, half, half, state.coefH, hR); // ⟨b_lo, H_hi⟩
    const Lk = commit(gL, hL, inner(aLo, bHi));
    const Rk = commit(gR, hR, inner(aHi, bLo));
    L.push(Lk);
    R.push(Rk);
    t.appendPoint('L', Lk);
    t.appendPoint('R', Rk);
    const x = t.challengeScalar('ipa-x');
    const xInv = Fn.inv(x);
    const nextA: bigint[] = [], nextB: bigint[] = [];
    for (let i = 0; i < half; i++) {
      nextA.push(Fn.add(Fn.mul(aLo[i]!, x), Fn.mul(aHi[i]!, xInv)));
      nextB.push(Fn.add(Fn.mul(bLo[i]!, xInv), Fn.mul(bHi[i]!, x)));
    }
    if (a.length % 2 === 1) {
      nextA.push(a[a.length - 1]!);
      nextB.push(b[b.length - 1]!);
    }
    state.fold(x, xInv);
    a = nextA;
    b = nextB;
  }
  return { L, R, a: a[0]!, b: b[0]! };
}

export interface InnerProductChallenges {
  /** Round challenges x_k and their squares / inverse squares (the weights of L_k and R_k). */
  readonly xSquares: bigint[];
  readonly xInvSquares: bigint[];
  /** Final coefficients s_i of g_i and s'_i of h_i: G_final = Σ s_i·g_i, H_final = Σ s'_i·h_i. */
  readonly coefG: bigint[];
  readonly coefH: bigint[];
}

/** Replays the verifier's side of the transcript; null if the proof has the wrong number of rounds. */
export function innerProductChallenges(t: Transcript, n: number, proof: InnerProductProof): InnerProductChallenges | null {
  const rounds = innerProductRounds(n);
  if (proof.L.length !== rounds || proof.R.length !== rounds) return null;
  t.appendU32('ipa-n', n);
  const state = new FoldState(n);
  const xSquares: bigint[] = [], xInvSquares: bigint[] = [];
  for (let k = 0; k < rounds; k++) {
    t.appendPoint('L', proof.L[k]!);
    t.appendPoint('R', proof.R[k]!);
    const x = t.challengeScalar('ipa-x');
    const xInv = Fn.inv(x);
    xSquares.push(Fn.sqr(x));
    xInvSquares.push(Fn.sqr(xInv));
    state.fold(x, xInv);
  }
  return { xSquares, xInvSquares, coefG: state.coefG, coefH: state.coefH };
}
