// A flat Barnes–Hut octree, rebuilt every step into buffers allocated once.
//
// Layout: cells are numbered in depth-first pre-order, so a cell's first child is the next cell and
// `skip` is the first cell after its subtree. Traversal is then a single forward loop with no stack:
// "far enough" or leaf → jump to skip, otherwise → step to the next cell. The points of every cell are one
// contiguous range of the permutation `order`, and `sorted` holds the positions in that order, so a leaf's
// points are adjacent in memory.
//
// Cells with all their points in one octant are not created: the box just shrinks. So every internal cell
// has ≥ 2 children and there are at most 2n − 1 cells. Points that coincide end in one leaf at MAX_DEPTH.

/** Per-cell record in `cells`, CELL_STRIDE numbers each (two 64-byte cache lines; the second, the
 *  quadrupole, is read only for cells treated as one body). */
export const CELL_STRIDE = 16;
export const CX = 0; // centre of mass
export const CY = 1;
export const CZ = 2;
export const MASS = 3; // number of points
export const OPEN2 = 4; // squared distance beyond which the cell may be treated as one body
export const SKIP = 5; // first cell after this subtree
export const FIRST = 6; // leaf: first index into order/sorted; internal: -1
export const END = 7; // leaf: one past the last index
// Traceless quadrupole about the centre of mass, Q = Σ (3·s·sᵀ − |s|²·I) over the cell's points s − com.
export const QXX = 8;
export const QYY = 9;
export const QZZ = 10;
export const QXY = 11;
export const QXZ = 12;
export const QYZ = 13;

const MAX_DEPTH = 40;
const STACK_CAPACITY = 8 * (MAX_DEPTH + 2);

export interface FlatOctree {
  /** Number of cells after the last build. */
  count: number;
  /** CELL_STRIDE numbers per cell (see the field offsets above). */
  readonly cells: Float64Array;
  /** order[k] = node index of the k-th point in tree order. */
  readonly order: Uint32Array;
  /** Positions in tree order, xyz. */
  readonly sorted: Float64Array;
  /** Rebuild from pos (Float32Array xyz of n points). θ = 0 opens every cell (exact forces). */
  build(pos: Float32Array, theta: number): void;
}

export function createFlatOctree(n: number, leafSize = 4): FlatOctree {
  const capacity = Math.max(1, 2 * n);
  const cells = new Float64Array(capacity * CELL_STRIDE);
  const box = new Float64Array(capacity * 4); // min corner xyz and edge length of each cell's final box
  const moments = new Float64Array(capacity * 6); // raw second moments Σ x², y², z², xy, xz, yz about the origin
  const parent = new Int32Array(capacity);
  const order = new Uint32Array(n);
  const scratch = new Uint32Array(n);
  const octant = new Uint8Array(n);
  const sorted = new Float64Array(3 * n);
  // Build stack: pending cells as (first, end, depth, parent) and their boxes.
  const stackRange = new Int32Array(STACK_CAPACITY * 4);
  const stackBox = new Float64Array(STACK_CAPACITY * 4);
  const counts = new Int32Array(8);
  const starts = new Int32Array(8);

  const tree: FlatOctree = { count: 0, cells, order, sorted, build };

  function build(pos: Float32Array, theta: number): void {
    if (n === 0) {
      tree.count = 0;
      return;
    }
    let minX = Infinity,
      minY = Infinity,
      minZ = Infinity;
    let maxX = -Infinity,
      maxY = -Infinity,
      maxZ = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = pos[3 * i]!,
        y = pos[3 * i + 1]!,
        z = pos[3 * i + 2]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      if (z < minZ) minZ = z;
      if (z > maxZ) maxZ = z;
      order[i] = i;
    }
    // A cube slightly larger than the bounding box, so points on the max faces fall inside.
    const size = Math.max(maxX - minX, maxY - minY, maxZ - minZ) * (1 + 1e-9) + 1e-9;
    let top = 0;
    pushCell(top++, 0, n, 0, -1, minX, minY, minZ, size);
    let count = 0;
    while (top > 0) {
      top--;
      const first = stackRange[4 * top]!,
        end = stackRange[4 * top + 1]!;
      let depth = stackRange[4 * top + 2]!;
      const up = stackRange[4 * top + 3]!;
      let bx = stackBox[4 * top]!,
        by = stackBox[4 * top + 1]!,
        bz = stackBox[4 * top + 2]!;
      let bs = stackBox[4 * top + 3]!;
      const cell = count++;
      parent[cell] = up;
      const base = cell * CELL_STRIDE;
      let leaf = end - first <= leafSize;
      while (!leaf) {
        if (depth >= MAX_DEPTH) {
          leaf = true;
          break;
        }
        const half = bs / 2;
        const mx = bx + half,
          my = by + half,
          mz = bz + half;
        counts.fill(0);
        for (let k = first; k < end; k++) {
          const i = order[k]!;
          const o = (pos[3 * i]! >= mx ? 1 : 0) | (pos[3 * i + 1]! >= my ? 2 : 0) | (pos[3 * i + 2]! >= mz ? 4 : 0);
          octant[k] = o;
          counts[o]!++;
        }
        depth++;
        let only = -1;
        for (let o = 0; o < 8; o++) if (counts[o] === end - first) only = o;
        if (only >= 0) {
          // All points in one octant: shrink the box instead of making a one-child cell.
          bx += only & 1 ? half : 0;
          by += only & 2 ? half : 0;
          bz += only & 4 ? half : 0;
          bs = half;
          continue;
        }
        let at = first;
        for (let o = 0; o < 8; o++) {
          starts[o] = at;
          at += counts[o]!;
        }
        for (let k = first; k < end; k++) scratch[starts[octant[k]!]!++] = order[k]!;
        for (let k = first; k < end; k++) order[k] = scratch[k]!;
        // Push children in reverse so that they pop (and are numbered) in octant order.
        for (let o = 7; o >= 0; o--) {
          const c = counts[o]!;
          if (c === 0) continue;
          const childEnd = starts[o]!; // after the scatter, starts[o] is one past the octant's range
          pushCell(top++, childEnd - c, childEnd, depth, cell, bx + (o & 1 ? half : 0), by + (o & 2 ? half : 0), bz + (o & 4 ? half : 0), half);
        }
        break;
      }
      cells[base + FIRST] = leaf ? first : -1;
      cells[base + END] = leaf ? end : -1;
      box[4 * cell] = bx;
      box[4 * cell + 1] = by;
      box[4 * cell + 2] = bz;
      box[4 * cell + 3] = bs;
    }
    tree.count = count;
    summarise(pos, count, theta);
  }

  function pushCell(slot: number, first: number, end: number, depth: number, up: number, bx: number, by: number, bz: number, bs: number): void {
    stackRange[4 * slot] = first;
    stackRange[4 * slot + 1] = end;
    stackRange[4 * slot + 2] = depth;
    stackRange[4 * slot + 3] = up;
    stackBox[4 * slot] = bx;
    stackBox[4 * slot + 1] = by;
    stackBox[4 * slot + 2] = bz;
    stackBox[4 * slot + 3] = bs;
  }

  /** Masses, centres of mass, skip links and opening distances, bottom-up in reverse pre-order. */
  function summarise(pos: Float32Array, count: number, theta: number): void {
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      sorted[3 * k] = pos[3 * i]!;
      sorted[3 * k + 1] = pos[3 * i + 1]!;
      sorted[3 * k + 2] = pos[3 * i + 2]!;
    }
    for (let c = 0; c < count; c++) {
      const base = c * CELL_STRIDE;
      let sx = 0,
        sy = 0,
        sz = 0,
        m = 0,
        xx = 0,
        yy = 0,
        zz = 0,
        xy = 0,
        xz = 0,
        yz = 0;
      if (cells[base + FIRST]! >= 0) {
        for (let k = cells[base + FIRST]!; k < cells[base + END]!; k++) {
          const x = sorted[3 * k]!,
            y = sorted[3 * k + 1]!,
            z = sorted[3 * k + 2]!;
          sx += x;
          sy += y;
          sz += z;
          xx += x * x;
          yy += y * y;
          zz += z * z;
          xy += x * y;
          xz += x * z;
          yz += y * z;
          m++;
        }
      }
      cells[base + CX] = sx;
      cells[base + CY] = sy;
      cells[base + CZ] = sz;
      cells[base + MASS] = m;
      cells[base + SKIP] = 1; // subtree size for now
      const mo = 6 * c;
      moments[mo] = xx;
      moments[mo + 1] = yy;
      moments[mo + 2] = zz;
      moments[mo + 3] = xy;
      moments[mo + 4] = xz;
      moments[mo + 5] = yz;
    }
    for (let c = count - 1; c >= 0; c--) {
      const base = c * CELL_STRIDE;
      const m = cells[base + MASS]!;
      const sx = cells[base + CX]!,
        sy = cells[base + CY]!,
        sz = cells[base + CZ]!;
      const up = parent[c]!;
      if (up >= 0) {
        const pb = up * CELL_STRIDE;
        cells[pb + CX] += sx;
        cells[pb + CY] += sy;
        cells[pb + CZ] += sz;
        cells[pb + MASS] += m;
        cells[pb + SKIP] += cells[base + SKIP]!;
        for (let t = 0; t < 6; t++) moments[6 * up + t] += moments[6 * c + t]!; // raw moments simply add
      }
      const cx = sx / m,
        cy = sy / m,
        cz = sz / m;
      cells[base + CX] = cx;
      cells[base + CY] = cy;
      cells[base + CZ] = cz;
      cells[base + SKIP] = c + cells[base + SKIP]!;
      // Central second moments C = Σ s·sᵀ − m·com·comᵀ, then Q = 3C − tr(C)·I. Float64 keeps the cancellation
      // harmless: coordinates ≲ 10³, so the raw moments lose at most ~6 of their 16 digits.
      const mo = 6 * c;
      const cxx = moments[mo]! - m * cx * cx,
        cyy = moments[mo + 1]! - m * cy * cy,
        czz = moments[mo + 2]! - m * cz * cz;
      const trace = cxx + cyy + czz;
      cells[base + QXX] = 3 * cxx - trace;
      cells[base + QYY] = 3 * cyy - trace;
      cells[base + QZZ] = 3 * czz - trace;
      cells[base + QXY] = 3 * (moments[mo + 3]! - m * cx * cy);
      cells[base + QXZ] = 3 * (moments[mo + 4]! - m * cx * cz);
      cells[base + QYZ] = 3 * (moments[mo + 5]! - m * cy * cz);
      // Barnes' criterion with the offset δ of the centre of mass from the box centre: a point inside the
      // box is never farther than (√3/2)·s + δ < s/θ + δ from the centre of mass (θ ≤ 1), so no node ever
      // approximates a cell that contains itself.
      const hs = box[4 * c + 3]! / 2;
      const ox = cx - (box[4 * c]! + hs),
        oy = cy - (box[4 * c + 1]! + hs),
        oz = cz - (box[4 * c + 2]! + hs);
      const open = theta > 0 ? (2 * hs) / theta + Math.sqrt(ox * ox + oy * oy + oz * oz) : Infinity;
      cells[base + OPEN2] = open * open;
    }
  }

  return tree;
}
