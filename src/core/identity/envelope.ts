// The signed envelope (issue 13): every message a node acts on travels inside one.
//
//   [0]      0xA0 | mode << 2 | channel    mode 1 signature, 2 group MIC, 3 pairwise MIC;
//                                          channel 0 live, 1 retained, 2 will (replayGuard.ts)
//   [1..3)   sender node id, u16 LE
//   [3..9)   counter, u48 LE (sender's ms clock, strictly increasing; replayGuard.ts)
//   [9..11)  pairwise MIC only: the receiver's node id, u16 LE
//   payload  (the wire message, src/net/wire.ts)
//   tag      64-byte Ed25519 signature, or a 4-byte MIC (mic.ts)
//
// The tag covers "QRES/envelope/v1" ‖ u16 LE context length ‖ context ‖ header ‖ payload. The context is
// what the transport binds the message to (the MQTT topic, which names swarm, kind, sender and, for a reply,
// the receiver), so a valid envelope cannot be moved to another topic, swarm or addressee.
//
// open() never throws: it returns the payload or an AuthError with a reason. It checks cheap things first
// (shape, claimed sender, roster, counter freshness) and only then the tag; the replay guard records a counter
// only after the tag checked out, so strangers can neither make it grow nor spend a member's counters.
import { ed25519 } from '@noble/curves/ed25519.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { checkKey, equalBytes, MAX_IDENTITY_NODE_ID, SIGNATURE_BYTES } from './keys';
import { MIC_BYTES, mic, type Keyring } from './mic';
import { CHANNELS, MAX_COUNTER, type Channel, type ReplayGuard } from './replayGuard';
import type { Roster } from './roster';

export type TagMode = 'signature' | 'group-mic' | 'pairwise-mic';
const MODES: readonly TagMode[] = ['signature', 'group-mic', 'pairwise-mic'];

export const ENVELOPE_HEADER_BYTES = 9;
/** Bytes an envelope adds to a payload: header + tag (+ addressee for pairwise). Per message (pairwise: per
 *  receiver; a broadcast to n receivers costs n frames of payload + 15). */
export const SIGNATURE_OVERHEAD_BYTES = ENVELOPE_HEADER_BYTES + SIGNATURE_BYTES; // 73
export const GROUP_MIC_OVERHEAD_BYTES = ENVELOPE_HEADER_BYTES + MIC_BYTES; // 13
export const PAIRWISE_MIC_OVERHEAD_BYTES = ENVELOPE_HEADER_BYTES + 2 + MIC_BYTES; // 15
export const TAG_OVERHEAD_BYTES: Readonly<Record<TagMode, number>> = Object.freeze({
  signature: SIGNATURE_OVERHEAD_BYTES,
  'group-mic': GROUP_MIC_OVERHEAD_BYTES,
  'pairwise-mic': PAIRWISE_MIC_OVERHEAD_BYTES,
});
/** Extra bytes on air for one logical message to `receivers` nodes (pairwise MIC: one frame per receiver;
 *  the payload is then repeated too, which this does not count). */
export function tagOverheadBytes(mode: TagMode, receivers = 1): number {
  return mode === 'pairwise-mic' ? PAIRWISE_MIC_OVERHEAD_BYTES * Math.max(1, receivers) : TAG_OVERHEAD_BYTES[mode];
}
/** open() refuses bigger payloads as malformed (wire messages are at most 267 bytes). */
export const MAX_ENVELOPE_PAYLOAD_BYTES = 4096;

export type AuthReason =
  | 'malformed' // not an envelope: length, header byte, counter out of range, payload too large
  | 'wrong-sender' // signed by someone other than the node the topic names
  | 'unknown-sender' // not in the roster
  | 'revoked' // in the roster, revoked
  | 'not-addressed' // a pairwise MIC for another receiver
  | 'no-key' // a MIC mode this receiver holds no key for
  | 'bad-signature'
  | 'bad-mic'
  | 'replay' // counter seen before
  | 'stale' // counter older than the replay window or the age limit
  | 'future'; // counter too far ahead of the receiver's clock
export const AUTH_REASONS: readonly AuthReason[] = [
  'malformed',
  'wrong-sender',
  'unknown-sender',
  'revoked',
  'not-addressed',
  'no-key',
  'bad-signature',
  'bad-mic',
  'replay',
  'stale',
  'future',
];

/** A message that failed authentication. Returned by open(), never thrown by it. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly reason: AuthReason,
    message: string,
  ) {
    super(message);
  }
}

export interface EnvelopeHeader {
  mode: TagMode;
  channel: Channel;
  from: number;
  counter: number;
  /** The addressee of a pairwise MIC; -1 otherwise. */
  to: number;
  headerBytes: number;
  tagBytes: number;
}

const DOMAIN = utf8ToBytes('QRES/envelope/v1');

function contextBytes(context: string | Uint8Array | undefined): Uint8Array {
  if (context === undefined) return new Uint8Array(0);
  const bytes = typeof context === 'string' ? utf8ToBytes(context) : context;
  if (bytes.length > 0xffff) throw new RangeError('envelope context longer than 65535 bytes');
  return bytes;
}

function signedMessage(context: Uint8Array, headerAndPayload: Uint8Array): Uint8Array {
  const out = new Uint8Array(DOMAIN.length + 2 + context.length + headerAndPayload.length);
  out.set(DOMAIN, 0);
  out[DOMAIN.length] = context.length & 0xff;
  out[DOMAIN.length + 1] = context.length >>> 8;
  out.set(context, DOMAIN.length + 2);
  out.set(headerAndPayload, DOMAIN.length + 2 + context.length);
  return out;
}

function checkHeaderFields(from: number, counter: number, to: number | null): void {
  if (!Number.isInteger(from) || from < 0 || from > MAX_IDENTITY_NODE_ID) throw new RangeError(`sender id ${from} is not a u16`);
  if (to !== null && (!Number.isInteger(to) || to < 0 || to > MAX_IDENTITY_NODE_ID)) throw new RangeError(`receiver id ${to} is not a u16`);
  if (!Number.isInteger(counter) || counter < 0 || counter > MAX_COUNTER) throw new RangeError(`counter ${counter} is not a u48`);
}

function frame(mode: TagMode, channel: Channel, from: number, counter: number, to: number | null, payload: Uint8Array, tagBytes: number): Uint8Array {
  const headerBytes = ENVELOPE_HEADER_BYTES + (to === null ? 0 : 2);
  const out = new Uint8Array(headerBytes + payload.length + tagBytes);
  out[0] = 0xa0 | ((MODES.indexOf(mode) + 1) << 2) | CHANNELS.indexOf(channel);
  out[1] = from & 0xff;
  out[2] = from >>> 8;
  let c = counter;
  for (let i = 0; i < 6; i++) {
    out[3 + i] = c % 256;
    c = Math.floor(c / 256);
  }
  if (to !== null) {
    out[9] = to & 0xff;
    out[10] = to >>> 8;
  }
  out.set(payload, headerBytes);
  return out;
}

export interface SealOptions {
  from: number;
  /** From createCounter(): strictly increasing per sender. */
  counter: number;
  /** The sender's Ed25519 secret key. */
  secretKey: Uint8Array;
  /** What the message is bound to (the transport passes the topic). */
  context?: string | Uint8Array;
  /** Default 'live'. */
  channel?: Channel;
}

/** Signs `payload` (Ed25519): + SIGNATURE_OVERHEAD_BYTES. */
export function seal(payload: Uint8Array, options: SealOptions): Uint8Array {
  checkHeaderFields(options.from, options.counter, null);
  checkKey(options.secretKey, 'secret key');
  const out = frame('signature', options.channel ?? 'live', options.from, options.counter, null, payload, SIGNATURE_BYTES);
  const body = out.subarray(0, out.length - SIGNATURE_BYTES);
  out.set(ed25519.sign(signedMessage(contextBytes(options.context), body), options.secretKey), body.length);
  return out;
}

export interface SealMicOptions {
  from: number;
  counter: number;
  keyring: Keyring;
  /** A pairwise MIC for this receiver; without it, a group MIC. */
  to?: number;
  context?: string | Uint8Array;
  channel?: Channel;
}

/** Adds a 4-byte MIC: pairwise (to given; + PAIRWISE_MIC_OVERHEAD_BYTES) or group (+ GROUP_MIC_OVERHEAD_BYTES). */
export function sealMic(payload: Uint8Array, options: SealMicOptions): Uint8Array {
  const to = options.to ?? null;
  checkHeaderFields(options.from, options.counter, to);
  if (options.from !== options.keyring.me) throw new RangeError(`sealing as ${options.from} with node ${options.keyring.me}'s keyring`);
  const key = to === null ? options.keyring.group : options.keyring.pair(to);
  if (!key) throw new RangeError(to === null ? 'no group key in this keyring' : `node ${to} is not an active roster member`);
  const out = frame(to === null ? 'group-mic' : 'pairwise-mic', options.channel ?? 'live', options.from, options.counter, to, payload, MIC_BYTES);
  const body = out.subarray(0, out.length - MIC_BYTES);
  out.set(mic(key, signedMessage(contextBytes(options.context), body)), body.length);
  return out;
}

/** Reads an envelope's header without checking anything else; null if it is not shaped like one. */
export function peekEnvelope(bytes: Uint8Array): EnvelopeHeader | null {
  if (!(bytes instanceof Uint8Array) || bytes.length < ENVELOPE_HEADER_BYTES) return null;
  const b0 = bytes[0]!;
  const modeCode = (b0 >>> 2) & 3;
  const channelCode = b0 & 3;
  if ((b0 & 0xf0) !== 0xa0 || modeCode === 0 || channelCode >= CHANNELS.length) return null;
  const mode = MODES[modeCode - 1]!;
  const headerBytes = ENVELOPE_HEADER_BYTES + (mode === 'pairwise-mic' ? 2 : 0);
  const tagBytes = mode === 'signature' ? SIGNATURE_BYTES : MIC_BYTES;
  if (bytes.length < headerBytes + tagBytes) return null;
  let counter = 0;
  for (let i = 5; i >= 0; i--) counter = counter * 256 + bytes[3 + i]!;
  return {
    mode,
    channel: CHANNELS[channelCode]!,
    from: bytes[1]! | (bytes[2]! << 8),
    counter,
    to: mode === 'pairwise-mic' ? bytes[9]! | (bytes[10]! << 8) : -1,
    headerBytes,
    tagBytes,
  };
}

export interface OpenOptions {
  /** Must equal the context the sender sealed with. */
  context?: string | Uint8Array;
  /** Needed to open MIC envelopes; without it only signatures are accepted. */
  keyring?: Keyring;
  /** Which modes to accept. Default: signature, plus the MIC modes the keyring can check. */
  accept?: readonly TagMode[];
  maxPayloadBytes?: number;
}

export interface Opened extends EnvelopeHeader {
  payload: Uint8Array;
}

/** Why an envelope was refused, without the cost of an Error (no stack trace): what tryOpen() returns. */
export interface AuthFailure {
  readonly ok: false;
  readonly reason: AuthReason;
  readonly message: string;
}

function fail(reason: AuthReason, message: string): AuthFailure {
  return { ok: false, reason, message };
}

/** The receive path's workhorse: an Opened envelope or an AuthFailure. Never throws, allocates no Error, and
 *  checks cheap things first, so a flood of junk costs a few µs a message. */
export function tryOpen(bytes: Uint8Array, expectedSender: number | null, roster: Roster, guard: ReplayGuard, options: OpenOptions = {}): Opened | AuthFailure {
  try {
    const h = peekEnvelope(bytes);
    if (!h) return fail('malformed', 'not an envelope');
    const payloadBytes = bytes.length - h.headerBytes - h.tagBytes;
    if (payloadBytes > (options.maxPayloadBytes ?? MAX_ENVELOPE_PAYLOAD_BYTES)) return fail('malformed', `payload of ${payloadBytes} bytes is too large`);
    if (expectedSender !== null && h.from !== expectedSender) return fail('wrong-sender', `envelope from ${h.from} on a channel of node ${expectedSender}`);
    const entry = roster.nodes.get(h.from);
    if (!entry) return fail('unknown-sender', `node ${h.from} is not in the roster`);
    if (entry.revoked) return fail('revoked', `node ${h.from} is revoked`);
    const keyring = options.keyring;
    const accept =
      options.accept ?? (['signature', ...(keyring?.group ? ['group-mic' as const] : []), ...(keyring ? ['pairwise-mic' as const] : [])] as TagMode[]);
    if (!accept.includes(h.mode)) return fail('no-key', `${h.mode} envelopes are not accepted here`);
    let key: Uint8Array | null = null;
    if (h.mode === 'pairwise-mic') {
      if (!keyring) return fail('no-key', 'no keyring for pairwise MICs');
      if (h.to !== keyring.me) return fail('not-addressed', `pairwise MIC for node ${h.to}`);
      key = keyring.pair(h.from);
      if (!key) return fail('no-key', `no pair key with node ${h.from}`);
    } else if (h.mode === 'group-mic') {
      key = keyring?.group ?? null;
      if (!key) return fail('no-key', 'no group key');
    }
    const verdict = guard.check(h.from, h.channel, h.counter);
    if (verdict !== null) return fail(verdict, `counter ${h.counter} from node ${h.from}: ${verdict}`);
    const body = bytes.subarray(0, bytes.length - h.tagBytes);
    const tag = bytes.subarray(bytes.length - h.tagBytes);
    const message = signedMessage(contextBytes(options.context), body);
    if (h.mode === 'signature') {
      let ok = false;
      try {
        ok = ed25519.verify(tag, message, entry.publicKey, { zip215: false });
      } catch {
        ok = false;
      }
      if (!ok) return fail('bad-signature', `bad signature from node ${h.from}`);
    } else if (!equalBytes(mic(key!, message), tag)) {
      return fail('bad-mic', `bad MIC from node ${h.from}`);
    }
    const committed = guard.commit(h.from, h.channel, h.counter);
    if (committed !== null) return fail(committed, `counter ${h.counter} from node ${h.from}: ${committed}`);
    return { ...h, payload: bytes.slice(h.headerBytes, bytes.length - h.tagBytes) };
  } catch (err) {
    return fail('malformed', `unreadable envelope: ${(err as Error).message}`);
  }
}

/** open() with the header details; an AuthError on any failure. Never throws. */
export function openDetailed(
  bytes: Uint8Array,
  expectedSender: number | null,
  roster: Roster,
  guard: ReplayGuard,
  options: OpenOptions = {},
): Opened | AuthError {
  const r = tryOpen(bytes, expectedSender, roster, guard, options);
  return 'ok' in r ? new AuthError(r.reason, r.message) : r;
}

/** The payload of an authentic, fresh envelope from `expectedSender` (null: any roster member), or an
 *  AuthError saying why not. Never throws. */
export function open(bytes: Uint8Array, expectedSender: number | null, roster: Roster, guard: ReplayGuard, options: OpenOptions = {}): Uint8Array | AuthError {
  const r = openDetailed(bytes, expectedSender, roster, guard, options);
  return r instanceof AuthError ? r : r.payload;
}
