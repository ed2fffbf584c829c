// An in-memory stand-in for an MQTT broker and its clients, for unit tests: topic filters with + and #,
// retained messages (an empty retained payload clears the topic, as in MQTT), last wills published when a
// client dies without closing, and optional seeded per-delivery loss (QoS 0 gossip may be lost). Delivery
// is asynchronous (a microtask), like a network: a publish never runs subscribers inside the caller.
import { createRng, type Rng } from '../core/rng/rng';
import { TransportClosedError, topicMatches, type MessageHandler, type PublishOptions, type Transport } from './transport';

interface Subscription {
  owner: LoopbackTransport;
  filter: string;
  handler: MessageHandler;
}

export interface LoopbackOptions {
  /** Probability (Q16, 0..65536) that one delivery is lost; retained and will messages are never lost. */
  lossQ16?: number;
  /** Seed of the loss stream. */
  seed?: number;
  /** The receiving node's id, for the bus's `drop` rule. */
  id?: number;
  /** Published (retained if asked) when this client is killed rather than closed. */
  will?: { topic: string; bytes: Uint8Array; retain?: boolean };
}

export interface LoopbackBusOptions {
  /** A loss rule shared with another model of the link (e.g. the simulator's): true drops this delivery of a
   *  non-retained message to the client with this id. */
  drop?: (topic: string, bytes: Uint8Array, receiverId: number | undefined) => boolean;
}

export class LoopbackBus {
  private readonly subscriptions: Subscription[] = [];
  constructor(private readonly busOptions: LoopbackBusOptions = {}) {}
  private readonly retained = new Map<string, Uint8Array>();
  /** Messages published and deliveries made, for tests. */
  published = 0;
  delivered = 0;

  connect(options: LoopbackOptions = {}): LoopbackTransport {
    return new LoopbackTransport(this, options);
  }

  /** @internal */
  route(topic: string, bytes: Uint8Array, retain: boolean, loss: Rng | null, lossQ16: number): void {
    this.published++;
    const copy = bytes.slice(); // the sender may reuse its buffer
    if (retain) {
      if (copy.length === 0) this.retained.delete(topic);
      else this.retained.set(topic, copy);
    }
    for (const s of [...this.subscriptions]) {
      if (!topicMatches(s.filter, topic)) continue;
      if (loss !== null && !retain && loss.chance(lossQ16)) continue;
      if (!retain && this.busOptions.drop?.(topic, copy, s.owner.id)) continue;
      this.deliver(s, topic, copy);
    }
  }

  /** @internal */
  add(s: Subscription): void {
    this.subscriptions.push(s);
    for (const [topic, bytes] of this.retained) if (topicMatches(s.filter, topic)) this.deliver(s, topic, bytes);
  }

  /** @internal */
  removeOwner(owner: LoopbackTransport): void {
    for (let i = this.subscriptions.length - 1; i >= 0; i--) if (this.subscriptions[i]!.owner === owner) this.subscriptions.splice(i, 1);
  }

  private deliver(s: Subscription, topic: string, bytes: Uint8Array): void {
    queueMicrotask(() => {
      if (s.owner.closed) return;
      this.delivered++;
      s.handler(topic, bytes.slice());
    });
  }
}

export class LoopbackTransport implements Transport {
  closed = false;
  get id(): number | undefined {
    return this.options.id;
  }
  private readonly loss: Rng | null;
  private readonly lossQ16: number;

  constructor(
    private readonly bus: LoopbackBus,
    private readonly options: LoopbackOptions,
  ) {
    this.lossQ16 = options.lossQ16 ?? 0;
    this.loss = this.lossQ16 > 0 ? createRng(options.seed ?? 1).stream('loopback-loss') : null;
  }

  publish(topic: string, bytes: Uint8Array, options: PublishOptions = {}): void {
    if (this.closed) throw new TransportClosedError('publish on a closed loopback transport');
    this.bus.route(topic, bytes, options.retain === true, this.loss, this.lossQ16);
  }

  subscribe(topic: string, handler: MessageHandler): void {
    if (this.closed) throw new TransportClosedError('subscribe on a closed loopback transport');
    this.bus.add({ owner: this, filter: topic, handler });
  }

  /** A clean disconnect: no will. */
  async close(): Promise<void> {
    this.closed = true;
    this.bus.removeOwner(this);
  }

  /** The client dies (SIGKILL, power loss): its will is published, as a broker would. */
  kill(): void {
    if (this.closed) return;
    this.closed = true;
    this.bus.removeOwner(this);
    const will = this.options.will;
    if (will) this.bus.route(will.topic, will.bytes, will.retain === true, null, 0);
  }
}
