// Live mode (`?live=ws://127.0.0.1:8883&swarm=demo`): the page shows a real swarm from the broker instead of a
// simulated one. This adapter gives the app the same interface as the simulation worker, backed by the live
// source (src/app/liveSource.ts), so the view, HUD and keys work unchanged. What a live swarm cannot do is
// said plainly: it runs on its own clock (pause freezes the view, speed does nothing), it has no state hash,
// and reset clears only the view's picture of it.
import type { SimProxy } from './simClient';
import type { Snapshot } from '../sim/snapshot';
import type { InitResult, SimMetrics, SpeedFactor } from '../sim/workerApi';
import { connectLiveSource, type LiveParams, type LiveSource } from './liveSource';

export class LiveModeError extends Error {
  override readonly name = 'LiveModeError';
}

export function createLiveApi(params: LiveParams): SimProxy {
  let source: LiveSource | null = null;
  let frozen: Snapshot | null = null;
  let paused = false;
  const need = (): LiveSource => {
    if (!source) throw new LiveModeError('live mode is not connected yet');
    return source;
  };
  const api = {
    async init(): Promise<InitResult> {
      source = await connectLiveSource(params);
      return { nodes: 0, restored: 0, corrupt: 0, memoryLost: 0, storage: `live ${params.url} (${params.swarm})` };
    },
    async start() {
      paused = false;
      frozen = null;
    },
    async pause() {
      paused = true;
    },
    async setSpeed(_speed: SpeedFactor) {
      // A real swarm runs in real time.
    },
    async step(): Promise<number> {
      throw new LiveModeError('a live swarm cannot be stepped');
    },
    async reset(): Promise<InitResult> {
      await source?.close();
      source = await connectLiveSource(params);
      return { nodes: 0, restored: 0, corrupt: 0, memoryLost: 0, storage: 'live' };
    },
    async snapshot(recycle?: Snapshot): Promise<Snapshot> {
      if (paused && frozen) return frozen;
      const snap = need().snapshot(recycle);
      snap.paused = paused;
      if (paused) frozen = snap;
      return snap;
    },
    async stateHash() {
      return '';
    },
    async metrics(): Promise<SimMetrics> {
      const s = need().snapshot();
      const stats = need().model.stats;
      return {
        ticks: 0,
        simTimeS: s.simTimeS,
        nodes: s.nodeCount,
        evolved: s.hud.evolved,
        storm: s.hud.storm,
        stormPeak: s.hud.storm,
        heals: { gossip: s.hud.healsGossip, self: s.hud.healsSelf },
        healLatencyS: { p50: 0, p95: 0 },
        packets: { sent: stats.messages, delivered: stats.messages, lost: 0, inFlight: 0, dropped: stats.rejected },
        bytesSent: stats.bytes,
        bytesPerNodePerDay: 0,
        rmse: { calm: 0, storm: 0 },
        bans: { attackers: s.hud.attackersBanned, honest: 0, unheard: 0 },
        stored: 0,
      };
    },
    async storedCount() {
      return 0;
    },
  };
  return api as unknown as SimProxy;
}
