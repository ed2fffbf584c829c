// The Transport: how a real node's bytes reach its peers (docs/ARCHITECTURE.md "Layers", issue 8). Topics name a channel
// (see topics.ts); payloads are always the binary wire formats (see wire.ts), never JSON. Two
// implementations: an in-memory loopback bus for unit tests (loopbackTransport.ts) and MQTT
// (mqttTransport.ts). Delivery is best effort, like the radio it stands for: a publish may be lost.

export type MessageHandler = (topic: string, bytes: Uint8Array) => void;

export interface PublishOptions {
  /** Keep this message on the topic for later subscribers (MQTT "retained"); used for the summary gene and
   *  node status so that a node or a viewer joining mid-flight gets them at once. */
  retain?: boolean;
}

export interface Transport {
  publish(topic: string, bytes: Uint8Array, options?: PublishOptions): Promise<void> | void;
  /** `topic` may use MQTT wildcards: `+` (one level) and `#` (the rest, last level only). */
  subscribe(topic: string, handler: MessageHandler): Promise<void> | void;
  close(): Promise<void>;
}

/** A transport was used after close(). */
export class TransportClosedError extends Error {
  override readonly name = 'TransportClosedError';
}

/** MQTT topic-filter matching (`+` one level, `#` any remaining levels, including none). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const part = f[i]!;
    if (part === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (part !== '+' && part !== t[i]) return false;
  }
  return f.length === t.length;
}
