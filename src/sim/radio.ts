// The world's radio channel: what a system may do with the radio. Sending puts a message on a node's radio (its
// next message id, the activity flash the view shows, the authentication trailer of src/core/net/radioAuth.ts,
// and the link model, which fragments it to the MTU and queues the frames); open checks a received message's
// trailer and freshness before any system acts on it; slotOf names a sender's place in a receiver's neighbour
// list (its reputation slot). Systems reach it as `world.radio`; they do not import the link model or the
// placement code.
import { BROADCAST, decodeMessageHeader, encodeMessage, MessageDecodeError } from '../core/net/message';
import { freshId, openRadio, radioKeys, sealRadio, tagModeFor, type RadioAuthFailure, type RadioAuthMode, type RadioKeys } from '../core/net/radioAuth';
import { mix32 } from '../core/rng/rng';
import { roundOf } from '../core/rules/silence';
import type { SimConfig } from './config';
import type { Components } from './world';
import type { LinkModel } from './linkModel';
import { slotOf, type Neighbourhoods } from './placement';

/** Why a received message was dropped before any system saw it: its trailer (radioAuth.ts), a sender that is not
 *  a radio neighbour of the receiver, or a message id it has accepted before. */
export type RadioDrop = RadioAuthFailure | 'stranger' | 'replayed';

/** A message that passed open(): its authenticated sender and the message without its trailer. */
export interface Opened {
  from: number;
  message: Uint8Array;
}

export interface RadioChannel {
  /** Sends a message (type, body) from node `from` to node `to` (or BROADCAST) at the world's current tick.
   *  Writes the sender's Radio columns (messageId, activity, txFreeAtUs) and the link. Returns the message's
   *  bytes before fragmentation (its trailer included). */
  send(from: number, to: number, type: number, body?: Uint8Array): number;
  /** Checks a message `receiver` received with fragment id `messageId`: its header, its trailer, that the
   *  sender it names is a radio neighbour, and that the id is newer than the last accepted from it (then records
   *  it). Returns the sender and the message, or why it is dropped. Throws MessageDecodeError for a header that
   *  cannot be read. */
  open(receiver: number, messageId: number, sealed: Uint8Array): Opened | RadioDrop;
  /** The CSR slot of node `from` among node `eid`'s radio neighbours (its reputation slot), or −1. */
  slotOf(eid: number, from: number): number;
  /** The trailer mode and the key table (for tests that play a stranger or an insider: radioAuth.ts insiderKeys). */
  readonly auth: { mode: RadioAuthMode; keys: RadioKeys };
}

export interface RadioWorld {
  components: Components;
  link: LinkModel;
  hood: Neighbourhoods;
  config: SimConfig;
  roundTicks: number;
  tick: number;
}

export function createRadioChannel(world: RadioWorld): RadioChannel {
  const { Radio, Auth } = world.components;
  const { link, hood, roundTicks } = world;
  const mode = world.config.radioAuth as RadioAuthMode;
  const keys = radioKeys(mix32(world.config.seed ^ 0x4b1d_7e55));
  const one = new Int32Array(1);
  // The last message opened (a broadcast's single frame reaches every neighbour as one view): its trailer's length
  // is the same for every receiver, so the message view is made once.
  let lastSealed: Uint8Array | null = null;
  let lastMessage: Uint8Array | null = null;
  return {
    auth: { mode, keys },
    send(from, to, type, body) {
      const id = Radio.messageId[from]!;
      Radio.messageId[from] = (id + 1) & 0xffff;
      Radio.activity[from] = 255;
      const message = encodeMessage(type, from, to, body);
      const broadcast = to === BROADCAST;
      let receivers: ArrayLike<number> = one;
      if (broadcast) {
        const i = from - 1;
        const eids = new Int32Array(hood.offsets[i + 1]! - hood.offsets[i]!);
        for (let s = 0; s < eids.length; s++) eids[s] = hood.neighbours[hood.offsets[i]! + s]! + 1;
        receivers = eids;
      } else one[0] = to;
      const sealed = sealRadio(tagModeFor(mode, type), keys, from, broadcast, receivers, roundOf(world.tick, roundTicks), id, message);
      link.send(Radio.txFreeAtUs, from, to, id, sealed, world.tick);
      return sealed.length;
    },
    open(receiver, messageId, sealed) {
      const header = decodeMessageHeader(sealed);
      const from = header.from;
      if (header.to !== BROADCAST && header.to !== receiver) throw new MessageDecodeError('address mismatch');
      // Cheapest first: a sender that is not a radio neighbour costs a look-up and nothing else.
      const slot = from >= 1 && from < Radio.messageId.length ? slotOf(hood, receiver - 1, from - 1) : -1;
      if (slot < 0) return 'stranger';
      const length = openRadio(
        tagModeFor(mode, header.type),
        keys,
        receiver,
        from,
        header.to === BROADCAST,
        roundOf(world.tick, roundTicks),
        messageId,
        sealed,
      );
      if (typeof length !== 'number') return length;
      if (mode !== 'none') {
        if (!freshId(Auth.lastId[slot]!, messageId)) return 'replayed';
        Auth.lastId[slot] = messageId;
      }
      if (sealed !== lastSealed) {
        lastSealed = sealed;
        lastMessage = length === sealed.length ? sealed : sealed.subarray(0, length);
      }
      return { from, message: lastMessage! };
    },
    slotOf(eid, from) {
      return slotOf(hood, eid - 1, from - 1);
    },
  };
}
