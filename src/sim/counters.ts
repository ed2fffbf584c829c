// Running counts the metrics system and the runner report. They decide nothing (floats are fine here),
// but they are deterministic, so the same seed reports the same numbers.
import type { WarningTracker } from '../../systems/earlyWarning';

export function createSimMetrics() {
  return {
    healsGossip: 0,
    healsSelf: 0,
    /** Self heals of a storm in which the node recalled a gene from its memory (src/core/rules/mind.ts recallGene). */
    healsFromMemory: 0,
    /** Sim seconds from storm onset to heal, one entry per heal. */
    healLatencyS: [] as number[],
    healLatencyGossipS: [] as number[],
    healLatencySelfS: [] as number[],
    /** Of the self heals, those from memory (healsFromMemory). */
    healLatencyFromMemoryS: [] as number[],
    stormPeak: 0,
    storm: 0,
    preStorm: 0,
    evolved: 0,
    meanEntropy: 0,
    /** Squared prediction errors (in signal units²) and counts, by regime. */
    sqErrCalm: 0,
    nCalm: 0,
    sqErrStorm: 0,
    nStorm: 0,
    requestsSent: 0,
    repliesSent: 0,
    /** Prefetch: requests made at the onset of a storm seen coming (before REQUEST_AFTER_S). */
    prefetchRequests: 0,
    /** Near misses held in Storm and installed when they passed later (src/core/rules/cure.ts holdNearMiss). */
    nearMissInstalled: 0,
    genesInstalled: 0,
    genesRejected: 0,
    mutationsKept: 0,
    mutationsTried: 0,
    corruptMessages: 0,
    /** Messages dropped before any rule saw them (src/sim/radio.ts open): a trailer that does not parse, a tag that
     *  fails (a forgery, or a message from an older round), a sender that is not a radio neighbour, an id accepted
     *  before. */
    radioDrops: { malformed: 0, forged: 0, stranger: 0, replayed: 0 },
    /** bytesSent at the start of each of the last ticks of one second, for bytes/s. */
    bytesHistory: [] as number[],
    stored: 0,
    /** Consensus rounds completed, bans after the last one, and the round of the last new attacker ban. */
    rounds: 0,
    bans: { attackers: 0, honest: 0, unheard: 0 },
    lastAttackerBanRound: 0,
    /** Mid-flight joins: synced joiners, their sync times, bytes of join traffic, and what replaying would cost. */
    joinsSynced: 0,
    joinSyncS: [] as number[],
    joinBytes: 0,
    joinReplayBytes: 0,
    /** --secure (src/sim/secure.ts): transition proofs verified, bodies rejected, moves refused (published as
     *  anchors), anchors accepted, secure bodies sent with their bytes and frames, and measured verify times (ms;
     *  reported, never decide). */
    proofsVerified: 0,
    proofsRejected: 0,
    proofsRefused: 0,
    proofAnchors: 0,
    proofBodies: 0,
    proofBodyBytes: 0,
    proofFrames: 0,
    proofVerifyMs: [] as number[],
    /** Silent mode: ticks each node's radio listened (its listen schedule; silence.ts), by entity id; created on
     *  the first tick. Chatty runs listen every tick and leave it null. */
    listenTicks: null as Float64Array | null,
    /** The early-warning tracker (systems/earlyWarning.ts): 9 bytes per node, created on its first tick. */
    earlyWarning: null as WarningTracker | null,
  };
}
export type SimCounters = ReturnType<typeof createSimMetrics>;
