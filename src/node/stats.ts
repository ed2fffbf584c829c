// Counters of one real node, reported by GET /status and summed by `qres swarm`. Floats are fine here:
// they decide nothing.

/** Bytes of an MQTT QoS-0 PUBLISH packet: fixed header, remaining length, topic, (v5: properties), payload. */
export function mqttPublishBytes(topic: string, payloadBytes: number, protocolVersion: 4 | 5): number {
  const topicBytes = new TextEncoder().encode(topic).length;
  const remaining = 2 + topicBytes + (protocolVersion === 5 ? 1 : 0) + payloadBytes;
  let lengthBytes = 1;
  for (let r = remaining; r >= 128; r = Math.floor(r / 128)) lengthBytes++;
  return 1 + lengthBytes + remaining;
}

export function createNodeStats() {
  return {
    msgsSent: 0,
    /** MQTT PUBLISH packet bytes this node sent (what the broker link carries, without TCP/IP). */
    bytesSent: 0,
    /** Wire-format payload bytes only. */
    payloadBytesSent: 0,
    msgsReceived: 0,
    bytesReceived: 0,
    /** --radio (src/node/energy.ts): the frames and frame bytes this node's messages would take on that radio
     *  (each message fragmented at the radio's largest payload, 8-byte fragment header per frame), sent and heard
     *  from its neighbours (rate-limited ones included: the radio received them). 0 without --radio. */
    airFramesSent: 0,
    airBytesSent: 0,
    /** Of airBytesSent, the authentication trailers (src/core/net/radioAuth.ts). */
    airAuthBytesSent: 0,
    airFramesReceived: 0,
    airBytesReceived: 0,
    /** Messages refused as malformed: unknown topic, undecodable, or header/topic mismatch. */
    rejected: 0,
    /** Messages dropped by the per-peer rate limit or a full inbox. */
    dropped: 0,
    /** Messages from ids that are not this node's neighbours (peers), ignored. */
    strangers: 0,
    /** Messages from banned peers, ignored. */
    ignoredBanned: 0,
    /** Internal errors caught while handling a message (should stay 0). */
    handlerErrors: 0,
    requestsSent: 0,
    /** Of requestsSent, those made at the onset of a storm seen coming (prefetch), before REQUEST_AFTER_S. */
    prefetchRequests: 0,
    /** Near misses held in Storm and installed when they passed later (cure.ts holdNearMiss). */
    nearMissInstalled: 0,
    repliesSent: 0,
    curesInstalled: 0,
    curesNotBetter: 0,
    curesHarmful: 0,
    consensusSent: 0,
    summariesSent: 0,
    summariesReceived: 0,
    genesSaved: 0,
    /** --secure: bodies this node proved (once per gene version) and the ms it took; moves refused (anchors). */
    bodiesProved: 0,
    proveMs: 0,
    proofsRefused: 0,
    /** Secure replies not sent: SECURE_OUTBOX went out in that tick already. */
    secureRepliesDropped: 0,
    /** --secure, received: bodies checked and the ms it took (opening + proofs), proofs accepted, bodies rejected
     *  (a failed proof, a fork, a stale version), anchors accepted. */
    bodiesVerified: 0,
    verifyMs: 0,
    proofsVerified: 0,
    proofsRejected: 0,
    proofAnchors: 0,
  };
}
export type NodeStats = ReturnType<typeof createNodeStats>;
