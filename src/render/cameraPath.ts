// Camera poses: the default view (yaw 0, pitch 0.3 rad, looking a little down on the brain), the zoom
// clamp, and the cinematic path — a slow orbit that dollies in through the brain and back out. All distances
// scale with the brain radius so 10,000 nodes frame like 150. Pure maths, no Babylon.

export interface CameraPose {
  /** Azimuth, radians (ArcRotateCamera.alpha). */
  alpha: number;
  /** Polar angle from +y, radians (ArcRotateCamera.beta); π/2 − pitch. */
  beta: number;
  radius: number;
}

const BASE_RADIUS = 8;
/** The original sat at 20 with a wider 16:9 view; 25 frames the whole brain in a 4:3 window too. */
const DEFAULT_DISTANCE = 25;

export function defaultPose(brainRadius: number): CameraPose {
  return { alpha: 0, beta: Math.PI / 2 - 0.3, radius: (DEFAULT_DISTANCE / BASE_RADIUS) * brainRadius };
}

/** Wheel zoom range: 8..50 at radius 8, scaled with the radius. */
export function radiusLimits(brainRadius: number): { lower: number; upper: number } {
  return { lower: brainRadius, upper: (50 / BASE_RADIUS) * brainRadius };
}

/** Auto-rotate speed, radians per second (one turn in about 42 s). */
export const AUTO_ROTATE_RAD_PER_S = 0.15;

/** Cinematic keyframes: [time s, alpha rad, beta rad, radius in brain radii]. */
const KEYS: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 1.27, 3.2],
  [10, 0.9, 1.1, 2.3],
  [18, 1.7, 1.35, 0.95],
  [24, 2.3, 1.5, 0.22],
  [30, 3.0, 1.3, 0.9],
  [38, 4.1, 0.95, 2.5],
  [44, 4.9, 1.27, 3.0],
];

export const CINEMATIC_DURATION_S = KEYS[KEYS.length - 1][0];

/** Catmull-Rom through p1..p2 (p0 and p3 shape the tangents), u in [0, 1]. */
function catmullRom(p0: number, p1: number, p2: number, p3: number, u: number): number {
  const u2 = u * u;
  const u3 = u2 * u;
  return 0.5 * (2 * p1 + (-p0 + p2) * u + (2 * p0 - 5 * p1 + 4 * p2 - p3) * u2 + (-p0 + 3 * p1 - 3 * p2 + p3) * u3);
}

/** The cinematic camera at `tS` seconds since it started (clamped to the path's ends). */
export function cinematicPose(tS: number, brainRadius: number): CameraPose {
  const t = Math.min(Math.max(tS, 0), CINEMATIC_DURATION_S);
  let i = 0;
  while (i < KEYS.length - 2 && t > KEYS[i + 1][0]) i++;
  const k0 = KEYS[Math.max(0, i - 1)];
  const k1 = KEYS[i];
  const k2 = KEYS[i + 1];
  const k3 = KEYS[Math.min(KEYS.length - 1, i + 2)];
  const u = (t - k1[0]) / (k2[0] - k1[0]);
  return {
    alpha: catmullRom(k0[1], k1[1], k2[1], k3[1], u),
    beta: catmullRom(k0[2], k1[2], k2[2], k3[2], u),
    radius: catmullRom(k0[3], k1[3], k2[3], k3[3], u) * brainRadius,
  };
}
