// Live mode: the Living Brain showing a real swarm (issue 8 item 5). The page connects to the broker with
// mqtt.js over WebSocket (`?live=ws://127.0.0.1:8883&swarm=demo`), listens to every topic of the swarm, and
// keeps a Snapshot (src/sim/snapshot.ts) of what it hears:
// - nodes appear as they announce themselves (status or announce), in order of first appearance;
// - each node's state comes from its announce flags (regime, Evolved, attacker, in the storm, healed);
//   it is DETECTED when some honest node has banned it, BANNED when most honest announcers have;
// - links are "who hears whom": the peers each node says it accepted in its last consensus round;
// - a link glows while either end is sending.
// LiveSwarmModel is pure (bytes in, snapshot out) and unit-tested without a broker; connectLiveSource adds
// the MQTT connection, loaded only when live mode is used.
//
// An authenticated swarm (issue 13): the broker admits only logins, so the page logs in as the read-only
// viewer (`&user=viewer&pass=...`, the password of DIR/viewer.json), and every payload travels inside a signed
// envelope (src/core/identity/envelope.ts). The view unwraps the envelope without checking the tag: it holds no
// roster and decides nothing; it relies on the broker's ACL (node N may publish only as N). Nodes check every tag.
import { brainRadius } from '../sim/config';
import {
  STATE_ATTACKER,
  STATE_BANNED,
  STATE_DETECTED,
  STATE_EVOLVED,
  STATE_HEALED,
  STATE_IN_NOISE,
  STATE_REGIME_MASK,
  REGIME_PRESTORM,
  REGIME_STORM,
  type Snapshot,
} from '../sim/snapshot';
import { parseTopic, swarmFilter } from '../net/topics';
import { decodeWire, FLAG_ATTACKER, FLAG_EVOLVED, FLAG_HEALED, FLAG_IN_NOISE, MSG_ANNOUNCE, MSG_STATUS, MSG_SUMMARY } from '../net/wire';

/** The envelope's shape (src/core/identity/envelope.ts, repeated here so the page does not load the signature
 *  code): header byte 0xA0 | mode << 2 | channel; 9 header bytes (+2 for a pairwise MIC's addressee); a 64-byte
 *  signature or a 4-byte MIC at the end. Wire messages start with 0x51, so the two cannot be confused. */
const ENVELOPE_TAG: Record<number, { header: number; tag: number }> = { 1: { header: 9, tag: 64 }, 2: { header: 9, tag: 4 }, 3: { header: 11, tag: 4 } };

/** The payload of a sealed message (unverified), the bytes themselves when they are not an envelope, or null
 *  for an envelope that cannot be one. */
export function unwrapEnvelope(bytes: Uint8Array): Uint8Array | null {
  const b0 = bytes[0];
  if (b0 === undefined || (b0 & 0xf0) !== 0xa0) return bytes;
  const shape = ENVELOPE_TAG[(b0 >> 2) & 3];
  if (!shape || (b0 & 3) > 2 || bytes.length < shape.header + shape.tag) return null;
  return bytes.subarray(shape.header, bytes.length - shape.tag);
}

/** A link stays lit this long after a message from either end, ms. */
const ACTIVITY_MS = 1500;
/** A node not heard from for this long is shown without links (it may have died without a will). */
const SILENT_MS = 30_000;

interface LiveNode {
  id: number;
  slot: number;
  online: boolean;
  flags: number;
  heard: number[];
  banned: number[];
  lastMs: number;
}

export interface LiveStats {
  messages: number;
  bytes: number;
  /** Messages that did not decode (the view ignores them, as a node would). */
  rejected: number;
  summaryRound: number | null;
}

export class LiveSwarmModel {
  private readonly nodes = new Map<number, LiveNode>();
  private readonly order: LiveNode[] = [];
  private edgeKey = '';
  private edgesVersion = 0;
  private edges = new Uint32Array(0);
  private readonly bytesWindow: [number, number][] = [];
  readonly stats: LiveStats = { messages: 0, bytes: 0, rejected: 0, summaryRound: null };

  constructor(
    readonly swarm: string,
    private readonly startedMs = 0,
  ) {}

  get nodeCount(): number {
    return this.order.length;
  }

  private node(id: number): LiveNode {
    let n = this.nodes.get(id);
    if (!n) {
      n = { id, slot: this.order.length, online: true, flags: 0, heard: [], banned: [], lastMs: 0 };
      this.nodes.set(id, n);
      this.order.push(n);
    }
    return n;
  }

  /** One MQTT message. Never throws: anything malformed is counted and ignored. */
  apply(topic: string, bytes: Uint8Array, nowMs: number): void {
    const parsed = parseTopic(this.swarm, topic);
    let msg: ReturnType<typeof decodeWire> | null;
    try {
      const payload = parsed ? unwrapEnvelope(bytes) : null;
      msg = payload ? decodeWire(payload) : null;
    } catch {
      msg = null;
    }
    if (!parsed || !msg || (parsed.kind !== 'reply' && parsed.kind !== 'summary' && msg.from !== parsed.node)) {
      this.stats.rejected++;
      return;
    }
    this.stats.messages++;
    this.stats.bytes += bytes.length;
    this.bytesWindow.push([nowMs, bytes.length]);
    if (msg.type === MSG_SUMMARY) {
      this.stats.summaryRound = msg.summary.round;
      return;
    }
    const n = this.node(msg.from);
    if (msg.type === MSG_STATUS) {
      n.online = msg.online;
      if (!msg.online) return; // a will or a goodbye is not activity
    } else {
      n.online = true;
    }
    n.lastMs = nowMs;
    if (msg.type === MSG_ANNOUNCE) {
      n.flags = msg.flags;
      n.heard = msg.heard;
      n.banned = msg.banned;
    }
  }

  private live(n: LiveNode, nowMs: number): boolean {
    return n.online && nowMs - n.lastMs <= SILENT_MS;
  }

  /** The current picture as a Snapshot (buffers of `recycle` are reused when their sizes fit). */
  snapshot(nowMs: number, recycle?: Snapshot): Snapshot {
    const count = this.order.length;
    const fit = <T extends Float32Array | Uint8Array>(old: T | undefined, len: number, make: (k: number) => T): T =>
      old && old.length === len ? old : make(len);
    const positions = fit(recycle?.positions, 3 * count, (k) => new Float32Array(k));
    const state = fit(recycle?.state, count, (k) => new Uint8Array(k));
    // A live node does not report its energy mode: all are drawn Active (no cue).
    const energy = fit(recycle?.energy, count, (k) => new Uint8Array(k)).fill(0);
    const radius = brainRadius(Math.max(1, count));
    for (let i = 0; i < count; i++) {
      // Fibonacci sphere by order of appearance (floats: display only).
      const y = count === 1 ? 0 : 1 - (2 * (i + 0.5)) / count;
      const ring = Math.sqrt(1 - y * y);
      const theta = i * Math.PI * (3 - Math.sqrt(5));
      positions[3 * i] = radius * ring * Math.cos(theta);
      positions[3 * i + 1] = radius * y;
      positions[3 * i + 2] = radius * ring * Math.sin(theta);
    }
    // Bans as the honest announcers report them.
    const honest = this.order.filter((n) => this.live(n, nowMs) && !(n.flags & FLAG_ATTACKER));
    const bannedBy = new Map<number, number>();
    for (const h of honest) for (const b of h.banned) bannedBy.set(b, (bannedBy.get(b) ?? 0) + 1);
    let evolved = 0;
    let storm = 0;
    let preStorm = 0;
    let attackersBanned = 0;
    for (const n of this.order) {
      const regime = this.live(n, nowMs) ? n.flags & STATE_REGIME_MASK : 0;
      let s = regime;
      if (n.flags & FLAG_EVOLVED) s |= STATE_EVOLVED;
      if (n.flags & FLAG_ATTACKER) s |= STATE_ATTACKER;
      if (n.flags & FLAG_IN_NOISE) s |= STATE_IN_NOISE;
      if (n.flags & FLAG_HEALED) s |= STATE_HEALED;
      const votes = bannedBy.get(n.id) ?? 0;
      if (votes > 0) s |= STATE_DETECTED;
      if (votes * 2 > honest.filter((h) => h.id !== n.id).length) s |= STATE_BANNED;
      state[n.slot] = s;
      if (s & STATE_EVOLVED) evolved++;
      if (regime === REGIME_STORM) storm++;
      if (regime === REGIME_PRESTORM) preStorm++;
      if (s & STATE_ATTACKER && s & STATE_BANNED) attackersBanned++;
    }
    this.updateEdges(nowMs);
    const edgeCount = this.edges.length / 2;
    const edgeActivity = fit(recycle?.edgeActivity, edgeCount, (k) => new Float32Array(k));
    let synapsesActive = 0;
    for (let e = 0; e < edgeCount; e++) {
      const a = this.order[this.edges[2 * e]!]!;
      const b = this.order[this.edges[2 * e + 1]!]!;
      const since = nowMs - Math.max(a.lastMs, b.lastMs);
      edgeActivity[e] = Math.max(0, 1 - since / ACTIVITY_MS);
      if (edgeActivity[e]! > 0.01) synapsesActive++;
    }
    while (this.bytesWindow.length > 0 && nowMs - this.bytesWindow[0]![0] > 1000) this.bytesWindow.shift();
    const bytesPerSecond = this.bytesWindow.reduce((sum, [, b]) => sum + b, 0);
    return {
      tick: this.stats.messages,
      simTimeS: Math.max(0, (nowMs - this.startedMs) / 1000),
      speed: 1,
      paused: false,
      nodeCount: count,
      brainRadius: radius,
      positions,
      state,
      energy,
      edgesVersion: this.edgesVersion,
      edges: this.edges,
      edgeActivity,
      noiseZone: fit(recycle?.noiseZone, 4, (k) => new Float32Array(k)).fill(0), // the real storm has no position
      hud: {
        nodes: count,
        evolved,
        storm,
        preStorm,
        entropyPct: count > 0 ? (100 * storm) / count : 0,
        meanEntropy: 0,
        synapsesActive,
        packetsInFlight: 0,
        bytesPerSecond,
        healsGossip: 0,
        healsSelf: 0,
        attackersBanned,
        ticksPerSecond: 0,
        air: { seconds: 0, txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0 },
      },
      stateHash: 'live',
    };
  }

  /** Undirected links between live nodes from their heard lists; a new array (and version) only on change. */
  private updateEdges(nowMs: number): void {
    const pairs = new Set<string>();
    const list: number[] = [];
    for (const n of this.order) {
      if (!this.live(n, nowMs)) continue;
      for (const peerId of n.heard) {
        const p = this.nodes.get(peerId);
        if (!p || !this.live(p, nowMs) || p === n) continue;
        const a = Math.min(n.slot, p.slot);
        const b = Math.max(n.slot, p.slot);
        const key = `${a}-${b}`;
        if (pairs.has(key)) continue;
        pairs.add(key);
        list.push(a, b);
      }
    }
    const key = list.join(',');
    if (key !== this.edgeKey) {
      this.edgeKey = key;
      this.edges = Uint32Array.from(list);
      this.edgesVersion++;
    }
  }
}

export interface LiveParams {
  url: string;
  swarm: string;
  /** A broker login (the read-only viewer of an authenticated swarm); absent for an open broker. */
  username?: string;
  password?: string;
}

/** `?live=ws://host:port&swarm=demo[&user=viewer&pass=...]` → the connection to make; null when live mode is
 *  not asked for or bad. */
export function parseLiveParams(search: string): LiveParams | null {
  const params = new URLSearchParams(search);
  const url = params.get('live');
  if (!url || !/^wss?:\/\/[^\s/]+/.test(url)) return null;
  const swarm = params.get('swarm') ?? 'demo';
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(swarm)) return null;
  const password = params.get('pass');
  if (password === null || password === '') return { url, swarm };
  return { url, swarm, username: params.get('user') || 'viewer', password };
}

export interface LiveSource {
  model: LiveSwarmModel;
  snapshot(recycle?: Snapshot): Snapshot;
  readonly connected: boolean;
  close(): Promise<void>;
}

/** Connects to the broker over WebSocket and feeds a LiveSwarmModel. mqtt.js is loaded on first use. */
export async function connectLiveSource(params: LiveParams, now: () => number = () => Date.now()): Promise<LiveSource> {
  const { createMqttTransport } = await import('../net/mqttTransport');
  const model = new LiveSwarmModel(params.swarm, now());
  const transport = createMqttTransport({
    url: params.url,
    clientId: `qres-view-${Math.random().toString(36).slice(2, 10)}`,
    reconnectPeriodMs: 1000,
    username: params.username,
    password: params.password,
  });
  await transport.subscribe(swarmFilter(params.swarm), (topic, bytes) => model.apply(topic, bytes, now()));
  return {
    model,
    snapshot: (recycle) => model.snapshot(now(), recycle),
    get connected() {
      return transport.connected;
    },
    close: () => transport.close(),
  };
}
