// The authenticated Transport (issue 13): wraps any Transport (MQTT, loopback) so that every publish goes out
// sealed (src/core/identity/envelope.ts) and every message handed up has been opened: signed (or MIC'd) by a
// roster member that is not revoked, by the very node the topic names as sender (topics.ts), bound to that
// topic, and fresh (replay guard). Anything else is dropped and counted by reason; it is never handed up and
// never throws, so a stranger's traffic can cost an honest node nothing but the check.
//
// Drop-in for a node:
//
//   const t = await connectAuthenticated({ url, me, secretKey, roster, will: { topic: statusTopic, bytes: offline, retain: true } });
//   // or: authenticate(anyTransport, { me, secretKey, roster })
//   t.subscribe(allOf(swarm, 'announce'), handler);  // handler gets the plain wire payload
//   t.publish(topicFor(swarm, 'announce', me), bytes); // sealed on the way out
//   t.drops                                          // { 'bad-signature': 3, replay: 12, ... }
//
// Retained publishes use the guard's 'retained' channel (a joiner accepts an old retained summary once) and the
// last will its 'will' channel (sealed afresh before every connect, accepted once, however late).
import { AUTH_REASONS, seal, sealMic, tryOpen, type AuthReason } from '../core/identity/envelope';
import { mqttPassword } from '../core/identity/keys';
import { Keyring } from '../core/identity/mic';
import { createCounter, ReplayGuard, type Channel, type Counter, type ReplayGuardOptions } from '../core/identity/replayGuard';
import type { Roster } from '../core/identity/roster';
import { createMqttTransport, type MqttTransport, type MqttTransportOptions, type WillMessage } from './mqttTransport';
import { parseTopic } from './topics';
import { topicMatches, type MessageHandler, type PublishOptions, type Transport } from './transport';

/** Why a received message was dropped: an AuthReason, or 'topic' (not a topic of this swarm). */
export type DropReason = AuthReason | 'topic';
export const DROP_REASONS: readonly DropReason[] = ['topic', ...AUTH_REASONS];

/** A publish on a topic that does not name this node as sender (a bug in the caller, not an attack). */
export class ForeignTopicError extends RangeError {
  override readonly name = 'ForeignTopicError';
}

export interface SignerOptions {
  me: number;
  secretKey: Uint8Array;
  /** The swarm's name (for topics and the MQTT password). */
  swarm: string;
  now?: () => number;
  /** 'signature' (Ed25519, default; for MQTT) or 'group-mic' (4-byte MIC with the swarm group key). */
  mode?: 'signature' | 'group-mic';
  groupKey?: Uint8Array;
  roster?: Roster;
}

/** A node's sealing side: one strictly increasing counter for everything it sends. */
export class Signer {
  readonly me: number;
  readonly swarm: string;
  readonly counter: Counter;
  readonly mode: 'signature' | 'group-mic';
  private readonly secretKey: Uint8Array;
  private readonly keyring: Keyring | null;

  constructor(options: SignerOptions) {
    this.me = options.me;
    this.swarm = options.swarm;
    this.secretKey = options.secretKey;
    this.counter = createCounter(options.now ?? Date.now);
    this.mode = options.mode ?? 'signature';
    this.keyring = null;
    if (this.mode === 'group-mic') {
      if (!options.groupKey || !options.roster) throw new RangeError("mode 'group-mic' needs groupKey and roster");
      this.keyring = new Keyring({ me: options.me, secretKey: options.secretKey, roster: options.roster, groupKey: options.groupKey });
    }
  }

  /** Seals `bytes` for `topic`, which must name this node as sender. */
  seal(topic: string, bytes: Uint8Array, channel: Channel = 'live'): Uint8Array {
    const parsed = parseTopic(this.swarm, topic);
    if (!parsed || parsed.from !== this.me) throw new ForeignTopicError(`node ${this.me} may not publish on ${topic}`);
    const base = { from: this.me, counter: this.counter.next(), context: topic, channel };
    return this.keyring ? sealMic(bytes, { ...base, keyring: this.keyring }) : seal(bytes, { ...base, secretKey: this.secretKey });
  }

  /** A last will for MqttTransportOptions.will: sealed afresh (channel 'will') before every connect. */
  will(topic: string, bytes: Uint8Array, retain = true): () => WillMessage {
    return () => ({ topic, bytes: this.seal(topic, bytes, 'will'), retain });
  }

  /** This node's MQTT password (username: String(me)). Never log it. */
  mqttPassword(): string {
    return mqttPassword(this.swarm, this.me, this.secretKey);
  }
}

export interface AuthTransportOptions {
  me: number;
  secretKey: Uint8Array;
  roster: Roster;
  /** The clock for counters and freshness (ms). Default Date.now. */
  now?: () => number;
  /** Default 'signature'. Receivers accept only this mode. */
  mode?: 'signature' | 'group-mic';
  groupKey?: Uint8Array;
  /** Share the sealing side (and its counter) with a will; default: a new Signer. */
  signer?: Signer;
  /** Replay-guard tuning (window, maxFutureMs, maxAgeMs, retainedMaxAgeMs). */
  guard?: Omit<ReplayGuardOptions, 'roster' | 'now'>;
  /** Called after a drop is counted (e.g. for a log line at a backing-off interval). Must not throw. */
  onDrop?: (reason: DropReason, topic: string, detail: string) => void;
}

export interface AuthenticatedTransport extends Transport {
  readonly me: number;
  readonly swarm: string;
  readonly signer: Signer;
  readonly guard: ReplayGuard;
  /** Dropped messages by reason (every reason present, 0 when none). */
  readonly drops: Readonly<Record<DropReason, number>>;
  /** Sum of drops. */
  readonly dropped: number;
  /** Messages opened and handed up (counted once per message, however many handlers matched). */
  readonly delivered: number;
  /** Swaps the roster (after a revocation): the guard forgets nodes no longer active. */
  setRoster(roster: Roster): void;
}

function equalContent(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function authenticate(inner: Transport, options: AuthTransportOptions): AuthenticatedTransport {
  const now = options.now ?? Date.now;
  let roster = options.roster;
  const swarm = roster.swarm;
  const mode = options.mode ?? 'signature';
  const signer = options.signer ?? new Signer({ me: options.me, secretKey: options.secretKey, swarm, now, mode, groupKey: options.groupKey, roster });
  if (signer.me !== options.me || signer.swarm !== swarm) throw new RangeError('the signer is for another node or swarm');
  const guard = new ReplayGuard({ ...options.guard, roster, now });
  let keyring = mode === 'group-mic' ? new Keyring({ me: options.me, secretKey: options.secretKey, roster, groupKey: options.groupKey }) : null;
  const drops = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  let dropped = 0;
  let delivered = 0;
  const filters: string[] = [];
  const acceptModes = [mode] as const;
  // The inner transport calls us once per matching subscription. One message must be opened once (a second
  // open would be a replay), so consecutive deliveries of the same topic and bytes, up to the number of our
  // filters that match the topic, reuse the first result.
  let last: { topic: string; bytes: Uint8Array; payload: Uint8Array | null; seen: number; expected: number } | null = null;

  const drop = (reason: DropReason, topic: string, detail: string): null => {
    drops[reason]++;
    dropped++;
    try {
      options.onDrop?.(reason, topic, detail);
    } catch {
      // a logging callback must not break the receive path
    }
    return null;
  };

  const openOnce = (topic: string, bytes: Uint8Array): Uint8Array | null => {
    if (last && last.seen < last.expected && last.topic === topic && equalContent(last.bytes, bytes)) {
      last.seen++;
      return last.payload;
    }
    const expected = filters.reduce((n, f) => n + (topicMatches(f, topic) ? 1 : 0), 0);
    let payload: Uint8Array | null;
    try {
      const parsed = parseTopic(swarm, topic);
      if (!parsed) payload = drop('topic', topic, 'not a topic of this swarm');
      else {
        const r = tryOpen(bytes, parsed.from, roster, guard, { context: topic, keyring: keyring ?? undefined, accept: acceptModes });
        if ('ok' in r) payload = drop(r.reason, topic, r.message);
        else {
          delivered++;
          payload = r.payload;
        }
      }
    } catch (err) {
      payload = drop('malformed', topic, String((err as Error)?.message ?? err));
    }
    last = { topic, bytes, payload, seen: 1, expected };
    return payload;
  };

  return {
    me: options.me,
    swarm,
    signer,
    guard,
    get drops() {
      return drops;
    },
    get dropped() {
      return dropped;
    },
    get delivered() {
      return delivered;
    },
    setRoster(next: Roster) {
      if (next.swarm !== swarm) throw new RangeError(`roster of swarm ${next.swarm}, transport of ${swarm}`);
      roster = next;
      guard.setRoster(next);
      keyring?.setRoster(next);
    },
    publish(topic: string, bytes: Uint8Array, publishOptions: PublishOptions = {}) {
      // An empty retained publish clears the topic at the broker (MQTT); it carries nothing to authenticate.
      if (publishOptions.retain && bytes.length === 0) {
        if (parseTopic(swarm, topic)?.from !== options.me) throw new ForeignTopicError(`node ${options.me} may not publish on ${topic}`);
        return inner.publish(topic, bytes, publishOptions);
      }
      return inner.publish(topic, signer.seal(topic, bytes, publishOptions.retain ? 'retained' : 'live'), publishOptions);
    },
    subscribe(filter: string, handler: MessageHandler) {
      filters.push(filter);
      return inner.subscribe(filter, (topic, bytes) => {
        const payload = openOnce(topic, bytes);
        if (payload) handler(topic, payload);
      });
    },
    close() {
      keyring = null;
      return inner.close();
    },
  };
}

export interface ConnectAuthenticatedOptions extends Omit<MqttTransportOptions, 'will' | 'username' | 'password'>, AuthTransportOptions {
  /** The node's last will (e.g. status/<me> "offline", retained): sealed afresh before every connect. */
  will?: WillMessage;
  /** Log in with username String(me) and mqttPassword() (default true; false for a broker without auth). */
  login?: boolean;
}

/** An MQTT transport that logs in as the node and is wrapped by authenticate(). The drop-in for a node. */
export function connectAuthenticated(options: ConnectAuthenticatedOptions): AuthenticatedTransport & { readonly mqtt: MqttTransport } {
  const now = options.now ?? Date.now;
  const signer =
    options.signer ??
    new Signer({
      me: options.me,
      secretKey: options.secretKey,
      swarm: options.roster.swarm,
      now,
      mode: options.mode,
      groupKey: options.groupKey,
      roster: options.roster,
    });
  const login = options.login !== false;
  const will = options.will;
  const mqtt = createMqttTransport({
    ...options,
    username: login ? String(options.me) : undefined,
    password: login ? signer.mqttPassword() : undefined,
    will: will ? signer.will(will.topic, will.bytes, will.retain !== false) : undefined,
  });
  const auth = authenticate(mqtt, { ...options, now, signer });
  return Object.assign(auth, { mqtt });
}
