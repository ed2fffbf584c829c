// Public generators, all from RFC 9380 hash-to-curve (secp256k1_XMD:SHA-256_SSWU_RO_, @noble/curves'
// secp256k1_hasher) over fixed names under one domain tag. Nobody — including us — knows a discrete-log relation between any two of
// them, which is what makes the commitments binding (the original used H = 2G, which binds nothing).
import { secp256k1_hasher } from '@noble/curves/secp256k1.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { Point } from './group';
import { FixedBaseMsm } from './msm';

export const GENERATOR_DST = 'QRES-secp256k1-generators-v1';

/** Coordinates in a gene: 8 weights and a bias. */
export const GENE_COORDINATES = 9;
/** Bits per coordinate in the range proof: Δ ∈ [−2^15, 2^15). */
export const RANGE_BITS = 16;
/** Commitments in the aggregated range proof: the 9 coordinates padded with commitments to zero up to a power of
 *  two (Bünz et al. §4.3), so that every inner-product round folds a vector of even length. */
export const RANGE_PROOF_COMMITMENTS = 16;
/** Bits in the aggregated range proof after padding (16 × 16 = 256; 144 of them carry the gene's coordinates). */
export const RANGE_PROOF_LENGTH = RANGE_PROOF_COMMITMENTS * RANGE_BITS;

/** The point for the public name `name`. */
export function hashToGenerator(name: string): Point {
  return Point.fromBytes(secp256k1_hasher.hashToCurve(utf8ToBytes(name), { DST: GENERATOR_DST }).toBytes(true));
}

export interface Generators {
  /** Value generator of per-coordinate commitments and of the range proof's t(x) commitments. */
  readonly B: Point;
  /** Blinding generator of every commitment. */
  readonly H: Point;
  /** Vector-commitment generators G_0..G_8 (one per gene coordinate). */
  readonly G: readonly Point[];
  /** Range-proof bit generators g_0..g_255 and h_0..h_255. */
  readonly g: readonly Point[];
  readonly h: readonly Point[];
}

let cached: Generators | undefined;

export function generators(): Generators {
  if (!cached) {
    const list = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => hashToGenerator(`${prefix}/${i}`));
    cached = {
      B: hashToGenerator('pedersen/B'),
      H: hashToGenerator('pedersen/H'),
      G: list('vector/G', GENE_COORDINATES),
      g: list('range/g', RANGE_PROOF_LENGTH),
      h: list('range/h', RANGE_PROOF_LENGTH),
    };
  }
  return cached;
}

let rangeMsm: FixedBaseMsm | undefined;
let valueMsm: FixedBaseMsm | undefined;
let vectorMsm: FixedBaseMsm | undefined;

/**
 * The fixed points [g_0..g_255, h_0..h_255, B, H] as one set: verifiers put their whole equation into one
 * multi-scalar multiplication through `msm(fixedScalars, proofPoints, proofScalars)`.
 */
export function rangeGeneratorTables(): FixedBaseMsm {
  if (!rangeMsm) {
    const gens = generators();
    rangeMsm = new FixedBaseMsm([...gens.g, ...gens.h, gens.B, gens.H]);
  }
  return rangeMsm;
}

/** Σ s_i·P_i over [g_0..g_255, h_0..h_255, B, H]; scalars in [0, ℓ), missing ones are zero. Variable time. */
export function rangeGeneratorMsm(scalars: bigint[]): Point {
  return rangeGeneratorTables().msm(scalars);
}

/** v·B + r·H (coordinate commitments). */
export function valueBlindMsm(value: bigint, blind: bigint): Point {
  if (!valueMsm) {
    const gens = generators();
    valueMsm = new FixedBaseMsm([gens.B, gens.H]);
  }
  return valueMsm.msm([value, blind]);
}

/** Σ s_i·P_i over the fixed points [G_0..G_8, H]. */
export function vectorGeneratorMsm(scalars: bigint[]): Point {
  if (!vectorMsm) {
    const gens = generators();
    vectorMsm = new FixedBaseMsm([...gens.G, gens.H]);
  }
  return vectorMsm.msm(scalars);
}
