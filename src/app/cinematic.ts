// Cinematic mode: plays the scripted camera path (render/cameraPath.ts) on the wall clock, with the HUD hidden
// and a recording running from the first frame to the last.
import { CINEMATIC_DURATION_S, cinematicPose, type CameraPose } from '../render/cameraPath';

export class CinematicDirector {
  private startMs: number | null = null;
  private alphaOffset = 0;

  get active(): boolean {
    return this.startMs !== null;
  }

  /** Starts the path; `fromAlpha` (the camera's current azimuth) makes the orbit continue from where it is. */
  start(nowMs: number, fromAlpha = 0): void {
    this.startMs = nowMs;
    this.alphaOffset = fromAlpha;
  }

  stop(): void {
    this.startMs = null;
  }

  /** Seconds into the path, or null when not playing. */
  elapsedS(nowMs: number): number | null {
    return this.startMs === null ? null : (nowMs - this.startMs) / 1000;
  }

  /** The pose for this frame; null when idle. `finished` is true once the path has played to its end. */
  poseAt(nowMs: number, brainRadius: number): { pose: CameraPose; finished: boolean } | null {
    const t = this.elapsedS(nowMs);
    if (t === null) return null;
    const pose = cinematicPose(t, brainRadius);
    pose.alpha += this.alphaOffset;
    return { pose, finished: t >= CINEMATIC_DURATION_S };
  }
}
