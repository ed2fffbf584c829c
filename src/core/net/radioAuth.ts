// Radio authentication (issue 13): the trailer every radio message carries, so that a receiver acts only on
// messages from roster members, each at most once, and can tell members apart. Over MQTT the daemon signs every
// message (src/core/identity/envelope.ts, 73 bytes); a LoRa-sized radio cannot afford that on every frame, so
// the radio carries the cheapest trailer that still names its sender:
//
//   unicast    [MIC 4]                                 4 bytes: a MIC under the sender–receiver pair key
//   broadcast  [MIC 4 × k][k u8]                      1 + 4k bytes: one pair-key MIC per radio neighbour
//              [signature 64][0xff]                    65 bytes, when that is cheaper (k > 16)
//
// (mode 'pairwise', the default). Requests are the exception: a cure request or a summary request only asks, and
// nothing a receiver decides about its sender rests on it (no reputation, no model), so it carries the group MIC
// in every mode but 'none' (tagModeFor). An insider could ask in another member's name; it could as well ask in
// its own, with the same effect on the askees (they answer and spend airtime). A request then stays one frame:
// a joiner at 90 % loss gets its one-frame request through 1 time in 10, not 1 in 100. Mode 'group' puts one group-key MIC on every message, [MIC 4]: it keeps strangers
// out but any member can speak as any other (docs/SECURITY.md); mode 'none' carries nothing. A MIC vector names no
// receivers: a receiver computes the one MIC it shares with the sender and looks for it among the k entries, so a
// forger without that pair key guesses 32 bits with k tries per message (k · 2^-32). Every tag covers the round
// the message was sent in, the message id (the fragment header's u16, which counts up per sender) and the message,
// so a captured message cannot be re-sent under a new id, nor in a later round.
//
// Freshness, at the receiver: the round is not sent (rounds are known in advance to every node; that is what the
// listen schedule rests on): the receiver tries its own round and the one before (frames live at most TTL_MS = 5 s,
// a round is longer), so a message re-sent two rounds later fails its tag. And the message id must be newer
// (mod 2^16) than the last one it accepted from that sender (freshId). The last id is kept per radio-neighbour
// slot, so the state is bounded by the neighbourhood. With no round byte a cure reply (9 + 32 B) and a summary reply
// (9 + 34 B) with their MIC still fit one 51-byte LoRa frame (src/core/net/fragment.ts: no CRC-32 under a tag).
//
// The simulator computes its tags with radioTag below, a keyed 32-bit mixing hash, instead of HMAC-SHA256 /
// Ed25519: the bytes on air and every check a receiver makes are the real ones, the cryptographic strength is not
// (it is tested on the real envelope, test/core/identity). The daemon counts these trailer bytes in its radio
// estimate (radioAuthBytes) and signs over MQTT.
import { mix32 } from '../rng/rng';
import { MSG_CURE_REQUEST, MSG_SUMMARY_REQUEST } from './message';

export const RADIO_AUTH_MODES = ['pairwise', 'group', 'none'] as const;
export type RadioAuthMode = (typeof RADIO_AUTH_MODES)[number];
export const isRadioAuthMode = (s: string): s is RadioAuthMode => (RADIO_AUTH_MODES as readonly string[]).includes(s);

/** The tag a message of this type carries: requests (cure request 1, summary request 4; src/core/net/message.ts)
 *  only ask, and carry the group MIC under 'pairwise'. */
export function tagModeFor(mode: RadioAuthMode, type: number): RadioAuthMode {
  return mode === 'pairwise' && (type === MSG_CURE_REQUEST || type === MSG_SUMMARY_REQUEST) ? 'group' : mode;
}

/** A 4-byte MIC, as LoRaWAN's (src/core/identity/mic.ts MIC_BYTES). */
export const RADIO_MIC_BYTES = 4;
/** An Ed25519 signature (src/core/identity/keys.ts SIGNATURE_BYTES). */
export const RADIO_SIGNATURE_BYTES = 64;
/** One MIC vector entry. */
export const MIC_ENTRY_BYTES = RADIO_MIC_BYTES;
/** The count byte that marks a signature instead of a MIC vector. */
const SIGNED = 0xff;
/** A MIC vector with more entries than this costs more than a signature. */
export const MAX_MIC_ENTRIES = Math.floor(RADIO_SIGNATURE_BYTES / MIC_ENTRY_BYTES);

/** Bytes the trailer adds to one message sent to `receivers` radio neighbours (broadcast) or to one (unicast). */
export function radioAuthBytes(mode: RadioAuthMode, broadcast: boolean, receivers: number): number {
  if (mode === 'none') return 0;
  if (mode === 'group' || !broadcast) return RADIO_MIC_BYTES;
  return receivers <= MAX_MIC_ENTRIES ? 1 + MIC_ENTRY_BYTES * receivers : 1 + RADIO_SIGNATURE_BYTES;
}

/** The key material a node holds: pair keys with every roster member, the group key, its own signing key; a
 *  verifier also needs the signature check of any member (a public-key operation on a real radio). */
export interface RadioKeys {
  pair(a: number, b: number): number;
  group(): number;
  /** The simulator's stand-in for a signature: a keyed hash under the signer's key. */
  sign(signer: number): number;
}

/** The simulator's key table: every key derived from one secret (the roster a real swarm provisions with
 *  `qres keys`). Code that plays an attacker must use only its own node's keys (insiderKeys). */
export function radioKeys(secret: number): RadioKeys {
  const base = mix32(secret ^ 0x7a3d_51c9);
  return {
    pair: (a, b) => mix32(mix32(base ^ Math.min(a, b)) ^ Math.imul(Math.max(a, b), 0x2545_f491)),
    group: () => mix32(base ^ 0x6b43_a9b5),
    sign: (signer) => mix32(mix32(base ^ 0x1b87_3593) ^ signer),
  };
}

/** The keys an insider holding node `me`'s key material has: its own pair keys, the group key, its own signing
 *  key. Anything else throws, so an attack written against it cannot cheat by accident. */
export function insiderKeys(all: RadioKeys, me: number): RadioKeys {
  return {
    pair: (a, b) => {
      if (a !== me && b !== me) throw new Error(`insider ${me} does not hold the pair key of ${a} and ${b}`);
      return all.pair(a, b);
    },
    group: () => all.group(),
    sign: (signer) => {
      if (signer !== me) throw new Error(`insider ${me} cannot sign as ${signer}`);
      return all.sign(signer);
    },
  };
}

/** The simulator's 32-bit tag of (key, round, message id, message[0..length)). */
export function radioTag(key: number, round: number, messageId: number, message: Uint8Array, length: number): number {
  let h = mix32(mix32(key ^ round) ^ (messageId | (length << 16)));
  let i = 0;
  for (; i + 4 <= length; i += 4) h = mix32(h ^ (message[i]! | (message[i + 1]! << 8) | (message[i + 2]! << 16) | (message[i + 3]! << 24)));
  for (; i < length; i++) h = mix32(h ^ message[i]! ^ (i << 8));
  return h;
}

function putU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = v >>> 24;
}
function getU32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}
/** The 64 stand-in signature bytes: 16 words chained from the signer's tag. */
function signatureWord(tag: number, j: number): number {
  return mix32(tag ^ Math.imul(j + 1, 0x9e37_79b9));
}

/**
 * Appends the trailer to `message` sent by `from` in `round` with fragment id `messageId`: to one receiver
 * (`receivers` = [to]) or broadcast to `receivers` (the sender's radio neighbours). Returns a new array.
 */
export function sealRadio(
  mode: RadioAuthMode,
  keys: RadioKeys,
  from: number,
  broadcast: boolean,
  receivers: ArrayLike<number>,
  round: number,
  messageId: number,
  message: Uint8Array,
): Uint8Array {
  if (mode === 'none') return message;
  const k = broadcast ? receivers.length : 1;
  const len = message.length;
  const out = new Uint8Array(len + radioAuthBytes(mode, broadcast, k));
  out.set(message, 0);
  if (mode === 'group' || !broadcast) {
    const key = mode === 'group' ? keys.group() : keys.pair(from, receivers[0]!);
    putU32(out, len, radioTag(key, round, messageId, message, len));
    return out;
  }
  if (k <= MAX_MIC_ENTRIES) {
    for (let i = 0; i < k; i++) putU32(out, len + i * MIC_ENTRY_BYTES, radioTag(keys.pair(from, receivers[i]!), round, messageId, message, len));
    out[len + k * MIC_ENTRY_BYTES] = k;
  } else {
    const tag = radioTag(keys.sign(from), round, messageId, message, len);
    for (let j = 0; j < 16; j++) putU32(out, len + 4 * j, signatureWord(tag, j));
    out[len + RADIO_SIGNATURE_BYTES] = SIGNED;
  }
  return out;
}

export type RadioAuthFailure = 'malformed' | 'forged';

/** Where the message ends inside a sealed one (the trailer starts there), or 'malformed'. No keys needed. */
export function trailerStart(mode: RadioAuthMode, broadcast: boolean, sealed: Uint8Array): number | 'malformed' {
  const n = sealed.length;
  if (mode === 'none') return n;
  let trailer: number;
  if (mode === 'group' || !broadcast) trailer = RADIO_MIC_BYTES;
  else {
    if (n < 1) return 'malformed';
    const k = sealed[n - 1]!;
    trailer = k === SIGNED ? RADIO_SIGNATURE_BYTES + 1 : k <= MAX_MIC_ENTRIES ? 1 + k * MIC_ENTRY_BYTES : -1;
  }
  if (trailer < 0 || trailer > n) return 'malformed';
  return n - trailer;
}

/** Whether the trailer's tag is right for `round`. */
function tagged(
  mode: RadioAuthMode,
  keys: RadioKeys,
  receiver: number,
  from: number,
  broadcast: boolean,
  round: number,
  messageId: number,
  sealed: Uint8Array,
  len: number,
): boolean {
  if (mode === 'group' || !broadcast) {
    const key = mode === 'group' ? keys.group() : keys.pair(from, receiver);
    return getU32(sealed, len) === radioTag(key, round, messageId, sealed, len);
  }
  const k = sealed[sealed.length - 1]!;
  if (k === SIGNED) {
    const tag = radioTag(keys.sign(from), round, messageId, sealed, len);
    for (let j = 0; j < 16; j++) if (getU32(sealed, len + 4 * j) !== signatureWord(tag, j)) return false;
    return true;
  }
  const want = radioTag(keys.pair(from, receiver), round, messageId, sealed, len);
  for (let i = 0; i < k; i++) if (getU32(sealed, len + i * MIC_ENTRY_BYTES) === want) return true;
  return false;
}

/**
 * Checks a sealed message claimed by `from` at `receiver`, whose round is `now`: its shape, and its tag under the
 * key `receiver` would share with `from`, for round `now` or `now − 1`. Returns the message's length (the message
 * is sealed.subarray(0, length)) or why it fails ('forged' also for a message from an older round). Never throws.
 * Freshness of the id is the caller's (freshId, with its per-neighbour record), to be recorded only after this passed.
 */
export function openRadio(
  mode: RadioAuthMode,
  keys: RadioKeys,
  receiver: number,
  from: number,
  broadcast: boolean,
  now: number,
  messageId: number,
  sealed: Uint8Array,
): number | RadioAuthFailure {
  const len = trailerStart(mode, broadcast, sealed);
  if (len === 'malformed' || mode === 'none') return len;
  if (tagged(mode, keys, receiver, from, broadcast, now, messageId, sealed, len)) return len;
  if (now > 0 && tagged(mode, keys, receiver, from, broadcast, now - 1, messageId, sealed, len)) return len;
  return 'forged';
}

/** Whether message id `id` is newer than `last` (the last accepted from that sender; −1: none yet), mod 2^16. */
export function freshId(last: number, id: number): boolean {
  if (last < 0) return true;
  const d = (id - last) & 0xffff;
  return d !== 0 && d < 0x8000;
}
