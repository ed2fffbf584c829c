// The rules of healing by gossip: when a node in Storm asks its neighbours for a cure (with a doubling back-off),
// who answers, what an attacker answers with, and whether a received cure is installed. A cure is checked on the
// receiver's own recent window: installed only if it predicts clearly better than what the node has
// (INSTALL_MARGIN) and well in absolute terms (CURE_MAX_MSE: a cure, not merely less bad than a node lost in a
// storm); its sender earns reputation. A cure that predicts far worse (BAD_CURE_FACTOR) is a failed check and
// costs its sender reputation. Of several cures heard in one tick the best one is installed, so the verdict does
// not depend on the order the radio delivered them in.
import * as q16 from '../fixed/q16';
import { LAGS } from '../neuron/kernel';
import { STORM } from '../neuron/regimeDetector';
import { BAD_CURE_FACTOR, CURE_MAX_MSE, INSTALL_MARGIN_DEN, INSTALL_MARGIN_NUM, MAX_BACKOFF, REQUEST_AFTER_S, REQUEST_RETRY_S } from './model';
import { drawBelow, draw } from './random';
import { adjustTrust, isBanned, TRUST_FAILED, TRUST_REWARD } from './trust';
import { windowMse } from './mind';
import type { EvolutionColumns, NeuronColumns, RegimeColumns, RequestColumns } from './state';

/** Whether honest node `node` (slot i) broadcasts a cure request this tick: in Storm for more than REQUEST_AFTER_S
 *  and not yet cured, then again after 1, 2, 4, 8 s (+ up to half a second of jitter) while unanswered. */
export function cureRequestDue(
  regimes: RegimeColumns,
  evo: EvolutionColumns,
  req: RequestColumns,
  i: number,
  node: number,
  tick: number,
  tickMs: number,
  gossipSeed: number,
): boolean {
  if (regimes.regime[i] !== STORM || evo.installed[i]) {
    req.backoff[i] = 0;
    return false;
  }
  const ticksPerS = 1000 / tickMs;
  if (tick - evo.stormStart[i]! < Math.ceil(REQUEST_AFTER_S * ticksPerS) || tick < req.nextRequestTick[i]!) return false;
  const retry = Math.ceil(REQUEST_RETRY_S * ticksPerS) << req.backoff[i]!;
  req.nextRequestTick[i] = tick + retry + drawBelow(gossipSeed, node, tick, 0, Math.max(1, Math.ceil(ticksPerS / 2)));
  if (req.backoff[i]! < MAX_BACKOFF) req.backoff[i]!++;
  return true;
}

/** Whether an honest node answers a cure request: it is Evolved (its gene ended a storm) and not itself in Storm. */
export function canCure(regimes: RegimeColumns, evo: EvolutionColumns, i: number): boolean {
  return evo.evolved[i] === 1 && regimes.regime[i] !== STORM;
}

/** Whether a received cure can still matter to slot i: it is in Storm and has not installed one this storm. */
export function needsCure(regimes: RegimeColumns, evo: EvolutionColumns, i: number): boolean {
  return regimes.regime[i] === STORM && evo.installed[i] === 0;
}

/** An attacker's poisoned "cure" for the request it answers at `tick`: plausible weights in ±2 that predict
 *  nothing. */
export function poisonWeights(attackSeed: number, node: number, tick: number, out: Int32Array): Int32Array {
  const span = 4 * q16.ONE + 1;
  // u32 × span < 2^53: exact in a double.
  for (let k = 0; k < LAGS; k++) out[k] = -2 * q16.ONE + Math.floor((draw(attackSeed, node, tick, 100 + k) * span) / 4294967296);
  return out;
}

/** One cure received this tick by slot i, from the neighbour at reputation slot `slot`. */
export interface CureOffer {
  slot: number;
  weights: Int32Array;
  bias: number;
  /** A --secure anchor: nothing bounds its history, so a useful one earns no reputation. */
  anchored?: boolean;
}

export interface CureVerdict {
  /** Index into the offers of the installed cure, or −1. */
  installed: number;
  /** Offers checked and not installed. */
  rejected: number;
}

/**
 * Judges the cures slot i received this tick (from neighbours not banned; the caller drops the others) and
 * installs the best one that passes, rewarding its sender; each failed check costs its sender TRUST_FAILED.
 * Nothing happens unless the node still needs a cure (needsCure).
 */
export function judgeCures(
  neuron: NeuronColumns,
  regimes: RegimeColumns,
  evo: EvolutionColumns,
  trust: Uint8Array,
  i: number,
  offers: readonly CureOffer[],
): CureVerdict {
  const verdict: CureVerdict = { installed: -1, rejected: 0 };
  if (offers.length === 0 || !needsCure(regimes, evo, i)) return verdict;
  const wo = LAGS * i;
  const mine = windowMse(neuron.recent, i, neuron.weights, wo, neuron.bias[i]!);
  let best = -1;
  let bestMse = 0;
  for (let k = 0; k < offers.length; k++) {
    const offer = offers[k]!;
    const theirs = windowMse(neuron.recent, i, offer.weights, 0, offer.bias);
    const passes = theirs <= CURE_MAX_MSE && theirs * INSTALL_MARGIN_DEN < mine * INSTALL_MARGIN_NUM;
    if (passes && (best < 0 || theirs < bestMse || (theirs === bestMse && offer.slot < offers[best]!.slot))) {
      best = k;
      bestMse = theirs;
    }
    if (!passes && theirs > BAD_CURE_FACTOR * mine) adjustTrust(trust, offer.slot, -TRUST_FAILED);
  }
  if (best >= 0) {
    const offer = offers[best]!;
    neuron.weights.set(offer.weights.subarray(0, LAGS), wo);
    neuron.bias[i] = offer.bias;
    evo.installed[i] = 1;
    if (!offer.anchored) adjustTrust(trust, offer.slot, TRUST_REWARD);
  }
  verdict.installed = best;
  verdict.rejected = offers.length - (best >= 0 ? 1 : 0);
  return verdict;
}

/** A cure that could not even be decoded: its sender sent garbage (a failed check). */
export function garbageFrom(trust: Uint8Array, slot: number): void {
  adjustTrust(trust, slot, -TRUST_FAILED);
}

/** Whether a message from the neighbour at `slot` is to be ignored (banned). */
export function ignored(trust: Uint8Array, slot: number): boolean {
  return isBanned(trust, slot);
}
