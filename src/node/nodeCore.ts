// One real node, independent of clocks and sockets: `tick(t)` runs one device tick (sensor → mind → gossip →
// consensus → announce → persistence, the sim's pipeline order), and `handle(topic, bytes)` takes one
// message from the transport. The runtime (runtime.ts) drives it from the wall clock and MQTT; tests drive
// it directly over a loopback bus. Nothing a peer sends can crash it: every message is decoded and checked,
// and a bad one is counted, refused and held against its sender's reputation.
import * as q16 from '../core/fixed/q16';
import { decodeGene, encodeGene, GeneDecodeError, type Gene } from '../core/gene/gene';
import { maxSpread } from '../core/gene/summary';
import { BIAS_LIMIT, DEFAULT_MU, LAGS, WEIGHT_LIMIT } from '../core/neuron/kernel';
import { CALM } from '../core/neuron/regimeDetector';
import { createRng, mix32, type Rng } from '../core/rng/rng';
import type { GeneStorage } from '../storage/geneStorage';
import { allOf, parseTopic, topicFor, type TopicKind } from '../net/topics';
import type { Transport } from '../net/transport';
import {
  decodeWire, encodeAnnounce, encodeConsensus, encodeReply, encodeRequest, encodeStatus, encodeSummary,
  FLAG_ATTACKER, FLAG_EVOLVED, FLAG_HEALED, FLAG_IN_NOISE, MSG_ANNOUNCE, MSG_CONSENSUS, MSG_REPLY, MSG_REQUEST,
  MSG_STATUS, MSG_SUMMARY, WireDecodeError, type WireMessage,
} from '../net/wire';
import { roundTicks, type NodeConfig } from './config';
import { ConsensusState, MODEL_DIM, vectorOf, type RoundOutcome } from './consensusState';
import { NodeMind } from './mind';
import { PeerRateLimiter } from './rateLimiter';
import type { Sensor } from './sensor';
import { createNodeStats, mqttPublishBytes } from './stats';
import { buildStatus, type PeerInfo } from './status';

const EXPECTED_TYPE: Record<TopicKind, number> = {
  request: MSG_REQUEST, reply: MSG_REPLY, consensus: MSG_CONSENSUS, announce: MSG_ANNOUNCE, status: MSG_STATUS, summary: MSG_SUMMARY,
};

export interface NodeCoreDeps {
  transport: Transport;
  sensor: Sensor;
  storage?: GeneStorage;
  /** Wall clock, ms (injectable for tests). */
  now?: () => number;
  /** MQTT protocol version in use, for byte accounting. */
  protocolVersion?: () => 4 | 5;
  log?: (line: string) => void;
}

export class NodeCore {
  readonly stats = createNodeStats();
  readonly mind: NodeMind;
  readonly consensus: ConsensusState;
  readonly peers = new Map<number, PeerInfo>();
  readonly startedMs: number;
  readonly limiter: PeerRateLimiter;
  tick = -1;
  /** ms from start until a retained summary gene set this node's consensus model; null until then. */
  syncMs: number | null = null;
  lastOutcome: RoundOutcome | null = null;
  /** The consensus model this node started from (its prior), to measure how far the swarm converged. */
  prior = new Int32Array(MODEL_DIM);
  private readonly rng: Rng;
  private readonly now: () => number;
  private readonly roundTicks: number;
  private requestSeq = 0;
  private lastAnnounceTick = -1_000_000;
  private saving: Promise<void> | null = null;
  private sentThisRound = false;
  private closed = false;

  constructor(
    readonly config: NodeConfig,
    private readonly deps: NodeCoreDeps,
  ) {
    this.now = deps.now ?? (() => Date.now());
    this.startedMs = this.now();
    this.rng = createRng(mix32(config.seed ^ Math.imul(config.id + 1, 0x9e3779b1)));
    this.mind = new NodeMind(config.id, this.rng.stream('mutation'));
    this.consensus = new ConsensusState(config.id);
    this.limiter = new PeerRateLimiter(config.rateBurst, config.ratePerS, this.now);
    this.roundTicks = roundTicks(config);
  }

  get attacker(): boolean {
    return this.config.attack !== 'none';
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
          this.mind.restore(decodeGene(bytes));
          this.deps.log?.(`restored its gene from storage: starts Evolved`);
        } catch (err) {
          if (!(err instanceof GeneDecodeError)) throw err;
          this.deps.log?.(`stored gene is corrupt (${err.reason}); starting fresh`);
        }
      }
    }
    const prior = this.rng.stream('prior');
    const own = this.mind.gene();
    for (let k = 0; k < MODEL_DIM; k++) {
      const base = k < LAGS ? own.weights[k]! : own.bias;
      const jitter = this.mind.restored ? 0 : q16.mul(prior.gaussianQ16(), this.config.initJitterQ16);
      this.consensus.model[k] = clampCoord(k, base + jitter);
    }
    this.prior = this.consensus.model.slice();
    const handler = (topic: string, bytes: Uint8Array): void => this.handle(topic, bytes);
    const { swarm, id } = this.config;
    for (const kind of ['announce', 'status', 'request', 'consensus'] as const) await this.deps.transport.subscribe(allOf(swarm, kind), handler);
    await this.deps.transport.subscribe(this.topic('reply', id), handler);
    await this.deps.transport.subscribe(this.topic('summary'), handler);
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
  }

  /** One device tick on the shared grid. */
  step(tick: number): void {
    if (this.closed) return;
    const { id } = this.config;
    const regimeBefore = this.mind.regime;
    const evolvedBefore = this.mind.evolved;
    this.tick = tick;
    const reading = this.deps.sensor.read(tick);
    this.mind.step(tick, reading.value, reading.exposure);

    if (!this.attacker && this.mind.cureRequestDue(tick)) {
      this.send(this.topic('request', id), encodeRequest(id, this.requestSeq++));
      this.stats.requestsSent++;
    }

    const round = Math.floor(tick / this.roundTicks);
    if (round !== this.consensus.round) {
      if (this.sentThisRound) this.endRound();
      this.consensus.begin(round);
      this.sentThisRound = false;
    }
    const phase = tick - round * this.roundTicks;
    const sendPhase = this.attacker ? Math.floor(this.roundTicks * 0.7) : (id * 37) % Math.max(1, this.roundTicks >> 1);
    if (!this.sentThisRound && phase >= sendPhase) this.sendConsensus(round);

    const changed = this.mind.regime !== regimeBefore || this.mind.evolved !== evolvedBefore;
    const every = this.config.announceEveryTicks;
    if (tick % every === id % every || (changed && tick - this.lastAnnounceTick >= 10)) this.announce();

    if (tick % this.config.persistEveryTicks === 0 && this.mind.evolved && this.mind.regime === CALM && !this.attacker) void this.save();
  }

  private sendConsensus(round: number): void {
    const own = this.consensus.vectorToSend(this.mind.gene());
    const vector = this.attacker ? this.consensus.craftAttack(this.config.attack, own, this.rng.stream(`attack:${round}`)) : own;
    this.send(this.topic('consensus', this.config.id), encodeConsensus(this.config.id, round, geneOf(vector)));
    this.stats.consensusSent++;
    this.sentThisRound = true;
  }

  private endRound(): void {
    const outcome = this.consensus.finish((v) => this.mind.passesOwnCheck(v, v[LAGS]!), (v, own) => this.mind.fitsAsWellAs(v, own));
    if (!outcome) return;
    this.lastOutcome = outcome;
    // The lowest-id honest participant publishes the round's consensus as the retained summary gene.
    if (!this.attacker && outcome.accepted.every((p) => p > this.config.id)) {
      const agg = outcome.aggregate;
      const summary = { round: outcome.round >>> 0, weights: agg.slice(0, LAGS).map((w, k) => clampCoord(k, w)), bias: clampCoord(LAGS, agg[LAGS]!), spread: maxSpread(outcome.spread) };
      this.send(this.topic('summary'), encodeSummary(this.config.id, summary), true);
      this.stats.summariesSent++;
    }
  }

  private announce(): void {
    const m = this.mind;
    let flags = m.regime;
    if (m.evolved) flags |= FLAG_EVOLVED;
    if (this.attacker) flags |= FLAG_ATTACKER;
    if (m.exposed) flags |= FLAG_IN_NOISE;
    if (m.lastHealTick >= 0 && this.tick - m.lastHealTick < 10) flags |= FLAG_HEALED;
    const heard = this.lastOutcome ? this.lastOutcome.accepted : [];
    const a = { flags, round: Math.max(0, this.consensus.round), heard, banned: this.consensus.bannedPeers() };
    this.send(this.topic('announce', this.config.id), encodeAnnounce(this.config.id, a));
    this.lastAnnounceTick = this.tick;
  }

  /** Saves the current gene if it is a cure (Evolved). */
  async save(): Promise<void> {
    const storage = this.deps.storage;
    if (!storage || !this.mind.evolved || this.attacker) return;
    if (this.saving) return this.saving;
    const bytes = encodeGene(this.mind.gene());
    this.saving = storage.saveBatch([[this.config.id, bytes]]).then(
      () => void this.stats.genesSaved++,
      (err: unknown) => this.deps.log?.(`saving the gene failed: ${(err as Error).message}`),
    ).finally(() => (this.saving = null));
    return this.saving;
  }

  /** One message from the transport. Never throws. */
  handle(topic: string, bytes: Uint8Array): void {
    try {
      this.handleUnsafe(topic, bytes);
    } catch (err) {
      this.stats.handlerErrors++;
      this.deps.log?.(`error handling ${topic}: ${(err as Error).message}`);
    }
  }

  private refuse(peer: number | null): void {
    this.stats.rejected++;
    if (peer !== null && peer !== this.config.id) this.consensus.penalizeMalformed(peer);
  }

  private handleUnsafe(topic: string, bytes: Uint8Array): void {
    if (this.closed) return;
    const { id } = this.config;
    const parsed = parseTopic(this.config.swarm, topic);
    if (!parsed) return this.refuse(null);
    // Who claims to speak: the topic names the sender, except on reply/<me>, where the header does.
    const claimed = parsed.kind === 'reply' ? (bytes.length >= 4 ? bytes[2]! | (bytes[3]! << 8) : null) : parsed.node;
    if (claimed === id || (parsed.kind === 'reply' && parsed.node !== id)) return; // our own echo
    if (claimed !== null && claimed >= 0 && !this.limiter.allow(claimed)) return void this.stats.dropped++;
    let msg: WireMessage;
    try {
      msg = decodeWire(bytes);
    } catch (err) {
      if (!(err instanceof WireDecodeError)) throw err;
      return this.refuse(claimed !== null && claimed >= 0 ? claimed : null);
    }
    if (msg.type !== EXPECTED_TYPE[parsed.kind] || (parsed.kind !== 'reply' && parsed.kind !== 'summary' && msg.from !== parsed.node)) {
      return this.refuse(claimed !== null && claimed >= 0 ? claimed : msg.from);
    }
    if (msg.from === id) return;
    this.stats.msgsReceived++;
    this.stats.bytesReceived += bytes.length;
    const peer = this.peerInfo(msg.from);
    peer.lastSeenMs = this.now();
    if (msg.type === MSG_STATUS) return void (peer.online = msg.online);
    peer.online = true;
    if (msg.type === MSG_ANNOUNCE) return void Object.assign(peer, { flags: msg.flags, heard: msg.heard, banned: msg.banned });
    if (msg.type === MSG_SUMMARY) return this.onSummary(msg.summary);
    if (this.consensus.isBanned(msg.from)) return void this.stats.ignoredBanned++;
    if (msg.type === MSG_CONSENSUS) this.consensus.receive(msg.from, msg.round, vectorOf(msg.gene));
    else if (msg.type === MSG_REQUEST) this.onRequest(msg.from, msg.seq);
    else if (msg.type === MSG_REPLY) this.onReply(msg.from, msg.gene);
  }

  private peerInfo(id: number): PeerInfo {
    let p = this.peers.get(id);
    if (!p) this.peers.set(id, (p = { id, lastSeenMs: 0, online: true, flags: 0, heard: [], banned: [] }));
    return p;
  }

  private onSummary(summary: { weights: Int32Array; bias: number }): void {
    this.stats.summariesReceived++;
    if (this.syncMs !== null || this.consensus.roundsDone > 0) return; // only a node that has no consensus yet adopts it
    this.consensus.model.set(summary.weights);
    this.consensus.model[LAGS] = summary.bias;
    this.syncMs = this.now() - this.startedMs;
    this.deps.log?.(`synced from the retained summary gene after ${this.syncMs} ms`);
  }

  private onRequest(from: number, seq: number): void {
    const { id } = this.config;
    if (this.attacker) {
      // A poisoned "cure": plausible-looking weights that predict nothing (as systems/gossip.ts).
      const weights = new Int32Array(LAGS);
      for (let k = 0; k < LAGS; k++) weights[k] = this.rng.range(-2 * q16.ONE, 2 * q16.ONE);
      this.send(this.topic('reply', from), encodeReply(id, { weights, bias: 0, mu: DEFAULT_MU }));
      this.stats.repliesSent++;
      return;
    }
    if (!this.mind.canCure()) return;
    // About three of the Evolved nodes answer each request, chosen by a hash everyone computes alike.
    let evolved = 1;
    for (const p of this.peers.values()) if (p.online && p.flags & FLAG_EVOLVED) evolved++;
    const share = Math.max(1, Math.ceil(evolved / 3));
    if (mix32((from << 16) ^ seq ^ Math.imul(id, 0x85ebca6b)) % share !== 0) return;
    this.send(this.topic('reply', from), encodeReply(id, this.mind.gene()));
    this.stats.repliesSent++;
  }

  private onReply(from: number, gene: Gene): void {
    const verdict = this.mind.offerCure(gene);
    if (verdict === 'installed') {
      this.stats.curesInstalled++;
      this.consensus.rewardCure(from);
    } else if (verdict === 'harmful') {
      this.stats.curesHarmful++;
      this.consensus.penalizeMalformed(from);
    } else if (verdict === 'not-better') {
      this.stats.curesNotBetter++;
    }
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

function clampCoord(k: number, v: number): number {
  const limit = k < LAGS ? WEIGHT_LIMIT : BIAS_LIMIT;
  return Math.max(-limit, Math.min(limit, v));
}

function geneOf(v: Int32Array): Gene {
  const weights = new Int32Array(LAGS);
  for (let k = 0; k < LAGS; k++) weights[k] = clampCoord(k, v[k]!);
  return { weights, bias: clampCoord(LAGS, v[LAGS]!), mu: DEFAULT_MU };
}

