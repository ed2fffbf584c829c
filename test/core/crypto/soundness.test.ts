// Soundness of the transition proof against the odd-fold forgery (docs/SECURITY.md, issue 11).
//
// Everything protocol-side here is written out again, slowly and in textbook form, so that the test does not
// trust the code under test: a cheating range prover and a reference verifier that share the production
// transcript schedule, and take as parameters the padded commitment count M and how an odd-length
// inner-product round is folded ('carry': the last slot goes to the next round unfolded, as the code did up to
// this fix). With M = 9 and 'carry' the reference verifier IS the old verifier, and it accepts the forgeries
// below; the public verifiers must reject the very same bytes.
import { describe, expect, it } from 'vitest';
import { variableMsm } from '../../../src/core/crypto/msm';
import {
  commitGene,
  decodeTransitionProof,
  encodeTransitionProof,
  geneProofContext,
  proveGeneUpdate,
  verifyGeneUpdate,
  verifyGeneUpdates,
  type GeneUpdateStatement,
} from '../../../src/core/crypto/geneProof';
import { type ByteSource, Fn, Point, randomScalar, scalarFromInt, seededByteSource } from '../../../src/core/crypto/group';
import { RANGE_BITS, generators, rangeGeneratorMsm } from '../../../src/core/crypto/generators';
import {
  batchInvert,
  foldCoefficients,
  innerProductChallengeScalars,
  innerProductChallenges,
  innerProductRounds,
  proveInnerProduct,
  type InnerProductProof,
} from '../../../src/core/crypto/innerProduct';
import { type CommitmentBinding, RANGE_OFFSET, type RangeProof, proveRange, verifyRange, verifyRangeBatch } from '../../../src/core/crypto/rangeProof';
import { commitCoordinates, decodePoints, encodePoints, geneScalars, type GeneValues } from '../../../src/core/crypto/pedersen';
import { Transcript } from '../../../src/core/crypto/transcript';
import { InvalidCryptoInputError } from '../../../src/core/crypto/errors';

type Fold = 'halving' | 'carry';

const msm = (points: readonly Point[], scalars: readonly bigint[]) =>
  variableMsm(
    [...points],
    scalars.map((s) => Fn.create(s)),
  );
const powers = (base: bigint, count: number) => Array.from({ length: count }, (_, i) => Fn.pow(base, BigInt(i)));
const innerProd = (a: readonly bigint[], b: readonly bigint[]) => Fn.create(a.reduce((s, ai, i) => s + ai * b[i]!, 0n));

/**
 * Reference fold, obviously correct: every current generator is a coefficient vector over the originals, and each
 * round literally computes G'_s = x⁻¹·G_lo,s + x·G_hi,s and H'_s = x·H_lo,s + x⁻¹·H_hi,s. With 'carry', an odd
 * round moves its last slot to the next round untouched (the old, broken rule).
 */
function referenceFold(n: number, xs: readonly bigint[], fold: Fold): { coefG: bigint[]; coefH: bigint[] } {
  const unit = (i: number): bigint[] => Array.from({ length: n }, (_, j) => (i === j ? 1n : 0n));
  let G = Array.from({ length: n }, (_, i) => unit(i));
  let H = Array.from({ length: n }, (_, i) => unit(i));
  for (const x of xs) {
    const xInv = Fn.inv(x);
    const half = Math.floor(G.length / 2);
    const comb = (u: bigint[], ku: bigint, v: bigint[], kv: bigint) => u.map((c, j) => Fn.add(Fn.mul(c, ku), Fn.mul(v[j]!, kv)));
    const nextG = Array.from({ length: half }, (_, s) => comb(G[s]!, xInv, G[half + s]!, x));
    const nextH = Array.from({ length: half }, (_, s) => comb(H[s]!, x, H[half + s]!, xInv));
    if (G.length % 2 === 1) {
      if (fold === 'halving') throw new Error('odd length under halving fold');
      nextG.push(G[G.length - 1]!);
      nextH.push(H[H.length - 1]!);
    }
    G = nextG;
    H = nextH;
  }
  if (G.length !== 1) throw new Error('wrong number of rounds');
  return { coefG: G[0]!, coefH: H[0]! };
}

const roundsFor = (n: number) => {
  let r = 0;
  for (let k = n; k > 1; k = Math.ceil(k / 2)) r++;
  return r;
};

/** The production transcript schedule for the statement (labels as in rangeProof.ts). 'caller': the caller's
 *  transcript already bound what determines C (the gene transition's C_old and C_new), as geneProof.ts does. */
function bind(t: Transcript, C: readonly Point[], M: number, binding: CommitmentBinding): void {
  t.appendU32('range-bits', RANGE_BITS);
  t.appendU32('range-count', C.length);
  t.appendU32('range-padded-count', M);
  if (binding === 'caller') t.appendU32('range-commitments-bound-by-caller', 1);
  else for (const c of C) t.appendPoint('V', c);
}

/**
 * Reference verifier (textbook form, two separate checks, explicit generator folding). M: commitments after
 * padding (the padded ones are the identity); fold: how odd rounds are folded.
 */
function referenceVerify(t: Transcript, C: readonly Point[], p: RangeProof, M: number, fold: Fold, binding: CommitmentBinding = 'proof'): boolean {
  const { g, h, B, H } = generators();
  const n = M * RANGE_BITS;
  const rounds = roundsFor(n);
  if (p.ipa.L.length !== rounds || p.ipa.R.length !== rounds) return false;
  bind(t, C, M, binding);
  t.appendPoint('A', p.A);
  t.appendPoint('S', p.S);
  const y = t.challengeScalar('y');
  const z = t.challengeScalar('z');
  t.appendPoint('T1', p.T1);
  t.appendPoint('T2', p.T2);
  const x = t.challengeScalar('x');
  t.appendScalar('tau_x', p.tauX);
  t.appendScalar('mu', p.mu);
  t.appendScalar('t_hat', p.tHat);
  const w = t.challengeScalar('w');
  t.appendU32('ipa-n', n);
  const xs: bigint[] = [];
  for (let k = 0; k < rounds; k++) {
    t.appendPoint('L', p.ipa.L[k]!);
    t.appendPoint('R', p.ipa.R[k]!);
    xs.push(t.challengeScalar('ipa-x'));
  }
  const V = Array.from({ length: M }, (_, j) => (j < C.length ? C[j]! : Point.ZERO).add(B.multiply(BigInt(RANGE_OFFSET))));
  const yPow = powers(y, n);
  const zPow = powers(z, M + 3);
  const twoN = (i: number) => 2n ** BigInt(i % RANGE_BITS);
  // (1) t̂·B + τx·H = Σ z^{2+j}·V_j + δ(y, z)·B + x·T1 + x²·T2
  const delta = Fn.sub(
    Fn.mul(Fn.sub(z, Fn.sqr(z)), Fn.create(yPow.reduce((s, v) => s + v, 0n))),
    Fn.mul(Fn.create(zPow.slice(3, 3 + M).reduce((s, v) => s + v, 0n)), 2n ** BigInt(RANGE_BITS) - 1n),
  );
  const lhs1 = msm([B, H], [p.tHat, p.tauX]);
  const rhs1 = msm([...V, B, p.T1, p.T2], [...zPow.slice(2, 2 + M), delta, x, Fn.sqr(x)]);
  if (!lhs1.equals(rhs1)) return false;
  // (2) P = A + x·S − z·Σ g_i + Σ (z·y^i + z^{2+j}·2^k)·h'_i − μ·H with h'_i = y^{−i}·h_i; then the IPA on
  // (g, h', Q = w·B) with P + t̂·Q.
  const yInvPow = powers(Fn.inv(y), n);
  const hPrime = h.slice(0, n).map((hi, i) => hi.multiply(yInvPow[i]!));
  const Q = B.multiply(w);
  const P = msm(
    [p.A, p.S, ...g.slice(0, n), ...hPrime, H, Q],
    [
      1n,
      x,
      ...g.slice(0, n).map(() => Fn.neg(z)),
      ...hPrime.map((_, i) => Fn.add(Fn.mul(z, yPow[i]!), Fn.mul(zPow[2 + Math.floor(i / RANGE_BITS)]!, twoN(i)))),
      Fn.neg(p.mu),
      p.tHat,
    ],
  );
  const { coefG, coefH } = referenceFold(n, xs, fold);
  const lhs2 = msm([P, ...p.ipa.L, ...p.ipa.R], [1n, ...xs.map((v) => Fn.sqr(v)), ...xs.map((v) => Fn.sqr(Fn.inv(v)))]);
  const rhs2 = msm(
    [...g.slice(0, n), ...hPrime, Q],
    [...coefG.map((c) => Fn.mul(c, p.ipa.a)), ...coefH.map((c) => Fn.mul(c, p.ipa.b)), Fn.mul(p.ipa.a, p.ipa.b)],
  );
  return lhs2.equals(rhs2);
}

/**
 * The forger: commitments C_j to the TRUE (out-of-range) Δ_j, bits of v'_j = (Δ_j + 2^15) mod 2^16, and a t̂ raised
 * by D = Σ z^{2+j}·(v_j − v'_j) so that check (1) passes. The inner-product argument then has to prove ⟨l, r⟩ + D,
 * which the odd-fold trick does: in the first odd round, L gets l·G_last (+ l·b_last·Q) and R gets r'·H_last
 * (+ a_last·r'·Q) with l·r' = D, and the carried slot becomes (a_last + x²·l, b_last + x⁻²·r'). Every cross term
 * cancels for whatever x the transcript yields, and the folded statement is an honest one from there on.
 */
function forgeRange(
  t: Transcript,
  C: readonly Point[],
  deltas: readonly bigint[],
  blinds: readonly bigint[],
  src: ByteSource,
  binding: CommitmentBinding = 'proof',
): RangeProof {
  const { g } = generators();
  const m = C.length;
  const M = m; // no padding: the odd rounds are the point
  const n = M * RANGE_BITS;
  bind(t, C, M, binding);
  const v = deltas.map((d) => d + BigInt(RANGE_OFFSET));
  const vPrime = v.map((vj) => ((vj % 65536n) + 65536n) % 65536n);
  const aL: bigint[] = [];
  for (const vj of vPrime) for (let k = 0; k < RANGE_BITS; k++) aL.push((vj >> BigInt(k)) & 1n);
  const aR = aL.map((bit) => Fn.sub(bit, 1n));
  const total = g.length;
  const fixed = (gC: readonly bigint[], hC: readonly bigint[], bC: bigint, hB: bigint) => {
    const s = new Array<bigint>(2 * total + 2).fill(0n);
    for (let i = 0; i < n; i++) {
      s[i] = Fn.create(gC[i]!);
      s[total + i] = Fn.create(hC[i]!);
    }
    s[2 * total] = Fn.create(bC);
    s[2 * total + 1] = Fn.create(hB);
    return rangeGeneratorMsm(s);
  };
  const alpha = randomScalar(src),
    rho = randomScalar(src);
  const sL = aL.map(() => randomScalar(src)),
    sR = aL.map(() => randomScalar(src));
  const A = fixed(aL, aR, 0n, alpha);
  const S = fixed(sL, sR, 0n, rho);
  t.appendPoint('A', A);
  t.appendPoint('S', S);
  const y = t.challengeScalar('y');
  const z = t.challengeScalar('z');
  const yPow = powers(y, n),
    zPow = powers(z, M + 3);
  const l0 = aL.map((b) => Fn.sub(b, z));
  const r0 = aR.map((b, i) => Fn.add(Fn.mul(yPow[i]!, Fn.add(b, z)), Fn.mul(zPow[2 + Math.floor(i / RANGE_BITS)]!, 2n ** BigInt(i % RANGE_BITS))));
  const r1 = sR.map((s, i) => Fn.mul(yPow[i]!, s));
  const t1 = Fn.add(innerProd(l0, r1), innerProd(sL, r0)),
    t2 = innerProd(sL, r1);
  const tau1 = randomScalar(src),
    tau2 = randomScalar(src);
  const { B, H } = generators();
  const T1 = msm([B, H], [t1, tau1]),
    T2 = msm([B, H], [t2, tau2]);
  t.appendPoint('T1', T1);
  t.appendPoint('T2', T2);
  const x = t.challengeScalar('x');
  const tauX = Fn.add(Fn.add(Fn.mul(tau2, Fn.sqr(x)), Fn.mul(tau1, x)), Fn.create(blinds.reduce((s, gj, j) => s + zPow[2 + j]! * gj, 0n)));
  const mu = Fn.add(alpha, Fn.mul(rho, x));
  const l = l0.map((li, i) => Fn.add(li, Fn.mul(sL[i]!, x)));
  const r = r0.map((ri, i) => Fn.add(ri, Fn.mul(r1[i]!, x)));
  const D = Fn.create(v.reduce((s, vj, j) => s + zPow[2 + j]! * (vj - vPrime[j]!), 0n));
  const tHat = Fn.add(innerProd(l, r), D);
  t.appendScalar('tau_x', tauX);
  t.appendScalar('mu', mu);
  t.appendScalar('t_hat', tHat);
  const w = t.challengeScalar('w');
  const yInv = powers(Fn.inv(y), n);
  const commit = (gC: bigint[], hC: bigint[], q: bigint) =>
    fixed(
      gC,
      hC.map((c, i) => Fn.mul(c, yInv[i]!)),
      Fn.mul(q, w),
      0n,
    );
  const ipa = forgeInnerProduct(t, commit, l, r, D);
  return { A, S, T1, T2, tauX, mu, tHat, ipa };
}

/** Carry-fold inner-product prover that shifts the proven inner product by D in its first odd round. */
function forgeInnerProduct(t: Transcript, commit: (g: bigint[], h: bigint[], q: bigint) => Point, a0: bigint[], b0: bigint[], D: bigint): InnerProductProof {
  const n = a0.length;
  let a = a0.slice(),
    b = b0.slice();
  // Each current slot as coefficient vectors over the original generators.
  let G: bigint[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1n : 0n)));
  let Hs = G.map((row) => row.slice());
  const L: Point[] = [],
    R: Point[] = [];
  let cheated = D === 0n;
  t.appendU32('ipa-n', n);
  const zero = () => new Array<bigint>(n).fill(0n);
  const addScaled = (acc: bigint[], vec: readonly bigint[], k: bigint) => vec.forEach((c, j) => (acc[j] = Fn.add(acc[j]!, Fn.mul(c, k))));
  while (a.length > 1) {
    const half = Math.floor(a.length / 2);
    const odd = a.length % 2 === 1;
    const gL = zero(),
      hL = zero(),
      gR = zero(),
      hR = zero();
    for (let s = 0; s < half; s++) {
      addScaled(gL, G[half + s]!, a[s]!); //  ⟨a_lo, G_hi⟩
      addScaled(hL, Hs[s]!, b[half + s]!); // ⟨b_hi, H_lo⟩
      addScaled(gR, G[s]!, a[half + s]!); //  ⟨a_hi, G_lo⟩
      addScaled(hR, Hs[half + s]!, b[s]!); // ⟨b_lo, H_hi⟩
    }
    let qL = innerProd(a.slice(0, half), b.slice(half, 2 * half));
    let qR = innerProd(a.slice(half, 2 * half), b.slice(0, half));
    const last = a.length - 1;
    const lc = 1n,
      rc = D; // l·r' = D
    const cheatNow = odd && !cheated;
    if (cheatNow) {
      addScaled(gL, G[last]!, lc);
      qL = Fn.add(qL, Fn.mul(lc, b[last]!));
      addScaled(hR, Hs[last]!, rc);
      qR = Fn.add(qR, Fn.mul(a[last]!, rc));
    }
    const Lk = commit(gL, hL, qL),
      Rk = commit(gR, hR, qR);
    L.push(Lk);
    R.push(Rk);
    t.appendPoint('L', Lk);
    t.appendPoint('R', Rk);
    const x = t.challengeScalar('ipa-x');
    const xInv = Fn.inv(x);
    const nextA: bigint[] = [],
      nextB: bigint[] = [];
    const nextG: bigint[][] = [],
      nextH: bigint[][] = [];
    for (let s = 0; s < half; s++) {
      nextA.push(Fn.add(Fn.mul(a[s]!, x), Fn.mul(a[half + s]!, xInv)));
      nextB.push(Fn.add(Fn.mul(b[s]!, xInv), Fn.mul(b[half + s]!, x)));
      const gs = zero(),
        hs = zero();
      addScaled(gs, G[s]!, xInv);
      addScaled(gs, G[half + s]!, x);
      addScaled(hs, Hs[s]!, x);
      addScaled(hs, Hs[half + s]!, xInv);
      nextG.push(gs);
      nextH.push(hs);
    }
    if (odd) {
      nextA.push(cheatNow ? Fn.add(a[last]!, Fn.mul(Fn.sqr(x), lc)) : a[last]!);
      nextB.push(cheatNow ? Fn.add(b[last]!, Fn.mul(Fn.sqr(xInv), rc)) : b[last]!);
      nextG.push(G[last]!);
      nextH.push(Hs[last]!);
      cheated = true;
    }
    a = nextA;
    b = nextB;
    G = nextG;
    Hs = nextH;
  }
  if (!cheated) throw new Error('no odd round to exploit');
  return { L, R, a: a[0]!, b: b[0]! };
}

// ---- gene-level forgeries (the transcript prefix of geneProof.ts's transitionTranscript) ----
const src = seededByteSource('soundness-test');

function transitionTranscript(context: Uint8Array, oldC: readonly Point[], newC: readonly Point[]): Transcript {
  const t = new Transcript('QRES/gene-transition/v1');
  t.appendMessage('context', context);
  for (const C of oldC) t.appendPoint('C_old', C);
  for (const C of newC) t.appendPoint('C_new', C);
  return t;
}

interface Forgery extends GeneUpdateStatement {
  readonly name: string;
  /** The old verifier (reference, 9 commitments unpadded, carried odd slots) on the same bytes. */
  readonly oldVerifierAccepts: boolean;
}

function forgeGeneUpdate(name: string, oldGene: GeneValues, newGene: GeneValues, nodeId: number): Forgery {
  const c = commitGene(oldGene, src);
  const oldInts = [...Array.from(oldGene.weights), oldGene.bias];
  const newInts = [...Array.from(newGene.weights), newGene.bias];
  const deltas = newInts.map((v, j) => BigInt(v) - BigInt(oldInts[j]!));
  const deltaBlinds = deltas.map(() => randomScalar(src));
  const oldC = decodePoints(c.commitment, 9);
  const newBlinds = c.opening.blinds.map((r, j) => Fn.add(r, deltaBlinds[j]!));
  const newC = commitCoordinates(geneScalars(newGene), newBlinds);
  const deltaC = newC.map((C, j) => C.subtract(oldC[j]!));
  const context = geneProofContext(nodeId, 5);
  const proof = forgeRange(transitionTranscript(context, oldC, newC), deltaC, deltas, deltaBlinds, src, 'caller');
  const oldVerifierAccepts = referenceVerify(transitionTranscript(context, oldC, newC), deltaC, proof, 9, 'carry', 'caller');
  return { name, commitOld: c.commitment, commitNew: encodePoints(newC), proof: encodeTransitionProof(proof), context, oldVerifierAccepts };
}

const base = { weights: Int32Array.from([1000, -2000, 3000, 0, 5, -6, 70000, -70000]), bias: 100 };
const shift = (gene: GeneValues, j: number, by: number): GeneValues => {
  const w = Int32Array.from(gene.weights);
  if (j < 8) w[j] = w[j]! + by;
  return { weights: w, bias: j === 8 ? gene.bias + by : gene.bias };
};
const zeroGene = { weights: new Int32Array(8), bias: 0 };

describe('soundness: the odd-fold forgery', () => {
  const forgeries: Forgery[] = [
    forgeGeneUpdate('just out of range (+2^15) on weight 0', base, shift(base, 0, RANGE_OFFSET), 1),
    forgeGeneUpdate('just out of range (−2^15 − 1) on weight 3', base, shift(base, 3, -RANGE_OFFSET - 1), 2),
    forgeGeneUpdate('+2^31 − 1 on weight 5', zeroGene, shift(zeroGene, 5, 2 ** 31 - 1), 3),
    forgeGeneUpdate('−2^31 on weight 7', zeroGene, shift(zeroGene, 7, -(2 ** 31)), 4),
    forgeGeneUpdate('the bias, +40,000', base, shift(base, 8, 40_000), 5),
    forgeGeneUpdate('every coordinate, +2^20', base, { weights: base.weights.map((v) => v + 2 ** 20), bias: base.bias + 2 ** 20 }, 6),
  ];

  it('the forgeries are real: the old (carried-odd-slot) verifier accepts every one of them', () => {
    for (const f of forgeries) expect(f.oldVerifierAccepts, f.name).toBe(true);
  });

  it('verifyGeneUpdate rejects every forgery', () => {
    for (const f of forgeries) expect(verifyGeneUpdate(f.commitOld, f.commitNew, f.proof, f.context), f.name).toBe(false);
  });

  it('verifyGeneUpdates rejects every forgery alone, among honest proofs, and all together', () => {
    const honest: GeneUpdateStatement[] = [0, 1].map((k) => {
      const from = shift(base, k, 7),
        to = shift(base, k, 9000);
      const c = commitGene(from, src);
      const context = geneProofContext(50 + k, 5);
      const u = proveGeneUpdate(from, to, c.opening, context, src);
      return { commitOld: c.commitment, commitNew: u.commitment, proof: u.proof, context };
    });
    expect(verifyGeneUpdates(honest)).toBe(true);
    for (const f of forgeries) {
      expect(verifyGeneUpdates([f]), f.name).toBe(false);
      expect(verifyGeneUpdates([honest[0]!, f, honest[1]!]), f.name).toBe(false);
    }
    expect(verifyGeneUpdates(forgeries)).toBe(false);
  });

  it('the fast verifiers and the slow textbook verifier agree (accept/reject) on honest, tampered and forged proofs', () => {
    // The textbook verifier of this file with the production schedule (9 commitments padded to 16, halving fold):
    // two separate checks, the generators folded literally, noble's own MSM. The public verifiers use one MSM on
    // precomputed tables (src/core/crypto/msm.ts); whatever that does differently must not change a verdict.
    const reference = (s: GeneUpdateStatement): boolean => {
      let oldC: Point[], newC: Point[], proof: RangeProof;
      try {
        oldC = decodePoints(s.commitOld, 9);
        newC = decodePoints(s.commitNew, 9);
        proof = decodeTransitionProof(s.proof);
      } catch {
        return false;
      }
      const deltaC = newC.map((C, j) => C.subtract(oldC[j]!));
      return referenceVerify(transitionTranscript(s.context, oldC, newC), deltaC, proof, 16, 'halving', 'caller');
    };
    const honest: GeneUpdateStatement[] = [0, 1].map((k) => {
      const from = shift(base, k + 2, -11),
        to = shift(base, k + 2, RANGE_OFFSET - 1 - 11 - 11 * k); // Δ = 2^15 − 1 − 11k: at the top of the range
      const c = commitGene(from, src);
      const context = geneProofContext(70 + k, 6);
      const u = proveGeneUpdate(from, to, c.opening, context, src);
      return { commitOld: c.commitment, commitNew: u.commitment, proof: u.proof, context };
    });
    const edit = (s: GeneUpdateStatement, f: (p: RangeProof) => RangeProof): GeneUpdateStatement => ({
      ...s,
      proof: encodeTransitionProof(f(decodeTransitionProof(s.proof))),
    });
    const h = honest[0]!;
    const swapped = decodePoints(h.commitNew, 9);
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    const tampered: GeneUpdateStatement[] = [
      edit(h, (p) => ({ ...p, tHat: Fn.add(p.tHat, 1n) })),
      edit(h, (p) => ({ ...p, tauX: Fn.add(p.tauX, 1n) })),
      edit(h, (p) => ({ ...p, ipa: { ...p.ipa, a: Fn.add(p.ipa.a, 1n) } })),
      edit(h, (p) => ({ ...p, ipa: { ...p.ipa, L: [p.ipa.L[1]!, p.ipa.L[0]!, ...p.ipa.L.slice(2)] } })),
      edit(h, (p) => ({ ...p, T1: p.T2, T2: p.T1 })),
      { ...h, context: geneProofContext(71, 6) },
      { ...h, commitNew: encodePoints(swapped) },
    ];
    const cases: [string, GeneUpdateStatement, boolean][] = [
      ...honest.map((s, k): [string, GeneUpdateStatement, boolean] => [`honest ${k}`, s, true]),
      ...tampered.map((s, k): [string, GeneUpdateStatement, boolean] => [`tampered ${k}`, s, false]),
      ...forgeries.map((f): [string, GeneUpdateStatement, boolean] => [f.name, f, false]),
    ];
    for (const [name, s, expected] of cases) {
      const slow = reference(s);
      expect(slow, `reference: ${name}`).toBe(expected);
      expect(verifyGeneUpdate(s.commitOld, s.commitNew, s.proof, s.context), `verifyGeneUpdate: ${name}`).toBe(slow);
      expect(verifyGeneUpdates([s]), `verifyGeneUpdates: ${name}`).toBe(slow);
      expect(verifyGeneUpdates([honest[1]!, s]), `verifyGeneUpdates with an honest one: ${name}`).toBe(slow);
    }
  }, 300_000);

  it('the range-proof verifiers reject the forgery (single and batch); the reference verifier agrees with production on honest proofs', () => {
    const deltas = [RANGE_OFFSET, 0, -5, 2 ** 31 - 1, 7];
    const blinds = deltas.map(() => randomScalar(src));
    const C = commitCoordinates(deltas.map(scalarFromInt), blinds);
    const tt = () => new Transcript('soundness-range');
    const forged = forgeRange(tt(), C, deltas.map(BigInt), blinds, src);
    // 5 commitments unpadded: 80 bits → 40 → 20 → 10 → 5 (odd) → 3 (odd) → 2 → 1.
    expect(referenceVerify(tt(), C, forged, 5, 'carry')).toBe(true);
    expect(verifyRange(tt(), C, forged)).toBe(false);
    const inRange = [1, -2, 3, RANGE_OFFSET - 1, -RANGE_OFFSET];
    const hb = inRange.map(() => randomScalar(src));
    const hC = commitCoordinates(inRange.map(scalarFromInt), hb);
    const honest = proveRange(tt(), hC, inRange, hb, src);
    expect(verifyRange(tt(), hC, honest)).toBe(true);
    expect(referenceVerify(tt(), hC, honest, 8, 'halving')).toBe(true); // 5 padded to 8: the production schedule
    expect(verifyRangeBatch([{ transcript: tt(), commitments: hC, proof: honest }])).toBe(true);
    expect(
      verifyRangeBatch([
        { transcript: tt(), commitments: hC, proof: honest },
        { transcript: tt(), commitments: C, proof: forged },
      ]),
    ).toBe(false);
    expect(verifyRangeBatch([{ transcript: tt(), commitments: C, proof: forged }])).toBe(false);
  }, 60_000);

  it('the forger needs an odd round: the argument refuses every length that is not a power of two', () => {
    const t = new Transcript('ipa');
    const commit = () => Point.BASE;
    for (const n of [3, 5, 9, 144, 255]) {
      const v = new Array<bigint>(n).fill(1n);
      expect(() => proveInnerProduct(t, commit, v, v), `n = ${n}`).toThrow(InvalidCryptoInputError);
      expect(innerProductChallengeScalars(new Transcript('ipa'), n, { L: [], R: [], a: 1n, b: 1n }), `n = ${n}`).toBeNull();
      expect(() => innerProductRounds(n)).toThrow(InvalidCryptoInputError);
    }
  });
}, 300_000);

describe('soundness: the verifier folds every generator with every challenge', () => {
  it('for random challenges, the product-tree coefficients equal a literal fold (every length 2^0..2^8)', () => {
    const rng = seededByteSource('fold-coefficients');
    for (let k = 0; k <= 8; k++) {
      const xs = Array.from({ length: k }, () => randomScalar(rng));
      const fast = foldCoefficients(xs, batchInvert(xs));
      const ref = referenceFold(2 ** k, xs, 'halving');
      expect(fast.coefG, `k = ${k}`).toEqual(ref.coefG);
      expect(fast.coefH, `k = ${k}`).toEqual(ref.coefH);
    }
  });

  it('for random (a, b), the challenges the verifier replays give the literal fold, and the textbook final equation holds', () => {
    const rng = seededByteSource('fold-random-ab');
    const { g, h, B } = generators();
    for (const n of [1, 2, 8, 32]) {
      const a = Array.from({ length: n }, () => randomScalar(rng));
      const b = Array.from({ length: n }, () => randomScalar(rng));
      const commit = (gC: bigint[], hC: bigint[], q: bigint) => msm([...g.slice(0, n), ...h.slice(0, n), B], [...gC, ...hC, q]);
      const P = commit(a, b, innerProd(a, b));
      const pt = new Transcript('fold-test');
      pt.appendPoint('P', P);
      const proof = proveInnerProduct(pt, commit, a, b);
      const vt = new Transcript('fold-test');
      vt.appendPoint('P', P);
      const ch = innerProductChallenges(vt, n, proof)!;
      const ref = referenceFold(n, ch.x, 'halving');
      expect(ch.coefG).toEqual(ref.coefG);
      expect(ch.coefH).toEqual(ref.coefH);
      const lhs = msm([P, ...proof.L, ...proof.R], [1n, ...ch.xSquares, ...ch.xInvSquares]);
      const rhs = msm(
        [...g.slice(0, n), ...h.slice(0, n), B],
        [...ref.coefG.map((c) => Fn.mul(c, proof.a)), ...ref.coefH.map((c) => Fn.mul(c, proof.b)), Fn.mul(proof.a, proof.b)],
      );
      expect(lhs.equals(rhs), `n = ${n}`).toBe(true);
    }
  });

  it('the invariant this checks (every coefficient is Π_r x_r^±1 over ALL rounds) fails for the carried slot', () => {
    const rng = seededByteSource('fold-carry');
    const xs = Array.from({ length: roundsFor(9) }, () => randomScalar(rng)); // 9 → 5 → 3 → 2 → 1
    const allSigns = (i: number) =>
      Array.from({ length: 2 ** xs.length }, (_, mask) => xs.reduce((s, x, r) => Fn.mul(s, (mask >> r) & 1 ? x : Fn.inv(x)), 1n)).includes(
        referenceFold(9, xs, 'carry').coefG[i]!,
      );
    // Generator 8 rides the carried slot through rounds 0–2 and is folded only in round 3: coefficient x_3 alone.
    expect(referenceFold(9, xs, 'carry').coefG[8]).toEqual(xs[3]);
    expect(allSigns(8)).toBe(false);
    expect(allSigns(0)).toBe(true);
    // The padded, halving fold gives every one of 16 generators a full product.
    const xs16 = xs;
    const ref16 = referenceFold(16, xs16, 'halving');
    for (let i = 0; i < 16; i++) {
      const expected = xs16.reduce((s, x, r) => Fn.mul(s, (i >> (xs16.length - 1 - r)) & 1 ? x : Fn.inv(x)), 1n);
      expect(ref16.coefG[i]).toEqual(expected);
      expect(Fn.mul(ref16.coefG[i]!, ref16.coefH[i]!)).toEqual(1n);
    }
  });
});
