// What a simulated node uses per gene update. A gene commitment is 9 coordinate commitments (297 bytes); a
// transition proof (820 bytes) shows C_new − C_old commits, coordinate by coordinate, to an update Δ with
// every Δ_j ∈ [−2^15, 2^15) Q16 units (±0.5). The context (e.g. node id + round) is absorbed into the
// transcript, so a proof replayed for another node, round or commitment pair does not verify.
// Deterministic: every blinding factor comes from the ByteSource passed in.
import { bytesToHex } from '@noble/hashes/utils.js';
import { CryptoDecodeError, EncodingLengthError, InvalidCryptoInputError } from './errors';
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
  randomScalar,
  u32le,
} from './group';
import { GENE_COORDINATES, RANGE_PROOF_LENGTH } from './generators';
import { innerProductRounds } from './innerProduct';
import { type GeneValues, commitCoordinates, decodePoints, encodePoints, geneInts, geneScalars } from './pedersen';
import { type RangeProof, type RangeStatement, proveRange, verifyRange, verifyRangeBatch } from './rangeProof';
import { Transcript } from './transcript';

/** The secret that opens a gene commitment: one blinding factor per coordinate (the values are the gene). */
export interface GeneOpening {
  readonly blinds: readonly bigint[];
}

const IPA_ROUNDS = innerProductRounds(RANGE_PROOF_LENGTH);
export const GENE_COMMITMENT_BYTES = GENE_COORDINATES * POINT_BYTES;
export const TRANSITION_PROOF_BYTES = (4 + 2 * IPA_ROUNDS) * POINT_BYTES + 5 * SCALAR_BYTES;

/** Context bytes binding a proof to a node and a round (and optionally a gene id / label). */
export function geneProofContext(nodeId: number, round: number, label = ''): Uint8Array {
  return concatBytes(u32le(nodeId), u32le(round), new TextEncoder().encode(label));
}

/** A fresh commitment to a gene (for a node's first gene). */
export function commitGene(gene: GeneValues, source: ByteSource): { commitment: Uint8Array; opening: GeneOpening } {
  const blinds = Array.from({ length: GENE_COORDINATES }, () => randomScalar(source));
  return { commitment: encodePoints(commitCoordinates(geneScalars(gene), blinds)), opening: { blinds } };
}

function transitionTranscript(context: Uint8Array, oldC: readonly Point[], newC: readonly Point[]): Transcript {
  const t = new Transcript('QRES/gene-transition/v1');
  t.appendMessage('context', context);
  for (const C of oldC) t.appendPoint('C_old', C);
  for (const C of newC) t.appendPoint('C_new', C);
  return t;
}

/**
 * Commits to `newGene` and proves it is `oldGene` plus a bounded update. Throws UpdateOutOfRangeError when a
 * coordinate moved by 2^15 or more (the prover refuses; no valid proof exists).
 */
export function proveGeneUpdate(
  oldGene: GeneValues,
  newGene: GeneValues,
  openingOld: GeneOpening,
  context: Uint8Array,
  source: ByteSource,
): { commitment: Uint8Array; proof: Uint8Array; newOpening: GeneOpening } {
  if (openingOld.blinds.length !== GENE_COORDINATES) throw new InvalidCryptoInputError(`an opening has ${GENE_COORDINATES} blinds`);
  const oldInts = geneInts(oldGene);
  const newInts = geneInts(newGene);
  const deltas = newInts.map((v, j) => v - oldInts[j]!);
  const deltaBlinds = deltas.map(() => randomScalar(source));
  const oldC = commitCoordinates(geneScalars(oldGene), openingOld.blinds);
  const newBlinds = openingOld.blinds.map((r, j) => Fn.add(r, deltaBlinds[j]!));
  const newC = commitCoordinates(geneScalars(newGene), newBlinds);
  const deltaC = newC.map((C, j) => C.subtract(oldC[j]!));
  const proof = proveRange(transitionTranscript(context, oldC, newC), deltaC, deltas, deltaBlinds, source, 'caller');
  return { commitment: encodePoints(newC), proof: encodeTransitionProof(proof), newOpening: { blinds: newBlinds } };
}

/** True iff `proof` shows commitNew = commitOld + (a commitment to an update within ±2^15 per coordinate). */
export function verifyGeneUpdate(commitOld: Uint8Array, commitNew: Uint8Array, proof: Uint8Array, context: Uint8Array): boolean {
  let oldC: Point[], newC: Point[], decoded: RangeProof;
  try {
    oldC = decodePoints(commitOld, GENE_COORDINATES);
    newC = decodePoints(commitNew, GENE_COORDINATES);
    decoded = decodeTransitionProof(proof);
  } catch (e) {
    if (e instanceof CryptoDecodeError) return false; // malformed bytes are a failed proof, not a crash
    throw e;
  }
  const deltaC = newC.map((C, j) => C.subtract(oldC[j]!));
  return verifyRange(transitionTranscript(context, oldC, newC), deltaC, decoded, 'caller');
}

export interface GeneUpdateStatement {
  readonly commitOld: Uint8Array;
  readonly commitNew: Uint8Array;
  readonly proof: Uint8Array;
  readonly context: Uint8Array;
}

/**
 * True iff every statement verifies (each as verifyGeneUpdate would), checked as one batch: the fixed-generator
 * work is shared, so k proofs cost about one verify plus k small ones (docs/BENCHMARKS.md). False if any bytes
 * are malformed or any proof fails; it does not say which (verify singly for that).
 */
export function verifyGeneUpdates(statements: readonly GeneUpdateStatement[]): boolean {
  const batch: RangeStatement[] = [];
  // A multi-step chain repeats commitments (step k's new one is step k+1's old one): decode each distinct one once.
  const decoded = new Map<string, Point[]>();
  const commitment = (bytes: Uint8Array): Point[] => {
    const key = bytesToHex(bytes);
    let points = decoded.get(key);
    if (!points) decoded.set(key, (points = decodePoints(bytes, GENE_COORDINATES)));
    return points;
  };
  for (const s of statements) {
    let oldC: Point[], newC: Point[], proof: RangeProof;
    try {
      oldC = commitment(s.commitOld);
      newC = commitment(s.commitNew);
      proof = decodeTransitionProof(s.proof);
    } catch (e) {
      if (e instanceof CryptoDecodeError) return false;
      throw e;
    }
    batch.push({ transcript: transitionTranscript(s.context, oldC, newC), commitments: newC.map((C, j) => C.subtract(oldC[j]!)), proof, binding: 'caller' });
  }
  return verifyRangeBatch(batch);
}

/** A ‖ S ‖ T1 ‖ T2 ‖ τx ‖ μ ‖ t̂ ‖ L_0..L_7 ‖ R_0..R_7 ‖ a ‖ b (820 bytes). */
export function encodeTransitionProof(p: RangeProof): Uint8Array {
  return concatBytes(
    ...[p.A, p.S, p.T1, p.T2].map(encodePoint),
    ...[p.tauX, p.mu, p.tHat].map(encodeScalar),
    ...p.ipa.L.map(encodePoint),
    ...p.ipa.R.map(encodePoint),
    encodeScalar(p.ipa.a),
    encodeScalar(p.ipa.b),
  );
}

/** Inverse of encodeTransitionProof; EncodingLengthError / NonCanonicalEncodingError on bad bytes. */
export function decodeTransitionProof(bytes: Uint8Array): RangeProof {
  if (bytes.length !== TRANSITION_PROOF_BYTES) {
    throw new EncodingLengthError(`transition proof must be ${TRANSITION_PROOF_BYTES} bytes, got ${bytes.length}`);
  }
  let at = 0;
  const point = () => decodePoint(bytes.subarray(at, (at += POINT_BYTES)));
  const scalar = () => decodeScalar(bytes.subarray(at, (at += SCALAR_BYTES)));
  const A = point(),
    S = point(),
    T1 = point(),
    T2 = point();
  const tauX = scalar(),
    mu = scalar(),
    tHat = scalar();
  const L = Array.from({ length: IPA_ROUNDS }, point);
  const R = Array.from({ length: IPA_ROUNDS }, point);
  const a = scalar(),
    b = scalar();
  return { A, S, T1, T2, tauX, mu, tHat, ipa: { L, R, a, b } };
}
