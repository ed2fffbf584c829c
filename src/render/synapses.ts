// All radio links as ONE updatable line mesh (line list, per-vertex colour and alpha). The geometry is rebuilt
// only when the snapshot's edgesVersion changes; per frame only positions and colours are rewritten.
import type { Scene } from '@babylonjs/core/scene';
import { LinesMesh } from '@babylonjs/core/Meshes/linesMesh';
import { VertexData } from '@babylonjs/core/Meshes/mesh.vertexData';
import { VertexBuffer } from '@babylonjs/core/Buffers/buffer';
import { EDGE_RGBA } from './colors';
import { STATE_BANNED, STATE_EVOLVED } from '../sim/snapshot';

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
      // edgeColor (colors.ts), written out: called per link it cost 5-10x this loop (33k links at 10k nodes).
      const sa = state[a]!;
      const sb = state[b]!;
      const kind = (sa | sb) & STATE_BANNED ? 12 : ((sa & STATE_EVOLVED) !== 0 ? 4 : 0) + ((sb & STATE_EVOLVED) !== 0 ? 4 : 0);
      const raw = activity[k] ?? 0;
      const act = raw > 1 ? 1 : raw < 0 ? 0 : raw;
      const gain = 1 + 1.1 * act;
      let r = EDGE_RGBA[kind]! * gain;
      let g = EDGE_RGBA[kind + 1]! * gain;
      let bl = EDGE_RGBA[kind + 2]! * gain;
      const alpha = EDGE_RGBA[kind + 3]! + 0.5 * act;
      let al = alpha > 1 ? 1 : alpha;
      if (hidden !== null && (hidden[a] !== 0 || hidden[b] !== 0)) al = 0;
      else if (a === selected || b === selected) {
        // The inspected node's radio links: bright and opaque.
        r = 1.6;
        g = 1.6;
        bl = 1.2;
        al = 1;
      }
      c[oc] = r;
      c[oc + 1] = g;
      c[oc + 2] = bl;
      c[oc + 3] = al;
      c[oc + 4] = r;
      c[oc + 5] = g;
      c[oc + 6] = bl;
      c[oc + 7] = al;
    }
    this.mesh.updateVerticesData(VertexBuffer.PositionKind, p, false, false);
    this.mesh.updateVerticesData(VertexBuffer.ColorKind, c, false, false);
  }

  dispose(): void {
    this.mesh.dispose();
  }
}
