// Reputation a node keeps for each radio neighbour, one byte per neighbour slot (255 = 1.0): the constants of
// model.ts (0.5 start, +0.02 useful, −0.08 drift, −0.15 failed check, banned below 0.2) rounded to 1/255. A ban is sticky: a banned neighbour's score never changes again.
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

/** Adds delta (positive or negative) to a slot's score, clamped to [0, 255]; banned slots stay as they are. */
export function adjustTrust(trust: Uint8Array, slot: number, delta: number): void {
  const s = trust[slot]!;
  if (s < TRUST_BAN) return;
  trust[slot] = Math.max(0, Math.min(255, s + delta));
}

/** The score as a Q16 aggregation weight: full weight from the default score up. */
export function trustWeightQ16(trust: Uint8Array, slot: number): number {
  return Math.min(65536, trust[slot]! * 512);
}
