// Public generators, all from RFC 9380 hash-to-curve (ristretto255_hasher, SHA-512 expand_message_xmd) over
// fixed names under one domain tag. Nobody — including us — knows a discrete-log relation between any two of
// them, which is what makes the commitments binding (the original used H = 2G, which binds nothing).
import { ristretto255_hasher } from '@noble/curves/ed25519.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { Point } from './group';
import { FixedBaseMsm } from './msm';

export const GENERATOR_DST = 'QRES-ristretto255-generators-v1';

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
  return ristretto255_hasher.hashToCurve(utf8ToBytes(name), { DST: GENERATOR_DST });
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

/** Width of the range generators' tables: 2^(w−2) odd multiples per generator, ≈ 253/(w + 1) additions per
 *  253-bit scalar. `npm run bench:crypto` times w = 8..11 on the 514 range generators (docs/BENCHMARKS.md): each
 *  step up doubles heap and build time for ≈ 8–10 % fewer additions (measured: w = 9 → 10 → 11 took 126 → 116 →
 *  114 ms CPU for the 514-term MSM, built in 0.5 / 1.0 / 2.2 s, ≈ 30 / 35 / 66 MB more heap each). w = 10 is taken:
 *  514 × 256 points, built once per process on first use. */
export const FIXED_TABLE_WIDTH = 10;

/**
 * The fixed points [g_0..g_255, h_0..h_255, B, H] with precomputed tables (built once per process): verifiers
 * put their whole equation on one doubling chain through `msm(fixedScalars, proofPoints, proofScalars)`.
 */
export function rangeGeneratorTables(): FixedBaseMsm {
  if (!rangeMsm) {
    const gens = generators();
    rangeMsm = new FixedBaseMsm([...gens.g, ...gens.h, gens.B, gens.H], FIXED_TABLE_WIDTH);
  }
  return rangeMsm;
}

/** Σ s_i·P_i over [g_0..g_255, h_0..h_255, B, H]; scalars in [0, ℓ), missing ones are zero. Variable time. */
export function rangeGeneratorMsm(scalars: bigint[]): Point {
  return rangeGeneratorTables().msm(scalars);
}

/** v·B + r·H (coordinate commitments), on small tables of their own. */
export function valueBlindMsm(value: bigint, blind: bigint): Point {
  if (!valueMsm) {
    const gens = generators();
    valueMsm = new FixedBaseMsm([gens.B, gens.H], 8);
  }
  return valueMsm.msm([value, blind]);
}

/** Σ s_i·P_i over the fixed points [G_0..G_8, H]. */
export function vectorGeneratorMsm(scalars: bigint[]): Point {
  if (!vectorMsm) {
    const gens = generators();
    vectorMsm = new FixedBaseMsm([...gens.G, gens.H], 6);
  }
  return vectorMsm.msm(scalars);
}
