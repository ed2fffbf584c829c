// Node and synapse colours from the snapshot's state bits. Pure (no Babylon) so the mapping is unit-tested.
// Values are linear HDR: anything above ~0.8 after shading feeds the bloom, so Evolved and Storm glow and
// Calm does not (an emissive colour per state, as instance colours).
import { STATE_BANNED, STATE_DETECTED, STATE_EVOLVED, STATE_HEALED, STATE_REGIME_MASK, REGIME_PRESTORM, REGIME_STORM } from '../sim/snapshot';

export type NodeLook = 'calm' | 'preStorm' | 'storm' | 'evolved' | 'banned';

// Looks as small integers inside the per-node loop (nodeVisual runs for every node every frame: 10,000 at 10k).
const BANNED = 0;
const EVOLVED = 1;
const STORM = 2;
const PRESTORM = 3;
const CALM = 4;
const LOOKS: readonly NodeLook[] = ['banned', 'evolved', 'storm', 'preStorm', 'calm'];

function lookIndex(state: number): number {
  if (state & STATE_BANNED) return BANNED;
  if (state & STATE_EVOLVED) return EVOLVED;
  const regime = state & STATE_REGIME_MASK;
  if (regime === REGIME_STORM) return STORM;
  if (regime === REGIME_PRESTORM) return PRESTORM;
  return CALM;
}

/** Which palette a node uses; detection and the heal flash are tints on top of it. */
export function nodeLook(state: number): NodeLook {
  return LOOKS[lookIndex(state)]!;
}

/** HSL (hue in degrees, s and l in 0..1) to RGB in 0..1, written at out[o..o+2]. */
export function hslToRgb(hueDeg: number, s: number, l: number, out: Float32Array, o: number): void {
  const h = (((hueDeg % 360) + 360) % 360) / 60;
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs((h % 2) - 1));
  const m = l - c / 2;
  // Plain assignments, no array per call: this runs for most nodes every frame.
  let r = c;
  let g = 0;
  let b = x;
  if (h < 1) {
    g = x;
    b = 0;
  } else if (h < 2) {
    r = x;
    g = c;
    b = 0;
  } else if (h < 3) {
    r = 0;
    g = c;
  } else if (h < 4) {
    r = 0;
    g = x;
    b = c;
  } else if (h < 5) {
    r = x;
    b = c;
  }
  out[o] = r + m;
  out[o + 1] = g + m;
  out[o + 2] = b + m;
}

/** Base radius multiplier of a node of each look (Evolved nodes also breathe, see nodeVisual). */
export const LOOK_SCALE: Record<NodeLook, number> = { calm: 0.4, preStorm: 0.42, storm: 0.44, evolved: 0.5, banned: 0.32 };
const SCALE_BY_LOOK: readonly number[] = LOOKS.map((look) => LOOK_SCALE[look]);

/**
 * Writes node `id`'s RGBA (HDR) at out[o..o+3] for visual time `t` seconds and returns its scale.
 * Per-node phase offsets (`id`) keep the swarm from pulsing in lockstep.
 */
export function nodeVisual(state: number, id: number, t: number, out: Float32Array, o: number): number {
  const h = 0.1 * Math.sin(0.1 * id); // small per-node hue jitter
  const look = lookIndex(state);
  let gain = 1;
  let scale = SCALE_BY_LOOK[look]!;
  if (look === BANNED) {
    out[o] = 0.32;
    out[o + 1] = 0.32;
    out[o + 2] = 0.35;
  } else if (look === EVOLVED) {
    hslToRgb(360 * (0.8 + h + 0.1 * Math.sin(0.2 * t + 0.05 * id)), 0.9, 0.55, out, o);
    const pulse = 0.5 * Math.sin(3 * t + id) + 0.5;
    gain = 1.1 + 1.0 * pulse;
    scale += 0.08 * Math.sin(2 * t + id);
  } else if (look === STORM) {
    hslToRgb(14 + 30 * h, 0.95, 0.5, out, o);
    gain = 1.9 + 0.4 * Math.sin(6 * t + id);
  } else if (look === PRESTORM) {
    hslToRgb(42, 0.95, 0.5, out, o);
    gain = 1.2 + 0.3 * Math.sin(4 * t + id);
  } else {
    hslToRgb(218 + 30 * h, 0.8, 0.45, out, o);
    gain = 0.88;
  }
  out[o] *= gain;
  out[o + 1] *= gain;
  out[o + 2] *= gain;
  if (state & STATE_DETECTED && look !== BANNED) {
    // A suspected attacker: pulled hard towards red, whatever its regime.
    out[o] = 0.35 * out[o] + 2.2;
    out[o + 1] *= 0.2;
    out[o + 2] *= 0.2;
  }
  if (state & STATE_HEALED) {
    // Just healed: a white flash.
    out[o] += 0.9;
    out[o + 1] += 0.9;
    out[o + 2] += 0.9;
    scale *= 1.25;
  }
  out[o + 3] = 1;
  return scale;
}

export type EdgeKind = 'evolvedPair' | 'mixed' | 'plain' | 'banned';

const EDGE_KINDS: readonly EdgeKind[] = ['plain', 'mixed', 'evolvedPair', 'banned'];

/** Index into EDGE_KINDS: the number of Evolved ends (0, 1, 2), or 3 if either end is banned. */
function edgeKindIndex(stateA: number, stateB: number): number {
  if ((stateA | stateB) & STATE_BANNED) return 3;
  return ((stateA & STATE_EVOLVED) !== 0 ? 1 : 0) + ((stateB & STATE_EVOLVED) !== 0 ? 1 : 0);
}

/** The pair rule for a synapse's colour: both ends Evolved, exactly one Evolved, or neither. */
export function edgeKind(stateA: number, stateB: number): EdgeKind {
  return EDGE_KINDS[edgeKindIndex(stateA, stateB)];
}

/** RGB and resting alpha per edge kind: purple Evolved–Evolved, cyan mixed, dim blue otherwise. */
export const EDGE_PALETTE: Record<EdgeKind, readonly [number, number, number, number]> = {
  evolvedPair: [0.95, 0.2, 0.9, 0.5],
  mixed: [0.1, 0.9, 0.95, 0.32],
  plain: [0.3, 0.5, 0.8, 0.1],
  banned: [0.4, 0.4, 0.4, 0.04],
};

/** EDGE_PALETTE flattened in EDGE_KINDS order, 4 floats a kind: this runs for every link every frame (33k at
 *  10k nodes); SynapseLines reads it inline as edgeColor does. */
export const EDGE_RGBA = Float32Array.from(EDGE_KINDS.flatMap((k) => EDGE_PALETTE[k]));

/** Writes an edge's RGBA at out[o..o+3]; traffic (`activity` 0..1) brightens it into the bloom. */
export function edgeColor(stateA: number, stateB: number, activity: number, out: Float32Array, o: number): void {
  const p = edgeKindIndex(stateA, stateB) * 4;
  const act = activity > 1 ? 1 : activity < 0 ? 0 : activity;
  const gain = 1 + 1.1 * act;
  out[o] = EDGE_RGBA[p] * gain;
  out[o + 1] = EDGE_RGBA[p + 1] * gain;
  out[o + 2] = EDGE_RGBA[p + 2] * gain;
  const alpha = EDGE_RGBA[p + 3] + 0.5 * act;
  out[o + 3] = alpha > 1 ? 1 : alpha;
}
