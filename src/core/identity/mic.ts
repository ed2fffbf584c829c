// Short message integrity codes for LoRa-sized frames (issue 13), as LoRaWAN's 4-byte MIC: HMAC-SHA256
// truncated to MIC_BYTES. Two kinds of key:
//
//   pairwise  k(a,b) = HKDF-SHA256(ikm = X25519(a, b), salt = "QRES/mic/pairwise/v1",
//                                   info = swarm ‖ 0 ‖ min(a,b) u16 LE ‖ max(a,b) u16 LE), 32 bytes.
//             Only a and b know it, so a valid MIC proves the sender is the other end. A broadcast needs one
//             MIC (one frame) per receiver.
//   group     k = HKDF-SHA256(ikm = the swarm's 32-byte group key, salt = "QRES/mic/group/v1", info = swarm).
//             One MIC per broadcast, but every member holds the key, so any member can forge a message from
//             any other member: it keeps strangers out, not insiders.
//
// A 4-byte MIC is forged by guessing with probability 2^-32 per try; the replay guard and the broker's or
// gateway's rate limit keep the tries few (LoRaWAN makes the same bet). X25519 keys come from each node's
// Ed25519 key (keys.ts), so the roster's public keys suffice; the Keyring derives a pair key once and keeps it,
// for active roster members only (bounded by the roster).
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { checkKey, sharedSecret } from './keys';
import { activeMember, type Roster } from './roster';

export const MIC_BYTES = 4;
export const GROUP_KEY_BYTES = 32;

export function pairwiseKey(swarm: string, me: number, mySecretKey: Uint8Array, peer: number, peerPublicKey: Uint8Array): Uint8Array {
  const lo = Math.min(me, peer);
  const hi = Math.max(me, peer);
  const name = utf8ToBytes(swarm);
  const info = new Uint8Array(name.length + 5);
  info.set(name, 0);
  info[name.length + 1] = lo & 0xff;
  info[name.length + 2] = lo >>> 8;
  info[name.length + 3] = hi & 0xff;
  info[name.length + 4] = hi >>> 8;
  return hkdf(sha256, sharedSecret(mySecretKey, peerPublicKey), utf8ToBytes('QRES/mic/pairwise/v1'), info, 32);
}

export function groupMicKey(swarm: string, groupKey: Uint8Array): Uint8Array {
  return hkdf(sha256, checkKey(groupKey, 'group key', GROUP_KEY_BYTES), utf8ToBytes('QRES/mic/group/v1'), utf8ToBytes(swarm), 32);
}

/** HMAC-SHA256(key, message) truncated to `bytes` (default MIC_BYTES). */
export function mic(key: Uint8Array, message: Uint8Array, bytes = MIC_BYTES): Uint8Array {
  return hmac(sha256, key, message).subarray(0, bytes);
}

export interface KeyringOptions {
  me: number;
  secretKey: Uint8Array;
  roster: Roster;
  /** The swarm's group key (DIR/group.key), if group MICs are used. */
  groupKey?: Uint8Array;
}

/** The MIC keys one node holds: its pair keys with every active roster member (derived on first use, one
 *  X25519 each) and the group MIC key. */
export class Keyring {
  readonly me: number;
  private readonly secretKey: Uint8Array;
  private roster: Roster;
  private readonly pairs = new Map<number, Uint8Array>();
  readonly group: Uint8Array | null;

  constructor(options: KeyringOptions) {
    this.me = options.me;
    this.secretKey = checkKey(options.secretKey, 'secret key');
    this.roster = options.roster;
    this.group = options.groupKey ? groupMicKey(options.roster.swarm, options.groupKey) : null;
  }

  get swarm(): string {
    return this.roster.swarm;
  }

  /** Pair keys held (≤ active roster members). */
  get size(): number {
    return this.pairs.size;
  }

  setRoster(roster: Roster): void {
    this.roster = roster;
    for (const id of [...this.pairs.keys()]) if (!activeMember(roster, id)) this.pairs.delete(id);
  }

  /** The pair key with `peer`, or null when the peer is not an active roster member. */
  pair(peer: number): Uint8Array | null {
    const cached = this.pairs.get(peer);
    if (cached) return cached;
    const entry = activeMember(this.roster, peer);
    if (!entry || peer === this.me) return null;
    const key = pairwiseKey(this.roster.swarm, this.me, this.secretKey, peer, entry.publicKey);
    this.pairs.set(peer, key);
    return key;
  }
}
