// Keeps the last two snapshots with different ticks and blends node positions between them, so motion is smooth
// at any frame rate while the worker ticks at its own pace. Pure (no Babylon, no clock): time is passed in.
import type { Snapshot } from '../sim/snapshot';

export class SnapshotInterpolator {
  private prev: Snapshot | null = null;
  private curr: Snapshot | null = null;
  private arrivedMs = 0;
  /** Wall time between the last two tick changes, smoothed; the blend spans this long. */
  private intervalMs = 100;

  get latest(): Snapshot | null {
    return this.curr;
  }

  get previous(): Snapshot | null {
    return this.prev;
  }

  /**
   * Takes a new snapshot that arrived at `nowMs`. Returns the snapshot the caller may hand back to the worker
   * for reuse (ping-pong), or null. A snapshot of the same tick replaces the latest one (its HUD/flags may
   * differ) without moving the blend; a reset (lower tick, or a node count change) drops the history.
   */
  push(next: Snapshot, nowMs: number): Snapshot | null {
    const curr = this.curr;
    if (curr === null) {
      this.curr = next;
      this.arrivedMs = nowMs;
      return null;
    }
    if (next.tick === curr.tick && next.nodeCount === curr.nodeCount) {
      this.curr = next;
      return curr;
    }
    if (next.tick < curr.tick || next.nodeCount !== curr.nodeCount) {
      const dropped = this.prev;
      this.prev = null;
      this.curr = next;
      this.arrivedMs = nowMs;
      // Both old snapshots are free now; hand back one, let the other be collected.
      return dropped ?? curr;
    }
    const freed = this.prev;
    const gap = nowMs - this.arrivedMs;
    if (gap > 0) this.intervalMs = Math.min(1000, 0.7 * this.intervalMs + 0.3 * gap);
    this.prev = curr;
    this.curr = next;
    this.arrivedMs = nowMs;
    return freed;
  }

  /** Blend factor in [0, 1] from the previous to the latest snapshot at `nowMs`; 1 when paused or no history. */
  alphaAt(nowMs: number): number {
    if (this.curr === null || this.prev === null || this.curr.paused) return 1;
    const a = (nowMs - this.arrivedMs) / this.intervalMs;
    return a <= 0 ? 0 : a >= 1 ? 1 : a;
  }

  /** Writes the blended 3·N positions into `out` (length ≥ 3·N). Returns N, or 0 before the first snapshot. */
  positionsAt(nowMs: number, out: Float32Array): number {
    const curr = this.curr;
    if (curr === null) return 0;
    const n3 = curr.nodeCount * 3;
    const to = curr.positions;
    const prev = this.prev;
    const a = this.alphaAt(nowMs);
    if (prev === null || a >= 1) {
      out.set(to.subarray(0, n3));
      return curr.nodeCount;
    }
    const from = prev.positions;
    for (let i = 0; i < n3; i++) out[i] = from[i] + (to[i] - from[i]) * a;
    return curr.nodeCount;
  }

  /** The noise zone [x, y, z, r], blended like the positions. */
  noiseZoneAt(nowMs: number, out: Float32Array): void {
    const curr = this.curr;
    if (curr === null) return;
    const prev = this.prev;
    const a = this.alphaAt(nowMs);
    for (let i = 0; i < 4; i++) {
      const to = curr.noiseZone[i];
      out[i] = prev === null ? to : prev.noiseZone[i] + (to - prev.noiseZone[i]) * a;
    }
  }

  clear(): void {
    this.prev = null;
    this.curr = null;
  }
}
