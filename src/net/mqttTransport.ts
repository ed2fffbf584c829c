// The real Transport: MQTT through mqtt.js, over TCP (mqtt://) in Node or WebSocket (ws://) anywhere.
// - QoS 0 for everything: gossip may be lost, as on the radio; nothing is queued while offline (stale
//   gossip after a reconnect would be worse than none).
// - Retained messages for the summary gene and node status; a last will ("offline") on node death.
// - MQTT 5 first. The embedded broker (aedes 1.2) speaks only MQTT 3.1.1 and refuses v5 with CONNACK code 1
//   ("unacceptable protocol version"); on that answer the transport reconnects once with 3.1.1 and stays
//   there. Mosquitto and EMQX accept v5.
// - Automatic reconnects (the broker may restart); subscriptions are re-made on every connect.
// - Credentials (username/password) for a broker that checks them (issue 13: username = node id, password =
//   mqttPassword() from the node's key). The will may be a function, called before every (re)connect, so that
//   an authenticated transport can seal a fresh will each time (authTransport.ts).
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { TransportClosedError, topicMatches, type MessageHandler, type PublishOptions, type Transport } from './transport';

export interface WillMessage {
  topic: string;
  bytes: Uint8Array;
  retain?: boolean;
}

export interface MqttTransportOptions {
  /** mqtt://host:port or ws://host:port. */
  url: string;
  clientId?: string;
  /** Published by the broker if this client dies without a clean disconnect. A function is called before every
   *  connect and reconnect (and may return null for no will). */
  will?: WillMessage | (() => WillMessage | null);
  username?: string;
  /** Never logged. */
  password?: string;
  /** 5 (default: falls back to 4 when the broker refuses v5) or 4 (MQTT 3.1.1 only). */
  protocolVersion?: 4 | 5;
  reconnectPeriodMs?: number;
  keepaliveS?: number;
  /** close() waits at most this long for a clean DISCONNECT before cutting the socket (default 2000). */
  closeTimeoutMs?: number;
  /** Called after every successful (re)connect, e.g. to publish an "online" status again. */
  onConnect?: (protocolVersion: 4 | 5) => void;
  onDisconnect?: () => void;
  onError?: (error: Error) => void;
}

export interface MqttTransport extends Transport {
  readonly connected: boolean;
  /** The protocol version in use (5, or 4 after the fallback). */
  readonly protocolVersion: 4 | 5;
  /** Successful connects so far (> 1 after a reconnect). */
  readonly connects: number;
  /** Resolves on the next (or current) connection; rejects after timeoutMs. */
  whenConnected(timeoutMs: number): Promise<void>;
  /** Cuts the connection without a DISCONNECT, as a crash would (the broker then publishes the will), and
   *  stops reconnecting. For fault drills and tests. */
  drop(): void;
}

/** The broker refused our credentials or authorisation (3.1.1 return codes 4 and 5; MQTT 5 reason codes 134
 *  "bad user name or password" and 135 "not authorized"). Retrying will not help: a node should stop. */
export function isAuthRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 4 || code === 5 || code === 134 || code === 135;
}

/** The broker refused the protocol version (3.1.1 return code 1, or MQTT 5 reason code 132). */
function isVersionRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 1 || code === 132;
}

function toPayload(bytes: Uint8Array): Buffer {
  // mqtt.js wants a Buffer; in the browser build its own Buffer polyfill accepts a Uint8Array.
  return typeof Buffer !== 'undefined' ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : (bytes as Buffer);
}

export function createMqttTransport(options: MqttTransportOptions): MqttTransport {
  const subscriptions: { filter: string; handler: MessageHandler }[] = [];
  let version: 4 | 5 = options.protocolVersion ?? 5;
  let client: MqttClient;
  let closed = false;
  let connects = 0;
  let waiters: (() => void)[] = [];

  const onMessage = (topic: string, payload: Buffer): void => {
    const bytes = new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
    for (const s of subscriptions) if (topicMatches(s.filter, topic)) s.handler(topic, bytes);
  };

  const willPacket = (): IClientOptions['will'] => {
    const will = typeof options.will === 'function' ? options.will() : options.will;
    return will ? { topic: will.topic, payload: toPayload(will.bytes), qos: 0, retain: will.retain === true } : undefined;
  };

  function open(): MqttClient {
    const opts: IClientOptions = {
      protocolVersion: version,
      clientId: options.clientId,
      clean: true,
      keepalive: options.keepaliveS ?? 10,
      reconnectPeriod: options.reconnectPeriodMs ?? 500,
      connectTimeout: 5000,
      queueQoSZero: false,
      resubscribe: false, // we re-subscribe ourselves on every connect
      will: willPacket(),
      username: options.username,
      password: options.password,
    };
    const c = mqtt.connect(options.url, opts);
    // mqtt.js builds each CONNECT from c.options, after emitting 'reconnect': a fresh will for every attempt.
    if (typeof options.will === 'function') c.on('reconnect', () => void (c.options.will = willPacket()));
    c.on('connect', () => {
      connects++;
      for (const s of subscriptions) c.subscribe(s.filter, { qos: 0 });
      options.onConnect?.(version);
      const ready = waiters;
      waiters = [];
      for (const w of ready) w();
    });
    c.on('message', onMessage);
    c.on('offline', () => options.onDisconnect?.());
    c.on('error', (error) => {
      if (c === client && version === 5 && options.protocolVersion === undefined && isVersionRefusal(error)) {
        version = 4;
        c.end(true);
        client = open();
        return;
      }
      options.onError?.(error);
    });
    return c;
  }
  client = open();

  return {
    get connected() {
      return client.connected;
    },
    get protocolVersion() {
      return version;
    },
    get connects() {
      return connects;
    },
    publish(topic: string, bytes: Uint8Array, publishOptions: PublishOptions = {}): void {
      if (closed) throw new TransportClosedError('publish on a closed MQTT transport');
      if (!client.connected) return; // QoS 0 while offline: lost, like a frame with no one listening
      client.publish(topic, toPayload(bytes), { qos: 0, retain: publishOptions.retain === true });
    },
    async subscribe(filter: string, handler: MessageHandler): Promise<void> {
      if (closed) throw new TransportClosedError('subscribe on a closed MQTT transport');
      subscriptions.push({ filter, handler });
      if (client.connected) await client.subscribeAsync(filter, { qos: 0 });
    },
    whenConnected(timeoutMs: number): Promise<void> {
      if (client.connected) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== done);
          reject(new Error(`no MQTT connection to ${options.url} within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push(done);
      });
    },
    drop(): void {
      closed = true;
      client.options.reconnectPeriod = 0;
      client.stream?.destroy();
      client.end(true);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (!client.connected) {
        client.end(true); // nobody to say goodbye to; stop reconnecting
        return;
      }
      // A clean DISCONNECT: the broker discards the will. Bounded, in case the broker vanishes meanwhile.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.closeTimeoutMs ?? 2000)));
      await Promise.race([client.endAsync(false), timeout]);
      clearTimeout(timer);
      if (!client.disconnected) client.end(true);
    },
  };
}
