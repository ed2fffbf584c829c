// The force-directed layout of the Living Brain (issue 3 item 5; the Rust prototype's forces):
//
//   F(p) = Σ_q unit(p−q)·k/max(d,.5)²  +  Σ_q unit(q−p)·a/(1+f·d)              (octree, bodyForces.ts)
//        + Σ_radio neighbours q, d < cutoff  unit(q−p)·s·(d − rest), s = sEvolved if both Evolved
//        − c·p  +  [|p| > .1] unit(p)·(shellRadius − |p|)·surfaceTension
//   v ← clampLen((v + F·dt)·damping^(dt/maxDt), maxSpeed);   p ← p + v·dt      (dt clamped to maxDt)
//
// All forces are computed from the positions at the start of the step, then every node moves. Floats are
// allowed here (the layout decides nothing), but the result is still deterministic: a fixed operation order,
// no Math.random, no allocation after creation. The damping is per maxDt of time rather than per call so that
// a shorter step does not damp more per second; at dt = maxDt it is the original's ×0.75.
import { accumulateBodyForces, createBodyForceScratch } from './bodyForces';
import { createFlatOctree } from './octree';
import { validateLayoutParams, type LayoutParams } from './params';

export interface ForceLayout {
  /** pos, vel: Float32Array(3n) updated in place; evolved: Uint8Array(n) 0/1; dt in seconds (clamped to maxDt). */
  step(pos: Float32Array, vel: Float32Array, evolved: Uint8Array, dt: number): void;
}

/** The radius below which the surface tension has no defined direction and is skipped, as in the original. */
const SURFACE_DEAD_ZONE = 0.1;

/** Leaf bucket size of the octree (4–32 measured at 10,000 nodes: 16 was fastest, by ~10–20 %). */
const LEAF_SIZE = 16;

export function createForceLayout(n: number, offsets: Uint32Array, neighbours: Uint32Array, params: LayoutParams): ForceLayout {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`node count ${n} is not a non-negative integer`);
  if (offsets.length !== n + 1 || offsets[n]! > neighbours.length) {
    throw new RangeError(`neighbourhood offsets (${offsets.length}) do not describe ${n} nodes`);
  }
  for (let s = 0; s < offsets[n]!; s++) {
    if (neighbours[s]! >= n) throw new RangeError(`neighbour ${neighbours[s]} at slot ${s} is not a node index`);
  }
  validateLayoutParams(params);
  const p: LayoutParams = { ...params }; // later changes to the caller's object do not leak into a run
  const tree = createFlatOctree(n, LEAF_SIZE);
  const force = new Float64Array(3 * n);
  const scratch = createBodyForceScratch(n);

  function step(pos: Float32Array, vel: Float32Array, evolved: Uint8Array, dt: number): void {
    if (pos.length !== 3 * n || vel.length !== 3 * n || evolved.length !== n) {
      throw new RangeError(`step expects pos/vel of ${3 * n} and evolved of ${n} values`);
    }
    if (!(dt > 0) || n === 0) return; // no time, no motion (also rejects NaN)
    const h = dt < p.maxDt ? dt : p.maxDt;
    const damping = h === p.maxDt ? p.damping : p.damping ** (h / p.maxDt);

    tree.build(pos, p.theta);
    accumulateBodyForces(tree, n, p, force, scratch);
    addSpringAndShellForces(pos, evolved);

    const maxSpeed = p.maxSpeed,
      maxSpeed2 = maxSpeed * maxSpeed;
    for (let i = 0; i < n; i++) {
      const o = 3 * i;
      let vx = (vel[o]! + force[o]! * h) * damping;
      let vy = (vel[o + 1]! + force[o + 1]! * h) * damping;
      let vz = (vel[o + 2]! + force[o + 2]! * h) * damping;
      const v2 = vx * vx + vy * vy + vz * vz;
      if (v2 > maxSpeed2) {
        const scale = maxSpeed / Math.sqrt(v2);
        vx *= scale;
        vy *= scale;
        vz *= scale;
      }
      vel[o] = vx;
      vel[o + 1] = vy;
      vel[o + 2] = vz;
      pos[o] = pos[o]! + vx * h;
      pos[o + 1] = pos[o + 1]! + vy * h;
      pos[o + 2] = pos[o + 2]! + vz * h;
    }
  }

  /** Springs to radio neighbours, centre gravity and surface tension, added to `force`. */
  function addSpringAndShellForces(pos: Float32Array, evolved: Uint8Array): void {
    const rest = p.restLength,
      cutoff2 = p.springCutoff * p.springCutoff;
    const centre = p.centreGravity,
      shell = p.shellRadius,
      tension = p.surfaceTension;
    for (let i = 0; i < n; i++) {
      const o = 3 * i;
      const px = pos[o]!,
        py = pos[o + 1]!,
        pz = pos[o + 2]!;
      let fx = 0,
        fy = 0,
        fz = 0;
      const iEvolved = evolved[i] !== 0;
      for (let s = offsets[i]!, end = offsets[i + 1]!; s < end; s++) {
        const j = neighbours[s]!;
        const dx = pos[3 * j]! - px,
          dy = pos[3 * j + 1]! - py,
          dz = pos[3 * j + 2]! - pz;
        const d2 = dx * dx + dy * dy + dz * dz;
        if (d2 >= cutoff2 || d2 === 0) continue; // out of reach, or no direction (repulsion separates them)
        const d = Math.sqrt(d2);
        const k = iEvolved && evolved[j] !== 0 ? p.springKEvolved : p.springK;
        const t = (k * (d - rest)) / d;
        fx += t * dx;
        fy += t * dy;
        fz += t * dz;
      }
      fx -= centre * px;
      fy -= centre * py;
      fz -= centre * pz;
      const r = Math.sqrt(px * px + py * py + pz * pz);
      if (r > SURFACE_DEAD_ZONE) {
        const t = ((shell - r) * tension) / r;
        fx += t * px;
        fy += t * py;
        fz += t * pz;
      }
      force[o] = force[o]! + fx;
      force[o + 1] = force[o + 1]! + fy;
      force[o + 2] = force[o + 2]! + fz;
    }
  }

  return { step };
}
