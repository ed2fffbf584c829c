// A reference for the tests: a cyclic Jacobi eigendecomposition of a symmetric 9 × 9 matrix, an independent route
// to the eigen-directions the product's clip (src/core/consensus/clipping.ts) handles with a Cholesky solve.
const D9 = 9;

/** Cyclic Jacobi on a symmetric 9 × 9 matrix `a` (destroyed): eigenvalues into `values`, eigenvectors as the
 *  columns of `vectors`. A fixed number of sweeps and a fixed order: the same doubles on every machine. */
export function jacobiEigen9(a: Float64Array, values: Float64Array, vectors: Float64Array, sweeps = 10): void {
  vectors.fill(0);
  for (let i = 0; i < D9; i++) vectors[i * D9 + i] = 1;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (let p = 0; p < D9 - 1; p++) {
      for (let q = p + 1; q < D9; q++) {
        const apq = a[p * D9 + q]!;
        if (apq === 0) continue;
        const app = a[p * D9 + p]!;
        const aqq = a[q * D9 + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < D9; k++) {
          const akp = a[k * D9 + p]!;
          const akq = a[k * D9 + q]!;
          a[k * D9 + p] = c * akp - s * akq;
          a[k * D9 + q] = s * akp + c * akq;
        }
        for (let k = 0; k < D9; k++) {
          const apk = a[p * D9 + k]!;
          const aqk = a[q * D9 + k]!;
          a[p * D9 + k] = c * apk - s * aqk;
          a[q * D9 + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < D9; k++) {
          const vkp = vectors[k * D9 + p]!;
          const vkq = vectors[k * D9 + q]!;
          vectors[k * D9 + p] = c * vkp - s * vkq;
          vectors[k * D9 + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  for (let i = 0; i < D9; i++) values[i] = a[i * D9 + i]!;
}
