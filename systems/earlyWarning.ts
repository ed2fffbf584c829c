// Early warning: how well the regime detector's PreStorm warns of storms, measured per honest node, every tick,
// from the regime cortex wrote this tick (the metrics system calls trackWorld). It decides nothing: its state
// lives in the counters (never hashed).
//
// Definitions (ticks of the run's tickMs; the default 100 ms makes 20 ticks = 2 s):
// - Storm onset: a node enters Storm after at least FLAP_S of non-Storm ticks since it last left Storm (or
//   entering Storm for the first time). Re-entries sooner than that are flaps, not onsets: every entry into
//   Storm is exactly one of the two. Flaps are reported as a share of onsets.
// - Warned ≥ 4 ticks: the node was in PreStorm on at least one tick in [onset − WINDOW, onset − LEAD_MIN]
//   (WINDOW = 2 s, LEAD_MIN = 4 ticks).
// - Alarm: a group of PreStorm ticks with gaps shorter than HORIZON (2 s) and no Storm in between. Lead time:
//   onset − the alarm's first PreStorm tick, for onsets with a live alarm (its last PreStorm tick within HORIZON
//   before the onset). An alarm with no Storm within HORIZON of its last PreStorm tick is a false alarm.
//   PreStorm episodes (entries into PreStorm) are counted too.
//
// Per node state: 9 bytes (u32 PreStorm history bits of the last 32 ticks, u16 ticks since the alarm started,
// u16 ticks since the node last left Storm, u8 flags: previous regime, alarm live, has stormed).
import { PRESTORM, STORM } from '../src/core/neuron/regimeDetector';
import { ROLE_HONEST } from '../components/body';
import type { SimWorld } from '../src/sim/system';

/** Shortest lead that counts as warned (ticks). */
export const LEAD_MIN = 4;
/** Window before an onset in which a PreStorm tick counts, re-entry window of a flap, and false-alarm horizon (s). */
export const WINDOW_S = 2;
export const FLAP_S = 2;
export const HORIZON_S = 2;
/** Lead times are kept as a histogram of this many ticks (longer leads fall in the last bin). */
const LEAD_BINS = 1024;
const U16 = 0xffff;
const REGIME_BITS = 3;
const ALARM = 4;
const STORMED = 8;

export interface WarningTracker {
  readonly tickMs: number;
  readonly window: number;
  readonly flap: number;
  readonly horizon: number;
  /** Bit k: PreStorm k + 1 ticks ago (before this tick's regime is pushed). */
  readonly preBits: Uint32Array;
  readonly sinceAlarm: Uint16Array;
  readonly sinceStorm: Uint16Array;
  readonly flags: Uint8Array;
  onsets: number;
  warned: number;
  /** Onsets with a live alarm (any lead ≥ 1 tick). */
  alarmed: number;
  flaps: number;
  preEpisodes: number;
  alarms: number;
  falseAlarms: number;
  /** Node-ticks observed (for per node-hour rates). */
  nodeTicks: number;
  readonly leads: Uint32Array;
}

/** Bytes of per-node state the tracker keeps. */
export const TRACKER_BYTES_PER_NODE = 4 + 2 + 2 + 1;

export function createWarningTracker(capacity: number, tickMs: number): WarningTracker {
  const ticks = (s: number) => Math.max(1, Math.round((s * 1000) / tickMs));
  const window = Math.min(31, ticks(WINDOW_S));
  return {
    tickMs,
    window,
    flap: ticks(FLAP_S),
    horizon: Math.min(31, ticks(HORIZON_S)),
    preBits: new Uint32Array(capacity),
    sinceAlarm: new Uint16Array(capacity),
    sinceStorm: new Uint16Array(capacity),
    flags: new Uint8Array(capacity),
    onsets: 0,
    warned: 0,
    alarmed: 0,
    flaps: 0,
    preEpisodes: 0,
    alarms: 0,
    falseAlarms: 0,
    nodeTicks: 0,
    leads: new Uint32Array(LEAD_BINS),
  };
}

/** One tick of one node: `regime` is its regime after this tick's cortex step. */
export function trackRegime(t: WarningTracker, i: number, regime: number): void {
  t.nodeTicks++;
  let flags = t.flags[i]!;
  const prev = flags & REGIME_BITS;
  const bits = t.preBits[i]!;
  // Ticks since the alarm started and since the node left Storm, as of this tick.
  const sinceAlarm = Math.min(U16, t.sinceAlarm[i]! + 1);
  const sinceStorm = Math.min(U16, t.sinceStorm[i]! + 1);
  let started = false;
  const horizonMask = t.horizon >= 32 ? 0xffffffff : (1 << t.horizon) - 1;
  if (flags & ALARM && (bits & horizonMask) === 0) {
    // No PreStorm for a whole horizon and no Storm: the alarm was false.
    t.falseAlarms++;
    flags &= ~ALARM;
  }
  if (regime === STORM) {
    if (prev !== STORM) {
      if (flags & STORMED && sinceStorm <= t.flap) t.flaps++;
      else {
        t.onsets++;
        // Lags LEAD_MIN..window: bits LEAD_MIN − 1 .. window − 1.
        const warnMask = (((1 << t.window) - 1) >>> 0) & ~((1 << (LEAD_MIN - 1)) - 1);
        if ((bits & warnMask) !== 0) t.warned++;
        if (flags & ALARM) {
          t.alarmed++;
          t.leads[Math.min(LEAD_BINS - 1, sinceAlarm)]!++;
        }
      }
    }
    flags = (flags & ~ALARM) | STORMED; // a Storm resolves a live alarm as a true one
    t.sinceStorm[i] = 0;
  } else {
    t.sinceStorm[i] = sinceStorm;
    if (regime === PRESTORM) {
      if (prev !== PRESTORM) t.preEpisodes++;
      if (!(flags & ALARM)) {
        t.alarms++;
        flags |= ALARM;
        t.sinceAlarm[i] = 0;
        started = true;
      }
    }
  }
  if (flags & ALARM && !started) t.sinceAlarm[i] = sinceAlarm;
  t.preBits[i] = ((bits << 1) | (regime === PRESTORM ? 1 : 0)) >>> 0;
  t.flags[i] = (flags & ~REGIME_BITS) | regime;
}

export interface EarlyWarningReport {
  definitions: {
    leadMinTicks: number;
    windowTicks: number;
    onsetMinCalmTicks: number;
    flapWithinS: number;
    falseAlarmHorizonS: number;
    trackerBytesPerNode: number;
  };
  onsets: number;
  warned: number;
  warnedPct: number;
  /** Onsets with a live alarm (PreStorm within the horizon before, any lead). */
  alarmed: number;
  leadTicks: { p50: number; p95: number };
  leadS: { p50: number; p95: number };
  preStormEpisodes: number;
  alarms: number;
  falseAlarms: number;
  falseAlarmsPerNodeHour: number;
  flaps: number;
  flapsPct: number;
}

function leadPercentile(leads: Uint32Array, total: number, p: number): number {
  if (total === 0) return 0;
  const rank = Math.min(total - 1, Math.floor((p / 100) * total));
  let seen = 0;
  for (let k = 0; k < leads.length; k++) {
    seen += leads[k]!;
    if (seen > rank) return k;
  }
  return leads.length - 1;
}

export function warningReport(t: WarningTracker): EarlyWarningReport {
  const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
  const p50 = leadPercentile(t.leads, t.alarmed, 50);
  const p95 = leadPercentile(t.leads, t.alarmed, 95);
  const nodeHours = (t.nodeTicks * t.tickMs) / 3_600_000;
  return {
    definitions: {
      leadMinTicks: LEAD_MIN,
      windowTicks: t.window,
      onsetMinCalmTicks: t.flap,
      flapWithinS: FLAP_S,
      falseAlarmHorizonS: HORIZON_S,
      trackerBytesPerNode: TRACKER_BYTES_PER_NODE,
    },
    onsets: t.onsets,
    warned: t.warned,
    warnedPct: t.onsets ? round((100 * t.warned) / t.onsets, 1) : 0,
    alarmed: t.alarmed,
    leadTicks: { p50, p95 },
    leadS: { p50: round((p50 * t.tickMs) / 1000, 3), p95: round((p95 * t.tickMs) / 1000, 3) },
    preStormEpisodes: t.preEpisodes,
    alarms: t.alarms,
    falseAlarms: t.falseAlarms,
    falseAlarmsPerNodeHour: nodeHours > 0 ? round(t.falseAlarms / nodeHours, 3) : 0,
    flaps: t.flaps,
    flapsPct: t.onsets ? round((100 * t.flaps) / t.onsets, 1) : 0,
  };
}

/** One tick of every honest node (the metrics system calls it: only cortex writes Regime, earlier in the tick). */
export function trackWorld(world: SimWorld): void {
  const { counters, n } = world;
  let t = counters.earlyWarning;
  if (!t) t = counters.earlyWarning = createWarningTracker(n + 1, world.config.tickMs);
  const regimes = world.components.Regime.regime;
  const kind = world.components.Role.kind;
  for (let eid = 1; eid <= n; eid++) if (kind[eid] === ROLE_HONEST) trackRegime(t, eid, regimes[eid]!);
}
