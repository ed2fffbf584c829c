// Fiat–Shamir transcript. Every absorbed item is (label length, label, message length, message), all lengths
// as u32 LE, so no two different sequences of (label, message) pairs feed the hash the same bytes — unlike the
// original's bare concatenation, where ("ab","c") and ("a","bc") collide. Challenges are 64-byte SHA-512
// outputs reduced mod ℓ (wide reduction) and are themselves absorbed, so later challenges depend on earlier ones.
import { sha512 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { type Point, Fn, encodePoint, encodeScalar, scalarFromWideBytes, u32le } from './group';

const TRANSCRIPT_DOMAIN = 'QRES-transcript-v1';

export class Transcript {
  private readonly hash = sha512.create();

  /** `protocol` separates proof types: a proof made for one protocol name never verifies under another. */
  constructor(protocol: string) {
    this.absorb('dom-sep', utf8ToBytes(TRANSCRIPT_DOMAIN));
    this.absorb('protocol', utf8ToBytes(protocol));
  }

  appendMessage(label: string, message: Uint8Array): void {
    this.absorb(label, message);
  }

  appendU32(label: string, value: number): void {
    this.absorb(label, u32le(value));
  }

  appendPoint(label: string, p: Point): void {
    this.absorb(label, encodePoint(p));
  }

  appendScalar(label: string, s: bigint): void {
    this.absorb(label, encodeScalar(s));
  }

  /** A challenge scalar in [0, ℓ); the (negligible) zero outcome is re-drawn so callers may invert it. */
  challengeScalar(label: string): bigint {
    for (let attempt = 0; ; attempt++) {
      const fork = this.hash.clone();
      const tag = utf8ToBytes(`challenge:${label}`);
      fork.update(u32le(tag.length)).update(tag).update(u32le(attempt));
      const wide = fork.digest();
      const c = scalarFromWideBytes(wide);
      this.absorb(`challenge:${label}`, wide);
      if (!Fn.is0(c)) return c;
    }
  }

  private absorb(label: string, message: Uint8Array): void {
    const labelBytes = utf8ToBytes(label);
    this.hash.update(u32le(labelBytes.length)).update(labelBytes).update(u32le(message.length)).update(message);
  }
}
