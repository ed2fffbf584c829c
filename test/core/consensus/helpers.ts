// Shared generators and BigInt references for the consensus tests.
import fc from 'fast-check';

export const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/** n honest rows in [lo, hi] plus b ≤ f arbitrary int32 rows, with f, in a random order. */
export function contaminated(maxF: (n: number) => number, opts: { minN?: number; maxN?: number; maxD?: number; fixedF?: boolean } = {}) {
  return fc
    .record({
      n: fc.integer({ min: opts.minN ?? 1, max: opts.maxN ?? 20 }),
      d: fc.integer({ min: 1, max: opts.maxD ?? 9 }),
      center: fc.integer({ min: -(2 ** 20), max: 2 ** 20 }),
      spread: fc.integer({ min: 0, max: 2 ** 16 }),
      seed: fc.integer(),
    })
    .filter((r) => maxF(r.n) >= 0)
    .chain((r) =>
      fc.integer({ min: 0, max: maxF(r.n) }).chain((f) =>
        fc
          .record({
            b: fc.integer({ min: 0, max: f }),
            honest: fc.array(fc.integer({ min: r.center - r.spread, max: r.center + r.spread }), { minLength: r.n * r.d, maxLength: r.n * r.d }),
            byz: fc.array(fc.integer(INT32), { minLength: r.n * r.d, maxLength: r.n * r.d }),
            order: fc.shuffledSubarray(
              Array.from({ length: r.n }, (_, i) => i),
              { minLength: r.n, maxLength: r.n },
            ),
          })
          .map((x) => ({ ...r, ...x, f })),
      ),
    )
    .map((r) => {
      // Rows order[0..b) are Byzantine.
      const vectors = new Int32Array(r.n * r.d);
      const isByz = new Uint8Array(r.n);
      for (let k = 0; k < r.n; k++) {
        const row = r.order[k]!;
        const byz = k < r.b;
        isByz[row] = byz ? 1 : 0;
        for (let c = 0; c < r.d; c++) vectors[row * r.d + c] = (byz ? r.byz : r.honest)[row * r.d + c]!;
      }
      return { n: r.n, d: r.d, f: r.f, vectors, isByz };
    });
}

/** Per-coordinate [min, max] over the honest rows. */
export function honestRange(vectors: Int32Array, n: number, d: number, isByz: Uint8Array): { lo: number[]; hi: number[] } {
  const lo = Array<number>(d).fill(Infinity);
  const hi = Array<number>(d).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    if (isByz[i]) continue;
    for (let c = 0; c < d; c++) {
      lo[c] = Math.min(lo[c]!, vectors[i * d + c]!);
      hi[c] = Math.max(hi[c]!, vectors[i * d + c]!);
    }
  }
  return { lo, hi };
}

export function sqDist(v: Int32Array, i: number, j: number, d: number): bigint {
  let s = 0n;
  for (let c = 0; c < d; c++) s += (BigInt(v[i * d + c]!) - BigInt(v[j * d + c]!)) ** 2n;
  return s;
}

/** Permutes rows (and a parallel weight array). */
export function permuteRows(v: Int32Array, n: number, d: number, perm: number[]): Int32Array {
  const out = new Int32Array(n * d);
  perm.forEach((src, dst) => out.set(v.subarray(src * d, src * d + d), dst * d));
  return out;
}
