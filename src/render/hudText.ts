// The HUD's words and numbers (a tree-style metrics panel), as plain text. Pure.
import { EnergyInputError, framesAirtime } from '../core/energy/airtime';
import { energyOf, SECONDS_PER_DAY } from '../core/energy/energy';
import type { RadioProfile } from '../core/energy/profiles';
import type { HudStats } from '../sim/snapshot';

export interface HudClock {
  simTimeS: number;
  /** 1, 10 or 0 (max). */
  speed: number;
  paused: boolean;
  /** Frames per second; NaN shows "--" (tests freeze it so screenshots do not depend on speed). */
  fps: number;
}

/** "1.2 kB/s" style: bytes with an SI prefix, one decimal below 100. */
export function formatRate(bytesPerSecond: number): string {
  const units = ['B/s', 'kB/s', 'MB/s', 'GB/s'];
  let v = Math.max(0, bytesPerSecond);
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v < 100 && u > 0 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** "543 kB" style: bytes with an SI prefix, one decimal below 100. */
export function formatBytes(bytes: number): string {
  return formatRate(bytes).replace('/s', '');
}

/**
 * Bytes and mean radio power per node per day since tick 0 on a radio profile: receivers on for the node-seconds
 * the silent swarm's listen schedules kept them on (`air.listenSeconds`), or always on when that is absent (--chatty).
 * The swarm's totals make one activity over nodes × seconds: the energy is linear in the counts, so its mean power
 * is the mean node's. Null before any sim time or without
 * counts (the live view); a radio that cannot carry the frames (a payload too large for it) says so.
 */
export function radioFigures(hud: HudStats, radio: RadioProfile): { bytesPerDay: number; mw: number } | { error: string } | null {
  const a = hud.air;
  if (!(a.seconds > 0) || hud.nodes <= 0 || a.txFrames === 0) return null;
  const bytesPerDay = (a.txBytes / hud.nodes) * (SECONDS_PER_DAY / a.seconds);
  try {
    const period = a.seconds * hud.nodes;
    // A radio does not listen while it transmits (as qres sim --radio counts it, node by node).
    const listen = a.listenSeconds === undefined ? 'always' : Math.max(0, Math.min(a.listenSeconds, period - framesAirtime(radio.phy, a.txFrames, a.txBytes)));
    const e = energyOf(radio, {
      seconds: period,
      txFrames: a.txFrames,
      txBytes: a.txBytes,
      rxFrames: a.rxFrames,
      rxBytes: a.rxBytes,
      listenSeconds: listen,
    });
    return { bytesPerDay, mw: e.meanMw };
  } catch (err) {
    if (err instanceof EnergyInputError) return { error: err.message };
    throw err;
  }
}

function radioLine(hud: HudStats, radio: RadioProfile): string {
  const f = radioFigures(hud, radio);
  // Short enough for the panel (the Packets line's width); how listening is counted is in docs/ENERGY.md.
  if (f === null) return `├─ ${radio.name}/node: --`;
  if ('error' in f) return `├─ ${radio.name}/node: cannot carry it`;
  return `├─ ${radio.name}/node: ${formatBytes(f.bytesPerDay)}/day · ${f.mw.toFixed(1)} mW`;
}

/** "1:02:03" / "2:03.4" style sim clock. */
export function formatSimTime(seconds: number): string {
  const s = Math.max(0, seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const secText = h > 0 ? Math.floor(sec).toString().padStart(2, '0') : sec.toFixed(1).padStart(4, '0');
  return h > 0 ? `${h}:${m.toString().padStart(2, '0')}:${secText}` : `${m}:${secText}`;
}

export function formatSpeed(speed: number, paused: boolean): string {
  if (paused) return 'paused';
  return speed === 0 ? 'max' : `${speed}×`;
}

const pct = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : 0);

/** The HUD panel, one metric per line; with a radio profile, the bytes and mW per node per day on it. */
export function hudLines(hud: HudStats, clock: HudClock, radio?: RadioProfile): string[] {
  return [
    'QRES · NEURAL SWARM',
    `├─ Nodes: ${hud.nodes} (Evolved: ${hud.evolved} · ${pct(hud.evolved, hud.nodes).toFixed(1)}%)`,
    `├─ Entropy: ${hud.entropyPct.toFixed(1)}% (Storm ${hud.storm} · PreStorm ${hud.preStorm})`,
    `├─ Synapses: ${hud.synapsesActive} active`,
    `├─ Packets: ${hud.packetsInFlight} in flight · ${formatRate(hud.bytesPerSecond)} on air`,
    ...(radio ? [radioLine(hud, radio)] : []),
    `├─ Heals: ${hud.healsGossip} by gossip · ${hud.healsSelf} self`,
    // Its own line: the Heals line with it overflows the panel (380 px) from two-digit counts on.
    ...(hud.healsFromMemory === undefined ? [] : [`├─ Recalled: ${hud.healsFromMemory} of the self heals (memory)`]),
    ...(hud.attackersBanned > 0 || hud.consensusDrift !== undefined ? [`├─ Bans: ${hud.attackersBanned} attackers · ${hud.honestBanned ?? 0} honest`] : []),
    ...(hud.consensusDrift !== undefined ? [`├─ Consensus drift: ${(100 * hud.consensusDrift).toFixed(2)}% vs the clean run`] : []),
    `├─ Sim: ${formatSimTime(clock.simTimeS)} · ${formatSpeed(clock.speed, clock.paused)}`,
    `└─ FPS: ${Number.isFinite(clock.fps) ? clock.fps.toFixed(1) : '--'}`,
  ];
}
