import { describe, expect, it } from 'vitest';
import { VisualClock } from '../../src/render/visualClock';

describe('VisualClock', () => {
  it('follows the wall clock while running', () => {
    const clock = new VisualClock();
    clock.update(0.1, false, 99);
    expect(clock.update(0.2, false, 99)).toBeCloseTo(0.3, 10);
  });

  it('is the sim time while paused, whatever the wall clock did (deterministic paused frames)', () => {
    const a = new VisualClock();
    const b = new VisualClock();
    a.update(0.2, false, 0);
    a.update(0.2, false, 0);
    expect(a.update(0.05, true, 12.5)).toBe(12.5);
    expect(b.update(3, true, 12.5)).toBe(12.5);
  });

  it('continues from the paused time when resumed, and caps a stalled frame', () => {
    const clock = new VisualClock();
    clock.update(0, true, 4);
    expect(clock.update(10, false, 4)).toBeCloseTo(4.25, 10);
  });
});
