// Aggregated Bulletproofs range proof (Bünz et al. 2018, §4.3) over coordinate commitments C_j = Δ_j·B + γ_j·H:
// proves every Δ_j ∈ [−2^15, 2^15) by showing v_j = Δ_j + 2^15 ∈ [0, 2^16) for V_j = C_j + 2^15·B.
// The m commitments are padded with commitments to zero (Δ = 0, γ = 0: the identity, known to both sides) up
// to the next power of two M, as §4.3 and dalek do, so the inner-product argument runs on n = 16·M bits with no
// odd round (9 coordinates → 16, 144 bits → 256, still 8 rounds).
// Size: 4 points + 3 scalars + the inner-product argument (16 points + 2 scalars) = 820 bytes for 9 coordinates,
// against ≈ 144 × (bit commitment + 3-scalar OR proof) ≈ 18 KB for bit-by-bit CDS proofs.
// The verifier checks both equations of the protocol in ONE multi-scalar multiplication (random weight c from
// the transcript): the t(x) check and the inner-product check, on one doubling chain with the fixed generators'
// precomputed tables.
import { InvalidCryptoInputError, UpdateOutOfRangeError } from './errors';
import { type ByteSource, type Point, Fn, Point as PointClass, modL, randomScalar } from './group';
import { RANGE_BITS, generators, rangeGeneratorMsm, rangeGeneratorTables } from './generators';
import { type InnerProductProof, batchInvert, foldCoefficients, innerProductChallengeScalars, proveInnerProduct } from './innerProduct';
import { Transcript } from './transcript';

/** Offset that maps the signed bound [−2^15, 2^15) onto [0, 2^16). */
export const RANGE_OFFSET = 1 << (RANGE_BITS - 1);

export interface RangeProof {
  readonly A: Point;
  readonly S: Point;
  readonly T1: Point;
  readonly T2: Point;
  readonly tauX: bigint;
  readonly mu: bigint;
  readonly tHat: bigint;
  readonly ipa: InnerProductProof;
}

function powers(base: bigint, count: number): bigint[] {
  const out: bigint[] = [];
  for (let i = 0, p = 1n; i < count; i++, p = Fn.mul(p, base)) out.push(p);
  return out;
}

/** Constant-pattern multiplication for secret scalars (noble's multiply rejects 0, which is a valid scalar here). */
function mul(P: Point, s: bigint): Point {
  return s === 0n ? PointClass.ZERO : P.multiply(s);
}

/** Commitments after padding: the next power of two ≥ m (the padded ones commit to zero with blind zero). */
export function paddedCommitmentCount(m: number): number {
  let M = 1;
  while (M < m) M *= 2;
  return M;
}

/** Largest m a proof may cover: its padded bit count must fit the 256 bit generators. */
function maxCommitments(): number {
  return generators().g.length / RANGE_BITS;
}

/**
 * Who binds the commitments into the transcript. 'proof': the range proof appends each one's encoding. 'caller':
 * the caller's transcript already holds what determines them (the gene transition binds C_old and C_new, whose
 * differences they are), and the range proof appends only a marker. Encoding a point that was computed rather
 * than decoded costs an inverse square root, as much as ≈ 30 point additions, so 'caller' spares a verifier 9 of
 * them per gene proof. Only for callers whose transcript fixes the commitments: Fiat–Shamir must see the statement.
 */
export type CommitmentBinding = 'proof' | 'caller';

function bindStatement(t: Transcript, commitments: readonly Point[], padded: number, binding: CommitmentBinding): void {
  t.appendU32('range-bits', RANGE_BITS);
  t.appendU32('range-count', commitments.length);
  t.appendU32('range-padded-count', padded);
  if (binding === 'caller') t.appendU32('range-commitments-bound-by-caller', 1);
  else for (const C of commitments) t.appendPoint('V', C);
}

/** Σ_i gC_i·g_i + Σ_i hC_i·h_i + bC·B + hBlind·H, over the first n of the fixed bit generators. */
function fixedCommit(n: number, gC: readonly bigint[], hC: readonly bigint[], bC: bigint, hBlind: bigint): Point {
  const total = generators().g.length;
  const scalars = new Array<bigint>(2 * total + 2).fill(0n);
  for (let i = 0; i < n; i++) {
    scalars[i] = gC[i]!;
    scalars[total + i] = hC[i]!;
  }
  scalars[2 * total] = bC;
  scalars[2 * total + 1] = hBlind;
  return rangeGeneratorMsm(scalars);
}

/**
 * Proves Δ_j ∈ [−2^15, 2^15) for each commitment C_j = Δ_j·B + γ_j·H. Refuses (UpdateOutOfRangeError) when
 * a Δ_j is out of bound: an honest prover cannot make such a proof, and neither can anyone else.
 */
export function proveRange(
  t: Transcript,
  commitments: readonly Point[],
  deltas: readonly number[],
  blinds: readonly bigint[],
  source: ByteSource,
  binding: CommitmentBinding = 'proof',
): RangeProof {
  const m0 = commitments.length;
  if (deltas.length !== m0 || blinds.length !== m0 || m0 > maxCommitments() || m0 === 0) {
    throw new InvalidCryptoInputError(`range proof: 1..${maxCommitments()} commitments, one delta and blind each`);
  }
  for (const d of deltas) {
    if (!Number.isInteger(d) || d < -RANGE_OFFSET || d >= RANGE_OFFSET) throw new UpdateOutOfRangeError(`update ${d} outside [−2^15, 2^15)`);
  }
  const { g, h, H, B } = generators();
  const m = paddedCommitmentCount(m0);
  const n = m * RANGE_BITS;
  bindStatement(t, commitments, m, binding);
  // Padding: commitments to Δ = 0 with blind 0 (the identity), so v_j = 2^15 for j ≥ m0.
  const allDeltas = [...deltas, ...new Array<number>(m - m0).fill(0)];
  const allBlinds = [...blinds, ...new Array<bigint>(m - m0).fill(0n)];
  const aL: bigint[] = [];
  for (const d of allDeltas) for (let k = 0; k < RANGE_BITS; k++) aL.push(BigInt(((d + RANGE_OFFSET) >>> k) & 1));
  const aR = aL.map((bit) => Fn.sub(bit, 1n));
  const alpha = randomScalar(source);
  let A = mul(H, alpha);
  for (let i = 0; i < n; i++) A = aL[i] === 1n ? A.add(g[i]!) : A.subtract(h[i]!);
  const sL = aL.map(() => randomScalar(source));
  const sR = aL.map(() => randomScalar(source));
  const rho = randomScalar(source);
  const S = fixedCommit(n, sL, sR, 0n, rho);
  t.appendPoint('A', A);
  t.appendPoint('S', S);
  const y = t.challengeScalar('y');
  const z = t.challengeScalar('z');
  const yPow = powers(y, n);
  const zPow = powers(z, m + 3); // z^0 .. z^{m+2}
  const l0 = aL.map((bit) => Fn.sub(bit, z));
  const r0: bigint[] = [],
    r1: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const d = Fn.mul(zPow[2 + Math.floor(i / RANGE_BITS)]!, 1n << BigInt(i % RANGE_BITS));
    r0.push(Fn.add(Fn.mul(yPow[i]!, Fn.add(aR[i]!, z)), d));
    r1.push(Fn.mul(yPow[i]!, sR[i]!));
  }
  const inner = (a: readonly bigint[], b: readonly bigint[]) => Fn.create(a.reduce((acc, ai, i) => acc + ai * b[i]!, 0n));
  const t1 = Fn.add(inner(l0, r1), inner(sL, r0));
  const t2 = inner(sL, r1);
  const tau1 = randomScalar(source),
    tau2 = randomScalar(source);
  const T1 = mul(B, t1).add(mul(H, tau1));
  const T2 = mul(B, t2).add(mul(H, tau2));
  t.appendPoint('T1', T1);
  t.appendPoint('T2', T2);
  const x = t.challengeScalar('x');
  let tauX = Fn.add(Fn.mul(tau2, Fn.sqr(x)), Fn.mul(tau1, x));
  for (let j = 0; j < m; j++) tauX = Fn.add(tauX, Fn.mul(zPow[2 + j]!, modL(allBlinds[j]!)));
  const mu = Fn.add(alpha, Fn.mul(rho, x));
  const l = l0.map((v, i) => Fn.add(v, Fn.mul(sL[i]!, x)));
  const r = r0.map((v, i) => Fn.add(v, Fn.mul(r1[i]!, x)));
  const tHat = inner(l, r);
  t.appendScalar('tau_x', tauX);
  t.appendScalar('mu', mu);
  t.appendScalar('t_hat', tHat);
  const w = t.challengeScalar('w');
  const yInvPow = powers(Fn.inv(y), n);
  // The argument's generators: G = g, H' = y^{-i}·h_i, Q = w·B.
  const commit = (gC: bigint[], hC: bigint[], qC: bigint) =>
    fixedCommit(
      n,
      gC,
      hC.map((c, i) => Fn.mul(c, yInvPow[i]!)),
      Fn.mul(qC, w),
      0n,
    );
  const ipa = proveInnerProduct(t, commit, l, r);
  return { A, S, T1, T2, tauX, mu, tHat, ipa };
}

/** One proof's verification equation: Σ fixed_i·[g, h, B, H]_i + Σ scalars_j·points_j is the identity iff it holds. */
interface RangeEquation {
  fixed: bigint[];
  points: Point[];
  scalars: bigint[];
  /** The transcript's last challenge: binds the statement and the whole proof (used to weight a batch). */
  binding: bigint;
}

/**
 * The verification equation of one proof as a multi-scalar multiplication that is the identity iff the proof
 * verifies: scalars over the fixed generators [g, h, B, H] plus (point, scalar) pairs for the proof's own points.
 * Null when the proof's shape is wrong or one of its points is the identity (no honest prover sends one).
 * Consumes the transcript exactly as the prover did.
 */
function rangeEquation(t: Transcript, commitments: readonly Point[], proof: RangeProof, binding: CommitmentBinding): RangeEquation | null {
  const m0 = commitments.length;
  if (m0 === 0 || m0 > maxCommitments()) return null;
  const m = paddedCommitmentCount(m0);
  const n = m * RANGE_BITS;
  const proofPoints = [proof.A, proof.S, proof.T1, proof.T2, ...proof.ipa.L, ...proof.ipa.R];
  if (proofPoints.some((P) => P.is0())) return null;
  bindStatement(t, commitments, m, binding);
  t.appendPoint('A', proof.A);
  t.appendPoint('S', proof.S);
  const y = t.challengeScalar('y');
  const z = t.challengeScalar('z');
  t.appendPoint('T1', proof.T1);
  t.appendPoint('T2', proof.T2);
  const x = t.challengeScalar('x');
  t.appendScalar('tau_x', proof.tauX);
  t.appendScalar('mu', proof.mu);
  t.appendScalar('t_hat', proof.tHat);
  const w = t.challengeScalar('w');
  const xs = innerProductChallengeScalars(t, n, proof.ipa);
  if (!xs) return null;
  t.appendScalar('ipa-a', proof.ipa.a);
  t.appendScalar('ipa-b', proof.ipa.b);
  const c = t.challengeScalar('batch');

  const inverses = batchInvert([y, ...xs]); // one field inversion for y⁻¹ and every x_k⁻¹
  const yInv = inverses[0]!;
  const xsInv = inverses.slice(1);
  const { coefG, coefH } = foldCoefficients(xs, xsInv);
  const zPow = powers(z, m + 3);
  const { a, b } = proof.ipa;
  // Σ_{i<n} y^i = (y^n − 1)/(y − 1) would need another inversion; n additions of running powers are cheaper.
  let sumY = 0n;
  for (let i = 0, p = 1n; i < n; i++, p = Fn.mul(p, y)) sumY += p;
  let sumZ2 = 0n,
    sumZ3 = 0n;
  for (let j = 0; j < m; j++) {
    sumZ2 += zPow[2 + j]!;
    sumZ3 += Fn.mul(zPow[2 + j]!, z);
  }
  // δ(y, z) = (z − z²)·Σ y^i − Σ_j z^{3+j}·(2^16 − 1)
  const delta = Fn.sub(Fn.mul(Fn.sub(z, zPow[2]!), Fn.create(sumY)), Fn.mul(Fn.create(sumZ3), BigInt(2 ** RANGE_BITS - 1)));
  const total = generators().g.length;
  const fixed = new Array<bigint>(2 * total + 2).fill(0n);
  const negZ = Fn.neg(z);
  for (let i = 0, yInvPow = 1n; i < n; i++, yInvPow = Fn.mul(yInvPow, yInv)) {
    const d = Fn.mul(zPow[2 + Math.floor(i / RANGE_BITS)]!, BigInt(2 ** (i % RANGE_BITS)));
    fixed[i] = Fn.add(Fn.mul(a, coefG[i]!), z);
    fixed[total + i] = Fn.add(Fn.mul(yInvPow, Fn.sub(Fn.mul(b, coefH[i]!), d)), negZ);
  }
  const offsetTerm = Fn.mul(BigInt(RANGE_OFFSET), Fn.create(sumZ2));
  fixed[2 * total] = Fn.add(Fn.mul(w, Fn.sub(Fn.mul(a, b), proof.tHat)), Fn.mul(c, Fn.sub(Fn.sub(proof.tHat, delta), offsetTerm)));
  fixed[2 * total + 1] = Fn.add(proof.mu, Fn.mul(c, proof.tauX));
  // A's weight is −1: it goes in negated with weight 1 (one addition instead of a 253-bit multiplication).
  // The padded commitments are the identity and contribute nothing.
  const points: Point[] = [...commitments, proof.A.negate(), proof.S, proof.T1, proof.T2, ...proof.ipa.L, ...proof.ipa.R];
  const xInvSquares = xsInv.map((v) => Fn.sqr(v));
  const scalars: bigint[] = [
    ...commitments.map((_, j) => Fn.neg(Fn.mul(c, zPow[2 + j]!))),
    1n,
    Fn.neg(x),
    Fn.neg(Fn.mul(c, x)),
    Fn.neg(Fn.mul(c, Fn.sqr(x))),
    ...xs.map((v) => Fn.neg(Fn.sqr(v))),
    ...xInvSquares.map((s) => Fn.neg(s)),
  ];
  return { fixed, points, scalars, binding: c };
}

/** True iff `proof` shows every C_j commits to a value in [−2^15, 2^15), under the same transcript state. */
export function verifyRange(t: Transcript, commitments: readonly Point[], proof: RangeProof, binding: CommitmentBinding = 'proof'): boolean {
  const eq = rangeEquation(t, commitments, proof, binding);
  if (!eq) return false;
  return rangeGeneratorTables().msm(eq.fixed, eq.points, eq.scalars).is0();
}

export interface RangeStatement {
  readonly transcript: Transcript;
  readonly commitments: readonly Point[];
  readonly proof: RangeProof;
  /** Default 'proof'; see CommitmentBinding. */
  readonly binding?: CommitmentBinding;
}

/**
 * True iff EVERY statement verifies, checked together: each proof's equation is weighted by a scalar ρ_k and the
 * sum checked in one multi-scalar multiplication, so the 514 fixed generators are multiplied once for the whole
 * batch (Bünz et al. §6.1). ρ_1 = 1 and ρ_k (k > 1) are hashed from every proof's final challenge, which binds
 * its statement and all its bytes: a prover cannot pick proofs whose errors cancel without knowing the weights,
 * which change with any byte (a false batch passes with probability ≈ 1/ℓ). False says some proof is bad, not
 * which one: verify singly to find it.
 */
export function verifyRangeBatch(statements: readonly RangeStatement[]): boolean {
  const equations: RangeEquation[] = [];
  for (const s of statements) {
    const eq = rangeEquation(s.transcript, s.commitments, s.proof, s.binding ?? 'proof');
    if (!eq) return false;
    equations.push(eq);
  }
  if (equations.length === 0) return true;
  const weigh = new Transcript('QRES/range-batch/v1');
  weigh.appendU32('count', equations.length);
  for (const eq of equations) weigh.appendScalar('binding', eq.binding);
  const fixed = equations[0]!.fixed.slice();
  const points: Point[] = [...equations[0]!.points];
  const scalars: bigint[] = [...equations[0]!.scalars];
  for (let k = 1; k < equations.length; k++) {
    const rho = weigh.challengeScalar('rho');
    const eq = equations[k]!;
    for (let i = 0; i < fixed.length; i++) if (eq.fixed[i] !== 0n) fixed[i] = Fn.add(fixed[i]!, Fn.mul(rho, eq.fixed[i]!));
    points.push(...eq.points);
    for (const sc of eq.scalars) scalars.push(Fn.mul(rho, sc));
  }
  return rangeGeneratorTables().msm(fixed, points, scalars).is0();
}
