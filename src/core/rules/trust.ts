// Reputation a node keeps for each radio neighbour, one byte per neighbour slot (255 = 1.0): the constants of
// model.ts (0.5 start, +0.02 useful, −0.08 drift, −0.15 failed check, banned below 0.2) rounded to 1/255.
//
// A ban is a sentence, not a life term. A neighbour whose score falls below the ban line drops to 0, is ignored
// (consensus and cures), and its score climbs back by one step per consensus round, no matter what it sends
// (serveBans); after TRUST_BAN rounds (51 rounds = 8.5 min at 10 s rounds) it sits on the ban line itself, on
// probation: in the aggregate at weight 0.4 and banned again, for a full sentence, by its first failed check
// or two drift penalties. Why it cannot be abused: a ban follows only from evidence the banning node checked on
// its own data, and a convicted attacker gets one probation round in every 52, at 40 % weight, its vector still
// facing the own-data check, the own-data filter and the trimming; over MQTT, ids are bound to keys (a roster),
// so it cannot come back under a fresh name. An honest node banned by mistake (rare: 0 in the ablation) is back
// in 8.5 minutes instead of never.
import { REPUTATION } from './model';

const toByte = (q16: number): number => Math.round((q16 * 255) / 65536);

export const TRUST_INITIAL = toByte(REPUTATION.initialQ16); // 128 ≈ 0.50
export const TRUST_REWARD = toByte(REPUTATION.rewardQ16); // 5 ≈ 0.020
export const TRUST_DRIFT = toByte(REPUTATION.driftPenaltyQ16); // 20 ≈ 0.078
export const TRUST_FAILED = toByte(REPUTATION.failedCheckPenaltyQ16); // 38 ≈ 0.149
export const TRUST_BAN = toByte(REPUTATION.banBelowQ16); // 51 = 0.2

export function isBanned(trust: Uint8Array, slot: number): boolean {
  return trust[slot]! < TRUST_BAN;
}

/** Adds delta (positive or negative) to a slot's score, clamped to [0, 255]; banned slots serve their sentence
 *  unchanged, and a score that falls below the ban line starts a full one (0). */
export function adjustTrust(trust: Uint8Array, slot: number, delta: number): void {
  const s = trust[slot]!;
  if (s < TRUST_BAN) return;
  const next = Math.min(255, s + delta);
  trust[slot] = next < TRUST_BAN ? 0 : next;
}

/** One round of every sentence in slots [start, end): a banned score climbs one step towards the ban line. */
export function serveBans(trust: Uint8Array, start: number, end: number): void {
  for (let s = start; s < end; s++) if (trust[s]! < TRUST_BAN) trust[s]!++;
}

/** Rounds a ban lasts before probation. */
export const BAN_ROUNDS = TRUST_BAN;

/** The score as a Q16 aggregation weight: full weight from the default score up. */
export function trustWeightQ16(trust: Uint8Array, slot: number): number {
  return Math.min(65536, trust[slot]! * 512);
}
