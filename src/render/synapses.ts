// All radio links as ONE updatable line mesh (line list, per-vertex colour and alpha). The geometry is rebuilt
// only when the snapshot's edgesVersion changes; per frame only positions and colours are rewritten.
import type { Scene } from '@babylonjs/core/scene';
import { LinesMesh } from '@babylonjs/core/Meshes/linesMesh';
import { VertexData } from '@babylonjs/core/Meshes/mesh.vertexData';
import { VertexBuffer } from '@babylonjs/core/Buffers/buffer';
import { edgeColor } from './colors';

export class SynapseLines {
  readonly mesh: LinesMesh;
  private edges = new Uint32Array(0);
  private version = -1;
  private positions = new Float32Array(0);
  private colors = new Float32Array(0);

  constructor(scene: Scene) {
    this.mesh = new LinesMesh('synapses', scene, null, null, undefined, true, true);
    this.mesh.alwaysSelectAsActiveMesh = true;
    this.mesh.isPickable = false;
    this.mesh.setEnabled(false);
  }

  get edgeCount(): number {
    return this.edges.length / 2;
  }

  /** New link list (a reset or another config): rebuilds the buffers. */
  setEdges(edges: Uint32Array, version: number): void {
    if (version === this.version && edges.length === this.edges.length) return;
    this.version = version;
    this.edges = edges.slice();
    const vertices = this.edges.length;
    this.positions = new Float32Array(vertices * 3);
    this.colors = new Float32Array(vertices * 4);
    if (vertices === 0) {
      this.mesh.setEnabled(false);
      return;
    }
    const indices = new Uint32Array(vertices);
    for (let i = 0; i < vertices; i++) indices[i] = i;
    const data = new VertexData();
    data.positions = this.positions;
    data.colors = this.colors;
    data.indices = indices;
    data.applyToMesh(this.mesh, true);
    this.mesh.setEnabled(true);
  }

  /** Rewrites both ends of every link and its colour (pair kind + traffic). Hidden endpoints hide the link. */
  update(nodePositions: Float32Array, state: Uint8Array, activity: Float32Array, hidden: Uint8Array | null, selected = -1): void {
    const e = this.edges;
    const count = e.length / 2;
    if (count === 0) return;
    const p = this.positions;
    const c = this.colors;
    for (let k = 0; k < count; k++) {
      const a = e[2 * k];
      const b = e[2 * k + 1];
      const o = k * 6;
      p[o] = nodePositions[a * 3];
      p[o + 1] = nodePositions[a * 3 + 1];
      p[o + 2] = nodePositions[a * 3 + 2];
      p[o + 3] = nodePositions[b * 3];
      p[o + 4] = nodePositions[b * 3 + 1];
      p[o + 5] = nodePositions[b * 3 + 2];
      const oc = k * 8;
      edgeColor(state[a], state[b], activity[k] ?? 0, c, oc);
      if (hidden !== null && (hidden[a] !== 0 || hidden[b] !== 0)) c[oc + 3] = 0;
      else if (a === selected || b === selected) {
        // The inspected node's radio links: bright and opaque.
        c[oc] = 1.6;
        c[oc + 1] = 1.6;
        c[oc + 2] = 1.2;
        c[oc + 3] = 1;
      }
      c[oc + 4] = c[oc];
      c[oc + 5] = c[oc + 1];
      c[oc + 6] = c[oc + 2];
      c[oc + 7] = c[oc + 3];
    }
    this.mesh.updateVerticesData(VertexBuffer.PositionKind, p, false, false);
    this.mesh.updateVerticesData(VertexBuffer.ColorKind, c, false, false);
  }

  dispose(): void {
    this.mesh.dispose();
  }
}
