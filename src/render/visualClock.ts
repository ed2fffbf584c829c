// The clock that drives pulses and flicker. While the sim runs it follows the wall clock (smooth at any speed);
// while paused it is the snapshot's sim time, so a paused scene renders the same pixels every frame and in every
// launch (the visual-regression tests depend on that). Pure.
export class VisualClock {
  private t = 0;

  get seconds(): number {
    return this.t;
  }

  /** Advances by `wallDtS` seconds of real time, or pins to `simTimeS` when paused. Returns the time. */
  update(wallDtS: number, paused: boolean, simTimeS: number): number {
    if (paused) this.t = simTimeS;
    else if (wallDtS > 0) this.t += Math.min(wallDtS, 0.25); // a stalled tab should not fast-forward the pulses
    return this.t;
  }
}
