// GET /status of a real node: one JSON object (numbers as plain numbers; Q16 vectors as raw integers and as
// floats for reading).
import * as q16 from '../core/fixed/q16';
import { LAGS } from '../core/neuron/kernel';
import { DEVICE_TICK_MS } from './config';
import { MODE_NAMES } from '../core/rules/silence';
import type { NodeCore } from './nodeCore';

export interface PeerInfo {
  id: number;
  lastSeenMs: number;
  online: boolean;
  flags: number;
  heard: number[];
  banned: number[];
}

const REGIME_NAMES = ['calm', 'prestorm', 'storm'];

/** Peers heard from within the last three rounds (wall clock) and not announced offline. */
export function livePeers(node: NodeCore, roundTicks: number): number[] {
  const horizon = 3 * roundTicks * node.config.tickMs + 2000;
  const now = Date.now();
  return node.peerInfo.filter((p) => p.online && now - p.lastSeenMs <= horizon).map((p) => p.id);
}

export function buildStatus(node: NodeCore, connected: boolean, roundTicks: number, extra: Record<string, unknown>): Record<string, unknown> {
  const gene = node.gene();
  const model = node.model;
  const live = livePeers(node, roundTicks);
  return {
    id: node.config.id,
    swarm: node.config.swarm,
    role: node.config.attack === 'none' ? 'honest' : `attacker:${node.config.attack}`,
    regime: REGIME_NAMES[node.regime] ?? String(node.regime),
    evolved: node.evolved,
    restored: node.restored,
    exposed: node.exposed,
    entropy: q16.toFloat(node.state.neuron.entropy[1]!),
    heals: { ...node.heals },
    connected,
    uptimeS: (Date.now() - node.startedMs) / 1000,
    tick: node.tick,
    deviceTimeS: (node.tick * DEVICE_TICK_MS) / 1000,
    round: node.tick < 0 ? -1 : Math.floor(node.tick / roundTicks),
    roundsDone: node.roundsDone,
    aggregator: node.config.aggregator,
    ownDataFilter: node.config.ownDataFilter,
    peers: live.length,
    peerIds: live,
    neighbours: node.peers.length,
    banned: node.bannedPeers(),
    reputation: Object.fromEntries(node.peers.map((p) => [p, node.reputationOf(p)])),
    synced: node.syncMs !== null,
    syncMs: node.syncMs,
    consensus: Array.from(model),
    prior: Array.from(node.prior),
    consensusFloat: Array.from(model, (v) => q16.toFloat(v)),
    gene: [...Array.from(gene.weights), gene.bias],
    lastRound: node.lastRound < 0 ? null : { round: node.lastRound, accepted: node.acceptedPeers() },
    lags: LAGS,
    // The silent swarm (src/core/rules/silence.ts): consensus mode, energy mode, and how long the radio listened.
    consensusMode: node.config.chatty ? 'chatty' : 'silent',
    energyMode: node.config.chatty ? 'active' : (MODE_NAMES[node.listen.mode[1]!] ?? String(node.listen.mode[1])),
    listenS: (node.listenTicks * DEVICE_TICK_MS) / 1000,
    listenShare: node.ticksRun === 0 ? 0 : Math.round((node.listenTicks / node.ticksRun) * 1e6) / 1e6,
    asleep: node.asleep,
    ...node.stats,
    ...extra,
  };
}
