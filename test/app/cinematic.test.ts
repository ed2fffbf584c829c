import { describe, expect, it } from 'vitest';
import { CinematicDirector } from '../../src/app/cinematic';
import { CINEMATIC_DURATION_S, cinematicPose } from '../../src/render/cameraPath';

describe('CinematicDirector', () => {
  it('is idle until started and after stopped', () => {
    const d = new CinematicDirector();
    expect(d.active).toBe(false);
    expect(d.poseAt(1000, 8)).toBeNull();
    d.start(1000);
    expect(d.active).toBe(true);
    d.stop();
    expect(d.poseAt(2000, 8)).toBeNull();
  });

  it('plays the camera path on the clock from its start and reports the end', () => {
    const d = new CinematicDirector();
    d.start(5000);
    const mid = d.poseAt(5000 + 12_000, 8);
    expect(mid?.pose).toEqual(cinematicPose(12, 8));
    expect(mid?.finished).toBe(false);
    expect(d.poseAt(5000 + CINEMATIC_DURATION_S * 1000, 8)?.finished).toBe(true);
    expect(d.elapsedS(6000)).toBe(1);
  });

  it('continues the orbit from the azimuth the camera had', () => {
    const d = new CinematicDirector();
    d.start(0, 2.5);
    const pose = d.poseAt(7000, 8)!.pose;
    const path = cinematicPose(7, 8);
    expect(pose.alpha).toBeCloseTo(path.alpha + 2.5, 12);
    expect(pose.radius).toBe(path.radius);
  });
});
