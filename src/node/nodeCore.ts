// One real node, transport-agnostic: the rulebook (src/core/rules/) applied to one node, in the simulator's
// pipeline order. `step(tick)` runs one device tick:
//   sense → cortex → evolution → gossip (answer last tick's requests, ask for a cure, broadcast the consensus
//   vector) → the messages that arrived before this tick (requests, cures, consensus vectors) → cure install →
//   consensus round end,
// and `handle(topic, bytes)` only checks and queues a message for the next tick (a bounded inbox). So a message
// sent at tick t acts at tick t + 1 at every receiver, as a frame does in the simulator's link model, and the
// daemon and the simulator stay bit for bit equal (test/conformance). The runtime (runtime.ts) drives it from the
// wall clock and MQTT; tests drive it directly over a loopback bus. Nothing a peer sends can crash it: every
// message is decoded and checked, and a malformed one is counted and dropped.
//
// --secure (config.secure): a cure reply is a secure body over MQTT, one message (MSG_SECURE_REPLY; no parts,
// MQTT has no 51-byte MTU). The node keeps its commitment chain and its record of each neighbour's, and applies
// the rulebook's secure cure protocol (src/core/rules/secureCure.ts) exactly as the simulator's systems do:
// bodies built once per gene version, attackers' forgeries, verify before install, TRUST_FAILED for a failed
// proof, at most SECURE_OUTBOX bodies sent per tick, a resend within RESEND_KEEP_S ignored.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import * as q16 from '../core/fixed/q16';
import { GeneDecodeError, type Gene } from '../core/gene/gene';
import { decodeStoredNode, encodeStoredNode } from '../core/gene/stored';
import { maxSpread } from '../core/gene/summary';
import { DEFAULT_MU, LAGS } from '../core/neuron/kernel';
import { CALM } from '../core/neuron/regimeDetector';
import { createRng, type Rng } from '../core/rng/rng';
import { getAggregator, type AggregatorSpec } from '../core/consensus/registry';
import { getAttack, type AttackFn } from '../core/consensus/attacks';
import { FRAGMENT_HEADER_BYTES_NO_CRC, fragmentCount } from '../core/net/fragment';
import { radioAuthBytes, RADIO_MIC_BYTES } from '../core/net/radioAuth';
import {
  adoptSummary,
  attackerRoundAt,
  canCure,
  silentAnswer,
  settledAt,
  consensusSendsAt,
  cortexStep,
  createNodeState,
  cureRequestDue,
  cureStep,
  evolutionStep,
  evolutionTiming,
  EXPOSED_LEVEL,
  GENE_LIMIT,
  HEALED_FROM_MEMORY,
  HEALED_GOSSIP,
  HEALED_SELF,
  honestRoundAt,
  ignored,
  isBanned,
  MODEL_DIM,
  needsCure,
  NODE,
  poisonWeights,
  rememberedGenes,
  restoreAt,
  ROUND_ACCEPTED,
  roundEndsAt,
  rngAt,
  ruleSeeds,
  senseAt,
  setHeard,
  TRUST_INITIAL,
  askedAtOnce,
  noteWarning,
  type CureOffer,
  type EvolutionTiming,
  type NodeState,
  type RoundView,
  type RuleSeeds,
} from '../core/rules/index';
import {
  attackerSpeaks,
  beaconSlotAt,
  energyModeAt,
  heardRequest,
  heldUsable,
  honestSpeaks,
  initSpeechAt,
  listensAt,
  MODE_ACTIVE,
  NEVER,
  newsThreshold,
  type HeldView,
  pingTick,
  takeHeld,
  wakeDelta,
  type AttackerSpeech,
  type ListenColumns,
  type SpeechColumns,
} from '../core/rules/index';
import {
  acceptSecureBody,
  checkSecureBody,
  createSecureChain,
  expireRecent,
  forgeSecureCureBody,
  isRecent,
  refuseSecureCure,
  resendKeepTicks,
  SECURE_OUTBOX,
  secureCureBody,
  type ChainRecord,
  type SecureChain,
  type SecureVerdict,
} from '../core/rules/secureCure';
import type { GeneStorage } from '../storage/geneStorage';
import { allOf, parseTopic, repliesTo, replyTopic, summaryTopic, topicFor, type TopicKind } from '../net/topics';
import type { Transport } from '../net/transport';
import {
  decodeWire,
  encodeAnnounce,
  encodeConsensus,
  encodeReply,
  encodeRequest,
  encodeSecureReply,
  encodeStatus,
  encodeSummary,
  FLAG_ATTACKER,
  FLAG_EVOLVED,
  FLAG_HEALED,
  FLAG_IN_NOISE,
  MSG_ANNOUNCE,
  MSG_CONSENSUS,
  MSG_REPLY,
  MSG_REQUEST,
  MSG_SECURE_REPLY,
  MSG_STATUS,
  MSG_SUMMARY,
  WireDecodeError,
  type WireMessage,
} from '../net/wire';
import { DEVICE_TICK_MS, roundTicks, type NodeConfig } from './config';
import { PeerRateLimiter } from './rateLimiter';
import type { Sensor } from './sensor';
import { createNodeStats, mqttPublishBytes } from './stats';
import { buildStatus, type PeerInfo } from './status';

const EXPECTED_TYPE: Record<TopicKind, number> = {
  request: MSG_REQUEST,
  reply: MSG_REPLY,
  consensus: MSG_CONSENSUS,
  announce: MSG_ANNOUNCE,
  status: MSG_STATUS,
  summary: MSG_SUMMARY,
};

/** Most messages held for the next tick; beyond that they are dropped (counted). Each peer's rate limit keeps an
 *  honest swarm far below it: ~3 messages per peer per tick at most. */
export const INBOX_LIMIT = 1024;

export interface NodeCoreDeps {
  transport: Transport;
  sensor: Sensor;
  storage?: GeneStorage;
  /** Wall clock, ms (injectable for tests). */
  now?: () => number;
  /** MQTT protocol version in use, for byte accounting. */
  protocolVersion?: () => 4 | 5;
  /** --radio: the largest frame payload of the radio the node reports its energy for (stats.air*). */
  radioMtu?: number;
  log?: (line: string) => void;
}

/** The radio authentication trailer's bytes for a message of this topic kind (the simulator's rule, radioAuth.ts
 *  tagModeFor): a reply is unicast, a request carries the group MIC, the rest a MIC per neighbour. */
function airAuthBytes(kind: string | undefined, neighbours: number): number {
  if (kind === 'request') return RADIO_MIC_BYTES;
  return radioAuthBytes('pairwise', kind !== 'reply', neighbours);
}

export type HealCause = 'gossip' | 'self';

interface Inbound {
  slot: number;
  msg: WireMessage;
}

export class NodeCore {
  readonly stats = createNodeStats();
  /** This node's state in the rulebook's layout (slot NODE). */
  readonly state: NodeState = createNodeState();
  /** Peers this node listens to, ascending: its neighbours (slot s ↔ peers[s]). */
  readonly peers: readonly number[];
  /** Per neighbour slot: reputation (255 = 1.0) and what it last announced. */
  readonly trust: Uint8Array;
  readonly peerInfo: PeerInfo[];
  readonly startedMs: number;
  readonly limiter: PeerRateLimiter;
  tick = -1;
  /** ms from start until a retained summary gene set this node's consensus model; null until then. */
  syncMs: number | null = null;
  /** The round's outcome per neighbour slot (ROUND_* codes of src/core/rules/consensus.ts), and its round. */
  readonly lastOutcome: Uint8Array;
  lastRound = -1;
  roundsDone = 0;
  /** The consensus model this node started from (its prior), to measure how far the swarm converged. */
  prior = new Int32Array(MODEL_DIM);
  /** fromMemory: of the self heals, those after a gene recalled from the node's memory (mind.ts recallGene). */
  heals = { gossip: 0, self: 0, fromMemory: 0 };
  lastHealTick = -1;
  restored = false;
  exposed = false;
  /** Prefetch on (config.prefetch, never with --secure: as the simulator). */
  private readonly prefetch: boolean;
  private readonly seeds: RuleSeeds;
  private readonly timing: EvolutionTiming;
  private readonly aggregator: AggregatorSpec;
  private readonly attack: AttackFn | null;
  private readonly coalition: Set<number>;
  private readonly now: () => number;
  private readonly roundTicks: number;
  private readonly slotOf = new Map<number, number>();
  /** Each neighbour's last heard vector, one row per slot (chatty mode: this round's), and the heard bits of this
   *  round; silent mode: the round each row was heard in. */
  private readonly heardRows: Int32Array;
  private readonly heard: Uint8Array;
  private readonly heldRound: Int32Array;
  /** Per neighbour slot: the tick this node last answered its cure request (silent mode; cure.ts replyDue). */
  private readonly replied: Int32Array;
  private readonly heldView: HeldView;
  /** Silent mode (src/core/rules/silence.ts): what this node last broadcast and when, and its energy mode with
   *  what sets it (slot NODE). */
  readonly speech: SpeechColumns = { sent: new Int32Array(MODEL_DIM * 2), sentRound: new Int32Array(2), owes: new Uint8Array(2), asked: new Uint8Array(2) };
  readonly listen: ListenColumns = { mode: new Uint8Array(2), activeUntil: new Int32Array(2), newsRound: new Int32Array(2) };
  /** Ticks this node's radio listened (silent mode: its listen schedule; chatty: every tick), and messages that
   *  arrived while it slept (ignored). */
  listenTicks = 0;
  ticksRun = 0;
  asleep = 0;
  private readonly next = new Int32Array(MODEL_DIM * 2);
  private readonly view: RoundView;
  private inbox: Inbound[] = [];
  private pendingRequests: number[] = [];
  private readonly poison = new Int32Array(LAGS);
  private readonly rng: Rng;
  private requestSeq = 0;
  private adoptedRound = -1;
  private lastAnnounceTick = -1_000_000;
  /** --secure: this node's commitment chain (made on first use), its record of each neighbour's chain (by
   *  slot), the bodies it received recently (slot:hash → tick), and the secure bodies it sent this tick. */
  private secureChain: SecureChain | null = null;
  private readonly senderChains = new Map<number, ChainRecord>();
  private readonly recentBodies = new Map<string, number>();
  private secureSent = 0;
  private readonly expectedType: Record<TopicKind, number>;
  private saving: Promise<void> | null = null;
  private closed = false;

  constructor(
    readonly config: NodeConfig,
    private readonly deps: NodeCoreDeps,
  ) {
    this.now = deps.now ?? (() => Date.now());
    this.startedMs = this.now();
    this.seeds = ruleSeeds(config.seed);
    this.prefetch = config.prefetch && !config.secure;
    this.timing = evolutionTiming(DEVICE_TICK_MS);
    this.aggregator = getAggregator(config.aggregator);
    this.attack = config.attack === 'none' ? null : getAttack(config.attack);
    this.coalition = new Set(config.coalition);
    this.peers = [...new Set(config.peers)].filter((p) => p !== config.id).sort((a, b) => a - b);
    this.peers.forEach((p, s) => this.slotOf.set(p, s));
    const deg = this.peers.length;
    this.trust = new Uint8Array(deg).fill(TRUST_INITIAL);
    this.heard = new Uint8Array((deg + 7) >> 3);
    this.heardRows = new Int32Array(Math.max(1, deg) * MODEL_DIM);
    this.heldRound = new Int32Array(deg).fill(NEVER);
    this.replied = new Int32Array(deg).fill(NEVER);
    this.heldView = { start: 0, end: deg, source: this.heardRows, rowOf: (s) => MODEL_DIM * s, heldRound: this.heldRound, trust: this.trust };
    initSpeechAt(this.speech, this.listen, NODE);
    this.lastOutcome = new Uint8Array(deg);
    this.peerInfo = this.peers.map((id) => ({ id, lastSeenMs: 0, online: false, flags: 0, heard: [], banned: [] }));
    this.view = {
      start: 0,
      end: deg,
      trust: this.trust,
      heard: this.heard,
      source: this.heardRows,
      rowOf: (s) => MODEL_DIM * s,
      push: new Int32Array(Math.max(1, deg) * MODEL_DIM),
    };
    if (!config.chatty) this.view.heldRound = this.heldRound;
    this.limiter = new PeerRateLimiter(config.rateBurst, config.ratePerS, this.now);
    this.roundTicks = roundTicks(config);
    this.rng = createRng(config.seed ^ Math.imul(config.id + 1, 0x9e3779b1));
    this.expectedType = { ...EXPECTED_TYPE, reply: config.secure ? MSG_SECURE_REPLY : MSG_REPLY };
  }

  /** --secure: this node's commitment chain (null until it first answered) and its record of each neighbour's
   *  chain, by slot. Read-only views, for /status and tests. */
  get secure(): { chain: Readonly<SecureChain> | null; records: ReadonlyMap<number, Readonly<ChainRecord>> } {
    return { chain: this.secureChain, records: this.senderChains };
  }

  get attacker(): boolean {
    return this.attack !== null;
  }

  get regime(): number {
    return this.state.regime.regime[NODE]!;
  }

  get evolved(): boolean {
    return this.state.evolution.evolved[NODE] === 1;
  }

  /** The node's consensus model (a view into its state). */
  get model(): Int32Array {
    return this.state.model.subarray(MODEL_DIM * NODE, MODEL_DIM * NODE + MODEL_DIM);
  }

  gene(): Gene {
    const { weights, bias } = this.state.neuron;
    return { weights: weights.slice(LAGS * NODE, LAGS * NODE + LAGS), bias: bias[NODE]!, mu: DEFAULT_MU };
  }

  private topic(kind: TopicKind, id?: number): string {
    return topicFor(this.config.swarm, kind, id);
  }

  /** Loads the stored gene (starting Evolved), subscribes, and announces the node online. */
  async start(): Promise<void> {
    if (this.deps.storage) {
      const { records } = await this.deps.storage.load();
      const bytes = records.get(this.config.id);
      if (bytes) {
        try {
          const stored = decodeStoredNode(bytes);
          restoreAt(this.state.neuron, this.state.evolution, NODE, stored.gene, stored.memory);
          this.restored = true;
          this.deps.log?.(`restored its gene and ${stored.memory.length} remembered gene(s) from storage: starts Evolved`);
          if (stored.memoryError !== undefined) this.deps.log?.(`stored gene memory is damaged (${stored.memoryError}); it starts with an empty memory`);
        } catch (err) {
          if (!(err instanceof GeneDecodeError)) throw err;
          this.deps.log?.(`stored gene is corrupt (${err.reason}); starting fresh`);
        }
      }
    }
    // The consensus prior: the node's own gene, plus (for demos) a seeded jitter that makes convergence visible.
    const prior = this.rng.stream('prior');
    const own = this.gene();
    const mo = MODEL_DIM * NODE;
    for (let k = 0; k < MODEL_DIM; k++) {
      const base = k < LAGS ? own.weights[k]! : own.bias;
      const jitter = this.restored || this.config.initJitterQ16 === 0 ? 0 : q16.mul(prior.gaussianQ16(), this.config.initJitterQ16);
      this.state.model[mo + k] = q16.clamp(base + jitter, -GENE_LIMIT[k]!, GENE_LIMIT[k]!);
    }
    this.state.anchor.set(this.state.model);
    this.prior = this.model.slice();
    const handler = (topic: string, bytes: Uint8Array): void => this.handle(topic, bytes);
    const { swarm, id } = this.config;
    for (const kind of ['announce', 'status', 'request', 'consensus'] as const) await this.deps.transport.subscribe(allOf(swarm, kind), handler);
    await this.deps.transport.subscribe(repliesTo(swarm, id), handler);
    await this.deps.transport.subscribe(allOf(swarm, 'summary'), handler);
    this.publishOnline();
  }

  /** (Re)announces this node online (also after every reconnect: the broker may have lost its retained state). */
  publishOnline(): void {
    this.send(this.topic('status', this.config.id), encodeStatus(this.config.id, true), true);
  }

  private send(topic: string, bytes: Uint8Array, retain = false): void {
    if (this.closed) return;
    void this.deps.transport.publish(topic, bytes, { retain });
    this.stats.msgsSent++;
    this.stats.payloadBytesSent += bytes.length;
    this.stats.bytesSent += mqttPublishBytes(topic, bytes.length, this.deps.protocolVersion?.() ?? 4);
    if (this.deps.radioMtu) {
      // On a radio the message would carry the simulator's authentication trailer (src/core/net/radioAuth.ts): a
      // pair-key MIC for a reply, the group MIC for a request, a MIC per neighbour (or a signature) for the rest.
      const auth = airAuthBytes(parseTopic(this.config.swarm, topic)?.kind, this.peers.length);
      // With the tag, frames carry no CRC-32 (src/core/net/fragment.ts): a 4-byte frame header.
      const frames = fragmentCount(bytes.length + auth, this.deps.radioMtu, false);
      this.stats.airFramesSent += frames;
      this.stats.airAuthBytesSent += auth;
      this.stats.airBytesSent += bytes.length + auth + frames * FRAGMENT_HEADER_BYTES_NO_CRC;
    }
  }

  /** One device tick on the shared grid: the rulebook in the simulator's pipeline order. */
  step(tick: number): HealCause | null {
    if (this.closed) return null;
    const { id } = this.config;
    const s = this.state;
    const batch = this.inbox;
    this.inbox = [];
    this.tick = tick;
    const regimeBefore = s.regime.regime[NODE];
    const evolvedBefore = s.evolution.evolved[NODE];

    // sensor, cortex, evolution
    const reading = this.deps.sensor.read(tick);
    senseAt(s.neuron.recent, NODE, reading.value);
    const error = cortexStep(s.neuron, s.regime, NODE);
    this.exposed = reading.exposure > EXPOSED_LEVEL;
    let healed: HealCause | null = null;
    if (!this.attacker) {
      const out = evolutionStep(s.neuron, s.regime, s.evolution, NODE, id, tick, error, this.exposed, this.timing, this.seeds.mutation);
      if (out & (HEALED_GOSSIP | HEALED_SELF)) {
        healed = out & HEALED_GOSSIP ? 'gossip' : 'self';
        this.heals[healed]++;
        if (out & HEALED_FROM_MEMORY) this.heals.fromMemory++;
        this.lastHealTick = tick;
      }
    }

    // gossip: answer the requests heard last tick, ask for a cure, broadcast the consensus vector
    const round = Math.floor(tick / this.roundTicks);
    const chatty = this.config.chatty;
    const mode = chatty || this.attacker ? MODE_ACTIVE : energyModeAt(s.regime.regime[NODE]!, this.evolved, this.exposed, this.listen, NODE, tick, round);
    this.listen.mode[NODE] = mode;
    const listening = chatty || listensAt(mode, tick, this.roundTicks);
    if (listening) this.listenTicks++;
    this.ticksRun++;
    this.secureSent = 0;
    for (const from of this.pendingRequests) this.answerRequest(from, tick);
    this.pendingRequests = [];
    // Prefetch: a storm seen coming (PreStorm in the 2 s before it) is asked about at its onset. Silent mode: cure
    // requests go on ping ticks only, where Alert radios listen.
    if (this.prefetch && !this.attacker) noteWarning(s.regime, s.requests, NODE, tick);
    const requestSlot = !this.attacker && (chatty || pingTick(tick));
    if (
      requestSlot &&
      cureRequestDue(s.regime, s.evolution, s.requests, NODE, id, tick, DEVICE_TICK_MS, this.seeds.gossip, !this.config.chatty, this.prefetch)
    ) {
      this.send(this.topic('request', id), encodeRequest(id, this.requestSeq++ & 0xffff));
      this.stats.requestsSent++;
      if (this.prefetch && askedAtOnce(s.evolution, s.requests, NODE, tick, DEVICE_TICK_MS)) this.stats.prefetchRequests++;
    }
    if (chatty ? consensusSendsAt(id, tick, this.roundTicks) : beaconSlotAt(id, tick, this.roundTicks) && this.speaks(round)) {
      this.send(this.topic('consensus', id), encodeConsensus(id, round >>> 0, geneOfModel(this.model)));
      this.stats.consensusSent++;
    }

    // the messages that arrived before this tick (those the radio was awake for), then cure install
    const offers: CureOffer[] = [];
    for (const { slot, msg } of batch) {
      if (!listening) {
        this.asleep++;
        continue;
      }
      if (msg.type === MSG_REQUEST) {
        this.pendingRequests.push(msg.from);
        heardRequest(this.listen, NODE, tick, DEVICE_TICK_MS);
      } else if (msg.type === MSG_CONSENSUS) {
        // A vector of another round (late, or early) is ignored, as the simulator ignores a stale one.
        if (msg.round >>> 0 !== round >>> 0) continue;
        const g = msg.gene;
        setHeard(this.heard, slot);
        if (chatty) {
          this.heardRows.set(g.weights, MODEL_DIM * slot);
          this.heardRows[MODEL_DIM * slot + LAGS] = g.bias;
        } else if (takeHeld(this.heardRows, MODEL_DIM * slot, this.heldRound, slot, g.weights, g.bias, round, wakeDelta(mode)))
          this.listen.newsRound[NODE] = round;
      } else if (msg.type === MSG_REPLY) {
        if (!needsCure(s.regime, s.evolution, NODE) || ignored(this.trust, slot)) continue;
        offers.push({ slot, weights: msg.gene.weights, bias: msg.gene.bias });
      } else if (msg.type === MSG_SECURE_REPLY) {
        if (!needsCure(s.regime, s.evolution, NODE) || ignored(this.trust, slot)) continue;
        const verdict = this.acceptSecure(slot, msg.from, msg.bytes, tick);
        if (verdict.status === 'rejected') refuseSecureCure(this.trust, slot, verdict);
        if (verdict.status !== 'ok') continue; // rejected, or a resend already decided
        // The body's gene decoded when the message did (decodeWire): its weights, checked by the proofs.
        offers.push({ slot, weights: msg.secure.gene.weights, bias: msg.secure.gene.bias, anchored: verdict.anchored });
      }
    }
    {
      // The rulebook's cure step: judge this tick's cures, and test a held near miss again.
      const verdict = cureStep(s.neuron, s.regime, s.evolution, s.held, this.trust, NODE, tick, DEVICE_TICK_MS, offers);
      if (verdict.installed >= 0 || verdict.nearMissInstalled) this.stats.curesInstalled++;
      if (verdict.nearMissInstalled) this.stats.nearMissInstalled++;
      this.stats.curesNotBetter += verdict.rejected;
    }

    // consensus round end
    if (roundEndsAt(tick, this.roundTicks)) this.endRound(round);

    const changed = s.regime.regime[NODE] !== regimeBefore || s.evolution.evolved[NODE] !== evolvedBefore;
    const every = this.config.announceEveryTicks;
    if (tick % every === id % every || (changed && tick - this.lastAnnounceTick >= 10)) this.announce();
    if (tick % this.config.persistEveryTicks === 0 && this.evolved && this.regime === CALM && !this.attacker) void this.save();
    return healed;
  }

  /** Silent mode, at this node's beacon slot: whether it speaks (news, heartbeat, owed, asked; an attacker by its
   *  speech policy). */
  private speaks(round: number): boolean {
    const s = this.state;
    if (!this.attacker) return honestSpeaks(this.speech, this.listen, s.model, NODE, round, newsThreshold(s.model, MODEL_DIM * NODE, this.heldView));
    return attackerSpeaks(this.config.attackerSpeech as AttackerSpeech, this.speech, this.listen, s.model, s.neuron.recent, NODE, round);
  }

  private answerRequest(from: number, tick: number): void {
    const slot = this.slotOf.get(from);
    if (slot === undefined || isBanned(this.trust, slot)) return;
    const { id } = this.config;
    if (this.attacker) {
      if (!this.config.poisonCures) return; // a consensus-only attacker
      poisonWeights(this.seeds.attack, id, tick, this.poison);
      const poison = { weights: this.poison, bias: 0, mu: DEFAULT_MU };
      // --secure: a valid commitment to the poison with a replayed proof (the rulebook's forgery).
      if (this.config.secure) return this.sendSecure(from, forgeSecureCureBody(this.chain(), poison, this.config.seed));
      this.send(replyTopic(this.config.swarm, from, id), encodeReply(id, poison));
      this.stats.repliesSent++;
      return;
    }
    if (!canCure(this.state.regime, this.state.evolution, NODE)) return;
    // Silent mode: only a fresh cure it vouches for, and not to the same neighbour again within REPLY_HOLD_S (cure.ts).
    if (!this.config.chatty && !silentAnswer(this.state.neuron, this.state.evolution, this.replied, NODE, slot, tick, DEVICE_TICK_MS)) return;
    if (this.config.secure) {
      const started = performance.now(); // measured for /status only; decides nothing
      const built = secureCureBody(this.chain(), this.gene());
      if (built.fresh) {
        this.stats.bodiesProved++;
        this.stats.proveMs += performance.now() - started;
        if (built.refused) this.stats.proofsRefused++;
      }
      return this.sendSecure(from, built.body);
    }
    this.send(replyTopic(this.config.swarm, from, id), encodeReply(id, this.gene()));
    this.stats.repliesSent++;
  }

  private chain(): SecureChain {
    this.secureChain ??= createSecureChain(this.config.seed, this.config.id);
    return this.secureChain;
  }

  /** Sends a secure body to `to`, unless SECURE_OUTBOX went out this tick already (the requester retries). */
  private sendSecure(to: number, body: Uint8Array): void {
    if (this.secureSent >= SECURE_OUTBOX) return void this.stats.secureRepliesDropped++;
    this.secureSent++;
    this.send(replyTopic(this.config.swarm, to, this.config.id), encodeSecureReply(this.config.id, body));
    this.stats.repliesSent++;
  }

  /** The rulebook's receiver for a secure body from the neighbour at `slot`: a resend within RESEND_KEEP_S is a
   *  duplicate; otherwise its proofs are checked, then its continuity with what this node last verified. */
  private acceptSecure(slot: number, from: number, bytes: Uint8Array, tick: number): SecureVerdict {
    const keep = resendKeepTicks(DEVICE_TICK_MS);
    expireRecent(this.recentBodies, tick, keep, (t) => t);
    const key = `${slot}:${bytesToHex(sha256(bytes))}`;
    if (isRecent(this.recentBodies, key, tick, keep)) return { status: 'duplicate' };
    this.recentBodies.set(key, tick);
    const started = performance.now(); // measured for /status only; decides nothing
    const check = checkSecureBody(from, bytes);
    this.stats.bodiesVerified++;
    this.stats.verifyMs += performance.now() - started;
    const verdict = acceptSecureBody(this.senderChains, slot, check);
    if (verdict.status === 'rejected') this.stats.proofsRejected++;
    else if (verdict.status === 'ok') {
      this.stats.proofsVerified += verdict.proofs;
      if (verdict.anchored) this.stats.proofAnchors++;
    }
    return verdict;
  }

  private endRound(round: number): void {
    const s = this.state;
    const next = this.next;
    next.set(s.model);
    this.view.round = round;
    if (this.attack) {
      // The attacker crafts next round's vector from what it heard this round outside its coalition.
      const honest = new Int32Array(this.peers.length * MODEL_DIM);
      let nHonest = 0;
      for (let slot = 0; slot < this.peers.length; slot++) {
        if (this.coalition.has(this.peers[slot]!) || !heldUsable(this.view, slot)) continue;
        honest.set(this.heardRows.subarray(MODEL_DIM * slot, MODEL_DIM * slot + MODEL_DIM), MODEL_DIM * nHonest++);
      }
      attackerRoundAt(this.attack, s.model, NODE, honest, nHonest, this.peers.length, rngAt(this.seeds.attack, this.config.id, round), next, s.neuron);
    } else {
      honestRoundAt(
        s.neuron,
        s.model,
        s.anchor,
        NODE,
        settledAt(s.evolution, NODE, this.tick, DEVICE_TICK_MS),
        this.view,
        this.aggregator,
        this.config.ownDataFilter,
        next,
        this.lastOutcome,
      );
      this.lastRound = round;
    }
    this.roundsDone++;
    s.model.set(next);
    if (!this.attack) this.publishSummary(round);
    this.heard.fill(0);
  }

  /** The lowest-id honest participant of a round publishes its consensus as the retained summary gene. */
  private publishSummary(round: number): void {
    const accepted = this.acceptedPeers();
    if (!accepted.every((p) => p > this.config.id)) return;
    const m = this.model;
    let spread = 0;
    for (let slot = 0; slot < this.peers.length; slot++) {
      if (this.lastOutcome[slot] !== ROUND_ACCEPTED) continue;
      for (let k = 0; k < MODEL_DIM; k++) spread = Math.max(spread, Math.abs(this.heardRows[MODEL_DIM * slot + k]! - m[k]!));
    }
    const summary = { round: round >>> 0, weights: m.slice(0, LAGS), bias: m[LAGS]!, spread: maxSpread(Int32Array.of(spread)) };
    this.send(summaryTopic(this.config.swarm, this.config.id), encodeSummary(this.config.id, summary), true);
    this.stats.summariesSent++;
  }

  /** Peers whose vectors went into the last round's aggregate. */
  acceptedPeers(): number[] {
    return this.peers.filter((_, slot) => this.lastOutcome[slot] === ROUND_ACCEPTED);
  }

  bannedPeers(): number[] {
    return this.peers.filter((_, slot) => isBanned(this.trust, slot));
  }

  /** Reputation of a peer as a fraction (null for a node that is not a neighbour). */
  reputationOf(peer: number): number | null {
    const slot = this.slotOf.get(peer);
    return slot === undefined ? null : this.trust[slot]! / 255;
  }

  private announce(): void {
    let flags = this.regime;
    if (this.evolved) flags |= FLAG_EVOLVED;
    if (this.attacker) flags |= FLAG_ATTACKER;
    if (this.exposed) flags |= FLAG_IN_NOISE;
    if (this.lastHealTick >= 0 && this.tick - this.lastHealTick < 10) flags |= FLAG_HEALED;
    const a = { flags, round: Math.max(0, this.lastRound + 1), heard: this.acceptedPeers().slice(0, 64), banned: this.bannedPeers().slice(0, 64) };
    this.send(this.topic('announce', this.config.id), encodeAnnounce(this.config.id, a));
    this.lastAnnounceTick = this.tick;
  }

  /** Saves the current gene if it is a cure (Evolved), with the genes it remembers (src/core/gene/stored.ts). */
  async save(): Promise<void> {
    const storage = this.deps.storage;
    if (!storage || !this.evolved || this.attacker) return;
    if (this.saving) return this.saving;
    const bytes = encodeStoredNode(this.gene(), rememberedGenes(this.state.evolution, NODE));
    this.saving = storage
      .saveBatch([[this.config.id, bytes]])
      .then(
        () => void this.stats.genesSaved++,
        (err: unknown) => this.deps.log?.(`saving the gene failed: ${(err as Error).message}`),
      )
      .finally(() => (this.saving = null));
    return this.saving;
  }

  /** One message from the transport: checked, and queued for the next tick. Never throws. */
  handle(topic: string, bytes: Uint8Array): void {
    try {
      this.handleUnsafe(topic, bytes);
    } catch (err) {
      this.stats.handlerErrors++;
      this.deps.log?.(`error handling ${topic}: ${(err as Error).message}`);
    }
  }

  private handleUnsafe(topic: string, bytes: Uint8Array): void {
    if (this.closed) return;
    const { id } = this.config;
    const parsed = parseTopic(this.config.swarm, topic);
    if (!parsed) return void this.stats.rejected++;
    // Who claims to speak: every topic names its sender (and a reply its addressee too).
    const claimed = parsed.from;
    if (claimed === id || (parsed.kind === 'reply' && parsed.node !== id)) return; // our own echo, or not for us
    let msg: WireMessage;
    try {
      msg = decodeWire(bytes);
    } catch (err) {
      if (!(err instanceof WireDecodeError)) throw err;
      return void this.stats.rejected++;
    }
    if (msg.type !== this.expectedType[parsed.kind] || msg.from !== claimed) return void this.stats.rejected++;
    if (msg.type === MSG_SUMMARY) return this.onSummary(msg.from, msg.summary);
    // Only neighbours are heard: a stranger's message costs a map look-up and nothing else.
    const slot = this.slotOf.get(msg.from);
    if (slot === undefined) return void this.stats.strangers++;
    if (this.deps.radioMtu) {
      // The sender's trailer, estimated with this node's own neighbour count (the sender's is not known here).
      const auth = airAuthBytes(parsed.kind, this.peers.length);
      const frames = fragmentCount(bytes.length + auth, this.deps.radioMtu, false);
      this.stats.airFramesReceived += frames;
      this.stats.airBytesReceived += bytes.length + auth + frames * FRAGMENT_HEADER_BYTES_NO_CRC;
    }
    if (!this.limiter.allow(slot)) return void this.stats.dropped++;
    this.stats.msgsReceived++;
    this.stats.bytesReceived += bytes.length;
    const peer = this.peerInfo[slot]!;
    peer.lastSeenMs = this.now();
    if (msg.type === MSG_STATUS) {
      // A neighbour (back) on the network: speak at the next beacon (silent mode), as for a joiner.
      if (msg.online && !peer.online) this.speech.asked[NODE] = 1;
      return void (peer.online = msg.online);
    }
    peer.online = true;
    if (msg.type === MSG_ANNOUNCE) return void Object.assign(peer, { flags: msg.flags, heard: msg.heard, banned: msg.banned });
    if (isBanned(this.trust, slot)) return void this.stats.ignoredBanned++;
    if (this.inbox.length >= INBOX_LIMIT) return void this.stats.dropped++;
    this.inbox.push({ slot, msg });
  }

  private onSummary(from: number, summary: { round: number; weights: Int32Array; bias: number }): void {
    this.stats.summariesReceived++;
    if (this.roundsDone > 0 || this.attacker) return; // only a node that has no consensus yet adopts one
    const slot = this.slotOf.get(from);
    if (slot === undefined || isBanned(this.trust, slot)) return; // a summary speaks for its sender: a neighbour in good standing
    // Each node retains its own; of those that arrive before its first round, the node keeps the newest round's.
    if (summary.round >>> 0 <= this.adoptedRound) return;
    this.adoptedRound = summary.round >>> 0;
    adoptSummary(this.state.model, this.state.anchor, NODE, summary);
    if (this.syncMs !== null) return;
    this.syncMs = this.now() - this.startedMs;
    this.deps.log?.(`synced from the retained summary gene of node ${from} after ${this.syncMs} ms`);
  }

  status(connected: boolean, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return buildStatus(this, connected, this.roundTicks, extra);
  }

  /** Clean shutdown: gene saved, offline status published (the will is for unclean deaths). */
  async stop(): Promise<void> {
    if (this.closed) return;
    await this.save();
    this.send(this.topic('status', this.config.id), encodeStatus(this.config.id, false), true);
    this.closed = true;
    await this.deps.transport.close();
  }
}

function geneOfModel(v: Int32Array): Gene {
  const weights = new Int32Array(LAGS);
  for (let k = 0; k < LAGS; k++) weights[k] = q16.clamp(v[k]!, -GENE_LIMIT[k]!, GENE_LIMIT[k]!);
  return { weights, bias: q16.clamp(v[LAGS]!, -GENE_LIMIT[LAGS]!, GENE_LIMIT[LAGS]!), mu: DEFAULT_MU };
}
