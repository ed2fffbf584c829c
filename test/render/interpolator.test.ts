import { describe, expect, it } from 'vitest';
import { SnapshotInterpolator } from '../../src/render/interpolator';
import { syntheticSnapshot } from './syntheticSnapshot';

describe('SnapshotInterpolator', () => {
  it('shows the first snapshot as it is and returns nothing to recycle', () => {
    const interp = new SnapshotInterpolator();
    const a = syntheticSnapshot(3, 1, 0);
    expect(interp.push(a, 0)).toBeNull();
    const out = new Float32Array(9);
    expect(interp.positionsAt(50, out)).toBe(3);
    expect(Array.from(out)).toEqual(Array.from(a.positions));
  });

  it('blends positions between the last two ticks over the measured arrival interval', () => {
    const interp = new SnapshotInterpolator();
    interp.push(syntheticSnapshot(2, 1, 0), 0);
    interp.push(syntheticSnapshot(2, 2, 10), 100); // arrival gap 100 ms, offset 0 -> 10
    const out = new Float32Array(6);
    interp.positionsAt(150, out);
    expect(out[0]).toBeCloseTo(5, 5);
    expect(out[3]).toBeCloseTo(6, 5);
    interp.positionsAt(100, out);
    expect(out[0]).toBeCloseTo(0, 5);
    interp.positionsAt(400, out); // clamped at the latest
    expect(out[0]).toBeCloseTo(10, 5);
  });

  it('does not blend when the latest snapshot is paused (the screen must be stable)', () => {
    const interp = new SnapshotInterpolator();
    interp.push(syntheticSnapshot(1, 1, 0), 0);
    interp.push(syntheticSnapshot(1, 5, 4, { paused: true }), 100);
    expect(interp.alphaAt(101)).toBe(1);
    const out = new Float32Array(3);
    interp.positionsAt(101, out);
    expect(out[0]).toBe(4);
  });

  it('ping-pong: hands back the snapshot that left the blend window, never one still in use', () => {
    const interp = new SnapshotInterpolator();
    const a = syntheticSnapshot(1, 1);
    const b = syntheticSnapshot(1, 2);
    const c = syntheticSnapshot(1, 3);
    expect(interp.push(a, 0)).toBeNull();
    expect(interp.push(b, 10)).toBeNull();
    expect(interp.push(c, 20)).toBe(a);
    expect(interp.previous).toBe(b);
    expect(interp.latest).toBe(c);
  });

  it('a same-tick snapshot replaces the latest and frees the old one, keeping the blend', () => {
    const interp = new SnapshotInterpolator();
    const a = syntheticSnapshot(1, 1, 0);
    const b = syntheticSnapshot(1, 2, 10);
    const b2 = syntheticSnapshot(1, 2, 10, { paused: true });
    interp.push(a, 0);
    interp.push(b, 100);
    expect(interp.push(b2, 130)).toBe(b);
    expect(interp.latest).toBe(b2);
    expect(interp.previous).toBe(a);
  });

  it('a reset (tick goes back) or a new node count drops the history', () => {
    const interp = new SnapshotInterpolator();
    interp.push(syntheticSnapshot(2, 10, 0), 0);
    interp.push(syntheticSnapshot(2, 11, 1), 100);
    const fresh = syntheticSnapshot(2, 0, 50);
    expect(interp.push(fresh, 200)).not.toBeNull();
    expect(interp.previous).toBeNull();
    const out = new Float32Array(6);
    interp.positionsAt(210, out);
    expect(out[0]).toBe(50);
    const bigger = syntheticSnapshot(4, 1, 7);
    interp.push(bigger, 300);
    expect(interp.previous).toBeNull();
    expect(interp.positionsAt(300, new Float32Array(12))).toBe(4);
  });

  it('blends the noise zone like the positions', () => {
    const interp = new SnapshotInterpolator();
    interp.push(syntheticSnapshot(1, 1, 0), 0);
    interp.push(syntheticSnapshot(1, 2, 8), 100);
    const zone = new Float32Array(4);
    interp.noiseZoneAt(125, zone);
    expect(zone[0]).toBeCloseTo(2, 5);
    expect(zone[3]).toBe(5);
  });
});
