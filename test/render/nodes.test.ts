// NodeInstances on Babylon's NullEngine (no GPU): one mesh, one instance per node, buffers written in place.
import { describe, expect, it } from 'vitest';
import { NullEngine } from '@babylonjs/core/Engines/nullEngine';
import { Scene } from '@babylonjs/core/scene';
import { Logger } from '@babylonjs/core/Misc/logger';
import { ENERGY_CUE, NodeInstances } from '../../src/render/nodes';
import { ENERGY_ACTIVE, ENERGY_ALERT, ENERGY_DEEP, STATE_EVOLVED } from '../../src/sim/snapshot';

Logger.LogLevels = Logger.ErrorLogLevel; // no version banner per engine

function setup() {
  const engine = new NullEngine();
  const scene = new Scene(engine);
  return { engine, scene, nodes: new NodeInstances(scene) };
}

describe('NodeInstances', () => {
  it('draws every node as a thin instance of one mesh, whatever the count', () => {
    const { scene, nodes } = setup();
    for (const n of [150, 10_000]) {
      const positions = new Float32Array(3 * n).map((_, i) => i * 0.01);
      nodes.update(positions, new Uint8Array(n), n, 0, null);
      expect(nodes.mesh.thinInstanceCount).toBe(n);
    }
    expect(scene.meshes.filter((m) => m.name === 'nodes')).toHaveLength(1);
  });

  it('writes translation and colour per instance, and hides cutaway nodes with scale 0', () => {
    const { nodes } = setup();
    const positions = Float32Array.of(1, 2, 3, 4, 5, 6);
    const state = Uint8Array.of(0, STATE_EVOLVED);
    nodes.update(positions, state, 2, 0, Uint8Array.of(0, 1));
    const matrices = nodes.mesh.thinInstanceGetWorldMatrices().map((m) => Array.from(m.asArray()));
    expect(matrices[0].slice(12, 15)).toEqual([1, 2, 3]);
    expect(matrices[0][0]).toBeGreaterThan(0);
    expect(matrices[1].slice(12, 15)).toEqual([4, 5, 6]);
    expect(matrices[1][0]).toBe(0);
  });

  it('the energy-mode cue: Alert a little, DeepSilence much smaller and dimmer, hue kept; one mesh, same instances', () => {
    const { scene, nodes } = setup();
    const positions = new Float32Array(3 * 3);
    const state = new Uint8Array(3); // three Calm nodes (same look; the hue jitter is per id, so compare ratios)
    nodes.update(positions, state, 3, 0, null);
    const plainM = [0, 1, 2].map((i) => nodes.matrixBuffer[16 * i]!);
    const plainC = Array.from(nodes.colorBuffer.subarray(0, 12));
    nodes.update(positions, state, 3, 0, null, -1, Uint8Array.of(ENERGY_ACTIVE, ENERGY_ALERT, ENERGY_DEEP));
    const cueM = [0, 1, 2].map((i) => nodes.matrixBuffer[16 * i]!);
    const cueC = Array.from(nodes.colorBuffer.subarray(0, 12));
    expect(nodes.mesh.thinInstanceCount).toBe(3);
    expect(scene.meshes.filter((m) => m.name === 'nodes')).toHaveLength(1);
    expect(cueM[0]).toBe(plainM[0]);
    expect(cueM[1]).toBeCloseTo(plainM[1]! * ENERGY_CUE[ENERGY_ALERT]!.scale, 6);
    expect(cueM[2]).toBeCloseTo(plainM[2]! * ENERGY_CUE[ENERGY_DEEP]!.scale, 6);
    expect(cueM[2]).toBeLessThan(cueM[1]!);
    expect(cueM[1]).toBeLessThan(cueM[0]!);
    for (let k = 0; k < 3; k++) {
      expect(cueC[k]).toBe(plainC[k]);
      // Each channel scaled by the same gain: the colour's hue (the regime) is kept.
      expect(cueC[4 + k]).toBeCloseTo(plainC[4 + k]! * ENERGY_CUE[ENERGY_ALERT]!.gain, 5);
      expect(cueC[8 + k]).toBeCloseTo(plainC[8 + k]! * ENERGY_CUE[ENERGY_DEEP]!.gain, 5);
    }
    expect(ENERGY_CUE[ENERGY_DEEP]!.gain).toBeLessThan(ENERGY_CUE[ENERGY_ALERT]!.gain);
  });
});
