// The simulation's Web Worker: it owns the tick (docs/ARCHITECTURE.md, "The snapshot"). Ticks run at real time × the speed factor
// (or as fast as possible), in slices that leave the worker free to answer snapshot requests. Stored genes are
// loaded before tick 0 and save batches are written between slices, never inside a tick.
//
// The lab (issue 16): `restart` builds a fresh run from the seed for a new config; `seek` replays the same run from
// the seed (backwards) or runs on (forwards) at max speed, in slices, with progress in `status()`; an attacked run
// has a clean twin (the same seed, attackers silent) stepped beside it for the HUD's consensus drift; LabObserver
// (src/sim/workerLab.ts) adds what the view shows beyond the snapshot. None of it changes a tick.
import * as Comlink from 'comlink';
import { createSim, type Sim } from './runner';
import { DEFAULT_CONFIG, type SimConfig } from './config';
import type { Snapshot } from './snapshot';
import { type InitResult, type LabStatus, type SimWorkerApi, type SpeedFactor, WORKER_READY } from './workerApi';
import type { GeneStorage, LoadResult } from '../storage/geneStorage';
import { createIndexedDbStorage } from '../storage/indexedDbStorage';
import { createMemoryStorage } from '../storage/memoryStorage';
import { consensusDrift } from './drift';
import { LabObserver } from './workerLab';

/** Longest a slice of ticks may run before the worker yields (ms of wall time). */
const SLICE_MS = 12;
/** Snapshots carry a state hash only up to this many nodes (hashing is O(n) and snapshots are per frame). */
const HASH_IN_SNAPSHOT_MAX_NODES = 2000;

let sim: Sim | null = null;
/** The attacked run's clean twin (attack 'none', same seed and config), or null. */
let clean: Sim | null = null;
let observer: LabObserver | null = null;
let drift: number | undefined;
let storage: GeneStorage | null = null;
/** What the current run loaded before tick 0: a replay from the seed starts from the same genes. */
let loaded: LoadResult = { records: new Map(), corrupt: [] };
/** A seek in progress: replaying towards `target`. */
let job: { target: number; from: number; resolve: (tick: number) => void; reject: (err: unknown) => void } | null = null;
let running = false;
let speed: SpeedFactor = 1;
let lastWall = 0;
let owedTicks = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
let flushing: Promise<unknown> = Promise.resolve();
const rate = { windowStart: 0, ticksAtStart: 0, ticksPerSecond: 0 };

function need(): Sim {
  if (!sim) throw new Error('the simulation is not initialised: call init(config) first');
  return sim;
}

function openStorage(): GeneStorage {
  return typeof indexedDB !== 'undefined' ? createIndexedDbStorage() : createMemoryStorage();
}

function flushSoon(s: Sim): void {
  if (s.world.saveQueue.length === 0) return;
  flushing = flushing.then(() => s.flush()).catch((err: unknown) => console.error('[qres] saving genes failed:', err));
}

/** Settings under which stored genes are restored and saved: the plain storm swarm of any size, seed and loss (the
 *  page before the lab). Any other setting runs from the seed alone and leaves the store alone, so its link gives
 *  the same run as `qres sim` with the same flags, in any browser. */
const PLAIN: readonly (keyof SimConfig)[] = [
  'mtu',
  'bitrateBps',
  'dutyCycle',
  'tickMs',
  'gossip',
  'aggregator',
  'attack',
  'byzantine',
  'secure',
  'poisonCures',
  'ownDataFilter',
  'join',
  'joinAtS',
];

function isPlain(config: Partial<SimConfig>): boolean {
  return PLAIN.every((k) => config[k] === undefined || config[k] === DEFAULT_CONFIG[k]);
}

/** Whether the current run restores and saves genes. */
let persistent = true;

/** A store that hands out the genes the run started with, and saves to the real store if the run is persistent. */
function replayStorage(real: GeneStorage): GeneStorage {
  return {
    kind: real.kind,
    load: async () => ({ records: new Map(loaded.records), corrupt: [...loaded.corrupt] }),
    saveBatch: async (entries) => {
      if (persistent) await real.saveBatch(entries);
    },
    clear: () => real.clear(),
    count: () => real.count(),
  };
}

/** One tick of the run (and of its clean twin), observed. */
function tickOnce(s: Sim): void {
  s.step(1);
  if (clean) {
    clean.step(1);
    if (s.tick % s.world.roundTicks === 0) drift = consensusDrift(s, clean);
  }
  observer?.afterTick();
}

/** Builds the run for `config` from the seed. `restore`: spawn stored genes Evolved (the page's first load). */
async function build(config: Partial<SimConfig>, restore: boolean): Promise<InitResult> {
  running = false;
  if (job) {
    job.reject(new Error('the run was restarted before the seek finished'));
    job = null;
  }
  storage ??= openStorage();
  const real = storage;
  persistent = restore && isPlain(config);
  loaded = persistent ? await real.load() : { records: new Map(), corrupt: [] };
  const source = replayStorage(real);
  const next = createSim(config, { storage: source });
  const init = await next.load();
  sim = next;
  clean = null;
  drift = undefined;
  if (next.config.attack !== 'none' && next.config.byzantine > 0) {
    clean = createSim({ ...next.config, attack: 'none' }, { storage: source });
    await clean.load();
    drift = 0;
  }
  const selected = observer?.selectedId ?? null;
  observer = new LabObserver(next);
  observer.select(selected !== null && selected < next.world.n ? selected : null);
  return { ...init, storage: real.kind };
}

/** Replays from the seed (same config, same starting genes) without losing the events already seen. */
async function rebuildForReplay(): Promise<void> {
  const s = need();
  const source = replayStorage(storage ?? openStorage());
  const next = createSim(s.config, { storage: source });
  await next.load();
  if (clean) {
    clean = createSim(clean.config, { storage: source });
    await clean.load();
    drift = 0;
  }
  sim = next;
  observer?.attach(next);
}

function runJob(s: Sim): void {
  const started = performance.now();
  while (job && s.tick < job.target && performance.now() - started < SLICE_MS) tickOnce(s);
  if (job && s.tick >= job.target) {
    const done = job;
    job = null;
    done.resolve(s.tick);
  }
}

function loop(): void {
  timer = null;
  if (!sim) return;
  const s = sim;
  if (job) {
    runJob(s);
    flushSoon(s);
    if (job || running) timer = setTimeout(loop, 0);
    lastWall = performance.now();
    owedTicks = 0;
    return;
  }
  if (!running) return;
  const now = performance.now();
  const started = now;
  if (speed === 0) {
    while (performance.now() - started < SLICE_MS) tickOnce(s);
  } else {
    owedTicks += ((now - lastWall) * speed) / s.config.tickMs;
    let ran = 0;
    while (owedTicks >= 1 && performance.now() - started < SLICE_MS) {
      tickOnce(s);
      owedTicks -= 1;
      ran++;
    }
    if (ran === 0 && owedTicks > 1000) owedTicks = 0; // never build an unbounded backlog
  }
  lastWall = now;
  if (now - rate.windowStart >= 1000) {
    rate.ticksPerSecond = ((s.tick - rate.ticksAtStart) * 1000) / (now - rate.windowStart);
    rate.windowStart = now;
    rate.ticksAtStart = s.tick;
  }
  flushSoon(s);
  timer = setTimeout(loop, speed === 0 ? 0 : 4);
}

const api: SimWorkerApi = {
  init(config: Partial<SimConfig>): Promise<InitResult> {
    return build(config, true);
  },
  restart(config: Partial<SimConfig>): Promise<InitResult> {
    return build(config, false);
  },
  async seek(target: number): Promise<number> {
    if (!Number.isInteger(target) || target < 0) throw new RangeError(`seek(tick) needs a non-negative integer, got ${target}`);
    const s = need();
    if (job) job.reject(new Error('superseded by another seek'));
    job = null;
    if (target < s.tick) await rebuildForReplay();
    const from = need().tick;
    return new Promise<number>((resolve, reject) => {
      job = { target, from, resolve, reject };
      if (!timer) timer = setTimeout(loop, 0);
    });
  },
  status(): LabStatus {
    const s = need();
    return {
      tick: s.tick,
      seeking: job !== null,
      seekTarget: job?.target ?? s.tick,
      seekFrom: job?.from ?? s.tick,
      furthest: observer?.furthest ?? s.tick,
      events: observer ? observer.events.slice().sort((a, b) => a.tick - b.tick) : [],
      drift,
      config: s.config,
    };
  },
  inspect(id: number | null) {
    observer?.select(id);
    return observer?.inspect() ?? null;
  },
  start() {
    if (running) return;
    running = true;
    lastWall = performance.now();
    owedTicks = 0;
    rate.windowStart = lastWall;
    rate.ticksAtStart = need().tick;
    if (!timer) timer = setTimeout(loop, 0);
  },
  pause() {
    running = false;
  },
  setSpeed(s: SpeedFactor) {
    if (s !== 0 && s !== 1 && s !== 10) throw new RangeError(`speed must be 1, 10 or 0 (max), got ${s}`);
    speed = s;
    owedTicks = 0;
  },
  async step(n: number): Promise<number> {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`step(n) needs a non-negative integer, got ${n}`);
    const s = need();
    for (let i = 0; i < n; i++) tickOnce(s);
    flushSoon(s);
    await flushing;
    return s.tick;
  },
  async reset(): Promise<InitResult> {
    const s = need();
    await flushing;
    await s.clearStorage();
    const wasRunning = running;
    const init = await build(s.config, true);
    if (wasRunning) api.start();
    return init;
  },
  snapshot(recycle?: Snapshot): Snapshot {
    const s = need();
    const snap = s.snapshot(recycle, s.world.n <= HASH_IN_SNAPSHOT_MAX_NODES);
    snap.paused = !running;
    snap.speed = speed;
    snap.hud.ticksPerSecond = running ? rate.ticksPerSecond : 0;
    observer?.decorate(snap, drift);
    const buffers = [snap.positions, snap.state, snap.energy, snap.edges, snap.edgeActivity, snap.noiseZone].map((a) => a.buffer as ArrayBuffer);
    return Comlink.transfer(snap, buffers);
  },
  stateHash() {
    return need().stateHash();
  },
  metrics() {
    return need().metrics();
  },
  async storedCount() {
    await flushing;
    return storage ? storage.count() : 0;
  },
};

Comlink.expose(api);
// The page holds its messages back until this arrives (src/app/simClient.ts, afterReady): one posted while this
// module's imports were still awaiting would have reached no listener.
self.postMessage(WORKER_READY);
