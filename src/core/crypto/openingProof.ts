// Proofs of knowledge of a commitment's opening (Schnorr-style Sigma protocols made non-interactive with the
// Fiat–Shamir transcript). One generic "linear" proof — knowledge of x with P = Σ x_i·Gen_i — serves both
// commitment shapes:
//  - vector opening: P = C, Gen = [G_0..G_8, H]            → 1 point + 10 scalars = 353 bytes;
//  - coordinate opening: P = Σ ζ^j·C_j, Gen = [B, H], with ζ drawn from the transcript after all C_j, so a
//    prover who knows the combined opening for random ζ knows every opening → 1 point + 2 scalars = 97 bytes.
import { EncodingLengthError, InvalidCryptoInputError } from './errors';
import { variableMsm } from './msm';
import {
  type ByteSource,
  type Point,
  Fn,
  POINT_BYTES,
  SCALAR_BYTES,
  concatBytes,
  decodePoint,
  decodeScalar,
  encodePoint,
  encodeScalar,
  modL,
  randomScalar,
} from './group';
import { GENE_COORDINATES, generators } from './generators';
import { Transcript } from './transcript';

export interface LinearProof {
  readonly R: Point;
  readonly responses: readonly bigint[];
}

function proveLinear(t: Transcript, gens: readonly Point[], witness: readonly bigint[], source: ByteSource): LinearProof {
  const nonces = gens.map(() => randomScalar(source));
  const R = variableMsm([...gens], nonces);
  t.appendPoint('R', R);
  const e = t.challengeScalar('e');
  return { R, responses: nonces.map((k, i) => Fn.add(k, Fn.mul(e, modL(witness[i]!)))) };
}

/** Σ s_i·Gen_i − e·P − R == 0. */
function verifyLinear(t: Transcript, gens: readonly Point[], P: Point, proof: LinearProof): boolean {
  if (proof.responses.length !== gens.length) return false;
  t.appendPoint('R', proof.R);
  const e = t.challengeScalar('e');
  const lhs = variableMsm([...gens, P], [...proof.responses, Fn.neg(e)]);
  return lhs.subtract(proof.R).is0();
}

function vectorTranscript(C: Point, context: Uint8Array): Transcript {
  const t = new Transcript('QRES/vector-opening/v1');
  t.appendMessage('context', context);
  t.appendPoint('C', C);
  return t;
}

/** Proof that the prover knows (v, r) with C = Σ v_i·G_i + r·H, bound to `context`. */
export function proveVectorOpening(C: Point, values: readonly bigint[], blind: bigint, context: Uint8Array, source: ByteSource): LinearProof {
  if (values.length !== GENE_COORDINATES) throw new InvalidCryptoInputError(`expected ${GENE_COORDINATES} values`);
  const { G, H } = generators();
  return proveLinear(vectorTranscript(C, context), [...G, H], [...values, blind], source);
}

export function verifyVectorOpening(C: Point, proof: LinearProof, context: Uint8Array): boolean {
  const { G, H } = generators();
  return verifyLinear(vectorTranscript(C, context), [...G, H], C, proof);
}

function coordinateStatement(Cs: readonly Point[], context: Uint8Array): { t: Transcript; combined: Point; weights: bigint[] } {
  const t = new Transcript('QRES/coordinate-opening/v1');
  t.appendMessage('context', context);
  t.appendU32('count', Cs.length);
  for (const C of Cs) t.appendPoint('C', C);
  const zeta = t.challengeScalar('zeta');
  const weights: bigint[] = [];
  let w = 1n;
  for (let j = 0; j < Cs.length; j++, w = Fn.mul(w, zeta)) weights.push(w);
  return { t, combined: variableMsm([...Cs], weights), weights };
}

/** Proof that the prover knows an opening (v_j, r_j) of every C_j = v_j·B + r_j·H. */
export function proveCoordinateOpening(
  Cs: readonly Point[],
  values: readonly bigint[],
  blinds: readonly bigint[],
  context: Uint8Array,
  source: ByteSource,
): LinearProof {
  if (values.length !== Cs.length || blinds.length !== Cs.length) throw new InvalidCryptoInputError('one value and blind per commitment');
  const { t, weights } = coordinateStatement(Cs, context);
  let v = 0n;
  let r = 0n;
  weights.forEach((w, j) => {
    v = Fn.add(v, Fn.mul(w, modL(values[j]!)));
    r = Fn.add(r, Fn.mul(w, modL(blinds[j]!)));
  });
  const { B, H } = generators();
  return proveLinear(t, [B, H], [v, r], source);
}

export function verifyCoordinateOpening(Cs: readonly Point[], proof: LinearProof, context: Uint8Array): boolean {
  const { t, combined } = coordinateStatement(Cs, context);
  const { B, H } = generators();
  return verifyLinear(t, [B, H], combined, proof);
}

/** R ‖ s_0 ‖ … ‖ s_{k−1}. */
export function encodeLinearProof(proof: LinearProof): Uint8Array {
  return concatBytes(encodePoint(proof.R), ...proof.responses.map(encodeScalar));
}

/** Decodes a proof with `responses` scalars; typed errors on a wrong length or non-canonical field. */
export function decodeLinearProof(bytes: Uint8Array, responses: number): LinearProof {
  const expected = POINT_BYTES + responses * SCALAR_BYTES;
  if (bytes.length !== expected) throw new EncodingLengthError(`opening proof must be ${expected} bytes, got ${bytes.length}`);
  const R = decodePoint(bytes.subarray(0, POINT_BYTES));
  const out: bigint[] = [];
  for (let i = 0; i < responses; i++) {
    const at = POINT_BYTES + i * SCALAR_BYTES;
    out.push(decodeScalar(bytes.subarray(at, at + SCALAR_BYTES)));
  }
  return { R, responses: out };
}

export const VECTOR_OPENING_PROOF_BYTES = POINT_BYTES + (GENE_COORDINATES + 1) * SCALAR_BYTES;
export const COORDINATE_OPENING_PROOF_BYTES = POINT_BYTES + 2 * SCALAR_BYTES;
