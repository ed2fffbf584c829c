import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SparklineBuffer, sparklinePoints } from '../../src/render/sparkline';

describe('SparklineBuffer', () => {
  it('keeps one value per sim-time bin, the latest one', () => {
    const buf = new SparklineBuffer(60, 60);
    buf.push(0.1, 5);
    buf.push(0.5, 7);
    buf.push(1.2, 9);
    expect(buf.series()).toEqual([7, 9]);
  });

  it('holds at most the last window, oldest first', () => {
    const buf = new SparklineBuffer(10, 10);
    for (let t = 0; t < 25; t++) buf.push(t, t);
    expect(buf.series()).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
  });

  it('fills bins skipped by a fast sim with the new value', () => {
    const buf = new SparklineBuffer(10, 10);
    buf.push(0, 1);
    buf.push(3, 4);
    expect(buf.series()).toEqual([1, 4, 4, 4]);
    buf.push(100, 8); // a jump longer than the window
    expect(buf.series()).toEqual(new Array(10).fill(8));
  });

  it('starts over when sim time goes back (reset)', () => {
    const buf = new SparklineBuffer(10, 10);
    for (let t = 0; t < 5; t++) buf.push(t, 50);
    buf.push(0, 3);
    expect(buf.series()).toEqual([3]);
  });

  it('never returns more than `bins` values, for any push sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 500, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }))), (pushes) => {
        const buf = new SparklineBuffer(60, 30);
        for (const [t, v] of pushes) buf.push(t, v);
        const s = buf.series();
        expect(s.length).toBeLessThanOrEqual(30);
        if (pushes.length > 0) expect(s[s.length - 1]).toBeCloseTo(pushes[pushes.length - 1][1], 4);
      }),
    );
  });

  it('rejects a nonsense window', () => {
    expect(() => new SparklineBuffer(0, 10)).toThrow(RangeError);
    expect(() => new SparklineBuffer(10, 1)).toThrow(RangeError);
  });
});

describe('sparklinePoints', () => {
  it('spans the box: first point at x 0, last at x w; 0 at the bottom, the peak at 80 % height', () => {
    expect(sparklinePoints([0, 40, 80], 200, 40)).toEqual([
      [0, 40],
      [100, 24],
      [200, 8],
    ]);
  });

  it('keeps a minimum scale so a flat, quiet series stays near the bottom; empty for no data', () => {
    expect(sparklinePoints([1, 1], 10, 100, 10)).toEqual([
      [0, 90],
      [10, 90],
    ]);
    expect(sparklinePoints([], 10, 10)).toEqual([]);
  });
});
