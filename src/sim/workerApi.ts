// What the simulation Web Worker (src/sim/worker.ts) exposes through comlink. The page owns no sim state:
// it calls these and renders the snapshots it gets back.
import type { SimConfig } from './config';
import type { Snapshot } from './snapshot';
import type { EarlyWarningReport } from '../../systems/earlyWarning';
import type { NodeInspection, TimelineEvent } from './workerLab';

export type { NodeInspection, TimelineEvent };

/** Where the run is, for the lab's timeline. */
export interface LabStatus {
  tick: number;
  /** A seek is replaying: from `seekFrom` towards `seekTarget`, now at `tick`. */
  seeking: boolean;
  seekTarget: number;
  seekFrom: number;
  /** The furthest tick this run has reached (events are known up to it). */
  furthest: number;
  events: TimelineEvent[];
  /** Consensus drift of an attacked run against its clean twin, at the last round end; undefined without attack. */
  drift: number | undefined;
  /** The run's resolved config. */
  config: SimConfig;
}

export interface SimMetrics {
  ticks: number;
  simTimeS: number;
  nodes: number;
  evolved: number;
  storm: number;
  stormPeak: number;
  /** fromMemory: of the self heals, those after a gene recalled from the node's memory (absent from the live
   *  page's metrics, which its nodes' statuses do not carry). */
  heals: { gossip: number; self: number; fromMemory?: number };
  healLatencyS: { p50: number; p95: number };
  packets: { sent: number; delivered: number; lost: number; inFlight: number; dropped: number };
  bytesSent: number;
  bytesPerNodePerDay: number;
  rmse: { calm: number; storm: number };
  /** Attackers banned by every honest node that hears them, honest nodes banned by any, attackers no honest node hears. */
  bans: { attackers: number; honest: number; unheard: number };
  stored: number;
  /** Prefetch (a storm seen coming is asked about at its onset): the requests made so, before REQUEST_AFTER_S. */
  prefetch?: { on: boolean; requests: number };
  /** The silent swarm's radios (src/core/rules/silence.ts): the mean node's share of time listening, how many
   *  honest nodes are in each energy mode now, and frame receptions slept through. Chatty runs listen all the time. */
  radio?: { listenShare: number; modes: { active: number; alert: number; deep: number }; asleep: number };
  /** The radio's authentication (src/core/net/radioAuth.ts): the trailer mode, and the messages dropped before any
   *  rule saw them, by reason (src/sim/radio.ts). */
  auth?: { mode: string; dropped: { malformed: number; forged: number; stranger: number; replayed: number } };
  /** How well PreStorm warns of Storm onsets (systems/earlyWarning.ts), over honest nodes (the headless runner reports it; the live page does not). */
  earlyWarning?: EarlyWarningReport;
}

export interface InitResult {
  nodes: number;
  /** Nodes that spawned Evolved from a stored gene. */
  restored: number;
  /** Stored records that could not be decoded (reported, skipped). */
  corrupt: number;
  /** Restored nodes whose stored gene memory was damaged: the gene was restored, the memory left empty. */
  memoryLost: number;
  /** 'indexeddb' in the browser, 'memory' when IndexedDB is unavailable. */
  storage: string;
}

/** 0 means "as fast as possible". */
export type SpeedFactor = 1 | 10 | 0;

export interface SimWorkerApi {
  /** Builds the world for a config (defaults filled in), loading stored genes before tick 0. */
  init(config: Partial<SimConfig>): Promise<InitResult>;
  /** A fresh run of `config` from its seed (no stored genes restored: a shared link gives the same run as
   *  `qres sim` with the same flags). Stops ticking; call start() to run. */
  restart(config: Partial<SimConfig>): Promise<InitResult>;
  /** Goes to tick `tick` of this run: backwards by replaying from the seed, forwards by running on, both at max
   *  speed in slices (snapshots keep coming; status() shows progress). Resolves with the tick reached; a restart
   *  or another seek rejects it. */
  seek(tick: number): Promise<number>;
  status(): LabStatus;
  /** Selects node `id` (0-based; null: none) and returns what the inspector shows of it. */
  inspect(id: number | null): NodeInspection | null;
  /** Starts the real-time clock (ticks at speed × real time). */
  start(): void;
  /** Stops ticking; snapshots still work. */
  pause(): void;
  setSpeed(speed: SpeedFactor): void;
  /** Advances exactly n ticks now (works while paused; for tests and stepping). Returns the new tick. */
  step(n: number): Promise<number>;
  /** Clears stored genes and all state, back to tick 0 with the same config. */
  reset(): Promise<InitResult>;
  /**
   * The latest snapshot. Pass back the previous snapshot's buffers to reuse them (ping-pong transfer).
   */
  snapshot(recycle?: Snapshot): Snapshot;
  stateHash(): string;
  metrics(): SimMetrics;
  /** Number of genes currently in the store. */
  storedCount(): Promise<number>;
}

/** What the worker posts once its module has been evaluated and its API exposed; the page sends nothing before. */
export const WORKER_READY = 'qres-worker-ready';
