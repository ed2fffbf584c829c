// createSim(config): one swarm you can step, inspect and hash. The same code runs in Node (CLI, tests,
// benchmarks) and in the Web Worker. Storage I/O stays outside the tick: stored genes are loaded before tick 0
// (`load()`), and the genes the persistence system queues are written by `flush()`.
import { GeneDecodeError } from '../core/gene/gene';
import { decodeStoredNode } from '../core/gene/stored';
import { restoreAt } from '../core/rules/state';
import { ROLE_HONEST } from '../../components/body';
import { resolveConfig, type SimConfig } from './config';
import { runTick } from './pipeline';
import { createSimWorld, type SimWorld } from './world';
import { buildSnapshot } from './snapshotBuilder';
import { stateHash } from './stateHash';
import { radioReport } from './silence';
import { createWarningTracker, warningReport } from '../../systems/earlyWarning';
import type { Snapshot } from './snapshot';
import type { InitResult, SimMetrics } from './workerApi';
import type { GeneStorage } from '../storage/geneStorage';

export interface Sim {
  readonly config: SimConfig;
  readonly world: SimWorld;
  readonly tick: number;
  /** Advances n ticks. `onProgress(done)` is called every 1,000 ticks for progress bars. */
  step(n: number, onProgress?: (done: number) => void): void;
  /** 128 bits of SHA-256 over everything that decides the future of the run (src/sim/stateHash.ts). */
  stateHash(): string;
  /** The view's record of this tick; `withHash: false` skips the O(n) state hash (stateHash is then ''). */
  snapshot(recycle?: Snapshot, withHash?: boolean): Snapshot;
  metrics(): SimMetrics;
  /** Fresh state (tick 0) with the same config; stored genes are not touched (see clearStorage). */
  reset(): void;
  /** Loads stored genes before tick 0: their nodes spawn Evolved. Corrupt records are reported and skipped. */
  load(): Promise<InitResult>;
  /** Writes the queued save batch to storage (one batch); returns how many genes were written. */
  flush(): Promise<number>;
  clearStorage(): Promise<void>;
}

export interface SimOptions {
  storage?: GeneStorage;
}

export function createSim(overrides: Partial<SimConfig> = {}, options: SimOptions = {}): Sim {
  const config = resolveConfig(overrides);
  let world = createSimWorld(config);
  const storage = options.storage;

  const percentile = (sorted: number[], p: number): number =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

  const sim: Sim = {
    config,
    get world() {
      return world;
    },
    get tick() {
      return world.tick;
    },
    step(n, onProgress) {
      for (let i = 0; i < n; i++) {
        runTick(world);
        if (onProgress && (i + 1) % 1000 === 0) onProgress(i + 1);
      }
    },
    stateHash() {
      return stateHash(world);
    },
    snapshot(recycle, withHash = true) {
      return buildSnapshot(world, withHash ? sim.stateHash() : '', recycle);
    },
    metrics(): SimMetrics {
      const c = world.counters;
      const link = world.link.counters;
      const simTimeS = (world.tick * config.tickMs) / 1000;
      const latencies = [...c.healLatencyS].sort((a, b) => a - b);
      const round3 = (x: number) => Math.round(x * 1000) / 1000;
      return {
        ticks: world.tick,
        simTimeS,
        nodes: world.n,
        evolved: c.evolved,
        storm: c.storm,
        stormPeak: c.stormPeak,
        heals: { gossip: c.healsGossip, self: c.healsSelf, fromMemory: c.healsFromMemory },
        healLatencyS: { p50: round3(percentile(latencies, 50)), p95: round3(percentile(latencies, 95)) },
        packets: {
          sent: link.framesSent,
          delivered: link.delivered,
          lost: link.lost,
          inFlight: world.link.inFlight(),
          dropped: link.dropped + link.expired,
        },
        bytesSent: link.bytesSent,
        bytesPerNodePerDay: simTimeS > 0 ? Math.round((link.bytesSent / world.n) * (86_400 / simTimeS)) : 0,
        rmse: {
          calm: round3(c.nCalm ? Math.sqrt(c.sqErrCalm / c.nCalm) : 0),
          storm: round3(c.nStorm ? Math.sqrt(c.sqErrStorm / c.nStorm) : 0),
        },
        bans: { ...c.bans },
        stored: c.stored,
        prefetch: { on: config.prefetch && !config.secure, requests: c.prefetchRequests }, // never under --secure
        radio: radioReport(world),
        auth: { mode: config.radioAuth, dropped: { ...c.radioDrops } },
        earlyWarning: warningReport(c.earlyWarning ?? createWarningTracker(0, config.tickMs)),
      };
    },
    reset() {
      world = createSimWorld(config);
    },
    async load() {
      if (!storage) return { nodes: world.n, restored: 0, corrupt: 0, memoryLost: 0, storage: 'none' };
      const { records, corrupt } = await storage.load();
      let restored = 0;
      let undecodable = corrupt.length;
      let memoryLost = 0;
      const { Neuron, Evolution, Role } = world.components;
      for (const [id, bytes] of records) {
        const eid = id + 1;
        if (!Number.isInteger(id) || id < 0 || id >= world.n || Role.kind[eid] !== ROLE_HONEST) continue;
        try {
          const stored = decodeStoredNode(bytes);
          restoreAt(Neuron, Evolution, eid, stored.gene, stored.memory);
          restored++;
          if (stored.memoryError !== undefined) memoryLost++;
        } catch (err) {
          if (!(err instanceof GeneDecodeError)) throw err;
          undecodable++;
        }
      }
      world.counters.evolved = restored;
      return { nodes: world.n, restored, corrupt: undecodable, memoryLost, storage: storage.kind };
    },
    async flush() {
      const batch = world.saveQueue.splice(0);
      if (!storage || batch.length === 0) return 0;
      // Several persistence rounds may have queued the same node: keep the latest gene of each.
      const latest = new Map<number, Uint8Array>();
      for (const [id, gene] of batch) latest.set(id, gene);
      await storage.saveBatch([...latest]);
      world.counters.stored = await storage.count();
      return latest.size;
    },
    async clearStorage() {
      world.saveQueue.length = 0;
      if (storage) await storage.clear();
      world.counters.stored = 0;
    },
  };
  return sim;
}
