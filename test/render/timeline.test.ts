import { describe, expect, it } from 'vitest';
import { seekProgress, tickAtX, timelineHorizon } from '../../src/render/timeline';

describe('timeline', () => {
  it('spans 10 minutes of sim time, then grows in 5-minute steps past the furthest tick', () => {
    expect(timelineHorizon(0, 100)).toBe(6000);
    expect(timelineHorizon(5999, 100)).toBe(6000);
    expect(timelineHorizon(6000, 100)).toBe(9000);
    expect(timelineHorizon(100, 50)).toBe(12000);
  });

  it('maps a click to a tick, clamped to the bar', () => {
    expect(tickAtX(0, 780, 6000)).toBe(0);
    expect(tickAtX(390, 780, 6000)).toBe(3000);
    expect(tickAtX(-20, 780, 6000)).toBe(0);
    expect(tickAtX(9999, 780, 6000)).toBe(6000);
    expect(tickAtX(10, 0, 6000)).toBe(0);
  });

  it('reports how far a seek has got', () => {
    expect(seekProgress({ tick: 0, seekFrom: 0, seekTarget: 200 })).toBe(0);
    expect(seekProgress({ tick: 50, seekFrom: 0, seekTarget: 200 })).toBe(0.25);
    expect(seekProgress({ tick: 300, seekFrom: 100, seekTarget: 300 })).toBe(1);
    expect(seekProgress({ tick: 7, seekFrom: 7, seekTarget: 7 })).toBe(1);
  });
});
