import { describe, expect, it } from 'vitest';
import { CINEMATIC_DURATION_S, cinematicPose, defaultPose, radiusLimits } from '../../src/render/cameraPath';

describe('camera poses', () => {
  it('default view is yaw 0 and pitch 0.3, at 25 for a radius-8 brain', () => {
    const pose = defaultPose(8);
    expect(pose.alpha).toBe(0);
    expect(pose.beta).toBeCloseTo(Math.PI / 2 - 0.3, 10);
    expect(pose.radius).toBe(25);
    expect(defaultPose(16).radius).toBe(50);
  });

  it('zoom limits are 8..50 at radius 8 and scale with the brain', () => {
    expect(radiusLimits(8)).toEqual({ lower: 8, upper: 50 });
    expect(radiusLimits(80)).toEqual({ lower: 80, upper: 500 });
  });
});

describe('cinematicPose', () => {
  const R = 8;
  const samples = Array.from({ length: 441 }, (_, i) => (i * CINEMATIC_DURATION_S) / 440);

  it('starts outside the brain, passes through it, and ends outside', () => {
    expect(cinematicPose(0, R).radius).toBeGreaterThan(2 * R);
    expect(cinematicPose(CINEMATIC_DURATION_S, R).radius).toBeGreaterThan(2 * R);
    const closest = Math.min(...samples.map((t) => cinematicPose(t, R).radius));
    expect(closest).toBeLessThan(0.5 * R);
    expect(closest).toBeGreaterThan(0);
  });

  it('orbits one way (alpha never decreases) and keeps the camera off the poles', () => {
    let last = -Infinity;
    for (const t of samples) {
      const p = cinematicPose(t, R);
      expect(p.alpha).toBeGreaterThanOrEqual(last - 1e-9);
      last = p.alpha;
      expect(p.beta).toBeGreaterThan(0.2);
      expect(p.beta).toBeLessThan(Math.PI - 0.2);
    }
    expect(last).toBeGreaterThan(Math.PI); // more than half a turn
  });

  it('is smooth: no jumps between frames at 30 fps', () => {
    for (let t = 0; t < CINEMATIC_DURATION_S; t += 1 / 30) {
      const a = cinematicPose(t, R);
      const b = cinematicPose(t + 1 / 30, R);
      expect(Math.abs(b.alpha - a.alpha)).toBeLessThan(0.02);
      expect(Math.abs(b.radius - a.radius)).toBeLessThan(0.1);
    }
  });

  it('clamps outside [0, duration] and scales with the brain radius', () => {
    expect(cinematicPose(-5, R)).toEqual(cinematicPose(0, R));
    expect(cinematicPose(1e6, R)).toEqual(cinematicPose(CINEMATIC_DURATION_S, R));
    expect(cinematicPose(20, 2 * R).radius).toBeCloseTo(2 * cinematicPose(20, R).radius, 9);
  });
});
