// NodeInstances on Babylon's NullEngine (no GPU): one mesh, one instance per node, buffers written in place.
import { describe, expect, it } from 'vitest';
import { NullEngine } from '@babylonjs/core/Engines/nullEngine';
import { Scene } from '@babylonjs/core/scene';
import { Logger } from '@babylonjs/core/Misc/logger';
import { NodeInstances } from '../../src/render/nodes';
import { STATE_EVOLVED } from '../../src/sim/snapshot';

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
});
