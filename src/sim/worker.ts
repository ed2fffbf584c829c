// The simulation's Web Worker: it owns the tick (docs/ARCHITECTURE.md, "The snapshot"). Ticks run at real time × the speed factor
// (or as fast as possible), in slices that leave the worker free to answer snapshot requests. Stored genes are
// loaded before tick 0 and save batches are written between slices, never inside a tick.
import * as Comlink from 'comlink';
import { createSim, type Sim } from './runner';
import type { SimConfig } from './config';
import type { Snapshot } from './snapshot';
import type { InitResult, SimWorkerApi, SpeedFactor } from './workerApi';
import type { GeneStorage } from '../storage/geneStorage';
import { createIndexedDbStorage } from '../storage/indexedDbStorage';
import { createMemoryStorage } from '../storage/memoryStorage';

/** Longest a slice of ticks may run before the worker yields (ms of wall time). */
const SLICE_MS = 12;
/** Snapshots carry a state hash only up to this many nodes (hashing is O(n) and snapshots are per frame). */
const HASH_IN_SNAPSHOT_MAX_NODES = 2000;

let sim: Sim | null = null;
let storage: GeneStorage | null = null;
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

function loop(): void {
  timer = null;
  if (!running || !sim) return;
  const s = sim;
  const now = performance.now();
  const started = now;
  if (speed === 0) {
    while (performance.now() - started < SLICE_MS) s.step(1);
  } else {
    owedTicks += ((now - lastWall) * speed) / s.config.tickMs;
    let ran = 0;
    while (owedTicks >= 1 && performance.now() - started < SLICE_MS) {
      s.step(1);
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
  async init(config: Partial<SimConfig>): Promise<InitResult> {
    running = false;
    storage ??= openStorage();
    sim = createSim(config, { storage });
    return sim.load();
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
    s.step(n);
    flushSoon(s);
    await flushing;
    return s.tick;
  },
  async reset(): Promise<InitResult> {
    const s = need();
    await flushing;
    await s.clearStorage();
    s.reset();
    return s.load();
  },
  snapshot(recycle?: Snapshot): Snapshot {
    const s = need();
    const snap = s.snapshot(recycle, s.world.n <= HASH_IN_SNAPSHOT_MAX_NODES);
    snap.paused = !running;
    snap.speed = speed;
    snap.hud.ticksPerSecond = running ? rate.ticksPerSecond : 0;
    const buffers = [snap.positions, snap.state, snap.edges, snap.edgeActivity, snap.noiseZone].map((a) => a.buffer as ArrayBuffer);
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
