// The Living Brain page: wires the worker (which owns the tick), the snapshot pump, the Babylon view, the keys,
// recording and cinematic mode, and publishes the test hook. All sim state lives in the worker.
import { BrainView } from '../render/brainView';
import { SnapshotInterpolator } from '../render/interpolator';
import { SparklineBuffer } from '../render/sparkline';
import { VisualClock } from '../render/visualClock';
import { hudLines } from '../render/hudText';
import { radioProfile } from '../core/energy/profiles';
import type { Snapshot } from '../sim/snapshot';
import type { SpeedFactor } from '../sim/workerApi';
import { actionForKey, type Action } from './keyMap';
import { createSimWorker, SnapshotPump } from './simClient';
import { canvasToPng, downloadLog, fileStamp, saveBlob } from './downloads';
import { CanvasRecorder } from './recorder';
import { CinematicDirector } from './cinematic';
import { HelpOverlay, showMessage } from './overlays';
import type { QresTestHook } from './testHook';
import type { PageOptions } from './urlParams';
import { createLiveApi } from './liveApi';
import type { LiveParams } from './liveSource';

const SPEED_OF: Partial<Record<Action, SpeedFactor>> = { speed1: 1, speed10: 10, speedMax: 0 };

/** `live`: show a real swarm from an MQTT broker instead of the simulation (see src/app/liveApi.ts). */
export async function startApp(canvas: HTMLCanvasElement, options: PageOptions, live: LiveParams | null = null): Promise<QresTestHook> {
  const view = new BrainView(canvas, { autoRotate: options.autoRotate && !options.cinematic });
  const api = live ? createLiveApi(live) : createSimWorker().api;
  const interpolator = new SnapshotInterpolator();
  const sparkline = new SparklineBuffer(60, 60);
  const clock = new VisualClock();
  const recorder = new CanvasRecorder(canvas);
  const director = new CinematicDirector();
  const help = new HelpOverlay();
  let paused = options.paused;
  // The live view has no per-frame counters (its HUD radio line shows --); the simulation's are in every snapshot.
  const hudRadio = radioProfile(options.radio);
  let pendingScreenshot = false;
  let busy: Promise<unknown> = Promise.resolve();

  const hook: QresTestHook = {
    ready: false,
    frames: 0,
    tick: 0,
    options,
    init: null,
    lastReset: null,
    api,
    snapshot: null,
    render: { drawCalls: 0, frameTimeMs: 0, updateMs: 0, fps: 0 },
    get autoRotate() {
      return view.autoRotate;
    },
    get cutaway() {
      return view.cutaway;
    },
    get recording() {
      return recorder.recording;
    },
    get cinematic() {
      return director.active;
    },
    get hudVisible() {
      return view.hud.visible;
    },
    get helpVisible() {
      return help.visible;
    },
    freezeFps: false,
    lastDownload: null,
    downloads: downloadLog,
    errors: [],
    camera: () => ({ alpha: view.camera.alpha, beta: view.camera.beta, radius: view.camera.radius }),
    setCamera: (pose) => {
      if (pose.alpha !== undefined) view.camera.alpha = pose.alpha;
      if (pose.beta !== undefined) view.camera.beta = pose.beta;
      if (pose.radius !== undefined) view.camera.radius = pose.radius;
    },
    metrics: () => api.metrics(),
    stateHash: () => api.stateHash(),
    storedCount: () => api.storedCount(),
    act: (action) => perform(action),
  };
  window.__qres = hook;

  const fail = (what: string, err: unknown) => {
    const text = `${what}: ${err instanceof Error ? err.message : String(err)}`;
    hook.errors.push(text);
    console.error('[qres]', text, err);
    showMessage('Something went wrong', [text], 'error');
  };

  const download = (blob: Blob, name: string) => {
    hook.lastDownload = saveBlob(blob, name);
  };

  const stopRecording = async () => {
    if (!recorder.recording) return;
    const video = await recorder.stop();
    download(video, `${fileStamp()}.webm`);
  };

  const startCinematic = () => {
    director.start(performance.now(), view.camera.alpha);
    view.hud.visible = false;
    view.autoRotate = false;
    if (paused) void perform('togglePause');
    if (CanvasRecorder.supported() && !recorder.recording) recorder.start();
  };

  const stopCinematic = async () => {
    director.stop();
    view.scriptedPose = null;
    view.hud.visible = true;
    view.resetCamera();
    await stopRecording();
  };

  async function perform(action: Action): Promise<void> {
    const speed = SPEED_OF[action];
    if (speed !== undefined) {
      await api.setSpeed(speed);
      if (paused) {
        paused = false;
        await api.start();
      }
      return;
    }
    switch (action) {
      case 'toggleAutoRotate':
        view.autoRotate = !view.autoRotate;
        return;
      case 'toggleCutaway':
        view.cutaway = !view.cutaway;
        return;
      case 'togglePause':
        paused = !paused;
        await (paused ? api.pause() : api.start());
        return;
      case 'reset':
        hook.lastReset = await api.reset();
        sparkline.clear();
        return;
      case 'screenshot':
        pendingScreenshot = true;
        return;
      case 'toggleRecording':
        if (recorder.recording) await stopRecording();
        else if (CanvasRecorder.supported()) recorder.start();
        else showMessage('Recording is not available', ['This browser has no WebM MediaRecorder.']);
        return;
      case 'toggleHelp':
        help.toggle();
        return;
      case 'toggleCinematic':
        if (director.active) await stopCinematic();
        else startCinematic();
        return;
    }
  }

  window.addEventListener('keydown', (event) => {
    const action = actionForKey(event);
    if (action === null) return;
    event.preventDefault();
    // Key actions run one after another, so a quick P-P or R-P cannot interleave worker calls.
    busy = busy.then(() => perform(action)).catch((err: unknown) => fail(`key ${event.code}`, err));
  });

  const pump = new SnapshotPump(api, (snapshot: Snapshot) => {
    pump.recycle(interpolator.push(snapshot, performance.now()));
    hook.tick = snapshot.tick;
    sparkline.push(snapshot.simTimeS, snapshot.hud.entropyPct);
    hook.snapshot = {
      tick: snapshot.tick,
      simTimeS: snapshot.simTimeS,
      nodeCount: snapshot.nodeCount,
      evolved: snapshot.hud.evolved,
      storm: snapshot.hud.storm,
      paused: snapshot.paused,
      speed: snapshot.speed,
      edges: snapshot.edges.length / 2,
      stateHash: snapshot.stateHash,
    };
  });

  try {
    hook.init = await api.init(options.config);
    await api.setSpeed(options.speed);
    if (!paused) await api.start();
  } catch (err) {
    fail('the simulation did not start', err);
    throw err;
  }
  if (options.cinematic) startCinematic();

  let lastMs = performance.now();
  let fpsWindowStart = lastMs;
  let fpsFrames = 0;
  let updateMsSum = 0;
  view.engine.runRenderLoop(() => {
    const now = performance.now();
    const dtS = (now - lastMs) / 1000;
    lastMs = now;
    pump.request();
    const latest = interpolator.latest;

    const shot = director.poseAt(now, view.radius);
    view.scriptedPose = shot?.pose ?? null;
    if (shot?.finished) void stopCinematic().catch((err: unknown) => fail('cinematic', err));

    const t0 = performance.now();
    const timeS = clock.update(dtS, latest?.paused ?? true, latest?.simTimeS ?? 0);
    view.update(interpolator, now, dtS, timeS);
    if (latest !== null && view.hud.visible) {
      const fps = hook.freezeFps ? Number.NaN : hook.render.fps;
      const lines = hudLines(latest.hud, { simTimeS: latest.simTimeS, speed: latest.speed, paused: latest.paused, fps }, hudRadio);
      view.hud.update(lines, sparkline.series());
    }
    updateMsSum += performance.now() - t0;
    view.scene.render();
    hook.frames++;
    fpsFrames++;

    if (pendingScreenshot) {
      pendingScreenshot = false;
      canvasToPng(canvas).then(
        (png) => download(png, `${fileStamp()}.png`),
        (err: unknown) => fail('screenshot', err),
      );
    }
    if (!hook.ready && latest !== null && view.scene.isReady()) hook.ready = true;
    if (now - fpsWindowStart >= 1000) {
      hook.render = {
        drawCalls: view.instrumentation.drawCallsCounter.current,
        frameTimeMs: view.instrumentation.frameTimeCounter.lastSecAverage,
        updateMs: updateMsSum / fpsFrames,
        fps: (1000 * fpsFrames) / (now - fpsWindowStart),
      };
      fpsWindowStart = now;
      fpsFrames = 0;
      updateMsSum = 0;
    }
  });
  window.addEventListener('resize', () => view.engine.resize());
  return hook;
}
