// Freshness (issue 13): a per-sender counter that only goes up, and a receiver-side guard that accepts each
// counter once.
//
// The counter is the sender's wall clock in ms, or last + 1 when two messages fall in the same ms:
// counter = max(now, last + 1). It survives a restart without being stored, as long as the node did not
// send faster than one message per ms on average just before it (its counter would then run ahead of the
// clock, and after a restart within that lead its first messages would be refused as replays until the
// clock catches up: a brief loss, never an acceptance).
//
// The guard keeps, per roster member and per channel:
//   live      high-water mark + a REPLAY_WINDOW-bit bitmap (counters within the window below the mark are
//             accepted once each: MQTT keeps order, a radio relay may not). Older than the window: 'stale'.
//             Also 'stale' when older than maxAgeMs by the receiver's clock (MAX_LIVE_AGE_MS = 30 s), so that
//             after a receiver restart (empty guard) only messages of the last 30 s can be replayed, once.
//   retained  strictly increasing, no age limit by default: a retained summary or status may be hours old
//             when a node joins, and must still be accepted once.
//   will      strictly increasing, no age limit: the last will is sealed at connect time and published by the
//             broker when the node dies, possibly much later.
// Every channel refuses a counter more than maxFutureMs (MAX_CLOCK_SKEW_MS = 30 s) ahead of the receiver's
// clock ('future'): clocks must agree within 30 s (NTP, GPS or a gateway's time).
//
// Memory is bounded by the roster: state is created only for active roster members, and only in commit(),
// which open() calls after the signature or MIC checked out. Nothing is keyed by what a stranger sends.
import type { Roster } from './roster';
import { activeMember } from './roster';

export const CHANNELS = ['live', 'retained', 'will'] as const;
export type Channel = (typeof CHANNELS)[number];
/** Largest counter value: the wire carries 48 bits (ms since 1970: until the year 10889). */
export const MAX_COUNTER = 2 ** 48 - 1;
export const MAX_CLOCK_SKEW_MS = 30_000;
export const MAX_LIVE_AGE_MS = 30_000;
/** Live reordering window, in counter values (ms when the sender is not bursting). A multiple of 32. */
export const REPLAY_WINDOW = 256;

export type GuardVerdict = 'unknown-sender' | 'replay' | 'stale' | 'future';

/** The sender side: max(now, last + 1), in whole ms. */
export interface Counter {
  next(): number;
  readonly last: number;
}

export function createCounter(now: () => number = Date.now, last = 0): Counter {
  return {
    next() {
      last = Math.min(MAX_COUNTER, Math.max(Math.floor(now()), last + 1));
      return last;
    },
    get last() {
      return last;
    },
  };
}

interface SenderState {
  liveHigh: number;
  bits: Uint32Array;
  retainedHigh: number;
  willHigh: number;
}

export interface ReplayGuardOptions {
  roster: Roster;
  /** The receiver's clock, ms. Default Date.now. */
  now?: () => number;
  /** Default MAX_CLOCK_SKEW_MS. */
  maxFutureMs?: number;
  /** Live channel age limit. Default MAX_LIVE_AGE_MS. */
  maxAgeMs?: number;
  /** Retained and will channels' age limit. Default Infinity. */
  retainedMaxAgeMs?: number;
  /** Live reordering window in counter values, a multiple of 32. Default REPLAY_WINDOW. */
  window?: number;
}

export class ReplayGuard {
  private readonly states = new Map<number, SenderState>();
  private roster: Roster;
  private readonly now: () => number;
  private readonly maxFutureMs: number;
  private readonly maxAgeMs: number;
  private readonly retainedMaxAgeMs: number;
  readonly window: number;

  constructor(options: ReplayGuardOptions) {
    this.roster = options.roster;
    this.now = options.now ?? Date.now;
    this.maxFutureMs = options.maxFutureMs ?? MAX_CLOCK_SKEW_MS;
    this.maxAgeMs = options.maxAgeMs ?? MAX_LIVE_AGE_MS;
    this.retainedMaxAgeMs = options.retainedMaxAgeMs ?? Infinity;
    this.window = options.window ?? REPLAY_WINDOW;
    if (!Number.isInteger(this.window) || this.window < 32 || this.window % 32 !== 0)
      throw new RangeError(`replay window must be a positive multiple of 32, got ${this.window}`);
  }

  /** Senders with state (≤ active roster members). */
  get size(): number {
    return this.states.size;
  }

  /** Bytes of counter state held (an estimate: the numbers and bitmaps, not the Map's own overhead). */
  get stateBytes(): number {
    return this.states.size * (3 * 8 + this.window / 8);
  }

  /** Swaps the roster (e.g. after a revocation): state of nodes no longer active is forgotten. */
  setRoster(roster: Roster): void {
    this.roster = roster;
    for (const id of [...this.states.keys()]) if (!activeMember(roster, id)) this.states.delete(id);
  }

  /** Would `counter` from `from` on `channel` be accepted now? Changes nothing. */
  check(from: number, channel: Channel, counter: number): GuardVerdict | null {
    if (!activeMember(this.roster, from)) return 'unknown-sender';
    if (!Number.isInteger(counter) || counter < 0 || counter > MAX_COUNTER) return 'stale';
    const now = this.now();
    if (counter > now + this.maxFutureMs) return 'future';
    const s = this.states.get(from);
    if (channel === 'live') {
      if (counter < now - this.maxAgeMs) return 'stale';
      if (!s || counter > s.liveHigh) return null;
      if (counter <= s.liveHigh - this.window) return 'stale';
      const bit = counter % this.window;
      return (s.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0 ? 'replay' : null;
    }
    if (counter < now - this.retainedMaxAgeMs) return 'stale';
    const high = !s ? -1 : channel === 'retained' ? s.retainedHigh : s.willHigh;
    return counter <= high ? 'replay' : null;
  }

  /** check(), and if accepted, records the counter so that it is never accepted again. */
  commit(from: number, channel: Channel, counter: number): GuardVerdict | null {
    const verdict = this.check(from, channel, counter);
    if (verdict !== null) return verdict;
    let s = this.states.get(from);
    if (!s) this.states.set(from, (s = { liveHigh: -Infinity, bits: new Uint32Array(this.window / 32), retainedHigh: -1, willHigh: -1 }));
    if (channel === 'retained') s.retainedHigh = counter;
    else if (channel === 'will') s.willHigh = counter;
    else {
      if (counter > s.liveHigh) {
        if (counter - s.liveHigh >= this.window) s.bits.fill(0);
        else for (let c = s.liveHigh + 1; c < counter; c++) clearBit(s.bits, c % this.window);
        s.liveHigh = counter;
      }
      const bit = counter % this.window;
      s.bits[bit >>> 5] = s.bits[bit >>> 5]! | (1 << (bit & 31));
    }
    return null;
  }
}

function clearBit(bits: Uint32Array, bit: number): void {
  bits[bit >>> 5] = bits[bit >>> 5]! & ~(1 << (bit & 31));
}
