// The world's radio channel: what a system may do with the radio. Sending puts a message on a node's radio (its
// next message id, the activity flash the view shows, and the link model, which fragments it to the MTU and
// queues the frames); slotOf names a sender's place in a receiver's neighbour list (its reputation slot).
// Systems reach it as `world.radio`; they do not import the link model or the placement code.
import { encodeMessage } from '../core/net/message';
import type { Components } from './world';
import type { LinkModel } from './linkModel';
import { slotOf, type Neighbourhoods } from './placement';

export interface RadioChannel {
  /** Sends a message (type, body) from node `from` to node `to` (or BROADCAST) at the world's current tick.
   *  Writes the sender's Radio columns (messageId, activity, txFreeAtUs) and the link. Returns the message's
   *  bytes before fragmentation. */
  send(from: number, to: number, type: number, body?: Uint8Array): number;
  /** The CSR slot of node `from` among node `eid`'s radio neighbours (its reputation slot), or −1. */
  slotOf(eid: number, from: number): number;
}

export function createRadioChannel(world: { components: Components; link: LinkModel; hood: Neighbourhoods; tick: number }): RadioChannel {
  const { Radio } = world.components;
  const { link, hood } = world;
  return {
    send(from, to, type, body) {
      const id = Radio.messageId[from]!;
      Radio.messageId[from] = (id + 1) & 0xffff;
      Radio.activity[from] = 255;
      const message = encodeMessage(type, from, to, body);
      link.send(Radio.txFreeAtUs, from, to, id, message, world.tick);
      return message.length;
    },
    slotOf(eid, from) {
      return slotOf(hood, eid - 1, from - 1);
    },
  };
}
