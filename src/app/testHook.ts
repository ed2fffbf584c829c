// `window.__qres`: a small, read-mostly window into the running page for the Playwright tests and the render
// benchmark. Tests wait on `frames` and `tick` (never on wall time) and read downloads from here.
import type { InitResult, LabStatus, NodeInspection, SimMetrics } from '../sim/workerApi';
import type { LabConfig } from './labSettings';
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
  /** The HUD's PreStorm count. */
  preStorm: number;
  paused: boolean;
  speed: number;
  edges: number;
  stateHash: string;
  /** Nodes shown suspected (red) and banned (grey): honest neighbours' view, from the worker. */
  detected: number;
  banned: number;
  attackersBanned: number;
  consensusDrift: number | null;
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
  /** The screen boxes (texture pixels) the GUI is drawn through: HUD panel, inspector, timeline, cut slider, lab
   *  panel; null where that one is hidden (no quad drawn). */
  guiLayers: () => ({ left: number; top: number; width: number; height: number } | null)[];
  /** The lab (issue 16): panel, presets, timeline, inspector. */
  lab: LabHook;
}

export interface LabHook {
  /** The running run's lab settings (only those that differ from the default). */
  readonly config: LabConfig;
  readonly preset: string | null;
  readonly panelOpen: boolean;
  /** The worker's last status (timeline, events, drift), polled every 250 ms. */
  readonly status: LabStatus | null;
  readonly inspection: NodeInspection | null;
  readonly selected: number;
  /** Config changes applied so far (each restarts the run from the seed). */
  readonly restarts: number;
  readonly cutOffset: number;
  /** Name of the focused GUI control, or null. */
  readonly focused: string | null;
  apply(config: LabConfig): Promise<void>;
  applyPreset(id: string): Promise<void>;
  seek(tick: number): Promise<number>;
  select(id: number): void;
  /** The node under canvas pixel (x, y), or −1. */
  pick(x: number, y: number): number;
  /** Canvas pixel of node `id`, or null. */
  screenOf(id: number): { x: number; y: number } | null;
}

declare global {
  interface Window {
    __qres?: QresTestHook;
  }
}
