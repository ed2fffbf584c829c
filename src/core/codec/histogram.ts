// An adaptive frequency model (counts in a Fenwick tree) for residuals whose distribution is not Laplace:
// values on a lattice (a °F series stored in 0.1 °C takes only every ~5th value), several modes, skew.
// It learns the empirical distribution as it goes, which a one-parameter Laplace cannot.
//
// Every symbol starts at count 1 and gains INCREMENT per occurrence, so a sparse alphabet is learnt within
// a few samples; counts halve when the total passes LIMIT, which keeps the model tracking drift. No count
// grows past 7/8 of the total, so even after a halving (which can round a count up) no symbol exceeds 15/16:
// the same per-symbol floor of 0.093 bits as the Laplace tables, which bounds how many residuals a stream of
// a given size can declare.
const INCREMENT = 24;
const LIMIT = 1 << 16;
/** Largest K (alphabet = 2K + 2 symbols: zig-zag −K..K and an escape). */
export const HISTOGRAM_MAX_K = 2047;

export class AdaptiveHistogram {
  readonly size: number;
  total: number;
  private readonly counts: Uint32Array;
  private readonly tree: Uint32Array;
  private readonly topBit: number;

  constructor(symbols: number) {
    this.size = symbols;
    this.counts = new Uint32Array(symbols).fill(1);
    this.tree = new Uint32Array(symbols + 1);
    this.total = symbols;
    let top = 1;
    while (top * 2 <= symbols) top *= 2;
    this.topBit = top;
    this.rebuild();
  }

  freqOf(sym: number): number {
    return this.counts[sym]!;
  }

  /** Σ counts[0..sym). */
  cumOf(sym: number): number {
    let s = 0;
    for (let i = sym; i > 0; i -= i & -i) s += this.tree[i]!;
    return s;
  }

  /** The symbol whose [cum, cum + freq) holds v (0 ≤ v < total). */
  find(v: number): number {
    let pos = 0;
    for (let step = this.topBit; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= this.size && this.tree[next]! <= v) {
        pos = next;
        v -= this.tree[next]!;
      }
    }
    return pos;
  }

  update(sym: number): void {
    const c = this.counts[sym]!;
    if ((c + INCREMENT) * 8 > (this.total + INCREMENT) * 7) return;
    this.counts[sym] = c + INCREMENT;
    this.total += INCREMENT;
    for (let i = sym + 1; i <= this.size; i += i & -i) this.tree[i]! += INCREMENT;
    if (this.total > LIMIT) {
      this.total = 0;
      for (let i = 0; i < this.size; i++) {
        this.counts[i] = (this.counts[i]! + 1) >> 1;
        this.total += this.counts[i]!;
      }
      this.rebuild();
    }
  }

  private rebuild(): void {
    this.tree.fill(0);
    for (let i = 1; i <= this.size; i++) {
      this.tree[i]! += this.counts[i - 1]!;
      const parent = i + (i & -i);
      if (parent <= this.size) this.tree[parent]! += this.tree[i]!;
    }
  }
}

/** (shift, K) for the histogram model: the smallest shift whose 99.5th-percentile |q| fits in K ≤ 2047. */
export function histogramParams(residuals: Int32Array): { shift: number; k: number } {
  if (residuals.length === 0) return { shift: 0, k: 1 };
  const mags = Float64Array.from(residuals, (r) => Math.abs(r)).sort();
  const p = mags[Math.min(mags.length - 1, Math.floor(mags.length * 0.995))]!;
  let shift = 0;
  while (Math.floor(p / 2 ** shift) > HISTOGRAM_MAX_K) shift++;
  return { shift, k: Math.max(1, Math.floor(p / 2 ** shift)) };
}
