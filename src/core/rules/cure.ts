// The rules of healing by gossip: when a node in Storm asks its neighbours for a cure (with a doubling back-off),
// who answers, what an attacker answers with, and whether a received cure is installed. A cure is checked on the
// receiver's own recent window: installed only if it predicts clearly better than what the node has
// (INSTALL_MARGIN) and well in absolute terms (CURE_MAX_MSE: a cure, not merely less bad than a node lost in a
// storm); its sender earns reputation. A cure that predicts far worse (BAD_CURE_FACTOR) is a failed check and
// costs its sender reputation. Of several cures heard in one tick the best one is installed, so the verdict does
// not depend on the order the radio delivered them in. (The same test guards a node's own memory, mind.ts
// recallGene: a node that recalls a gene asks no more this storm.) When none passes, the best that is no failed
// check is held and tested again every tick for HOLD_S (holdNearMiss): the storm is still filling the window.
//
// Silent mode (the default) asks and answers less: retries after 2, 4, 8 s instead of 1, 2, 4, 8 s, and an honest
// node answers only with a fresh cure it vouches for (its gene fits its own window now), once per REPLY_HOLD_S per
// neighbour (silentAnswer). Chatty mode keeps the original protocol.
//
// Prefetch (the early warning used; opt-in, config.prefetch): a storm the node saw coming (it was in PreStorm within
// WARNED_WITHIN_S before it began: noteWarning, warnedStorm) is asked about at its onset, on the next request slot,
// instead of REQUEST_AFTER_S into it; the retries then follow as for any storm. The 2 s wait is there so that a blip
// of Storm a node heals by itself costs no request; a warning says the storm is real. Asking before the storm, in
// PreStorm, and holding the answer was built and measured first: few neighbours held a gene that fit a storm not yet
// in the asker's window (its figures: docs/ARCHITECTURE.md; this rule's: docs/BENCHMARKS.md, section warning).
import * as q16 from '../fixed/q16';
import { LAGS } from '../neuron/kernel';
import { PRESTORM, STORM } from '../neuron/regimeDetector';
import { BAD_CURE_FACTOR, CURE_MAX_MSE, HOLD_S, MAX_BACKOFF, REQUEST_AFTER_S, WARNED_WITHIN_S, REQUEST_RETRY_S, SILENT_REQUEST_RETRY_S } from './model';
import { drawBelow, draw } from './random';
import { adjustTrust, isBanned, TRUST_FAILED, TRUST_REWARD } from './trust';
import { installTestPasses, INSTALLED_CURE, windowMse } from './mind';
import type { EvolutionColumns, HeldCureColumns, NeuronColumns, RegimeColumns, RequestColumns } from './state';

/** Prefetch, every tick for an honest node: a node in PreStorm notes the tick (its next storm, if it begins within
 *  WARNED_WITHIN_S, is one it saw coming). */
export function noteWarning(regimes: RegimeColumns, req: RequestColumns, i: number, tick: number): void {
  if (regimes.regime[i] === PRESTORM) req.warnedTick[i] = tick;
}

/** Whether slot i's storm was seen coming: it was in PreStorm within WARNED_WITHIN_S before the storm began (the
 *  early warning's own "warned", systems/earlyWarning.ts, with any lead). */
export function warnedStorm(evo: EvolutionColumns, req: RequestColumns, i: number, tickMs: number): boolean {
  return evo.stormStart[i]! - req.warnedTick[i]! <= Math.ceil((WARNED_WITHIN_S * 1000) / tickMs);
}

/** Whether honest node `node` (slot i) broadcasts a cure request this tick: in Storm for more than REQUEST_AFTER_S
 *  (with prefetch, a storm it saw coming at once: warnedStorm) and not yet cured (nor healed from its memory), then
 *  again after 1, 2, 4, 8 s (silent mode: 2, 4, 8 s; SILENT_REQUEST_RETRY_S) + up to half a second of jitter while
 *  unanswered. */
export function cureRequestDue(
  regimes: RegimeColumns,
  evo: EvolutionColumns,
  req: RequestColumns,
  i: number,
  node: number,
  tick: number,
  tickMs: number,
  gossipSeed: number,
  silent: boolean,
  prefetch = false,
): boolean {
  if (regimes.regime[i] !== STORM || evo.installed[i]) {
    req.backoff[i] = 0;
    return false;
  }
  const ticksPerS = 1000 / tickMs;
  const wait = prefetch && warnedStorm(evo, req, i, tickMs) ? 0 : Math.ceil(REQUEST_AFTER_S * ticksPerS);
  if (tick - evo.stormStart[i]! < wait || tick < req.nextRequestTick[i]!) return false;
  const maxBackoff = silent ? MAX_BACKOFF - 1 : MAX_BACKOFF;
  const retry = Math.ceil((silent ? SILENT_REQUEST_RETRY_S : REQUEST_RETRY_S) * ticksPerS) << Math.min(req.backoff[i]!, maxBackoff);
  req.nextRequestTick[i] = tick + retry + drawBelow(gossipSeed, node, tick, 0, Math.max(1, Math.ceil(ticksPerS / 2)));
  if (req.backoff[i]! < maxBackoff) req.backoff[i]!++;
  return true;
}

/** Whether a request slot i just made (cureRequestDue true) is one prefetch brought forward: its storm was seen
 *  coming and it is less than REQUEST_AFTER_S old. */
export function askedAtOnce(evo: EvolutionColumns, req: RequestColumns, i: number, tick: number, tickMs: number): boolean {
  return tick - evo.stormStart[i]! < Math.ceil((REQUEST_AFTER_S * 1000) / tickMs) && warnedStorm(evo, req, i, tickMs);
}

/** Silent mode: an honest node answers the same neighbour's cure requests at most once per this many seconds. The
 *  requester retries after 2, 4, 8 s while uncured; within the hold, the same replier would send the same gene
 *  again, which the requester has just judged. 8 s (with CURE_FRESH_S = 8) against 4 s (with 16): 77.6 against
 *  79.2 KB/node/day, the same heal p50 (storm, seeds 1–5). */
export const REPLY_HOLD_S = 8;

/** Whether an honest node that can cure answers neighbour slot `slot`'s request at `tick` (silent mode), and if so
 *  records it: not within REPLY_HOLD_S of its last answer to that neighbour. */
export function replyDue(replied: Int32Array, slot: number, tick: number, tickMs: number): boolean {
  if (tick - replied[slot]! < Math.ceil((REPLY_HOLD_S * 1000) / tickMs)) return false;
  replied[slot] = tick;
  return true;
}

/** Silent mode: an honest node answers cure requests only with a fresh cure, one that became a cure (the node turned
 *  Evolved) at most this many seconds ago. The storm changes (the noise zone takes a new frequency each orbit), and
 *  an older cure almost never passes the asker's install test: measured over 600 s, seeds 1–3, of the replies
 *  with a cure older than 32 s 18 passed and 2,699 failed, against 1,732 and 1,324 within 8 s
 *  (docs/BENCHMARKS.md, section silence). 16 s until the gene memory (mind.ts), which heals returning storms
 *  without asking. */
export const CURE_FRESH_S = 8;

/** Whether slot i's cure is fresh at `tick` (silent mode; CURE_FRESH_S). */
export function freshCure(evo: EvolutionColumns, i: number, tick: number, tickMs: number): boolean {
  return tick - evo.curedTick[i]! <= Math.ceil((CURE_FRESH_S * 1000) / tickMs);
}

/** Silent mode: whether slot i vouches for its gene where it is now: the gene predicts the node's own recent window
 *  within the install test's bound (CURE_MAX_MSE). A cure made at the zone's weak edge, or one the node has
 *  drifted away from, mostly fails the asker's test: measured (storm, seeds 1–3) 193 of 979 replies whose gene
 *  missed this bound on the responder's window passed the asker's test, against 1,662 of 2,429 that met it. */
export function vouches(neuron: NeuronColumns, i: number): boolean {
  return windowMse(neuron.recent, i, neuron.weights, LAGS * i, neuron.bias[i]!) <= CURE_MAX_MSE;
}

/** Silent mode: whether an honest node that can cure (canCure) answers the request of neighbour slot `slot` at
 *  `tick` with its gene: a fresh cure (freshCure) that it vouches for (vouches), not within REPLY_HOLD_S of its
 *  last answer to that neighbour (replyDue, which records this one). */
export function silentAnswer(
  neuron: NeuronColumns,
  evo: EvolutionColumns,
  replied: Int32Array,
  i: number,
  slot: number,
  tick: number,
  tickMs: number,
): boolean {
  return freshCure(evo, i, tick, tickMs) && vouches(neuron, i) && replyDue(replied, slot, tick, tickMs);
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
  const best = bestCure(neuron, trust, i, offers);
  if (best >= 0) {
    const offer = offers[best]!;
    install(neuron, evo, i, offer);
    if (!offer.anchored) adjustTrust(trust, offer.slot, TRUST_REWARD);
  }
  verdict.installed = best;
  verdict.rejected = offers.length - (best >= 0 ? 1 : 0);
  return verdict;
}

/** Installs a cure that passed into slot i's gene. */
function install(neuron: NeuronColumns, evo: EvolutionColumns, i: number, offer: CureOffer): void {
  neuron.weights.set(offer.weights.subarray(0, LAGS), LAGS * i);
  neuron.bias[i] = offer.bias;
  evo.installed[i] = INSTALLED_CURE;
}

/** The check of judgeCures on slot i's recent window: the index of the best offer that passes (lowest error, then
 *  lowest slot), or −1; each offer far worse than the node's own gene costs its sender TRUST_FAILED. */
function bestCure(neuron: NeuronColumns, trust: Uint8Array, i: number, offers: readonly CureOffer[]): number {
  const mine = windowMse(neuron.recent, i, neuron.weights, LAGS * i, neuron.bias[i]!);
  let best = -1;
  let bestMse = 0;
  for (let k = 0; k < offers.length; k++) {
    const offer = offers[k]!;
    const theirs = windowMse(neuron.recent, i, offer.weights, 0, offer.bias);
    const ok = installTestPasses(mine, theirs);
    if (ok && (best < 0 || theirs < bestMse || (theirs === bestMse && offer.slot < offers[best]!.slot))) {
      best = k;
      bestMse = theirs;
    }
    if (!ok && theirs > BAD_CURE_FACTOR * mine) adjustTrust(trust, offer.slot, -TRUST_FAILED);
  }
  return best;
}

/** The cure slot i holds, if one is held and not older than HOLD_S (an older one is dropped), else null. */
export function heldOffer(held: HeldCureColumns, i: number, tick: number, tickMs: number): CureOffer | null {
  const slot = held.heldSlot[i]!;
  if (slot === 0) return null;
  if (tick - held.heldTick[i]! > Math.ceil((HOLD_S * 1000) / tickMs)) {
    held.heldSlot[i] = 0;
    return null;
  }
  return { slot: slot - 1, weights: held.heldWeights.subarray(LAGS * i, LAGS * i + LAGS), bias: held.heldBias[i]! };
}

/** Holds `offer` as slot i's cure (its weights, bias, sender slot + 1 and the tick). */
function holdOffer(held: HeldCureColumns, i: number, tick: number, offer: CureOffer): void {
  held.heldWeights.set(offer.weights.subarray(0, LAGS), LAGS * i);
  held.heldBias[i] = offer.bias;
  held.heldSlot[i] = offer.slot + 1;
  held.heldTick[i] = tick;
}

/** Drops slot i's held cure (installed, or its storm is over). */
export function dropHeld(held: HeldCureColumns, i: number): void {
  held.heldSlot[i] = 0;
}

/** What cureStep did with slot i's cures this tick. */
export interface CureStepResult extends CureVerdict {
  /** The installed cure was the held one, a near miss (holdNearMiss). */
  nearMissInstalled: boolean;
}

/**
 * In Storm, when none of this tick's cures passed: the best of them on the node's window (lowest error, then lowest
 * slot) that is no failed check (not BAD_CURE_FACTOR worse than the node's own gene), and not a --secure anchor,
 * is held for HOLD_S and tested again every tick (cureStep), unless the cure already held does at least as well on
 * this window. Why: the node's window is 1.6 s, and while a storm builds it still holds some of the signal from
 * before, so a cure of that storm can fail now and pass a few ticks later. Measured (storm, 150 nodes, 600 s, seeds
 * 1-5, silent): 202 of the 1,331 cures installed were near misses held; heal p50 3.9 → 3.6 s, the first 300 s'
 * 5.9 → 4.3 s, the same bytes (docs/BENCHMARKS.md, "Storm bytes against the 10 % budget").
 */
export function holdNearMiss(neuron: NeuronColumns, held: HeldCureColumns, i: number, tick: number, tickMs: number, offers: readonly CureOffer[]): boolean {
  const mine = windowMse(neuron.recent, i, neuron.weights, LAGS * i, neuron.bias[i]!);
  let best = -1;
  let bestMse = 0;
  for (let k = 0; k < offers.length; k++) {
    const offer = offers[k]!;
    if (offer.anchored) continue;
    const theirs = windowMse(neuron.recent, i, offer.weights, 0, offer.bias);
    if (theirs > BAD_CURE_FACTOR * mine) continue;
    if (best < 0 || theirs < bestMse || (theirs === bestMse && offer.slot < offers[best]!.slot)) {
      best = k;
      bestMse = theirs;
    }
  }
  if (best < 0) return false;
  const current = heldOffer(held, i, tick, tickMs);
  if (current !== null && windowMse(neuron.recent, i, current.weights, 0, current.bias) <= bestMse) return false;
  const offer = offers[best]!;
  holdOffer(held, i, tick, offer);
  return true;
}

/**
 * The cures slot i received this tick (from neighbours not banned, taken only while it needsCure), in both runtimes.
 * A node that needs a cure judges them (judgeCures); if none is installed and it holds a near miss, the held one is
 * tested on this tick's window by the same test and installed if it passes (its sender rewarded), else kept for the
 * next tick until HOLD_S runs out (a held cure that fails is no failed check: the storm is still filling the window).
 */
export function cureStep(
  neuron: NeuronColumns,
  regimes: RegimeColumns,
  evo: EvolutionColumns,
  held: HeldCureColumns,
  trust: Uint8Array,
  i: number,
  tick: number,
  tickMs: number,
  offers: readonly CureOffer[],
): CureStepResult {
  const result: CureStepResult = { installed: -1, rejected: 0, nearMissInstalled: false };
  if (needsCure(regimes, evo, i)) {
    if (offers.length > 0) {
      const verdict = judgeCures(neuron, regimes, evo, trust, i, offers);
      result.installed = verdict.installed;
      result.rejected = verdict.rejected;
      if (verdict.installed >= 0) return result;
      holdNearMiss(neuron, held, i, tick, tickMs, offers);
    }
    const h = heldOffer(held, i, tick, tickMs);
    if (h === null || isBanned(trust, h.slot)) return result;
    const mine = windowMse(neuron.recent, i, neuron.weights, LAGS * i, neuron.bias[i]!);
    const theirs = windowMse(neuron.recent, i, h.weights, 0, h.bias);
    if (installTestPasses(mine, theirs)) {
      install(neuron, evo, i, h);
      adjustTrust(trust, h.slot, TRUST_REWARD);
      dropHeld(held, i);
      result.nearMissInstalled = true;
    }
  } else if (held.heldSlot[i] !== 0 && held.heldTick[i]! >= evo.stormStart[i]! && regimes.regime[i] !== PRESTORM) {
    // A near miss held since the last storm began, by a node neither in Storm nor in PreStorm: the storm is over
    // (healed, or left), dropped. A node in PreStorm keeps it for HOLD_S: the storm may be coming back.
    dropHeld(held, i);
  }
  return result;
}

/** A cure that could not even be decoded: its sender sent garbage (a failed check). */
export function garbageFrom(trust: Uint8Array, slot: number): void {
  adjustTrust(trust, slot, -TRUST_FAILED);
}

/** Whether a message from the neighbour at `slot` is to be ignored (banned). */
export function ignored(trust: Uint8Array, slot: number): boolean {
  return isBanned(trust, slot);
}
