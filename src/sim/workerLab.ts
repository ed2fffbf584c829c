// What the Living Brain's lab needs from a running sim beyond the snapshot, computed in the worker and deciding
// nothing: which nodes their honest neighbours suspect or ban (the snapshot's DETECTED/BANNED bits), per-node heals
// and bytes, the timeline's events, and one node's inspection (its neighbours' view of it, its gene, a minute of
// its signal against its prediction). It only reads the world after a tick; the state hash never sees it.
import { ROLE_HONEST } from '../../components/body';
import { MEMBER_JOINING, MEMBER_PRESENT } from '../../components/membership';
import { LAGS, predictAt } from '../core/neuron/kernel';
import { RECENT } from '../core/rules/model';
import { TRUST_BAN, TRUST_INITIAL } from '../core/rules/trust';
import { ticksFor } from './config';
import type { Sim } from './runner';
import { STATE_BANNED, STATE_DETECTED, type Snapshot } from './snapshot';

/** A neighbour's reputation below this (≈ 0.35; it starts at 0.5, the ban line is 0.2) makes the node suspected
 *  in that neighbour's eyes: two drift penalties, or one failed check and no reward since. */
export const SUSPECT_BELOW = TRUST_INITIAL - 2 * 20;

/** Evolution.flash is set to this many ticks on a heal (systems/evolution.ts HEAL_FLASH_TICKS). */
const HEAL_FLASH = 10;
/** Most events the timeline keeps (oldest kept: markers of the start of a long run matter as much). */
const MAX_EVENTS = 200;

export type TimelineEventKind = 'stormPeak' | 'firstBan' | 'honestBan' | 'join';

export interface TimelineEvent {
  tick: number;
  kind: TimelineEventKind;
  label: string;
}

export interface NeighbourView {
  id: number;
  /** The reputation the inspected node gives this neighbour, 0..1 (below 0.2: banned). */
  reputation: number;
  banned: boolean;
}

export interface NodeInspection {
  id: number;
  tick: number;
  /** What its honest neighbours know: how many suspect it, how many ban it, out of how many. Not its true role. */
  knownAs: 'banned' | 'suspected' | 'unsuspected';
  suspectedBy: number;
  bannedBy: number;
  honestNeighbours: number;
  /** 'present', 'absent' (a joiner not yet joined) or 'joining'. */
  membership: 'present' | 'absent' | 'joining';
  regime: number;
  evolved: boolean;
  /** Neuron entropy 0..1. */
  entropy: number;
  /** The LAGS weights and the bias, as floats. */
  weights: number[];
  bias: number;
  neighbours: NeighbourView[];
  heals: number;
  bytesSent: number;
  /** Signal and the prediction made for it one tick before, oldest first, at most 60 s of sim time. */
  signal: number[];
  prediction: number[];
}

const toFloat = (q: number): number => q / 65536;

export class LabObserver {
  readonly heals: Uint32Array;
  readonly bytes: Float64Array;
  readonly events: TimelineEvent[] = [];
  /** Ticks up to which events are recorded (a replay after a backward seek does not record them twice). */
  furthest = 0;
  private selected = -1;
  private readonly historyLength: number;
  private signal: Float32Array;
  private prediction: Float32Array;
  private historyCount = 0;
  private historyHead = 0;
  private pending = Number.NaN;
  private stormMax = 0;
  private stormMaxTick = 0;
  private sawAttackerBan = false;
  private sawHonestBan = false;
  private suspect = new Uint32Array(0);
  private banned = new Uint32Array(0);
  private honest = new Uint32Array(0);

  constructor(private sim: Sim) {
    const n = sim.world.n;
    this.heals = new Uint32Array(n + 1);
    this.bytes = new Float64Array(n + 1);
    this.historyLength = Math.max(2, ticksFor(sim.config, 60));
    this.signal = new Float32Array(this.historyLength);
    this.prediction = new Float32Array(this.historyLength);
    this.attach(sim);
    const { join, joinAtS } = sim.config;
    if (join > 0) this.events.push({ tick: ticksFor(sim.config, joinAtS), kind: 'join', label: `${join} nodes join` });
  }

  /** Watches a new sim of the same config (a replay from the seed): per-node counts restart with it. */
  attach(sim: Sim): void {
    this.sim = sim;
    this.heals.fill(0);
    this.bytes.fill(0);
    this.historyCount = 0;
    this.historyHead = 0;
    this.pending = Number.NaN;
    this.stormMax = 0;
    this.sawAttackerBan = false;
    this.sawHonestBan = false;
    // Bytes per sender: wrap the link's send (a view-side count; the link's behaviour is unchanged).
    const link = sim.world.link;
    const send = link.send.bind(link);
    const bytes = this.bytes;
    link.send = (txFreeAtUs, fromEid, to, messageId, message, tick) => {
      const before = link.counters.bytesSent;
      const ok = send(txFreeAtUs, fromEid, to, messageId, message, tick);
      bytes[fromEid]! += link.counters.bytesSent - before;
      return ok;
    };
  }

  select(id: number | null): void {
    const n = this.sim.world.n;
    const next = id !== null && Number.isInteger(id) && id >= 0 && id < n ? id : -1;
    if (next === this.selected) return;
    this.selected = next;
    this.historyCount = 0;
    this.historyHead = 0;
    this.pending = Number.NaN;
  }

  get selectedId(): number | null {
    return this.selected < 0 ? null : this.selected;
  }

  /** Call after every tick. */
  afterTick(): void {
    const { world } = this.sim;
    const { n, tick, counters } = world;
    const { Evolution, Neuron } = world.components;
    for (let eid = 1; eid <= n; eid++) if (Evolution.flash[eid] === HEAL_FLASH) this.heals[eid]!++;
    if (this.selected >= 0) {
      const eid = this.selected + 1;
      const ro = RECENT * eid;
      if (!Number.isNaN(this.pending)) {
        this.signal[this.historyHead] = toFloat(Neuron.recent[ro]!);
        this.prediction[this.historyHead] = this.pending;
        this.historyHead = (this.historyHead + 1) % this.historyLength;
        this.historyCount = Math.min(this.historyLength, this.historyCount + 1);
      }
      // The model's prediction of the next sample, from the window as it is now (the cortex's predictAt).
      this.pending = toFloat(predictAt(Neuron.weights, LAGS * eid, Neuron.bias[eid]!, Neuron.recent, ro));
    }
    if (tick <= this.furthest) return;
    this.furthest = tick;
    const threshold = Math.max(3, Math.ceil(n / 20));
    if (counters.storm >= threshold && counters.storm > this.stormMax) {
      this.stormMax = counters.storm;
      this.stormMaxTick = tick;
    } else if (this.stormMax > 0 && counters.storm * 2 < this.stormMax) {
      this.push({ tick: this.stormMaxTick, kind: 'stormPeak', label: `storm peak: ${this.stormMax} nodes` });
      this.stormMax = 0;
    }
    if (!this.sawAttackerBan && counters.bans.attackers > 0) {
      this.sawAttackerBan = true;
      this.push({ tick, kind: 'firstBan', label: 'first attacker banned' });
    }
    if (!this.sawHonestBan && counters.bans.honest > 0) {
      this.sawHonestBan = true;
      this.push({ tick, kind: 'honestBan', label: 'an honest node banned' });
    }
  }

  private push(event: TimelineEvent): void {
    if (this.events.length < MAX_EVENTS) this.events.push(event);
  }

  /** Counts, for every node, the honest neighbours that suspect it, ban it, and hear it. O(links). */
  private tally(): void {
    const { world } = this.sim;
    const { n } = world;
    const { offsets, neighbours } = world.hood;
    const { Role, Consensus, Membership } = world.components;
    if (this.suspect.length !== n + 1) {
      this.suspect = new Uint32Array(n + 1);
      this.banned = new Uint32Array(n + 1);
      this.honest = new Uint32Array(n + 1);
    } else {
      this.suspect.fill(0);
      this.banned.fill(0);
      this.honest.fill(0);
    }
    const trust = Consensus.trust;
    for (let eid = 1; eid <= n; eid++) {
      if (Role.kind[eid] !== ROLE_HONEST || Membership.state[eid] !== MEMBER_PRESENT) continue;
      for (let s = offsets[eid - 1]!; s < offsets[eid]!; s++) {
        const j = neighbours[s]! + 1;
        this.honest[j]!++;
        const t = trust[s]!;
        if (t < SUSPECT_BELOW) this.suspect[j]!++;
        if (t < TRUST_BAN) this.banned[j]!++;
      }
    }
  }

  /** Sets the DETECTED (some honest neighbour suspects it) and BANNED (a majority bans it) bits, and the HUD's
   *  ban counts and drift. */
  decorate(snap: Snapshot, drift: number | undefined): void {
    this.tally();
    const { state, nodeCount } = snap;
    for (let i = 0; i < nodeCount; i++) {
      const eid = i + 1;
      let s = state[i]! & ~(STATE_DETECTED | STATE_BANNED);
      if (this.suspect[eid]! > 0) s |= STATE_DETECTED;
      if (this.banned[eid]! * 2 > this.honest[eid]! && this.honest[eid]! > 0) s |= STATE_BANNED;
      state[i] = s;
    }
    const bans = this.sim.world.counters.bans;
    snap.hud.attackersBanned = bans.attackers;
    snap.hud.honestBanned = bans.honest;
    snap.hud.consensusDrift = drift;
  }

  inspect(): NodeInspection | null {
    if (this.selected < 0) return null;
    this.tally();
    const { world } = this.sim;
    const eid = this.selected + 1;
    const { Neuron, Regime, Evolution, Consensus, Membership } = world.components;
    const { offsets, neighbours } = world.hood;
    const neighbourViews: NeighbourView[] = [];
    for (let s = offsets[eid - 1]!; s < offsets[eid]!; s++) {
      const t = Consensus.trust[s]!;
      neighbourViews.push({ id: neighbours[s]!, reputation: t / 255, banned: t < TRUST_BAN });
    }
    const weights: number[] = [];
    for (let k = 0; k < LAGS; k++) weights.push(toFloat(Neuron.weights[LAGS * eid + k]!));
    const signal: number[] = [];
    const prediction: number[] = [];
    const start = (this.historyHead - this.historyCount + this.historyLength) % this.historyLength;
    for (let k = 0; k < this.historyCount; k++) {
      const at = (start + k) % this.historyLength;
      signal.push(this.signal[at]!);
      prediction.push(this.prediction[at]!);
    }
    const bannedBy = this.banned[eid]!;
    const suspectedBy = this.suspect[eid]!;
    const honestNeighbours = this.honest[eid]!;
    const member = Membership.state[eid]!;
    return {
      id: this.selected,
      tick: world.tick,
      knownAs: bannedBy * 2 > honestNeighbours && honestNeighbours > 0 ? 'banned' : suspectedBy > 0 ? 'suspected' : 'unsuspected',
      suspectedBy,
      bannedBy,
      honestNeighbours,
      membership: member === MEMBER_PRESENT ? 'present' : member === MEMBER_JOINING ? 'joining' : 'absent',
      regime: Regime.regime[eid]!,
      evolved: Evolution.evolved[eid]! !== 0,
      entropy: toFloat(Neuron.entropy[eid]!),
      weights,
      bias: toFloat(Neuron.bias[eid]!),
      neighbours: neighbourViews,
      heals: this.heals[eid]!,
      bytesSent: this.bytes[eid]!,
      signal,
      prediction,
    };
  }
}
