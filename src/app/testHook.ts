// `window.__qres`: a small, read-mostly window into the running page for the Playwright tests and the render
// benchmark. Tests wait on `frames` and `tick` (never on wall time) and read downloads from here.
import type { InitResult, SimMetrics } from '../sim/workerApi';
import type { CameraPose } from '../render/cameraPath';
import type { DownloadRecord } from './downloads';
import type { PageOptions } from './urlParams';
import type { SimProxy } from './simClient';
import type { Action } from './keyMap';

export interface SnapshotInfo {
  tick: number;
  simTimeS: number;
  nodeCount: number;
  evolved: number;
  storm: number;
  paused: boolean;
  speed: number;
  edges: number;
  stateHash: string;
}

export interface RenderStats {
  /** Draw calls of the last frame (SceneInstrumentation). */
  drawCalls: number;
  /** Babylon's frame time (scene.render), ms, average over the last second. */
  frameTimeMs: number;
  /** Our own per-frame JS before scene.render (interpolation, instance and line buffers, HUD), ms, mean. */
  updateMs: number;
  /** Frames per wall second, counted. */
  fps: number;
}

export interface QresTestHook {
  ready: boolean;
  frames: number;
  tick: number;
  options: PageOptions;
  init: InitResult | null;
  lastReset: InitResult | null;
  api: SimProxy;
  snapshot: SnapshotInfo | null;
  render: RenderStats;
  autoRotate: boolean;
  cutaway: boolean;
  recording: boolean;
  cinematic: boolean;
  hudVisible: boolean;
  helpVisible: boolean;
  /** Show "FPS --" in the HUD so screenshots do not depend on the frame rate. */
  freezeFps: boolean;
  lastDownload: DownloadRecord | null;
  downloads: DownloadRecord[];
  errors: string[];
  camera(): CameraPose;
  setCamera(pose: Partial<CameraPose>): void;
  metrics(): Promise<SimMetrics>;
  stateHash(): Promise<string>;
  storedCount(): Promise<number>;
  /** Performs a key action as if its key was pressed. */
  act(action: Action): Promise<void>;
}

declare global {
  interface Window {
    __qres?: QresTestHook;
  }
}
