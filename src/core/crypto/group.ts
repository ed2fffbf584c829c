// The prime-order group (ristretto255 from @noble/curves) and its scalar field Z/ℓ, with the canonical byte
// encodings every proof uses, plus a deterministic byte source so simulated runs replay exactly.
import { ristretto255 } from '@noble/curves/ed25519.js';
import { Field } from '@noble/curves/abstract/modular.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { EncodingLengthError, InvalidCryptoInputError, NonCanonicalEncodingError } from './errors';

export const Point = ristretto255.Point;
export type Point = InstanceType<typeof Point>;

/** ℓ, the order of ristretto255. */
export const GROUP_ORDER: bigint = Point.Fn.ORDER;
/** Arithmetic mod ℓ. */
export const Fn = Field(GROUP_ORDER);

export const POINT_BYTES = 32;
export const SCALAR_BYTES = 32;

/** a mod ℓ in [0, ℓ). */
export function modL(a: bigint): bigint {
  const r = a % GROUP_ORDER;
  return r < 0n ? r + GROUP_ORDER : r;
}

/** A signed integer (e.g. a Q16 value) as a scalar: negatives become ℓ − |v|. */
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

/** Canonical scalar decoding: exactly 32 bytes, little-endian, strictly below ℓ. */
export function decodeScalar(bytes: Uint8Array): bigint {
  if (bytes.length !== SCALAR_BYTES) throw new EncodingLengthError(`scalar must be ${SCALAR_BYTES} bytes, got ${bytes.length}`);
  const s = bytesToNumberLE(bytes);
  if (s >= GROUP_ORDER) throw new NonCanonicalEncodingError('scalar encoding is not reduced mod ℓ');
  return s;
}

/** Encodings of decoded points: decoding is canonical, so a decoded point's encoding IS its input bytes, and a
 *  verifier that binds decoded points into its transcript need not re-encode them (an inverse square root each). */
const decodedBytes = new WeakMap<Point, Uint8Array>();

export function encodePoint(p: Point): Uint8Array {
  return decodedBytes.get(p)?.slice() ?? p.toBytes();
}

/** Canonical ristretto255 decoding (RFC 9496): rejects every non-canonical or invalid 32-byte string. */
export function decodePoint(bytes: Uint8Array): Point {
  if (bytes.length !== POINT_BYTES) throw new EncodingLengthError(`point must be ${POINT_BYTES} bytes, got ${bytes.length}`);
  let p: Point;
  try {
    p = Point.fromBytes(bytes);
  } catch {
    throw new NonCanonicalEncodingError('not a canonical ristretto255 encoding');
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
