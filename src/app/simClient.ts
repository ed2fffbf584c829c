// The page's side of the worker: creates it, wraps it with comlink, and pumps snapshots — at most one request
// in flight, and the buffers of a snapshot the view no longer needs are transferred back for reuse (ping-pong).
import * as Comlink from 'comlink';
import type { Snapshot } from '../sim/snapshot';
import { type SimWorkerApi, WORKER_READY } from '../sim/workerApi';

export type SimProxy = Comlink.Remote<SimWorkerApi>;

export function createSimWorker(): { worker: Worker; api: SimProxy } {
  const worker = new Worker(new URL('../sim/worker.ts', import.meta.url), { type: 'module', name: 'qres-sim' });
  return { worker, api: Comlink.wrap<SimWorkerApi>(afterReady(worker)) };
}

/**
 * The worker as a comlink endpoint that holds every message back until the worker says it is ready. A module
 * worker whose imports await at the top level (the crypto's WebAssembly instance, src/core/crypto/group.ts) runs
 * its event loop during that await, before `Comlink.expose` has added its listener: a message posted then is
 * dispatched to no one and lost, and the page waited for an init that never came (2 loads in 5, measured).
 */
export function afterReady(worker: Pick<Worker, 'postMessage' | 'addEventListener' | 'removeEventListener'>): Comlink.Endpoint {
  let ready = false;
  const held: [unknown, Transferable[]][] = [];
  const onReady = (event: Event) => {
    if ((event as MessageEvent).data !== WORKER_READY) return;
    worker.removeEventListener('message', onReady);
    ready = true;
    for (const [message, transfer] of held.splice(0)) worker.postMessage(message, transfer);
  };
  worker.addEventListener('message', onReady);
  return {
    postMessage: (message: unknown, transfer: Transferable[] = []) => {
      if (ready) worker.postMessage(message, transfer);
      else held.push([message, transfer]);
    },
    addEventListener: (type, listener, options) => worker.addEventListener(type, listener, options),
    removeEventListener: (type, listener, options) => worker.removeEventListener(type, listener, options),
  };
}

/** The transferable buffers of a snapshot (distinct ones only: postMessage rejects duplicates). */
export function snapshotBuffers(snapshot: Snapshot): ArrayBuffer[] {
  const arrays = [snapshot.positions, snapshot.state, snapshot.energy, snapshot.edges, snapshot.edgeActivity, snapshot.noiseZone];
  const buffers = new Set<ArrayBuffer>();
  for (const a of arrays) {
    // A SharedArrayBuffer (cross-origin isolated page) is shared, not transferred.
    if (a.buffer instanceof ArrayBuffer && a.buffer.byteLength > 0) buffers.add(a.buffer);
  }
  return [...buffers];
}

/**
 * The view keeps two snapshots to blend between; if the worker shares its arrays (SharedArrayBuffer), both would
 * alias the worker's live memory, so the per-node arrays are copied out. Transferred arrays are kept as they are.
 */
export function ownSnapshot(snapshot: Snapshot): Snapshot {
  const shared = (a: ArrayBufferView) => typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;
  if (!shared(snapshot.positions) && !shared(snapshot.state) && !shared(snapshot.energy) && !shared(snapshot.edgeActivity) && !shared(snapshot.noiseZone)) {
    return snapshot;
  }
  return {
    ...snapshot,
    positions: snapshot.positions.slice(),
    state: snapshot.state.slice(),
    energy: snapshot.energy.slice(),
    edgeActivity: snapshot.edgeActivity.slice(),
    noiseZone: snapshot.noiseZone.slice(),
  };
}

export class SnapshotPump {
  private inFlight = false;
  private spare: Snapshot | null = null;
  /** Snapshots received. */
  received = 0;
  lastError: unknown = null;

  constructor(
    private readonly api: SimProxy,
    private readonly onSnapshot: (snapshot: Snapshot) => void,
  ) {}

  get busy(): boolean {
    return this.inFlight;
  }

  /** Hands a no-longer-used snapshot back; its buffers go with the next request. */
  recycle(snapshot: Snapshot | null): void {
    if (snapshot !== null) this.spare = snapshot;
  }

  /** Asks for a new snapshot unless one is already on its way. */
  request(): void {
    if (this.inFlight) return;
    this.inFlight = true;
    const recycle = this.spare;
    this.spare = null;
    const call = recycle === null ? this.api.snapshot() : this.api.snapshot(Comlink.transfer(recycle, snapshotBuffers(recycle)));
    call.then(
      (snapshot) => {
        this.inFlight = false;
        this.received++;
        this.onSnapshot(ownSnapshot(snapshot));
      },
      (err: unknown) => {
        this.inFlight = false;
        this.lastError = err;
        console.error('[qres] snapshot failed', err);
      },
    );
  }
}
