// Parameters of the force layout. The layout only moves *drawn* positions (floats are fine here: they decide
// nothing). The numbers are the Rust prototype's force constants, tuned for a brain of radius 8, used as they are at radius 8,
// except the centre gravity (see defaultLayoutParams), and scale with the brain radius for larger swarms.
import * as q16 from '../../core/fixed/q16';
import { SHELL_THICKNESS } from '../placement';

export interface LayoutParams {
  /** Repulsion numerator k: each other node pushes with k / max(d, 0.5)². Original 12. */
  repulsion: number;
  /** Spring stiffness between radio neighbours. Original 0.5. */
  springK: number;
  /** Spring stiffness when both ends are Evolved. Original 2.25. */
  springKEvolved: number;
  /** Spring rest length. Original 2.5. */
  restLength: number;
  /** Springs act only while the ends are closer than this. Original 5.25. */
  springCutoff: number;
  /** Weak global attraction towards every other node: a / (1 + globalFalloff · d). Original 0.15. */
  globalAttraction: number;
  /** Distance falloff of the global attraction. Original 0.1. */
  globalFalloff: number;
  /** Pull towards the origin: −c · p. Original 4 (too strong, see defaultLayoutParams). */
  centreGravity: number;
  /** Radial spring towards the shell: unit(p) · (shellRadius − |p|) · surfaceTension. Original 2. */
  surfaceTension: number;
  /** Radius the surface tension pulls towards. Original 6.8 at brain radius 8. */
  shellRadius: number;
  /** Velocity kept per step of maxDt (v ← (v + F·dt)·damping). Original 0.75. */
  damping: number;
  /** Speed limit, units per second. Original 6. */
  maxSpeed: number;
  /** Longest step, seconds; longer dt is clamped. Original 0.05. */
  maxDt: number;
  /** Barnes–Hut opening angle: 0 = exact O(n²), 0.9 like d3. At most 1. */
  theta: number;
}

/** The layout parameters are out of range. `problems` names each bad field. */
export class LayoutParamsError extends RangeError {
  override readonly name = 'LayoutParamsError';
  constructor(readonly problems: string[]) {
    super(`invalid layout parameters: ${problems.join('; ')}`);
  }
}

/** The original's brain radius; its force constants were tuned for it. */
const ORIGINAL_RADIUS = 8;

/**
 * Depth of the middle of the home shell below the brain radius (1.2). Placement keeps the shell 2.4 thick at
 * every size, so the surface tension aims at R − 1.2: the original's 6.8 at R = 8, and not 0.85·R, which
 * would pull a large brain's shell far inside its own home positions.
 */
const SHELL_MID_DEPTH = q16.toFloat(SHELL_THICKNESS) / 2;

/**
 * Parameters for a brain of the given radius (brainRadius(n) from config.ts).
 *
 * Why the centre gravity differs from the original: with −4·p, nodes 8 from the centre feel 32 units of
 * inward pull, more than their mutual repulsion (≈ 14 at the surface of the shell) can hold, so the original
 * brain shrinks to ≈ 5.8 whatever the surface tension asks for — and at 10,000 nodes (radius 65) −4·p would be
 * 260, crushing the shell. We keep a weaker pull, 1.25 at radius 8 (the value at which 150 nodes settle at the mean
 * radius of their home positions, 6.8, within [4.9, 7.9]; measured with the test graph), scaled as 1/R so that
 * its force at the shell stays the same at every size, and let the surface tension hold the shell; the test
 * `keeps a brain-sized sphere` checks the result. Node density on the shell is the same at every size (config.brainRadius grows as √n), so the local
 * forces (repulsion, springs) keep their values; the global attraction sums over all n ∝ R² nodes, so its
 * per-pair strength is scaled by (8/R)² to keep its total (≈ 6 at radius 8) the same at every size.
 */
export function defaultLayoutParams(brainRadius: number): LayoutParams {
  if (!(brainRadius > 0) || !Number.isFinite(brainRadius)) {
    throw new LayoutParamsError([`brainRadius: ${brainRadius} is not a positive number`]);
  }
  const scale = brainRadius / ORIGINAL_RADIUS;
  return {
    repulsion: 12,
    springK: 0.5,
    springKEvolved: 2.25,
    restLength: 2.5,
    springCutoff: 5.25,
    globalAttraction: 0.15 / (scale * scale),
    globalFalloff: 0.1 / scale,
    centreGravity: 1.25 / scale,
    surfaceTension: 2,
    shellRadius: brainRadius - SHELL_MID_DEPTH,
    damping: 0.75,
    maxSpeed: 6,
    maxDt: 0.05,
    theta: 0.9,
  };
}

/** Throws LayoutParamsError naming every field that is not a finite number in its range. */
export function validateLayoutParams(p: LayoutParams): void {
  const problems: string[] = [];
  const check = (name: keyof LayoutParams, ok: (v: number) => boolean, why: string): void => {
    const v = p[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) problems.push(`${name}: ${String(v)} ${why}`);
  };
  const nonNegative = (v: number): boolean => v >= 0;
  for (const name of [
    'repulsion',
    'springK',
    'springKEvolved',
    'restLength',
    'springCutoff',
    'globalAttraction',
    'globalFalloff',
    'centreGravity',
    'surfaceTension',
    'shellRadius',
  ] as const) {
    check(name, nonNegative, 'is not ≥ 0');
  }
  check('damping', (v) => v >= 0 && v <= 1, 'is not in [0, 1]');
  check('maxSpeed', (v) => v > 0, 'is not > 0');
  check('maxDt', (v) => v > 0, 'is not > 0');
  // Above ~1.15 a node could approximate a cell that contains itself; d3 allows more, we do not.
  check('theta', (v) => v >= 0 && v <= 1, 'is not in [0, 1]');
  if (problems.length > 0) throw new LayoutParamsError(problems);
}
