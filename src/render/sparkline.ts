// Entropy history for the HUD sparkline: the last minute of *sim* time in fixed one-second bins, so the curve
// means the same at 1×, 10× and max speed, and at any frame rate. Pure (no Babylon).

export class SparklineBuffer {
  private readonly values: Float32Array;
  private lastBin = -1;
  private filled = 0;

  /** `windowS` seconds of sim time in `bins` bins. */
  constructor(
    readonly windowS = 60,
    readonly bins = 60,
  ) {
    if (!(windowS > 0) || !Number.isInteger(bins) || bins < 2) throw new RangeError('sparkline needs windowS > 0 and bins ≥ 2');
    this.values = new Float32Array(bins);
  }

  get binSeconds(): number {
    return this.windowS / this.bins;
  }

  /** Records `value` at sim time `simTimeS`. Going back in time (a reset) starts a new history. */
  push(simTimeS: number, value: number): void {
    const bin = Math.floor(simTimeS / this.binSeconds);
    if (bin < this.lastBin) this.clear();
    if (this.lastBin < 0) {
      this.lastBin = bin;
      this.values[bin % this.bins] = value;
      this.filled = 1;
      return;
    }
    // Bins skipped over (a fast sim or a slow frame) take the new value: the line stays continuous.
    const steps = Math.min(bin - this.lastBin, this.bins);
    for (let k = 1; k <= steps; k++) this.values[(bin - steps + k) % this.bins] = value;
    this.filled = Math.min(this.bins, this.filled + steps);
    this.lastBin = bin;
    this.values[bin % this.bins] = value;
  }

  /** The recorded bins, oldest first (at most `bins` of them). */
  series(): number[] {
    const out: number[] = [];
    for (let k = this.filled - 1; k >= 0; k--) out.push(this.values[(this.lastBin - k) % this.bins]);
    return out;
  }

  clear(): void {
    this.lastBin = -1;
    this.filled = 0;
    this.values.fill(0);
  }
}

/**
 * Maps a series to polyline points in a w×h box (y grows downwards, as on a canvas). The scale's top follows the
 * data (a quiet swarm's few percent of storm should still show a shape) but never drops below `minTop`.
 */
export function sparklinePoints(series: readonly number[], w: number, h: number, minTop = 10): [number, number][] {
  if (series.length === 0) return [];
  let top = minTop;
  for (const v of series) if (v * 1.25 > top) top = v * 1.25;
  const dx = series.length > 1 ? w / (series.length - 1) : 0;
  return series.map((v, i) => [i * dx, h - (Math.max(0, v) / top) * h]);
}
