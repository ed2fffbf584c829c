// Pedersen commitments on secp256k1. Two shapes, same generators module:
//  - a vector commitment  C = Σ v_i·G_i + r·H  (one point for a whole gene: a compact, binding fingerprint);
//  - coordinate commitments C_j = v_j·B + r_j·H (one point per coordinate), the shape the aggregated range
//    proof works on, so a transition proof needs no extra linking argument (see docs/SECURITY.md).
// Both are perfectly hiding and computationally binding under discrete log in secp256k1.
import { EncodingLengthError, InvalidCryptoInputError } from './errors';
import { type Point, POINT_BYTES, decodePoint, encodePoint, modL, scalarFromInt } from './group';
import { GENE_COORDINATES, valueBlindMsm, vectorGeneratorMsm } from './generators';

/** The numbers of a gene: 8 Q16 weights and a Q16 bias (the gene module owns the real type). */
export interface GeneValues {
  readonly weights: ArrayLike<number>;
  readonly bias: number;
}

/** A gene's 9 coordinates as scalars (weights then bias; negatives as ℓ − |v|). */
export function geneScalars(gene: GeneValues): bigint[] {
  return geneInts(gene).map(scalarFromInt);
}

/** A gene's 9 coordinates as int32 numbers, validated. */
export function geneInts(gene: GeneValues): number[] {
  if (gene.weights.length !== GENE_COORDINATES - 1) {
    throw new InvalidCryptoInputError(`a gene has ${GENE_COORDINATES - 1} weights, got ${gene.weights.length}`);
  }
  const out = [...Array.from(gene.weights), gene.bias];
  for (const v of out) {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new InvalidCryptoInputError(`not a Q16 int32: ${v}`);
  }
  return out;
}

/** C = Σ v_i·G_i + r·H for up to 9 values. */
export function commitVector(values: readonly bigint[], blind: bigint): Point {
  if (values.length > GENE_COORDINATES) throw new InvalidCryptoInputError(`at most ${GENE_COORDINATES} values`);
  const scalars = new Array<bigint>(GENE_COORDINATES + 1).fill(0n);
  values.forEach((v, i) => (scalars[i] = modL(v)));
  scalars[GENE_COORDINATES] = modL(blind);
  return vectorGeneratorMsm(scalars);
}

/** C = v·B + r·H (through precomputed tables for B and H). */
export function commitCoordinate(value: bigint, blind: bigint): Point {
  return valueBlindMsm(modL(value), modL(blind));
}

/** C_j = v_j·B + r_j·H for each coordinate. */
export function commitCoordinates(values: readonly bigint[], blinds: readonly bigint[]): Point[] {
  if (values.length !== blinds.length) throw new InvalidCryptoInputError('one blinding factor per value');
  return values.map((v, j) => commitCoordinate(v, blinds[j]!));
}

export function encodePoints(points: readonly Point[]): Uint8Array {
  const out = new Uint8Array(points.length * POINT_BYTES);
  points.forEach((p, i) => out.set(encodePoint(p), i * POINT_BYTES));
  return out;
}

/** Exactly `count` canonical points, or a typed decoding error. */
export function decodePoints(bytes: Uint8Array, count: number): Point[] {
  if (bytes.length !== count * POINT_BYTES) {
    throw new EncodingLengthError(`expected ${count} points (${count * POINT_BYTES} bytes), got ${bytes.length} bytes`);
  }
  return Array.from({ length: count }, (_, i) => decodePoint(bytes.subarray(i * POINT_BYTES, (i + 1) * POINT_BYTES)));
}
