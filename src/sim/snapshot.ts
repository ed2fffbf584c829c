// The one record the view gets per frame (docs/ARCHITECTURE.md, "The snapshot"). Flat typed arrays so it can be transferred
// (ping-pong) or shared; the view never calls into the sim for per-node data.

/** Bits of `Snapshot.state[i]`. */
export const STATE_REGIME_MASK = 0b11; // 0 Calm, 1 PreStorm, 2 Storm
export const STATE_EVOLVED = 1 << 2;
export const STATE_ATTACKER = 1 << 3; // the node's true role (for experiments); views show DETECTED instead
export const STATE_DETECTED = 1 << 4; // some honest neighbour's reputation for it is below the suspicion line
export const STATE_BANNED = 1 << 5; // banned by a majority of its honest neighbours
export const STATE_IN_NOISE = 1 << 6;
export const STATE_HEALED = 1 << 7; // healed within the last second (a flash in the view)

/** Values of `Snapshot.energy[i]`: the node's energy mode (the silent swarm's listen schedule; src/core/rules/silence.ts
 *  MODE_*). Chatty runs, attackers and the live view are Active (always listening). */
export const ENERGY_ACTIVE = 0;
export const ENERGY_ALERT = 1;
export const ENERGY_DEEP = 2;

export const REGIME_CALM = 0;
export const REGIME_PRESTORM = 1;
export const REGIME_STORM = 2;

export interface HudStats {
  nodes: number;
  evolved: number;
  storm: number;
  preStorm: number;
  /** Share of nodes in Storm, percent. */
  entropyPct: number;
  /** Mean neuron entropy, 0..1 (display only). */
  meanEntropy: number;
  synapsesActive: number;
  packetsInFlight: number;
  /** Bytes put on air per second of sim time, averaged over the last second. */
  bytesPerSecond: number;
  healsGossip: number;
  healsSelf: number;
  /** Of the self heals, those by a gene the node remembered (src/core/rules/mind.ts recallGene); the live page's
   *  nodes do not report it. */
  healsFromMemory?: number;
  attackersBanned: number;
  /** Honest nodes banned by any honest neighbour (the worker fills it in; the builder leaves it out). */
  honestBanned?: number;
  /** ‖honest mean − clean consensus‖ / ‖clean consensus‖ (src/sim/drift.ts), when the worker runs the clean
   *  twin of an attacked run; undefined otherwise. */
  consensusDrift?: number;
  /** Ticks per wall-clock second actually achieved by the runner. */
  ticksPerSecond: number;
  /** What the swarm's radios did since tick 0, summed over nodes (the link model's counters): frames and bytes put on
   *  air and heard. The HUD turns them into bytes and mW per node per day on a radio profile (src/core/energy/).
   *  Zero where unknown (the live view). */
  air: AirTotals;
}

export interface AirTotals {
  seconds: number;
  txFrames: number;
  txBytes: number;
  rxFrames: number;
  rxBytes: number;
  /** Silent swarm: node-seconds the radios listened, summed over nodes (their listen schedules); absent when every
   *  receiver is always on (--chatty, the live view). */
  listenSeconds?: number;
}

export interface Snapshot {
  tick: number;
  simTimeS: number;
  /** Speed factor: 1, 10 or 0 for "max". */
  speed: number;
  paused: boolean;
  nodeCount: number;
  brainRadius: number;
  /** 3·N drawn positions (x, y, z), from the force layout. */
  positions: Float32Array;
  /** N flag bytes, see STATE_*. */
  state: Uint8Array;
  /** N energy modes, see ENERGY_*. */
  energy: Uint8Array;
  /** Changes whenever `edges` changes (radio neighbourhoods are static between resets). */
  edgesVersion: number;
  /** 2·E node indices (0-based) of radio links. */
  edges: Uint32Array;
  /** E values in [0, 1]: recent traffic on each link. */
  edgeActivity: Float32Array;
  /** [x, y, z, radius] of the noise zone. */
  noiseZone: Float32Array;
  hud: HudStats;
  /** stateHash() at this tick, hex. */
  stateHash: string;
}
