// Secure aggregation with dropout recovery, after Bonawitz et al. (CCS 2017), honest-but-curious setting.
// Each participant u has two secret seeds (scalars mod ℓ): a key seed (its X25519 secret key is derived from
// it) and a self-mask seed. It Shamir-shares both among the other participants (threshold t), then sends
//   y_u = x_u + PRG(self_u) + Σ_{v>u} PRG(s_uv) − Σ_{v<u} PRG(s_uv)      (int32, wrapping: Q16 adds mod 2^32)
// where s_uv = X25519(u, v) is the pairwise secret. Summed over the survivors S, the pairwise masks between
// survivors cancel exactly; the aggregator then recovers, from ≥ t survivors' shares, the self seed of every
// survivor and the key seed of every dropped node (never both for one node), and removes what is left.
// PRG: HKDF-SHA256 expansion (RFC 5869), salted with the round context so masks never repeat across rounds.
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { SecureAggregationError } from './errors';
import { type ByteSource, concatBytes, encodeScalar, randomScalar, u32le } from './group';
import { type Share, recoverSecret, splitSecret } from './shamir';

export interface SecAggKeys {
  readonly id: number;
  readonly keySeed: bigint;
  readonly selfSeed: bigint;
  readonly publicKey: Uint8Array;
}

export interface SecAggPeer {
  readonly id: number;
  readonly publicKey: Uint8Array;
}

/** The shares of one participant's two seeds that one holder keeps. */
export interface SeedShares {
  readonly from: number;
  readonly holder: number;
  readonly keyShare: Share;
  readonly selfShare: Share;
}

const HKDF_MAX_BYTES = 255 * 32;

function secretKeyFromSeed(keySeed: bigint): Uint8Array {
  return hkdf(sha256, encodeScalar(keySeed), undefined, utf8ToBytes('QRES/secagg/x25519-key'), 32);
}

/** `length` int32 words of HKDF-SHA256 output (in 8160-byte blocks, each with its own info counter). */
export function prgInt32(ikm: Uint8Array, context: Uint8Array, info: Uint8Array, length: number): Int32Array {
  const bytes = new Uint8Array(length * 4);
  for (let block = 0, at = 0; at < bytes.length; block++, at += HKDF_MAX_BYTES) {
    const n = Math.min(HKDF_MAX_BYTES, bytes.length - at);
    bytes.set(hkdf(sha256, ikm, context, concatBytes(info, u32le(block)), n), at);
  }
  return new Int32Array(bytes.buffer, 0, length);
}

export function createSecAggKeys(id: number, source: ByteSource): SecAggKeys {
  const keySeed = randomScalar(source);
  return { id, keySeed, selfSeed: randomScalar(source), publicKey: x25519.getPublicKey(secretKeyFromSeed(keySeed)) };
}

/** Shares of `keys`' two seeds for each holder — every participant, itself included, so any t survivors suffice. */
export function shareSecAggSeeds(keys: SecAggKeys, holders: readonly number[], threshold: number, source: ByteSource): SeedShares[] {
  const keyShares = splitSecret(keys.keySeed, holders, threshold, source);
  const selfShares = splitSecret(keys.selfSeed, holders, threshold, source);
  return holders.map((holder, i) => ({ from: keys.id, holder, keyShare: keyShares[i]!, selfShare: selfShares[i]! }));
}

function pairMask(secretKey: Uint8Array, peerPublic: Uint8Array, a: number, b: number, context: Uint8Array, length: number): Int32Array {
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(secretKey, peerPublic);
  } catch {
    throw new SecureAggregationError(`bad X25519 public key between ${a} and ${b}`);
  }
  const info = concatBytes(utf8ToBytes('QRES/secagg/pair'), u32le(Math.min(a, b)), u32le(Math.max(a, b)));
  return prgInt32(shared, context, info, length);
}

function selfMask(selfSeed: bigint, context: Uint8Array, length: number): Int32Array {
  return prgInt32(encodeScalar(selfSeed), context, utf8ToBytes('QRES/secagg/self'), length);
}

/** y_u: the input plus the self mask plus the pairwise masks with every peer (sign by id order). */
export function maskInput(keys: SecAggKeys, input: Int32Array, peers: readonly SecAggPeer[], context: Uint8Array): Int32Array {
  const out = Int32Array.from(input);
  const sk = secretKeyFromSeed(keys.keySeed);
  const self = selfMask(keys.selfSeed, context, input.length);
  for (let i = 0; i < out.length; i++) out[i] = (out[i]! + self[i]!) | 0;
  for (const peer of peers) {
    if (peer.id === keys.id) continue;
    const m = pairMask(sk, peer.publicKey, keys.id, peer.id, context, input.length);
    const sign = keys.id < peer.id ? 1 : -1;
    for (let i = 0; i < out.length; i++) out[i] = (out[i]! + sign * m[i]!) | 0;
  }
  return out;
}

export interface UnmaskInput {
  /** Masked inputs that arrived, by sender id; every other participant counts as dropped. */
  readonly masked: ReadonlyMap<number, Int32Array>;
  /** Every participant of the round (survivors and dropped), with the public keys they advertised. */
  readonly participants: readonly SecAggPeer[];
  /** The seed shares each survivor holds (what survivors reveal when asked). */
  readonly sharesHeld: ReadonlyMap<number, readonly SeedShares[]>;
  readonly threshold: number;
  readonly context: Uint8Array;
  readonly length: number;
}

/** Σ over survivors of their inputs (int32, wrapping), exact whatever subset of ≥ t participants survived. */
export function unmaskSum(req: UnmaskInput): Int32Array {
  const survivors = req.participants.filter((p) => req.masked.has(p.id));
  const dropped = req.participants.filter((p) => !req.masked.has(p.id));
  if (survivors.length < req.threshold) throw new SecureAggregationError(`${survivors.length} survivors < threshold ${req.threshold}`);
  const sum = new Int32Array(req.length);
  for (const p of survivors) {
    const y = req.masked.get(p.id)!;
    if (y.length !== req.length) throw new SecureAggregationError(`masked input of ${p.id} has length ${y.length}`);
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i]! + y[i]!) | 0;
  }
  const sharesOf = (from: number, kind: 'keyShare' | 'selfShare'): Share[] => {
    const out: Share[] = [];
    for (const holder of survivors) for (const s of req.sharesHeld.get(holder.id) ?? []) if (s.from === from && s.holder === holder.id) out.push(s[kind]);
    return out;
  };
  const recover = (from: number, kind: 'keyShare' | 'selfShare'): bigint => {
    const shares = sharesOf(from, kind);
    if (shares.length < req.threshold) throw new SecureAggregationError(`only ${shares.length} shares of ${kind} for ${from}`);
    return recoverSecret(shares, req.threshold);
  };
  for (const p of survivors) {
    const self = selfMask(recover(p.id, 'selfShare'), req.context, req.length);
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i]! - self[i]!) | 0;
  }
  for (const d of dropped) {
    const sk = secretKeyFromSeed(recover(d.id, 'keyShare'));
    for (const u of survivors) {
      const m = pairMask(sk, u.publicKey, d.id, u.id, req.context, req.length);
      const sign = u.id < d.id ? 1 : -1; // what u added for the pair (u, d)
      for (let i = 0; i < sum.length; i++) sum[i] = (sum[i]! - sign * m[i]!) | 0;
    }
  }
  return sum;
}
