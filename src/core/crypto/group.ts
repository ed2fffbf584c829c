// The prime-order group (secp256k1, from mcl-wasm's WebAssembly build: herumi's mcl, with its multi-scalar
// multiplication) and its scalar field Z/n, with the canonical byte encodings every proof uses, plus a deterministic
// byte source so simulated runs replay exactly. secp256k1 has prime order (cofactor 1), so every decoded point is in
// the group: no ristretto-style quotient is needed. Points are SEC1-compressed (33 bytes: 02/03 for the parity of
// y, then x big-endian); the identity, which SEC1 cannot compress, is 33 zero bytes.
//
// Why this backend and not @noble/curves' ristretto255 (the one before): a verifier is one multi-scalar
// multiplication over ≈ 540 points plus ≈ 40 point decodings, and mcl's WebAssembly MSM and decoder are ≈ 4× and
// ≈ 9× faster than the best we could schedule on noble's BigInt point arithmetic (figures: docs/SECURITY.md,
// "Issue 11, item 5"). The module initialises the WebAssembly instance once, at import (top-level await).
import * as mcl from 'mcl-wasm';
import { Field } from '@noble/curves/abstract/modular.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { EncodingLengthError, InvalidCryptoInputError, NonCanonicalEncodingError } from './errors';

await mcl.init(mcl.SECP256K1);

/** n, the order of secp256k1. */
export const GROUP_ORDER: bigint = secp256k1.Point.Fn.ORDER;
/** Arithmetic mod n. */
export const Fn = Field(GROUP_ORDER);

export const POINT_BYTES = 33;
export const SCALAR_BYTES = 32;

/** A scalar in [0, n) as mcl's field element (little-endian bytes in, no string round trip). */
export function frOf(k: bigint): mcl.Fr {
  const fr = new mcl.Fr();
  fr.setLittleEndian(numberToBytesLE(k, SCALAR_BYTES));
  return fr;
}

/** mcl's own serialisation is the SEC1 prefix byte then x little-endian: reverse x to and from SEC1. */
function swapX(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  for (let i = 1; i <= 32; i++) out[i] = bytes[33 - i]!;
  return out;
}

/** A group element. Immutable; the operations @noble's points offered and the proofs use. */
export class Point {
  constructor(readonly g: mcl.G1) {}

  static readonly BASE: Point = Point.fromBytes(secp256k1.Point.BASE.toBytes(true));
  static readonly ZERO: Point = new Point(new mcl.G1());

  /** SEC1-compressed decoding (33 bytes, or 33 zero bytes for the identity); throws on anything else. */
  static fromBytes(bytes: Uint8Array): Point {
    if (bytes.length !== POINT_BYTES) throw new EncodingLengthError(`point must be ${POINT_BYTES} bytes, got ${bytes.length}`);
    const g = new mcl.G1();
    g.deserialize(swapX(bytes)); // throws if x ≥ p, x is not on the curve, or the prefix is not 02/03 (or all zero)
    const p = new Point(g);
    // Canonical: exactly one encoding per point (mcl would also take, e.g., an all-zero x with prefix 0).
    const again = p.toBytes();
    for (let i = 0; i < POINT_BYTES; i++) if (again[i] !== bytes[i]) throw new Error('non-canonical encoding');
    return p;
  }

  toBytes(): Uint8Array {
    return swapX(this.g.serialize());
  }

  add(other: Point): Point {
    return new Point(mcl.add(this.g, other.g));
  }

  subtract(other: Point): Point {
    return new Point(mcl.sub(this.g, other.g));
  }

  negate(): Point {
    return new Point(mcl.neg(this.g));
  }

  double(): Point {
    return new Point(mcl.dbl(this.g));
  }

  /** k·P for k ∈ [0, n). */
  multiply(k: bigint): Point {
    if (k < 0n || k >= GROUP_ORDER) throw new RangeError('scalar out of range');
    return new Point(mcl.mul(this.g, frOf(k)));
  }

  is0(): boolean {
    return this.g.isZero();
  }

  equals(other: Point): boolean {
    return this.g.isEqual(other.g);
  }
}

/** a mod n in [0, n). */
export function modL(a: bigint): bigint {
  const r = a % GROUP_ORDER;
  return r < 0n ? r + GROUP_ORDER : r;
}

/** A signed integer (e.g. a Q16 value) as a scalar: negatives become n − |v|. */
export function scalarFromInt(v: number): bigint {
  if (!Number.isSafeInteger(v)) throw new InvalidCryptoInputError(`not an integer: ${v}`);
  return modL(BigInt(v));
}

/** Uniform scalar from ≥ 48 bytes: wide reduction, so the bias is below 2^-128. */
export function scalarFromWideBytes(bytes: Uint8Array): bigint {
  return modL(bytesToNumberLE(bytes));
}

export function encodeScalar(s: bigint): Uint8Array {
  return numberToBytesLE(modL(s), SCALAR_BYTES);
}

/** Canonical scalar decoding: exactly 32 bytes, little-endian, strictly below n. */
export function decodeScalar(bytes: Uint8Array): bigint {
  if (bytes.length !== SCALAR_BYTES) throw new EncodingLengthError(`scalar must be ${SCALAR_BYTES} bytes, got ${bytes.length}`);
  const s = bytesToNumberLE(bytes);
  if (s >= GROUP_ORDER) throw new NonCanonicalEncodingError('scalar encoding is not reduced mod n');
  return s;
}

/** Encodings of decoded points: decoding is canonical, so a decoded point's encoding IS its input bytes, and a
 *  verifier that binds decoded points into its transcript need not re-encode them. */
const decodedBytes = new WeakMap<Point, Uint8Array>();

export function encodePoint(p: Point): Uint8Array {
  return decodedBytes.get(p)?.slice() ?? p.toBytes();
}

/** Canonical SEC1-compressed secp256k1 decoding: rejects every non-canonical or invalid 33-byte string. */
export function decodePoint(bytes: Uint8Array): Point {
  if (bytes.length !== POINT_BYTES) throw new EncodingLengthError(`point must be ${POINT_BYTES} bytes, got ${bytes.length}`);
  let p: Point;
  try {
    p = Point.fromBytes(bytes);
  } catch {
    throw new NonCanonicalEncodingError('not a canonical compressed secp256k1 encoding');
  }
  decodedBytes.set(p, bytes.slice());
  return p;
}

/** A source of (pseudo)random bytes: `crypto.getRandomValues` in deployment, a seeded one in the simulator. */
export type ByteSource = (length: number) => Uint8Array;

/**
 * A deterministic byte source: SHA-512 in counter mode over (domain, seed, counter). It is a sound PRG when the
 * seed is secret and high-entropy; the simulator seeds it from its run seed so runs replay byte for byte (which
 * makes the blinding factors predictable to anyone who knows the seed — fine for a simulation, not for a device).
 */
export function seededByteSource(seed: Uint8Array | string | number): ByteSource {
  const seedBytes =
    typeof seed === 'string' ? utf8ToBytes(seed) : typeof seed === 'number' ? numberToBytesLE(BigInt.asUintN(64, BigInt(Math.trunc(seed))), 8) : seed.slice();
  const prefix = concatBytes(utf8ToBytes('QRES/seeded-bytes/v1'), u32le(seedBytes.length), seedBytes);
  let counter = 0;
  let pool = new Uint8Array(0);
  return (length: number) => {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      if (pool.length === 0) pool = sha512(concatBytes(prefix, u32le(counter++)));
      const take = Math.min(pool.length, length - filled);
      out.set(pool.subarray(0, take), filled);
      pool = pool.subarray(take);
      filled += take;
    }
    return out;
  };
}

/** A uniform scalar from a byte source (64 bytes, wide reduction). */
export function randomScalar(source: ByteSource): bigint {
  return scalarFromWideBytes(source(64));
}

export function u32le(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0, true);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
