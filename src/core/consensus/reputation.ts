// Per-peer reputation in Q16 and the drift evidence that feeds it. Default constants: 0.5 to start, +0.02 for
// a verified useful gene, −0.08 for drift, −0.15 for a failed check, banned below 0.2, scores clamped to [0, 1].
// Peers are dense integer ids; scores live in typed arrays (4 + 1 bytes per peer) that grow on demand.
import type { Q16 } from '../fixed/q16';
import { Scratch, compareLimbs, squaredDistanceLimbs } from './exact';

export interface ReputationConfig {
  initialQ16: Q16;
  rewardQ16: Q16;
  driftPenaltyQ16: Q16;
  failedCheckPenaltyQ16: Q16;
  /** A peer whose score falls strictly below this is banned. */
  banBelowQ16: Q16;
  /** Once banned, always banned (default); otherwise a ban lifts when the score climbs back. */
  stickyBans: boolean;
}

export const DEFAULT_REPUTATION: Readonly<ReputationConfig> = Object.freeze({
  initialQ16: 32768, // 0.5
  rewardQ16: 1311, // 0.02
  driftPenaltyQ16: 5243, // 0.08
  failedCheckPenaltyQ16: 9830, // 0.15
  banBelowQ16: 13107, // 0.2
  stickyBans: true,
});

/** A peer id that is not an integer in [0, MAX_PEER_ID]. */
export class PeerIdError extends RangeError {
  override readonly name = 'PeerIdError';
}

export const MAX_PEER_ID = (1 << 24) - 1;
const ONE = 65536;

export class ReputationTracker {
  readonly config: Readonly<ReputationConfig>;
  private scores: Int32Array;
  private banned: Uint8Array;

  constructor(capacity = 16, config: Partial<ReputationConfig> = {}) {
    this.config = Object.freeze({ ...DEFAULT_REPUTATION, ...config });
    this.scores = new Int32Array(Math.max(1, capacity)).fill(this.config.initialQ16);
    this.banned = new Uint8Array(Math.max(1, capacity));
  }

  private slot(peer: number): number {
    if (!Number.isInteger(peer) || peer < 0 || peer > MAX_PEER_ID) throw new PeerIdError(`peer id ${peer} is not an integer in [0, ${MAX_PEER_ID}]`);
    if (peer >= this.scores.length) {
      const size = Math.min(MAX_PEER_ID + 1, Math.max(peer + 1, this.scores.length * 2));
      const scores = new Int32Array(size).fill(this.config.initialQ16);
      scores.set(this.scores);
      const banned = new Uint8Array(size);
      banned.set(this.banned);
      this.scores = scores;
      this.banned = banned;
    }
    return peer;
  }

  private change(peer: number, delta: number): void {
    const i = this.slot(peer);
    const s = Math.min(ONE, Math.max(0, this.scores[i]! + delta));
    this.scores[i] = s;
    const below = s < this.config.banBelowQ16;
    if (below) this.banned[i] = 1;
    else if (!this.config.stickyBans) this.banned[i] = 0;
  }

  /** The peer's score (the initial score for a peer never seen). */
  score(peer: number): Q16 {
    if (!Number.isInteger(peer) || peer < 0 || peer > MAX_PEER_ID) throw new PeerIdError(`peer id ${peer} is not an integer in [0, ${MAX_PEER_ID}]`);
    return peer < this.scores.length ? this.scores[peer]! : this.config.initialQ16;
  }

  isBanned(peer: number): boolean {
    if (!Number.isInteger(peer) || peer < 0 || peer > MAX_PEER_ID) throw new PeerIdError(`peer id ${peer} is not an integer in [0, ${MAX_PEER_ID}]`);
    return peer < this.banned.length && this.banned[peer] === 1;
  }

  /** A gene from this peer was checked and found useful. */
  reward(peer: number): void {
    this.change(peer, this.config.rewardQ16);
  }

  /** This peer's vector drifted from the robust aggregate (see assessDrift). */
  penalizeDrift(peer: number): void {
    this.change(peer, -this.config.driftPenaltyQ16);
  }

  /** This peer's gene failed a check on the node's own data. */
  penalizeFailedCheck(peer: number): void {
    this.change(peer, -this.config.failedCheckPenaltyQ16);
  }

  /** Q16 weights for the reputation-weighted trimmed mean: the score, or 0 for a banned peer. */
  weights(peers: ArrayLike<number>, out?: Int32Array): Int32Array {
    const w = out ?? new Int32Array(peers.length);
    for (let i = 0; i < peers.length; i++) w[i] = this.isBanned(peers[i]!) ? 0 : this.score(peers[i]!);
    return w;
  }

  /** Number of banned peers among ids 0..capacity−1. */
  bannedCount(): number {
    let k = 0;
    for (let i = 0; i < this.banned.length; i++) k += this.banned[i]!;
    return k;
  }

  /** Every peer back to the initial score, no bans. */
  reset(): void {
    this.scores.fill(this.config.initialQ16);
    this.banned.fill(0);
  }
}

export interface DriftOptions {
  /** A row drifted when its squared distance exceeds K · (median squared distance); default K = 9 (3× the
   * median distance). Integer. */
  distanceMultipleSq?: number;
  /** ... and exceeds this absolute distance (Q16), so a near-unanimous swarm does not punish rounding. */
  minDistanceQ16?: Q16;
}

const limbs = new Scratch((n) => new Float64Array(n));
const order: number[] = [];
const TWO_32 = 4294967296;
const floorVec = new Int32Array(1);
const ZERO = new Int32Array(1);

/**
 * Drift evidence from distance to a robust aggregate. The robust scale is the median over rows of the squared
 * distance to `aggregate` (the median absolute deviation of the distances, squared), so honest spread sets its
 * own yardstick; row i drifted if ‖xᵢ − aggregate‖² > K · that median (and exceeds the floor). Distances are
 * exact two-limb integers (exact.ts). A norm over all d coordinates, not a per-coordinate test: identical
 * attackers clumped next to the aggregate shrink a per-coordinate MAD enough that the max over 9 honest
 * coordinates often exceeds it, while the median of a χ²-like norm barely moves (≈ 25 % at 30 % clumped).
 * The median is a majority statistic: it protects honest rows only while they are more than half (filter
 * what failed an own-data check first when Sybils may be half the neighbourhood). Returns flags[i] = 1.
 */
export function assessDrift(vectors: Int32Array, n: number, d: number, aggregate: ArrayLike<number>, opts: DriftOptions = {}, out?: Uint8Array): Uint8Array {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(d) || d < 1 || vectors.length < n * d || aggregate.length < d) {
    throw new RangeError(`assessDrift: bad shape n = ${n}, d = ${d}, ${vectors.length} values, aggregate of ${aggregate.length}`);
  }
  const k = opts.distanceMultipleSq ?? 9;
  if (!Number.isInteger(k) || k < 1 || k > 1 << 20) throw new RangeError(`assessDrift: distanceMultipleSq must be an integer in [1, 2^20], got ${k}`);
  const flags = out ?? new Uint8Array(n);
  flags.fill(0, 0, n);
  const e = limbs.get(2 * n + 2);
  for (let i = 0; i < n; i++) squaredDistanceLimbs(vectors, i * d, aggregate, 0, d, e, 2 * i);
  order.length = 0;
  for (let i = 0; i < n; i++) order.push(i);
  order.sort((a, b) => compareLimbs(e[2 * a]!, e[2 * a + 1]!, e[2 * b]!, e[2 * b + 1]!));
  const m = order[(n - 1) >> 1]!; // the lower median
  // K · median, exactly: lo·K < 2^52, then carry into hi.
  const lo = e[2 * m + 1]! * k;
  const carry = Math.floor(lo / TWO_32);
  const tHi = e[2 * m]! * k + carry;
  const tLo = lo - carry * TWO_32;
  floorVec[0] = opts.minDistanceQ16 ?? 0;
  squaredDistanceLimbs(floorVec, 0, ZERO, 0, 1, e, 2 * n);
  const fHi = e[2 * n]!;
  const fLo = e[2 * n + 1]!;
  for (let i = 0; i < n; i++) {
    const hi = e[2 * i]!;
    const l = e[2 * i + 1]!;
    if (compareLimbs(hi, l, tHi, tLo) > 0 && compareLimbs(hi, l, fHi, fLo) > 0) flags[i] = 1;
  }
  return flags;
}
