// SynapseLines on Babylon's NullEngine: one line mesh with two vertices per link, rebuilt only on a new edge list.
import { describe, expect, it } from 'vitest';
import { NullEngine } from '@babylonjs/core/Engines/nullEngine';
import { Scene } from '@babylonjs/core/scene';
import { Logger } from '@babylonjs/core/Misc/logger';
import { VertexBuffer } from '@babylonjs/core/Buffers/buffer';
import { SynapseLines } from '../../src/render/synapses';
import { edgeColor } from '../../src/render/colors';
import { REGIME_STORM, STATE_BANNED, STATE_DETECTED, STATE_EVOLVED } from '../../src/sim/snapshot';

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

describe('SynapseLines colours', () => {
  it('are edgeColor of each link (written out inline for speed), lit for the inspected node, hidden at cut nodes', () => {
    const lines = setup();
    const n = 40;
    const edges = new Uint32Array(2 * 120);
    for (let k = 0; k < 120; k++) {
      edges[2 * k] = (k * 7) % n;
      edges[2 * k + 1] = (k * 13 + 5) % n;
    }
    lines.setEdges(edges, 1);
    const flags = [0, STATE_EVOLVED, STATE_BANNED, STATE_EVOLVED | STATE_BANNED, STATE_DETECTED, REGIME_STORM | STATE_EVOLVED];
    const state = Uint8Array.from({ length: n }, (_, i) => flags[i % flags.length]!);
    const activity = Float32Array.from({ length: 120 }, (_, k) => ((k * 37) % 29) / 20 - 0.2); // below 0, inside, above 1
    const hidden = Uint8Array.from({ length: n }, (_, i) => (i % 11 === 3 ? 1 : 0));
    const selected = 9;
    lines.update(new Float32Array(3 * n), state, activity, hidden, selected);
    const c = lines.mesh.getVerticesData(VertexBuffer.ColorKind)!;
    const want = new Float32Array(4);
    let lit = 0;
    let cut = 0;
    for (let k = 0; k < 120; k++) {
      const a = edges[2 * k]!;
      const b = edges[2 * k + 1]!;
      edgeColor(state[a]!, state[b]!, activity[k]!, want, 0);
      if (hidden[a] || hidden[b]) {
        want[3] = 0;
        cut++;
      } else if (a === selected || b === selected) {
        want.set([1.6, 1.6, 1.2, 1]);
        lit++;
      }
      expect(Array.from(c.slice(8 * k, 8 * k + 4)), `link ${k}`).toEqual(Array.from(want));
      expect(Array.from(c.slice(8 * k + 4, 8 * k + 8)), `link ${k}`).toEqual(Array.from(want));
    }
    expect(lit).toBeGreaterThan(0);
    expect(cut).toBeGreaterThan(0);
  });
});
