// The silent swarm (issue 14): when a node speaks, what a receiver keeps of a neighbour that is silent, and when a
// node's radio listens. Pure functions over the columns below; the simulator (systems/gossip.ts, packetPhysics.ts,
// consensus.ts) and the node daemon (src/node/nodeCore.ts) call them alike, and test/conformance compares them.
//
// Speaking. In silent mode (the default; `--chatty` is the old fixed-round broadcast) a node broadcasts its
// consensus model at its beacon slot of a round only when it carries news:
// - its model moved more than its news threshold (any coordinate) since its last broadcast: SEND_DELTA, or a
//   quarter of the median distance to the models it holds of its neighbours when they disagree more (newsThreshold);
// - its heartbeat lapsed: HEARTBEAT_ROUNDS since its last broadcast (checked in wake rounds, when every
//   neighbour listens);
// - it owes its deep-sleeping neighbours the news it sent outside a wake round (they did not hear it);
// - it is asked: a neighbour came (back) onto the network (a joiner's summary request, a peer's online status).
// Receivers keep each neighbour's last heard model and the round they heard it (`held`, `heldRound`) and aggregate
// it for HELD_MAX_AGE rounds (two missed heartbeats) after that. A held model is re-checked on the receiver's window
// every round and left out when it fails, but reputation moves only on a model heard this round: evidence is a
// message, so silence is never punished, and an attacker that speaks once is judged once but filtered every round
// (consensus.ts honestRoundAt).
//
// Listening. Every transmission lands in a slot known in advance (as in LoRaWAN class B or Wi-Fi target wake
// time): consensus in the first BEACON_TICKS ticks of a round, cure requests on ping ticks (every PING_TICKS). A
// frame sent at tick t is heard at t + 1. A node's energy mode sets which ticks its radio listens at:
// - Active (in Storm, exposed to the noise zone, or a neighbour asked for a cure in the last ACTIVE_HOLD_S):
//   every tick;
// - Alert (PreStorm, an Evolved node that may be asked for a cure, or news in the last AGREE_ROUNDS rounds): the
//   beacon of every round and every ping tick;
// - DeepSilence (calm and agreeing): the beacon of wake rounds only (one round in DEEP_EVERY). News wakes a deep
//   node (Alert) only when it moved a coordinate more than ALERT_DELTA (wakeDelta): a calm swarm never stops
//   making small news (each node's innovation pulls it towards its own gene), and when any news woke a node, each
//   wake round's news rippled on through Alert neighbours and kept 8 % of the swarm Alert, 90 % of a calm node's
//   energy (docs/ENERGY.md, "The silent swarm (measured)").
// Attackers listen all the time (they gain by it). In chatty mode every node listens all the time.
import { CALM, PRESTORM, STORM } from '../neuron/regimeDetector';
import { LAGS } from '../neuron/kernel';
import { EXCLUDE_FACTOR, EXCLUDE_FLOOR, MODEL_DIM } from './model';
import { persistenceMse, windowMse } from './mind';
import { isBanned } from './trust';

/** A consensus broadcast is news when some coordinate moved more than this since the last one (Q16: 1/256). A
 *  receiver's copy is never further than this from the sender's model (between heartbeats), so agreement to 1 %
 *  (bench:silence, docs/BENCHMARKS.md) needs it small; each halving costs more broadcasts while models settle. */
export const SEND_DELTA = 256;
/** News that wakes a node in DeepSilence (makes it Alert: its own broadcast, or one it hears) moved some coordinate
 *  more than this; a node already awake stays Alert on any news (more than SEND_DELTA). See wakeDelta. */
export const ALERT_DELTA = 4 * SEND_DELTA;
/** How far a model must move to be news that keeps a node in energy mode `mode` Alert: SEND_DELTA, or ALERT_DELTA
 *  for a node in DeepSilence (hysteresis: small news, which never stops in a calm swarm, does not wake it). */
export function wakeDelta(mode: number): number {
  return mode === MODE_DEEP ? ALERT_DELTA : SEND_DELTA;
}
/** Every node speaks at least once per this many rounds (in a wake round): 43 min at 10 s rounds, 34 broadcasts
 *  (1.7 KB at 49 bytes a frame, 1 J on LoRa SF7) a day, so a calm node fits in 8 KB and 8.87 J a day with news to
 *  spare (docs/ENERGY.md). */
export const HEARTBEAT_ROUNDS = 256;
/** Deep-sleeping nodes listen to the beacon of one round in this many (the wake rounds: round % DEEP_EVERY = 0):
 *  2 ticks in 160 s, 108 s a day, 3.8 J a day of a LoRa SF7 receiver (8 would be twice that). */
export const DEEP_EVERY = 16;
/** A held model older than this many rounds is dropped from the aggregate (two missed heartbeats). */
export const HELD_MAX_AGE = 2 * HEARTBEAT_ROUNDS + DEEP_EVERY;
/** Consensus broadcasts of silent mode go in the first BEACON_TICKS ticks of a round (slot (node − 1) mod it). */
export const BEACON_TICKS = 2;
/** Cure requests of silent mode go on ticks that are multiples of this (0.5 s at 100 ms ticks). */
export const PING_TICKS = 5;
/** A node that heard a cure request stays Active this long (s). */
export const ACTIVE_HOLD_S = 10;
/** A node that sent or heard news stays Alert this many rounds (it listens to every beacon meanwhile, so the swarm
 *  converges at the pace of rounds, not of wake rounds). */
export const AGREE_ROUNDS = 4;
/** heldRound of a slot never heard. */
export const NEVER = -0x40000000;

export const MODE_ACTIVE = 0;
export const MODE_ALERT = 1;
export const MODE_DEEP = 2;
export const MODE_NAMES = ['active', 'alert', 'deep'] as const;

/** What attackers do about silence (the test set of issue 14): follow the silence rules; speak every round (a
 *  chatty attacker in a silent swarm); speak once and then stay silent; or speak only when it helps, i.e. when the
 *  vector it crafted would pass the receivers' own-data filter on its own window (it is judged only then, and its
 *  held copy keeps pulling while it is silent). */
export const ATTACKER_SPEECH = ['rules', 'always', 'once', 'opportunist'] as const;
export type AttackerSpeech = (typeof ATTACKER_SPEECH)[number];
export function isAttackerSpeech(x: string): x is AttackerSpeech {
  return (ATTACKER_SPEECH as readonly string[]).includes(x);
}

/** The sender's side, per node: what it last broadcast (MODEL_DIM words), in which round, whether it owes deep
 *  neighbours a wake-round copy, whether it was asked to speak. */
export interface SpeechColumns {
  sent: Int32Array;
  sentRound: Int32Array;
  owes: Uint8Array;
  asked: Uint8Array;
}

/** The listener's side, per node: energy mode, Active until this tick, the round it last sent or heard news. */
export interface ListenColumns {
  mode: Uint8Array;
  activeUntil: Int32Array;
  newsRound: Int32Array;
}

export function roundOf(tick: number, roundTicks: number): number {
  return Math.floor(tick / roundTicks);
}

export function wakeRound(round: number): boolean {
  return round % DEEP_EVERY === 0;
}

/** The beacon width of a round (never more than half of it). */
export function beaconTicks(roundTicks: number): number {
  return Math.max(1, Math.min(BEACON_TICKS, roundTicks >> 1));
}

/** Whether `tick` is node `node`'s beacon slot (silent mode): slot (node − 1) mod the beacon width. */
export function beaconSlotAt(node: number, tick: number, roundTicks: number): boolean {
  const width = beaconTicks(roundTicks);
  const phase = tick % roundTicks;
  return phase < width && (node - 1) % width === phase;
}

export function pingTick(tick: number): boolean {
  return tick % PING_TICKS === 0;
}

export function activeHoldTicks(tickMs: number): number {
  return Math.ceil((ACTIVE_HOLD_S * 1000) / tickMs);
}

/** Sets everything a fresh node starts with at slot i: never sent, never heard news, asked (a new node speaks). */
export function initSpeechAt(speech: SpeechColumns, listen: ListenColumns, i: number): void {
  speech.sentRound[i] = NEVER;
  speech.asked[i] = 1;
  listen.newsRound[i] = NEVER;
}

/** Largest coordinate difference between row a (at ao) and row b (at bo). */
export function maxDelta(a: Int32Array, ao: number, b: Int32Array, bo: number): number {
  let d = 0;
  for (let k = 0; k < MODEL_DIM; k++) d = Math.max(d, Math.abs(a[ao + k]! - b[bo + k]!));
  return d;
}

/**
 * Whether honest node i speaks at its beacon slot of round `round` (silent mode), and if so records the broadcast
 * (sent ← model, sentRound, owes, asked cleared; news → newsRound). The caller has checked the slot; `threshold`
 * is the node's newsThreshold.
 */
export function honestSpeaks(speech: SpeechColumns, listen: ListenColumns, model: Int32Array, i: number, round: number, threshold = SEND_DELTA): boolean {
  const mo = MODEL_DIM * i;
  const wake = wakeRound(round);
  // A node in DeepSilence keeps its (small) news for the next wake round, when its deep neighbours listen too.
  const deep = listen.mode[i] === MODE_DEEP && !wake;
  const first = speech.sentRound[i] === NEVER;
  const moved = first ? 0 : maxDelta(model, mo, speech.sent, mo);
  const news = first || (!deep && moved > threshold);
  const heartbeat = wake && round - speech.sentRound[i]! >= HEARTBEAT_ROUNDS;
  const owed = wake && speech.owes[i] === 1;
  if (!news && !heartbeat && !owed && speech.asked[i] === 0) return false;
  if (first || (news && moved > wakeDelta(listen.mode[i]!))) listen.newsRound[i] = round;
  recordSpeech(speech, model, i, round);
  return true;
}

function recordSpeech(speech: SpeechColumns, model: Int32Array, i: number, round: number): void {
  const mo = MODEL_DIM * i;
  speech.sent.set(model.subarray(mo, mo + MODEL_DIM), mo);
  speech.sentRound[i] = round;
  speech.owes[i] = wakeRound(round) ? 0 : 1;
  speech.asked[i] = 0;
}

/** Whether attacker i speaks at its beacon slot (silent mode), under its speech policy; records it like an honest
 *  node. `recent` is the attacker's own window (for 'opportunist'). */
export function attackerSpeaks(
  policy: AttackerSpeech,
  speech: SpeechColumns,
  listen: ListenColumns,
  model: Int32Array,
  recent: Int32Array,
  i: number,
  round: number,
): boolean {
  if (policy === 'rules') return honestSpeaks(speech, listen, model, i, round);
  if (policy === 'once' && speech.sentRound[i] !== NEVER) return false;
  if (policy === 'opportunist') {
    const mo = MODEL_DIM * i;
    const own = Math.max(persistenceMse(recent, i), EXCLUDE_FLOOR);
    if (windowMse(recent, i, model, mo, model[mo + LAGS]!) > EXCLUDE_FACTOR * own) return false;
  }
  recordSpeech(speech, model, i, round);
  return true;
}

/**
 * A receiver takes a neighbour's broadcast heard in `round` into its held copy (`held` at `ho`); returns true when
 * it is news to the receiver (it had no copy, or some coordinate moved more than SEND_DELTA), which keeps the
 * receiver Alert (newsRound).
 */
export function takeHeld(
  held: Int32Array,
  ho: number,
  heldRound: Int32Array,
  s: number,
  weights: ArrayLike<number>,
  bias: number,
  round: number,
  delta = SEND_DELTA,
): boolean {
  let news = heldRound[s] === NEVER;
  for (let k = 0; k < MODEL_DIM; k++) {
    const v = k < LAGS ? weights[k]! : bias;
    if (Math.abs(v - held[ho + k]!) > delta) news = true;
    held[ho + k] = v;
  }
  heldRound[s] = round;
  return news;
}

/** Node i's energy mode this tick (honest nodes; attackers are Active). */
export function energyModeAt(regime: number, evolved: boolean, exposed: boolean, listen: ListenColumns, i: number, tick: number, round: number): number {
  if (regime === STORM || exposed || tick < listen.activeUntil[i]!) return MODE_ACTIVE;
  if (regime === PRESTORM || evolved || round - listen.newsRound[i]! < AGREE_ROUNDS) return MODE_ALERT;
  return regime === CALM ? MODE_DEEP : MODE_ALERT;
}

/** Whether a radio in `mode` listens at `tick` (it hears what was sent at tick − 1 in a scheduled slot). */
export function listensAt(mode: number, tick: number, roundTicks: number): boolean {
  if (mode === MODE_ACTIVE) return true;
  const sent = tick - 1;
  if (sent < 0) return false;
  const beacon = sent % roundTicks < beaconTicks(roundTicks);
  if (mode === MODE_ALERT) return beacon || pingTick(sent);
  return beacon && wakeRound(roundOf(sent, roundTicks));
}

/** A neighbour asked for a cure: stay Active for ACTIVE_HOLD_S. */
export function heardRequest(listen: ListenColumns, i: number, tick: number, tickMs: number): void {
  listen.activeUntil[i] = tick + activeHoldTicks(tickMs);
}

/** News is also relative: a move smaller than 1 / 2^NEWS_SHIFT of the median distance from a node's model to the
 *  models it holds of its neighbours is not news (see newsThreshold). */
export const NEWS_SHIFT = 2; // 1 (a half) cut storm consensus bytes by 36 % but let the opportunist adaptive attacker drift 5.45 %
let distances = new Int32Array(0);

/** The held copies a node sees when it decides whether to speak (its neighbour slots [start, end)). */
export interface HeldView {
  start: number;
  end: number;
  source: Int32Array;
  rowOf(s: number): number;
  heldRound: Int32Array;
  trust: Uint8Array;
}

/**
 * Node i's news threshold: SEND_DELTA, or 1 / 2^NEWS_SHIFT of the median distance (largest coordinate) from its model
 * (at mo) to the models it holds of its neighbours in good standing, when that is larger. Precision finer than the
 * neighbourhood's own disagreement changes no one's aggregate much; in a storm, where honest models differ for
 * real, this is what keeps a node from speaking every round. In an agreeing neighbourhood it is SEND_DELTA.
 */
export function newsThreshold(model: Int32Array, mo: number, view: HeldView): number {
  if (distances.length < view.end - view.start) distances = new Int32Array(view.end - view.start);
  let n = 0;
  for (let s = view.start; s < view.end; s++) {
    if (view.heldRound[s] === NEVER || isBanned(view.trust, s)) continue;
    distances[n++] = maxDelta(model, mo, view.source, view.rowOf(s));
  }
  if (n === 0) return SEND_DELTA;
  const sorted = distances.subarray(0, n).sort();
  return Math.max(SEND_DELTA, sorted[n >> 1]! >> NEWS_SHIFT);
}
