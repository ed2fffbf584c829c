// SynapseLines on Babylon's NullEngine: one line mesh with two vertices per link, rebuilt only on a new edge list.
import { describe, expect, it } from 'vitest';
import { NullEngine } from '@babylonjs/core/Engines/nullEngine';
import { Scene } from '@babylonjs/core/scene';
import { Logger } from '@babylonjs/core/Misc/logger';
import { VertexBuffer } from '@babylonjs/core/Buffers/buffer';
import { SynapseLines } from '../../src/render/synapses';
import { STATE_EVOLVED } from '../../src/sim/snapshot';

Logger.LogLevels = Logger.ErrorLogLevel; // no version banner per engine

function setup() {
  const scene = new Scene(new NullEngine());
  return new SynapseLines(scene);
}

describe('SynapseLines', () => {
  it('has two vertices per link and follows the node positions', () => {
    const lines = setup();
    lines.setEdges(Uint32Array.of(0, 1, 1, 2), 1);
    expect(lines.edgeCount).toBe(2);
    const positions = Float32Array.of(0, 0, 0, 1, 0, 0, 2, 0, 0);
    lines.update(positions, new Uint8Array(3), new Float32Array(2), null);
    const verts = lines.mesh.getVerticesData(VertexBuffer.PositionKind)!;
    expect(Array.from(verts)).toEqual([0, 0, 0, 1, 0, 0, 1, 0, 0, 2, 0, 0]);
    expect(lines.mesh.getTotalVertices()).toBe(4);
    expect(lines.mesh.isEnabled()).toBe(true);
  });

  it('colours both ends of a link the same, by pair, and hides links to cutaway nodes', () => {
    const lines = setup();
    lines.setEdges(Uint32Array.of(0, 1, 1, 2), 1);
    const state = Uint8Array.of(STATE_EVOLVED, STATE_EVOLVED, 0);
    lines.update(new Float32Array(9), state, Float32Array.of(0, 1), Uint8Array.of(0, 0, 1));
    const c = Array.from(lines.mesh.getVerticesData(VertexBuffer.ColorKind)!);
    expect(c.slice(0, 4)).toEqual(c.slice(4, 8));
    expect(c[0]).toBeGreaterThan(c[1]); // purple: Evolved–Evolved
    expect(c[11]).toBe(0); // second link ends at a hidden node
  });

  it('keeps its buffers for the same edgesVersion and rebuilds for a new one; no links disables the mesh', () => {
    const lines = setup();
    const edges = Uint32Array.of(0, 1);
    lines.setEdges(edges, 5);
    const before = lines.mesh.getVertexBuffer(VertexBuffer.PositionKind);
    lines.setEdges(edges, 5);
    expect(lines.mesh.getVertexBuffer(VertexBuffer.PositionKind)).toBe(before);
    lines.setEdges(Uint32Array.of(0, 1, 0, 2, 1, 2), 6);
    expect(lines.edgeCount).toBe(3);
    expect(lines.mesh.getTotalVertices()).toBe(6);
    lines.setEdges(new Uint32Array(0), 7);
    expect(lines.mesh.isEnabled()).toBe(false);
  });
});
