// All nodes as ONE mesh with thin instances: one draw call whatever the node count. Each instance gets a
// scale+translation matrix and an HDR colour; both buffers are rewritten in place every frame.
import '@babylonjs/core/Meshes/thinInstanceMesh';
import type { Scene } from '@babylonjs/core/scene';
import type { Mesh } from '@babylonjs/core/Meshes/mesh';
import { CreateIcoSphere } from '@babylonjs/core/Meshes/Builders/icoSphereBuilder';
import { StandardMaterial } from '@babylonjs/core/Materials/standardMaterial';
import { Color3 } from '@babylonjs/core/Maths/math.color';
import { nodeVisual } from './colors';

/** Radius of the unit node sphere; per-look scales (colors.ts LOOK_SCALE) multiply it. */
export const NODE_MESH_RADIUS = 0.55;

/** The energy-mode cue (Snapshot.energy, ENERGY_*), on top of the regime look: a radio that sleeps more is drawn
 *  smaller and dimmer — its colour scaled, so the hue (the regime) is kept, and a deep node's glow stays under
 *  the bloom. Active: as is; Alert: a little smaller and dimmer; DeepSilence: small and dim. Same instances, same
 *  draw call. */
export const ENERGY_CUE: readonly { readonly scale: number; readonly gain: number }[] = [
  { scale: 1, gain: 1 }, // ENERGY_ACTIVE
  { scale: 0.9, gain: 0.8 }, // ENERGY_ALERT
  { scale: 0.7, gain: 0.45 }, // ENERGY_DEEP
];

export class NodeInstances {
  readonly mesh: Mesh;
  private matrices = new Float32Array(0);
  private colors = new Float32Array(0);
  private capacity = 0;

  constructor(scene: Scene) {
    this.mesh = CreateIcoSphere('nodes', { radius: NODE_MESH_RADIUS, subdivisions: 2, flat: false }, scene);
    const material = new StandardMaterial('nodeMaterial', scene);
    // Lit a little for depth, mostly self-lit: the instance colour multiplies (diffuse + emissive), and colours
    // above 1 (Evolved, Storm) end up above the bloom threshold.
    material.diffuseColor = new Color3(0.55, 0.55, 0.55);
    material.emissiveColor = new Color3(0.5, 0.5, 0.5);
    material.specularColor = new Color3(0.25, 0.25, 0.25);
    material.specularPower = 24;
    this.mesh.material = material;
    // Instances span the whole brain; per-instance culling would cost more than it saves.
    this.mesh.alwaysSelectAsActiveMesh = true;
    this.mesh.isPickable = false;
    this.ensureCapacity(1);
    this.mesh.thinInstanceCount = 0;
  }

  /** The instance matrices and colours as last written (16 and 4 floats per node; read-only for callers). */
  get matrixBuffer(): Float32Array {
    return this.matrices;
  }

  get colorBuffer(): Float32Array {
    return this.colors;
  }

  private ensureCapacity(n: number): void {
    if (n <= this.capacity) return;
    this.capacity = Math.max(n, Math.ceil(this.capacity * 1.5));
    this.matrices = new Float32Array(this.capacity * 16);
    this.colors = new Float32Array(this.capacity * 4);
    this.mesh.thinInstanceSetBuffer('matrix', this.matrices, 16, false);
    this.mesh.thinInstanceSetBuffer('color', this.colors, 4, false);
  }

  /**
   * Writes every node's matrix and colour. `hidden` (cutaway) nodes get scale 0: they stay in the buffer so the
   * instance count, and the draw call, never change. `energy` (Snapshot.energy): the energy-mode cue (ENERGY_CUE);
   * null draws every node Active.
   */
  update(
    positions: Float32Array,
    state: Uint8Array,
    count: number,
    timeS: number,
    hidden: Uint8Array | null,
    selected = -1,
    energy: Uint8Array | null = null,
  ): void {
    this.ensureCapacity(count);
    const m = this.matrices;
    const c = this.colors;
    for (let i = 0; i < count; i++) {
      let s = hidden !== null && hidden[i] !== 0 ? 0 : nodeVisual(state[i], i, timeS, c, i * 4);
      const mode = energy === null ? 0 : energy[i]!;
      if (mode !== 0) {
        const cue = ENERGY_CUE[mode] ?? ENERGY_CUE[0]!;
        s *= cue.scale;
        c[i * 4] *= cue.gain;
        c[i * 4 + 1] *= cue.gain;
        c[i * 4 + 2] *= cue.gain;
      }
      const o = i * 16;
      m[o] = s;
      m[o + 5] = s;
      m[o + 10] = s;
      m[o + 15] = 1;
      m[o + 12] = positions[i * 3];
      m[o + 13] = positions[i * 3 + 1];
      m[o + 14] = positions[i * 3 + 2];
    }
    if (selected >= 0 && selected < count && m[selected * 16] !== 0) {
      // The inspected node: bigger and white-hot, so it stands out in the bloom.
      const o = selected * 16;
      m[o] *= 1.6;
      m[o + 5] *= 1.6;
      m[o + 10] *= 1.6;
      c[selected * 4] += 1.5;
      c[selected * 4 + 1] += 1.5;
      c[selected * 4 + 2] += 1.5;
    }
    this.mesh.thinInstanceCount = count;
    this.mesh.thinInstanceBufferUpdated('matrix');
    this.mesh.thinInstanceBufferUpdated('color');
  }
}
