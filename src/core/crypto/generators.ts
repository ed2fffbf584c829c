// Public generators, all from RFC 9380 hash-to-curve (ristretto255_hasher, SHA-512 expand_message_xmd) over
// fixed names under one domain tag. Nobody — including us — knows a discrete-log relation between any two of
// them, which is what makes the commitments binding (the original used H = 2G, which binds nothing).
import { ristretto255_hasher } from '@noble/curves/ed25519.js';
import { interleavedMSMUnsafe } from '@noble/curves/abstract/curve.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { Point } from './group';

export const GENERATOR_DST = 'QRES-ristretto255-generators-v1';

/** Coordinates in a gene: 8 weights and a bias. */
export const GENE_COORDINATES = 9;
/** Bits per coordinate in the range proof: Δ ∈ [−2^15, 2^15). */
export const RANGE_BITS = 16;
/** Bits in the aggregated range proof (9 × 16). */
export const RANGE_PROOF_LENGTH = GENE_COORDINATES * RANGE_BITS;

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
  /** Range-proof bit generators g_0..g_143 and h_0..h_143. */
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

type Msm = (scalars: bigint[]) => Point;
let rangeMsm: Msm | undefined;
let vectorMsm: Msm | undefined;

/**
 * Σ s_i·P_i over the fixed points [g_0..g_143, h_0..h_143, B, H] with precomputed window tables (built once,
 * ~50 ms); scalars must be in [0, ℓ). Variable time: used for public data and for the simulator's provers.
 */
export function rangeGeneratorMsm(scalars: bigint[]): Point {
  if (!rangeMsm) {
    const gens = generators();
    rangeMsm = interleavedMSMUnsafe(Point, [...gens.g, ...gens.h, gens.B, gens.H], 8);
  }
  return rangeMsm(scalars);
}

/** Σ s_i·P_i over the fixed points [G_0..G_8, H]. */
export function vectorGeneratorMsm(scalars: bigint[]): Point {
  if (!vectorMsm) {
    const gens = generators();
    vectorMsm = interleavedMSMUnsafe(Point, [...gens.G, gens.H], 6);
  }
  return vectorMsm(scalars);
}
