// The deterministic radio: the reference link model every real transport is measured against.
// A transmission is broadcast by nature: every radio neighbour hears each frame, and each loses it
// independently (seeded). Messages are real bytes, fragmented to the MTU; each frame takes airtime at the
// link bitrate, waits in a bounded per-node transmit queue (modelled by when the transmitter is next free),
// obeys the duty cycle, and expires after a TTL. In-flight frames live in a preallocated pool.
import { fragment, frameHeaderBytes, FragmentDecodeError, parseFrame, Reassembler } from '../core/net/fragment';
import { mix32, type Rng } from '../core/rng/rng';
import type { SimConfig } from './config';
import type { Neighbourhoods } from './placement';
import { BROADCAST } from '../core/net/message';
import { CanonicalWriter } from './canonical';

/** At most this many frames waiting in one node's transmit queue (anything beyond is dropped, counted). */
export const TX_QUEUE_FRAMES = 8;
/** A frame older than this is useless (the request it answers has moved on). */
export const TTL_MS = 5000;

export interface LinkCounters {
  framesSent: number;
  bytesSent: number;
  /** Frame receptions by an intended receiver that arrived / were lost to noise. */
  delivered: number;
  lost: number;
  /** Frames dropped at the sender because its transmit queue was full. */
  dropped: number;
  /** Frames or partial messages that outlived the TTL. */
  expired: number;
  /** Frames that failed their checksum or header check at a receiver. */
  corrupt: number;
  /** Frame receptions by every radio neighbour of the sender (addressed or overheard, lost or not), and their
   *  bytes: the sums of nodeCounters().rxFrames / rxBytes (for the energy model). */
  framesHeard: number;
  bytesHeard: number;
  /** Frame receptions by an intended receiver missed because its radio was asleep (its listen schedule,
   *  silence.ts); a sleeping radio is not counted in framesHeard / bytesHeard either. */
  asleep: number;
}

/** Whether `receiver`'s radio listens at `tick` (absent: always). */
export type Listener = (receiver: number, tick: number) => boolean;

/** The loss draw of one frame reception (Q16: lost when below the loss rate): a hash of (link seed, sender, send
 *  tick, message type, fragment index, receiver). A sender sends at most one message of a type to a receiver per
 *  tick, so the key is unique; it needs nothing a real transport does not know, so a test can lose exactly the
 *  same messages on a loopback bus (test/conformance). */
export function frameLossDraw(lossSeed: number, from: number, tick: number, type: number, index: number, receiver: number): number {
  return mix32(mix32(mix32(mix32(lossSeed ^ from) ^ tick) ^ (type | (index << 8))) ^ receiver) >>> 16;
}

/** Per-node radio activity, indexed by entity id: the frames and bytes each node put on air, and those it heard (every
 *  frame a radio neighbour sent, addressed to it or overheard, lost to noise or not, late or not: a listening receiver
 *  demodulates them all). For the energy model (src/core/energy/); reported, never hashed. */
export interface NodeRadioCounters {
  txFrames: Float64Array;
  txBytes: Float64Array;
  rxFrames: Float64Array;
  rxBytes: Float64Array;
}

/** A completed message at a receiver: who transmitted it (the radio it came from; the sender it claims is in the
 *  message), its bytes, and the fragment header's message id. */
export type MessageSink = (receiverEid: number, senderEid: number, message: Uint8Array, messageId: number) => void;

export interface LinkModel {
  readonly counters: LinkCounters;
  /** Per-node radio activity so far (fresh arrays, O(radio links): for reports, not for the tick). */
  nodeCounters(): NodeRadioCounters;
  /** Queues a message from `fromEid` (to an eid or BROADCAST). Returns false if any frame was dropped. */
  send(txFreeAtUs: Float64Array, fromEid: number, to: number, messageId: number, message: Uint8Array, tick: number): boolean;
  /** Delivers every frame due by the end of `tick`, calling `sink` for each completed message; a receiver whose
   *  radio sleeps at `tick` (`listens` false) does not hear the frame. */
  deliver(tick: number, sink: MessageSink, listens?: Listener): void;
  inFlight(): number;
  /** Bytes of the pool's fixed arrays (for the memory figure). */
  readonly stateBytes: number;
  /** The seed of frameLossDraw for this link. */
  readonly lossSeed: number;
  /**
   * The link's state as canonical bytes (for the state hash): the queued and in-flight frames in delivery order
   * (sender, addressee, due tick, send tick, type and fragment index, the frame's bytes), the reassembly buffers
   * in age order (stream key, message id, fragment count, the fragments received), the completed ids remembered
   * against duplicates, and the TTL sweep of partial messages. Pool slots and capacity are not state (any free
   * slot serves); the counters are reported, not hashed.
   */
  canonicalState(): Uint8Array;
}

/** The Reassembler (src/core/net/fragment.ts) keeps its buffers private; the state hash reads them through this
 *  view and fails loudly if they ever change shape. */
interface ReassemblerBuffers {
  partials: Map<string, { key: number; messageId: number; count: number; received: number; parts: (Uint8Array | undefined)[] }>;
  completedIds: Map<string, true>;
}

export function createLinkModel(config: SimConfig, hood: Neighbourhoods, rng: Rng): LinkModel {
  // Loss is a counter-based draw: a hash of (stream seed, sender, send tick, message id, fragment, receiver).
  // Unlike a sequential stream, one node's extra traffic never shifts the luck of everyone else's frames, so
  // two runs that differ only in what attackers send see the same losses on honest traffic.
  const lossSeed = rng.nextU32();

  const n = hood.offsets.length - 1;
  const tickUs = config.tickMs * 1000;
  const ttlTicks = Math.max(1, Math.ceil(TTL_MS / config.tickMs));
  const lossQ16 = Math.round(config.loss * 65536);
  // In-flight frames at any moment are a small share of the nodes (a consensus round is spread over half a
  // round), so the pool starts small and doubles when a burst fills it: a full pool never drops a frame (that
  // would let one node's traffic change another's fate), and growth is as deterministic as the traffic.
  let capacity = Math.max(64, Math.ceil(n / 16));
  let sender = new Int32Array(capacity);
  let target = new Uint32Array(capacity);
  let dueTick = new Int32Array(capacity);
  let sentTick = new Int32Array(capacity);
  /** Message type | fragment index << 8, for the loss draw. */
  let kind = new Int32Array(capacity);
  const frames: (Uint8Array | null)[] = new Array(capacity).fill(null);
  let free = new Int32Array(capacity);
  for (let i = 0; i < capacity; i++) free[i] = capacity - 1 - i;
  let freeTop = capacity;
  let active = new Int32Array(capacity);
  let activeCount = 0;
  let spare = new Int32Array(capacity);
  const grow = (): void => {
    const old = capacity;
    capacity *= 2;
    const widen = <T extends Int32Array | Uint32Array>(a: T, make: (k: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    sender = widen(sender, (k) => new Int32Array(k));
    target = widen(target, (k) => new Uint32Array(k));
    dueTick = widen(dueTick, (k) => new Int32Array(k));
    sentTick = widen(sentTick, (k) => new Int32Array(k));
    kind = widen(kind, (k) => new Int32Array(k));
    active = widen(active, (k) => new Int32Array(k));
    spare = new Int32Array(capacity);
    free = new Int32Array(capacity);
    freeTop = 0;
    for (let i = capacity - 1; i >= old; i--) free[freeTop++] = i;
    for (let i = old; i < capacity; i++) frames.push(null);
  };
  // With an authentication trailer on every message (src/core/net/radioAuth.ts) the frames carry no CRC-32: the
  // message's tag rejects a damaged frame's message (src/core/net/fragment.ts).
  const checksum = config.radioAuth === 'none';
  const headerBytes = frameHeaderBytes(checksum);
  const reassembler = new Reassembler({ maxPartial: Math.max(256, n), checksum });
  let partialSweep = new Set<string>();
  let nextSweepTick = ttlTicks;
  const counters: LinkCounters = {
    framesSent: 0,
    bytesSent: 0,
    delivered: 0,
    lost: 0,
    dropped: 0,
    expired: 0,
    corrupt: 0,
    framesHeard: 0,
    bytesHeard: 0,
    asleep: 0,
  };
  // Per node: frames and bytes put on air (at send), and those that finished their airtime (at delivery, whatever
  // became of them). Every radio neighbour of a sender hears each finished frame, so receptions are derived from
  // these on demand: one increment a frame in the delivery loop, not one a receiver.
  const txFrames = new Float64Array(n + 1);
  const txBytes = new Float64Array(n + 1);
  const doneFrames = new Float64Array(n + 1);
  const doneBytes = new Float64Array(n + 1);
  // Per node: frames (and bytes) of its neighbours that finished their airtime while its radio slept.
  const sleptFrames = new Float64Array(n + 1);
  const sleptBytes = new Float64Array(n + 1);

  const airtimeUs = (bytes: number): number => Math.ceil((bytes * 8 * 1e6) / config.bitrateBps);
  const maxQueueUs = TX_QUEUE_FRAMES * airtimeUs(config.mtu);
  // Duty cycle: after a transmission of airtime a the radio stays silent for a·(1 − d)/d.
  const offTimeUs = (air: number): number => (config.dutyCycle >= 1 ? 0 : Math.ceil((air * (1 - config.dutyCycle)) / config.dutyCycle));

  return {
    counters,
    lossSeed,
    nodeCounters() {
      const rxFrames = new Float64Array(n + 1);
      const rxBytes = new Float64Array(n + 1);
      for (let i = 0; i < n; i++) {
        const f = doneFrames[i + 1]!;
        const b = doneBytes[i + 1]!;
        if (f === 0) continue;
        for (let k = hood.offsets[i]!; k < hood.offsets[i + 1]!; k++) {
          rxFrames[hood.neighbours[k]! + 1]! += f;
          rxBytes[hood.neighbours[k]! + 1]! += b;
        }
      }
      for (let eid = 1; eid <= n; eid++) {
        rxFrames[eid]! -= sleptFrames[eid]!;
        rxBytes[eid]! -= sleptBytes[eid]!;
      }
      return { txFrames: txFrames.slice(), txBytes: txBytes.slice(), rxFrames, rxBytes };
    },
    get stateBytes() {
      return capacity * (4 + 4 + 4 + 4 + 4 + 4 + 4 + 4);
    },
    send(txFreeAtUs, fromEid, to, messageId, message, tick) {
      const nowUs = tick * tickUs;
      let ok = true;
      let index = 0;
      for (const frame of fragment(messageId, message, config.mtu, checksum)) {
        const frameKind = message[0]! | (index++ << 8);
        const start = Math.max(nowUs, txFreeAtUs[fromEid]!);
        if (start - nowUs > maxQueueUs) {
          counters.dropped++;
          ok = false;
          continue;
        }
        const air = airtimeUs(frame.length);
        const end = start + air;
        txFreeAtUs[fromEid] = end + offTimeUs(air);
        if (freeTop === 0) grow();
        const slot = free[--freeTop]!;
        sender[slot] = fromEid;
        target[slot] = to >>> 0;
        dueTick[slot] = Math.ceil(end / tickUs);
        sentTick[slot] = tick;
        kind[slot] = frameKind;
        frames[slot] = frame;
        active[activeCount++] = slot;
        counters.framesSent++;
        counters.bytesSent += frame.length;
        txFrames[fromEid]!++;
        txBytes[fromEid]! += frame.length;
      }
      return ok;
    },
    deliver(tick, sink, listens) {
      let kept = 0;
      for (let a = 0; a < activeCount; a++) {
        const slot = active[a]!;
        if (dueTick[slot]! > tick) {
          spare[kept++] = slot;
          continue;
        }
        const frame = frames[slot]!;
        frames[slot] = null;
        free[freeTop++] = slot;
        const from = sender[slot]!;
        // The frame has had its airtime: every radio neighbour heard it, whatever happens to it below.
        const degree = hood.offsets[from]! - hood.offsets[from - 1]!;
        doneFrames[from]!++;
        doneBytes[from]! += frame.length;
        counters.framesHeard += degree;
        counters.bytesHeard += degree * frame.length;
        if (dueTick[slot]! - sentTick[slot]! > ttlTicks) {
          counters.expired++;
          continue;
        }
        const to = target[slot]!;
        // Every receiver hears the same bytes (loss is per receiver, corruption is not modelled per receiver),
        // so the frame is checked once; a single-frame message is handed to all receivers as one view.
        let whole: Uint8Array | null = null;
        let messageId: number;
        try {
          const header = parseFrame(frame, checksum);
          messageId = header.messageId;
          if (header.count === 1) whole = frame.subarray(headerBytes);
        } catch (err) {
          if (!(err instanceof FragmentDecodeError)) throw err;
          counters.corrupt++;
          continue;
        }
        const i = from - 1;
        for (let s = hood.offsets[i]!; s < hood.offsets[i + 1]!; s++) {
          const receiver = hood.neighbours[s]! + 1;
          if (listens !== undefined && !listens(receiver, tick)) {
            // Its radio sleeps (its listen schedule): it neither hears nor pays for the frame.
            sleptFrames[receiver]!++;
            sleptBytes[receiver]! += frame.length;
            counters.framesHeard--;
            counters.bytesHeard -= frame.length;
            if (to === BROADCAST || to === receiver) counters.asleep++;
            continue;
          }
          if (to !== BROADCAST && to !== receiver) continue; // overheard, not addressed: ignored at no cost
          if (frameLossDraw(lossSeed, from, sentTick[slot]!, kind[slot]! & 0xff, kind[slot]! >>> 8, receiver) < lossQ16) {
            counters.lost++;
            continue;
          }
          counters.delivered++;
          const message = whole ?? reassembler.push(receiver * (n + 1) + from, frame);
          if (message) sink(receiver, from, message, messageId);
        }
      }
      [active, spare] = [spare, active];
      activeCount = kept;
      if (tick >= nextSweepTick) {
        // Partial messages seen at the previous sweep and still incomplete are at least one TTL old: drop them.
        const seen = partialSweep;
        counters.expired += reassembler.expire((key, id) => seen.has(`${key}:${id}`));
        partialSweep = new Set();
        reassembler.expire((key, id) => {
          partialSweep.add(`${key}:${id}`);
          return false;
        });
        nextSweepTick = tick + ttlTicks;
      }
    },
    inFlight() {
      return activeCount;
    },
    canonicalState() {
      const w = new CanonicalWriter();
      w.u32(activeCount);
      for (let a = 0; a < activeCount; a++) {
        const slot = active[a]!;
        w.u32(sender[slot]!).u32(target[slot]!).u32(dueTick[slot]!).u32(sentTick[slot]!).u32(kind[slot]!).bytes(frames[slot]!);
      }
      const buffers = reassembler as unknown as Partial<ReassemblerBuffers>;
      if (!(buffers.partials instanceof Map) || !(buffers.completedIds instanceof Map)) {
        throw new Error('linkModel.canonicalState: the Reassembler no longer keeps `partials` and `completedIds` maps');
      }
      w.u32(buffers.partials.size);
      for (const p of buffers.partials.values()) {
        w.f64(p.key).u32(p.messageId).u32(p.count).u32(p.received);
        for (let i = 0; i < p.count; i++) {
          const part = p.parts[i];
          if (part) w.u8(1).bytes(part);
          else w.u8(0);
        }
      }
      w.u32(buffers.completedIds.size);
      for (const id of buffers.completedIds.keys()) w.string(id);
      w.u32(partialSweep.size);
      for (const id of partialSweep) w.string(id);
      w.u32(nextSweepTick);
      return w.finish();
    },
  };
}
