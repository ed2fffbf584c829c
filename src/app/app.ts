// The Living Brain page: wires the worker (which owns the tick), the snapshot pump, the Babylon view, the keys,
// recording and cinematic mode, and publishes the test hook. All sim state lives in the worker.
import { BrainView } from '../render/brainView';
import { SnapshotInterpolator } from '../render/interpolator';
import { SparklineBuffer } from '../render/sparkline';
import { VisualClock } from '../render/visualClock';
import { hudLines } from '../render/hudText';
import { radioProfile } from '../core/energy/profiles';
import { STATE_BANNED, STATE_DETECTED, type Snapshot } from '../sim/snapshot';
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
import { LabPanel } from '../render/labPanel';
import { Timeline } from '../render/timeline';
import { Inspector } from '../render/inspector';
import { CutSlider } from '../render/cutSlider';
import { GuiWindows } from '../render/guiWindow';
import { PointerEventTypes } from '@babylonjs/core/Events/pointerEvents';
import { AdvancedDynamicTexture } from '@babylonjs/gui/2D/advancedDynamicTexture';
import { labQuery, normalise, PRESETS, presetOf, type LabConfig } from './labSettings';
import type { LabStatus, NodeInspection } from '../sim/workerApi';
import { DEFAULT_CONFIG } from '../sim/config';

/** How often the page asks the worker for the timeline's status and the inspected node (ms of wall time). */
const STATUS_EVERY_MS = 250;
const INSPECT_EVERY_MS = 400;
/** While the sim runs, the HUD's text and charts and the timeline are rewritten at most this often (ms of wall
 *  time): each change repaints their GUI texture and uploads it whole. Paused, they follow every change at once. */
const GUI_EVERY_MS = 250;
/** Keys a focused GUI control takes for itself (the app's shortcuts do not see them then). */
const GUI_KEYS = new Set(['Space', 'Enter', 'NumpadEnter', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'Tab']);

function countBits(state: Uint8Array, n: number, bit: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) if (state[i]! & bit) count++;
  return count;
}

const SPEED_OF: Partial<Record<Action, SpeedFactor>> = { speed1: 1, speed10: 10, speedMax: 0 };

/** `live`: show a real swarm from an MQTT broker instead of the simulation (see src/app/liveApi.ts). */
export async function startApp(canvas: HTMLCanvasElement, options: PageOptions, live: LiveParams | null = null): Promise<QresTestHook> {
  const view = new BrainView(canvas, { autoRotate: options.autoRotate && !options.cinematic });
  const api = live ? createLiveApi(live) : createSimWorker().api;
  const interpolator = new SnapshotInterpolator();
  const sparkline = new SparklineBuffer(60, 60);
  const charts = { drift: new SparklineBuffer(60, 60), bytes: new SparklineBuffer(60, 60), evolved: new SparklineBuffer(60, 60) };
  const clearCharts = () => {
    sparkline.clear();
    for (const c of Object.values(charts)) c.clear();
  };
  const lab = live === null && options.lab;
  let labConfig: LabConfig = normalise(options.config);
  let status: LabStatus | null = null;
  let inspection: NodeInspection | null = null;
  let selected = -1;
  let restarts = 0;
  let lastStatusMs = 0;
  let lastInspectMs = 0;
  let statusInFlight = false;
  let inspectInFlight = false;
  // Two GUI textures. The HUD's carries all that changes as the run goes (the HUD, the timeline, the inspector, the
  // cut slider): one repaint and one upload per change for all of them. The panel has its own, repainted only when
  // it changes (a click, a key, a restart); it keeps Tab, the HUD's texture leaves Tab alone. Each is drawn through
  // small quads around its visible controls (GuiWindows), the HUD's before the panel's (creation order).
  view.hud.ui.disableTabNavigation = true;
  const timeline = new Timeline(view.hud.ui, (tick) => seekTo(tick));
  const inspector = new Inspector(view.hud.ui, () => select(-1));
  const cutSlider = new CutSlider(view.hud.ui, (share) => {
    view.cutOffset = share;
  });
  const hudWindows = new GuiWindows(view.hud.ui, [() => [view.hud.root], () => [inspector.root], () => [timeline.root], () => [cutSlider.slider]]);
  const labUi = AdvancedDynamicTexture.CreateFullscreenUI('lab', true, view.scene);
  const panel = new LabPanel(labUi, (config) => {
    busy = busy.then(() => applyConfig(config)).catch((err: unknown) => fail('lab settings', err));
  });
  const labWindows = new GuiWindows(labUi, [() => [panel.root]]);
  panel.visible = lab;
  timeline.visible = lab;
  panel.show(labConfig);
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
    guiLayers: () => [...hudWindows.rects, ...labWindows.rects].map((r) => r && { ...r }),
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
    lab: {
      get config() {
        return { ...labConfig };
      },
      get preset() {
        return presetOf({ ...labConfig, nodes: undefined, seed: undefined })?.id ?? null;
      },
      get panelOpen() {
        return panel.isOpen;
      },
      get status() {
        return status;
      },
      get inspection() {
        return inspection;
      },
      get selected() {
        return selected;
      },
      get restarts() {
        return restarts;
      },
      get cutOffset() {
        return view.cutOffset;
      },
      get focused() {
        return labUi.focusedControl?.name ?? null;
      },
      apply: (config) => {
        const done = busy.then(() => applyConfig(config));
        busy = done.catch((err: unknown) => fail('lab settings', err));
        return done;
      },
      applyPreset: (id) => {
        const preset = PRESETS.find((p) => p.id === id);
        if (!preset) return Promise.reject(new Error(`no preset '${id}'`));
        return hook.lab.apply({ ...preset.config, nodes: labConfig.nodes, seed: labConfig.seed });
      },
      seek: (tick) => seekTo(tick),
      select: (id) => select(id),
      pick: (x, y) => view.pick(x, y),
      screenOf: (id) => view.screenOf(id),
    },
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

  async function applyConfig(next: LabConfig): Promise<void> {
    labConfig = normalise(next);
    const query = labQuery(labConfig, window.location.search);
    window.history.replaceState(null, '', `${window.location.pathname}${query}`);
    panel.show(labConfig);
    hook.lastReset = await api.restart({ ...labConfig });
    clearCharts();
    status = null;
    if (selected >= (labConfig.nodes ?? DEFAULT_CONFIG.nodes)) select(-1);
    if (!paused) await api.start();
    restarts++;
  }

  function seekTo(tick: number): Promise<number> {
    const seek = api.seek(Math.max(0, Math.round(tick)));
    // A later seek or a restart supersedes this one: that is not an error.
    seek.catch(() => undefined);
    lastStatusMs = 0;
    return seek;
  }

  function select(id: number): void {
    selected = id;
    view.selected = id;
    inspection = null;
    inspector.show(null);
    lastInspectMs = 0;
    if (id < 0) void api.inspect(null).catch(() => undefined);
  }

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
        clearCharts();
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
      case 'togglePanel':
        if (lab) panel.toggle();
        return;
      case 'closeInspector':
        select(-1);
        return;
      case 'seekBack':
      case 'seekForward': {
        if (!lab || status === null) return;
        const tenSeconds = Math.round(10_000 / status.config.tickMs);
        const from = status.seeking ? status.seekTarget : (interpolator.latest?.tick ?? status.tick);
        void seekTo(Math.max(0, from + (action === 'seekBack' ? -tenSeconds : tenSeconds)));
        return;
      }
      case 'cutNearer':
      case 'cutFarther':
        view.cutaway = true;
        view.cutOffset = Math.max(-0.9, Math.min(0.9, view.cutOffset + (action === 'cutNearer' ? 0.1 : -0.1)));
        cutSlider.value = view.cutOffset;
        return;
    }
  }

  window.addEventListener('keydown', (event) => {
    // A focused panel control takes Space, Enter, the arrows and Tab for itself.
    if (labUi.focusedControl && GUI_KEYS.has(event.code)) return;
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
    charts.drift.push(snapshot.simTimeS, 100 * (snapshot.hud.consensusDrift ?? 0));
    charts.bytes.push(snapshot.simTimeS, snapshot.hud.bytesPerSecond);
    charts.evolved.push(snapshot.simTimeS, snapshot.nodeCount > 0 ? (100 * snapshot.hud.evolved) / snapshot.nodeCount : 0);
    hook.snapshot = {
      tick: snapshot.tick,
      simTimeS: snapshot.simTimeS,
      nodeCount: snapshot.nodeCount,
      evolved: snapshot.hud.evolved,
      storm: snapshot.hud.storm,
      preStorm: snapshot.hud.preStorm,
      paused: snapshot.paused,
      speed: snapshot.speed,
      edges: snapshot.edges.length / 2,
      stateHash: snapshot.stateHash,
      detected: countBits(snapshot.state, snapshot.nodeCount, STATE_DETECTED),
      banned: countBits(snapshot.state, snapshot.nodeCount, STATE_BANNED),
      attackersBanned: snapshot.hud.attackersBanned,
      consensusDrift: snapshot.hud.consensusDrift ?? null,
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

  // Click (tap) on a node: inspect it. Drags orbit the camera and are not taps; clicks on the GUI never get here.
  view.scene.onPointerObservable.add((info) => {
    if (info.type !== PointerEventTypes.POINTERTAP || !lab) return;
    const id = view.pick(view.scene.pointerX, view.scene.pointerY);
    if (id >= 0) select(id);
  });

  const poll = (now: number) => {
    if (!lab) return;
    if (!statusInFlight && now - lastStatusMs >= STATUS_EVERY_MS) {
      statusInFlight = true;
      lastStatusMs = now;
      api.status().then(
        (s) => {
          statusInFlight = false;
          status = s;
        },
        () => {
          statusInFlight = false;
        },
      );
    }
    if (selected >= 0 && !inspectInFlight && now - lastInspectMs >= INSPECT_EVERY_MS) {
      inspectInFlight = true;
      lastInspectMs = now;
      const asked = selected;
      api.inspect(asked).then(
        (x) => {
          inspectInFlight = false;
          if (asked !== selected) return;
          inspection = x;
          inspector.show(x);
        },
        () => {
          inspectInFlight = false;
        },
      );
    }
  };

  let lastMs = performance.now();
  let fpsWindowStart = lastMs;
  let fpsFrames = 0;
  let updateMsSum = 0;
  let lastGuiMs = Number.NEGATIVE_INFINITY;
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
    poll(now);
    const timeS = clock.update(dtS, latest?.paused ?? true, latest?.simTimeS ?? 0);
    view.update(interpolator, now, dtS, timeS);
    const guiVisible = view.hud.visible;
    // Running, the GUI's text and charts follow at a few Hz (their textures are repainted and uploaded per change);
    // paused (stepped, seeked, tests), at once.
    const guiDue = latest === null || latest.paused || now - lastGuiMs >= GUI_EVERY_MS;
    if (guiDue) lastGuiMs = now;
    if (latest !== null && guiVisible && guiDue) {
      const fps = hook.freezeFps ? Number.NaN : hook.render.fps;
      const lines = hudLines(latest.hud, { simTimeS: latest.simTimeS, speed: latest.speed, paused: latest.paused, fps }, hudRadio);
      view.hud.update(lines, sparkline.series(), { drift: charts.drift.series(), bytes: charts.bytes.series(), evolved: charts.evolved.series() });
    }
    panel.visible = lab && guiVisible;
    timeline.visible = lab && guiVisible;
    cutSlider.visible = view.cutaway && guiVisible;
    if (lab && guiVisible && guiDue && status !== null && latest !== null) {
      timeline.update({
        tick: latest.tick,
        furthest: Math.max(status.furthest, latest.tick),
        tickMs: status.config.tickMs,
        events: status.events,
        seeking: status.seeking,
        seekFrom: status.seekFrom,
        seekTarget: status.seekTarget,
      });
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
