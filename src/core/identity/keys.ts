// Node key pairs (issue 13). One Ed25519 key pair per node: the public key goes into the swarm roster, the
// 32-byte secret key stays on the node (mode 0600, never printed). The same key also gives the node's X25519
// key (the birational map Ed25519 → Curve25519, RFC 7748 §4.1), used for pairwise MIC keys on LoRa-sized
// links (mic.ts), and its MQTT password (a deterministic Ed25519 signature a broker can check against the
// roster alone). Pure: no I/O; randomness comes from crypto.getRandomValues through @noble.
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export const SECRET_KEY_BYTES = 32;
export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;
/** Node ids are u16, as in the wire header and the topics. */
export const MAX_IDENTITY_NODE_ID = 0xffff;
/** Swarm names, as topics.ts accepts them (repeated here: core does not import net). */
export const SWARM_NAME_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export interface KeyPair {
  /** 32 bytes. Secret: never log or print it. */
  secretKey: Uint8Array;
  /** 32 bytes, Ed25519. */
  publicKey: Uint8Array;
}

/** A key, key file or hex string that is not what it should be. */
export class KeyError extends Error {
  override readonly name = 'KeyError';
}

/** A fresh key pair from the platform CSPRNG; `seed` (32 bytes) only for tests and benchmarks. */
export function generateKeyPair(seed?: Uint8Array): KeyPair {
  const secretKey = seed ? checkKey(seed, 'seed') : randomBytes(SECRET_KEY_BYTES);
  return { secretKey: secretKey.slice(), publicKey: ed25519.getPublicKey(secretKey) };
}

export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(checkKey(secretKey, 'secret key'));
}

export function checkKey(key: unknown, what: string, length = SECRET_KEY_BYTES): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== length) {
    throw new KeyError(`${what} must be ${length} bytes`);
  }
  return key;
}

/** Whether 32 bytes are a valid Ed25519 public key: the canonical encoding of a point (strict RFC 8032
 *  decoding, not ZIP-215) that is not of small order. */
export function isValidPublicKey(publicKey: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES) return false;
  try {
    return !ed25519.Point.fromBytes(publicKey, false).isSmallOrder();
  } catch {
    return false;
  }
}

/** The node's X25519 secret key, derived from its Ed25519 secret key. */
export function x25519SecretOf(secretKey: Uint8Array): Uint8Array {
  return ed25519.utils.toMontgomerySecret(checkKey(secretKey, 'secret key'));
}

/** A roster member's X25519 public key, derived from its Ed25519 public key. */
export function x25519PublicOf(publicKey: Uint8Array): Uint8Array {
  return ed25519.utils.toMontgomery(checkKey(publicKey, 'public key', PUBLIC_KEY_BYTES));
}

/** The raw X25519 shared secret of two nodes (both sides get the same 32 bytes). */
export function sharedSecret(mySecretKey: Uint8Array, theirPublicKey: Uint8Array): Uint8Array {
  return x25519.getSharedSecret(x25519SecretOf(mySecretKey), x25519PublicOf(theirPublicKey));
}

export function toHex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

/** Lower- or upper-case hex of exactly `length` bytes; KeyError otherwise. */
export function fromHex(hex: unknown, length: number, what: string): Uint8Array {
  if (typeof hex !== 'string' || hex.length !== 2 * length || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new KeyError(`${what} must be ${2 * length} hex digits`);
  }
  return hexToBytes(hex);
}

function mqttPasswordMessage(swarm: string, id: number): Uint8Array {
  return utf8ToBytes(`QRES/mqtt-password/v1\u0000${swarm}\u0000${id}`);
}

/** The MQTT password of node `id` (username: the decimal id): base64url of an Ed25519 signature over the
 *  swarm and id. Ed25519 is deterministic, so the node can recompute it from its key at every start, and a
 *  broker can check it with the roster's public key, holding no secret. */
export function mqttPassword(swarm: string, id: number, secretKey: Uint8Array): string {
  const sig = ed25519.sign(mqttPasswordMessage(swarm, id), checkKey(secretKey, 'secret key'));
  return toBase64Url(sig);
}

/** Whether `password` is node `id`'s MQTT password for `swarm` under `publicKey`. Never throws. */
export function checkMqttPassword(swarm: string, id: number, publicKey: Uint8Array, password: string | Uint8Array | undefined): boolean {
  try {
    if (password === undefined) return false;
    const text = typeof password === 'string' ? password : new TextDecoder('utf-8', { fatal: true }).decode(password);
    if (!/^[A-Za-z0-9_-]{86}$/.test(text)) return false;
    const sig = fromBase64Url(text);
    if (sig === null || sig.length !== SIGNATURE_BYTES) return false;
    return ed25519.verify(sig, mqttPasswordMessage(swarm, id), publicKey);
  } catch {
    return false;
  }
}

/** A random password (base64url, 24 bytes of entropy) for the read-only viewer user. */
export function randomPassword(): string {
  return toBase64Url(randomBytes(24));
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Unpadded base64url (RFC 4648 §5), without Buffer so that it runs in the browser too. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) out += B64[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

/** Decodes unpadded base64url; null on any other character or an impossible length. */
export function fromBase64Url(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let at = 0;
  for (const ch of text) {
    const v = B64.indexOf(ch);
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** Constant-time equality of two byte strings (or strings) of any length. */
export function equalBytes(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const x = typeof a === 'string' ? utf8ToBytes(a) : a;
  const y = typeof b === 'string' ? utf8ToBytes(b) : b;
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}
