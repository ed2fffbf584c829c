// GET /status of a real node: one JSON object (numbers as plain numbers; Q16 vectors as raw integers and as
// floats for reading).
import * as q16 from '../core/fixed/q16';
import { LAGS } from '../core/neuron/kernel';
import { DEVICE_TICK_MS } from './config';
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
  return [...node.peers.values()].filter((p) => p.online && now - p.lastSeenMs <= horizon).map((p) => p.id).sort((a, b) => a - b);
}

export function buildStatus(node: NodeCore, connected: boolean, roundTicks: number, extra: Record<string, unknown>): Record<string, unknown> {
  const m = node.mind;
  const c = node.consensus;
  const gene = m.gene();
  return {
    id: node.config.id,
    swarm: node.config.swarm,
    role: node.config.attack === 'none' ? 'honest' : `attacker:${node.config.attack}`,
    regime: REGIME_NAMES[m.regime] ?? String(m.regime),
    evolved: m.evolved,
    restored: m.restored,
    exposed: m.exposed,
    entropy: q16.toFloat(m.entropy),
    heals: { ...m.heals },
    connected,
    uptimeS: (Date.now() - node.startedMs) / 1000,
    tick: node.tick,
    deviceTimeS: (node.tick * DEVICE_TICK_MS) / 1000,
    round: c.round,
    roundsDone: c.roundsDone,
    peers: livePeers(node, roundTicks).length,
    peerIds: livePeers(node, roundTicks),
    reputationSize: c.scored.size,
    banned: c.bannedPeers(),
    reputation: Object.fromEntries([...c.scored].sort((a, b) => a - b).map((p) => [p, q16.toFloat(c.reputation.score(p))])),
    synced: node.syncMs !== null,
    syncMs: node.syncMs,
    consensus: Array.from(c.model),
    prior: Array.from(node.prior),
    consensusFloat: Array.from(c.model, (v) => q16.toFloat(v)),
    gene: [...Array.from(gene.weights), gene.bias],
    lastRound: node.lastOutcome ? { round: node.lastOutcome.round, accepted: node.lastOutcome.accepted, refused: node.lastOutcome.refused } : null,
    lags: LAGS,
    ...node.stats,
    ...extra,
  };
}
