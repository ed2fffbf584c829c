// The Living Brain scene: engine, orbit camera, lights, HDR bloom + ACES pipeline, and the three drawables
// (node instances, synapse lines, noise zone) plus the HUD. It only reads snapshots (through the interpolator).
import { Engine } from '@babylonjs/core/Engines/engine';
import { Scene } from '@babylonjs/core/scene';
import { ArcRotateCamera } from '@babylonjs/core/Cameras/arcRotateCamera';
import { PointLight } from '@babylonjs/core/Lights/pointLight';
import { HemisphericLight } from '@babylonjs/core/Lights/hemisphericLight';
import { Matrix, Vector3 } from '@babylonjs/core/Maths/math.vector';
import { Plane } from '@babylonjs/core/Maths/math.plane';
import '@babylonjs/core/Culling/ray'; // scene.createPickingRay
import { Color3, Color4 } from '@babylonjs/core/Maths/math.color';
import { DefaultRenderingPipeline } from '@babylonjs/core/PostProcesses/RenderPipeline/Pipelines/defaultRenderingPipeline';
import { ImageProcessingConfiguration } from '@babylonjs/core/Materials/imageProcessingConfiguration';
import { SceneInstrumentation } from '@babylonjs/core/Instrumentation/sceneInstrumentation';
import { PointerEventTypes } from '@babylonjs/core/Events/pointerEvents';
import { NODE_MESH_RADIUS, NodeInstances } from './nodes';
import { LOOK_SCALE } from './colors';
import { SynapseLines } from './synapses';
import { NoiseZoneSphere } from './noiseZone';
import { Hud } from './hud';
import { AUTO_ROTATE_RAD_PER_S, defaultPose, radiusLimits, type CameraPose } from './cameraPath';
import type { SnapshotInterpolator } from './interpolator';

/** The node under a ray: the nearest node whose sphere (drawn radius × `slack`) the ray passes through, in front
 *  of the origin and not in the cut-away half (dot(u, p) > cut for the cut's unit normal u), or −1. Pure. */
export function pickNode(
  origin: readonly [number, number, number],
  dir: readonly [number, number, number],
  positions: Float32Array,
  count: number,
  radius: number,
  cut: { u: readonly [number, number, number]; offset: number } | null,
): number {
  const [ox, oy, oz] = origin;
  const [dx, dy, dz] = dir;
  const r2 = radius * radius;
  let best = -1;
  let bestT = Number.POSITIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const px = positions[3 * i]!;
    const py = positions[3 * i + 1]!;
    const pz = positions[3 * i + 2]!;
    if (cut !== null && cut.u[0] * px + cut.u[1] * py + cut.u[2] * pz > cut.offset) continue;
    const wx = px - ox;
    const wy = py - oy;
    const wz = pz - oz;
    const t = wx * dx + wy * dy + wz * dz;
    if (t <= 0 || t >= bestT) continue;
    const d2 = wx * wx + wy * wy + wz * wz - t * t;
    if (d2 <= r2) {
      best = i;
      bestT = t;
    }
  }
  return best;
}

export class BrainView {
  readonly engine: Engine;
  readonly scene: Scene;
  readonly camera: ArcRotateCamera;
  readonly pipeline: DefaultRenderingPipeline;
  readonly instrumentation: SceneInstrumentation;
  readonly nodes: NodeInstances;
  readonly synapses: SynapseLines;
  readonly noiseZone: NoiseZoneSphere;
  readonly hud: Hud;
  autoRotate: boolean;
  /** Cutaway: a clipping plane through the brain's centre, facing the camera, cuts the near half away. */
  cutaway = false;
  /** Where the cut sits along the view axis, as a share of the brain radius (−1 … 1; 0 through the centre).
   *  Positive moves it towards the camera (less cut away). */
  cutOffset = 0;
  /** The inspected node (0-based), or −1: drawn brighter, its links highlighted. */
  selected = -1;
  /** When set, the camera follows this pose (cinematic) and zoom limits are lifted. */
  scriptedPose: CameraPose | null = null;
  private brainRadius = 8;
  private positions = new Float32Array(0);
  private count = 0;
  private readonly zone = new Float32Array(4);

  constructor(canvas: HTMLCanvasElement, options: { autoRotate: boolean }) {
    // No MSAA on the canvas: it costs 2–3× in software rendering and the pipeline renders off-screen anyway.
    this.engine = new Engine(canvas, false, { preserveDrawingBuffer: true, stencil: true, powerPreference: 'high-performance' }, true);
    this.scene = new Scene(this.engine);
    this.scene.clearColor = new Color4(0.008, 0.012, 0.03, 1);
    this.scene.skipPointerMovePicking = true;

    const pose = defaultPose(this.brainRadius);
    this.camera = new ArcRotateCamera('camera', pose.alpha, pose.beta, pose.radius, Vector3.Zero(), this.scene);
    this.camera.attachControl(canvas, true);
    this.camera.lowerBetaLimit = Math.PI / 2 - 1.4;
    this.camera.upperBetaLimit = Math.PI / 2 + 1.4;
    this.camera.wheelDeltaPercentage = 0.02;
    this.attachPinch(canvas);
    this.camera.minZ = 0.05;
    this.applyRadiusLimits();
    this.autoRotate = options.autoRotate;
    // Grabbing the brain stops the auto-rotation, so it stays where the user turned it.
    this.scene.onPointerObservable.add((info) => {
      if (info.type === PointerEventTypes.POINTERDOWN) this.autoRotate = false;
    });

    // Two point lights (key and fill), plus a faint sky light so the far side is not black.
    const key = new PointLight('key', new Vector3(15, 10, 15), this.scene);
    key.intensity = 0.9;
    const fill = new PointLight('fill', new Vector3(-15, -5, -10), this.scene);
    fill.intensity = 0.45;
    const sky = new HemisphericLight('sky', new Vector3(0, 1, 0), this.scene);
    sky.intensity = 0.15;
    sky.groundColor = new Color3(0.05, 0.05, 0.15);

    this.nodes = new NodeInstances(this.scene);
    this.synapses = new SynapseLines(this.scene);
    this.noiseZone = new NoiseZoneSphere(this.scene);

    // HDR pipeline: bloom on everything above ~1 and ACES tone mapping. samples = 1 (MSAA is expensive in
    // software rendering); FXAA off for the same reason.
    this.pipeline = new DefaultRenderingPipeline('brainPipeline', true, this.scene, [this.camera]);
    this.pipeline.samples = 1;
    this.pipeline.fxaaEnabled = false;
    this.pipeline.bloomEnabled = true;
    this.pipeline.bloomThreshold = 0.75;
    this.pipeline.bloomWeight = 0.75;
    this.pipeline.bloomKernel = 64;
    this.pipeline.bloomScale = 0.5;
    this.pipeline.imageProcessingEnabled = true;
    const ip = this.pipeline.imageProcessing;
    ip.toneMappingEnabled = true;
    ip.toneMappingType = ImageProcessingConfiguration.TONEMAPPING_ACES;
    ip.exposure = 1.15;
    ip.contrast = 1.15;
    ip.vignetteEnabled = true;
    ip.vignetteWeight = 1.6;
    ip.vignetteColor = new Color4(0, 0, 0.02, 0);

    this.hud = new Hud(this.scene);
    this.instrumentation = new SceneInstrumentation(this.scene);
    this.instrumentation.captureFrameTime = true;
  }

  /**
   * Touch: one finger orbits (the camera's own pointer input). Two fingers pinch-zoom: the distance scales by the
   * change of the fingers' spread, within the zoom limits, and the orbit holds still meanwhile. Done here because
   * the camera's pointer input, fed two touch pointers (Chromium, Babylon 9.35), turned the camera instead of
   * zooming it (measured with DevTools touch events in e2e/touch.spec.ts).
   */
  private attachPinch(canvas: HTMLCanvasElement): void {
    const touches = new Map<number, { x: number; y: number }>();
    let spread = 0;
    let hold: { alpha: number; beta: number } | null = null;
    const measure = (): number => {
      const [a, b] = [...touches.values()];
      return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
    };
    canvas.addEventListener('pointerdown', (e) => {
      if (e.pointerType !== 'touch') return;
      touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (touches.size === 2) {
        spread = measure();
        hold = { alpha: this.camera.alpha, beta: this.camera.beta };
      }
    });
    canvas.addEventListener('pointermove', (e) => {
      const t = touches.get(e.pointerId);
      if (t === undefined) return;
      t.x = e.clientX;
      t.y = e.clientY;
      if (touches.size !== 2 || hold === null) return;
      const now = measure();
      if (spread > 0 && now > 0) {
        const limits = radiusLimits(this.brainRadius);
        this.camera.radius = Math.min(limits.upper, Math.max(limits.lower, (this.camera.radius * spread) / now));
      }
      spread = now;
      this.camera.alpha = hold.alpha;
      this.camera.beta = hold.beta;
      this.camera.inertialAlphaOffset = 0;
      this.camera.inertialBetaOffset = 0;
    });
    const end = (e: PointerEvent) => {
      touches.delete(e.pointerId);
      if (touches.size < 2) {
        spread = 0;
        hold = null;
      }
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  get radius(): number {
    return this.brainRadius;
  }

  /** A new brain size (node count changed): re-frames the camera. */
  setBrainRadius(radius: number): void {
    if (radius === this.brainRadius) return;
    this.brainRadius = radius;
    this.applyRadiusLimits();
    this.resetCamera();
  }

  resetCamera(): void {
    const pose = defaultPose(this.brainRadius);
    this.camera.alpha = pose.alpha;
    this.camera.beta = pose.beta;
    this.camera.radius = pose.radius;
  }

  private applyRadiusLimits(): void {
    const limits = radiusLimits(this.brainRadius);
    this.camera.lowerRadiusLimit = limits.lower;
    this.camera.upperRadiusLimit = limits.upper;
    this.camera.maxZ = limits.upper * 4;
  }

  /**
   * Brings the scene up to date for a frame at `nowMs` (`dtS` wall seconds since the last one), with visual
   * time `timeS`. Returns the number of nodes drawn. The caller then renders the scene.
   */
  update(interpolator: SnapshotInterpolator, nowMs: number, dtS: number, timeS: number): number {
    this.updateCamera(dtS);
    const snap = interpolator.latest;
    if (snap === null) return 0;
    this.setBrainRadius(snap.brainRadius);
    const n = snap.nodeCount;
    if (this.positions.length < n * 3) this.positions = new Float32Array(n * 3);
    this.count = n;
    interpolator.positionsAt(nowMs, this.positions);
    this.updateCut();
    const selected = this.selected < n ? this.selected : -1;
    this.nodes.update(this.positions, snap.state, n, timeS, null, selected, snap.energy);
    this.synapses.setEdges(snap.edges, snap.edgesVersion);
    this.synapses.update(this.positions, snap.state, snap.edgeActivity, null, selected);
    interpolator.noiseZoneAt(nowMs, this.zone);
    this.noiseZone.update(this.zone, true);
    return n;
  }

  /** The cut's unit normal (from the centre towards the camera) and its offset in world units, or null. */
  cut(): { u: [number, number, number]; offset: number } | null {
    if (!this.cutaway) return null;
    const c = this.camera.position;
    const len = Math.hypot(c.x, c.y, c.z) || 1;
    return { u: [c.x / len, c.y / len, c.z / len], offset: this.cutOffset * this.brainRadius };
  }

  /** The clipping plane: Babylon discards fragments where dot(n, p) + d > 0, so n = u, d = −offset cuts the half
   *  between the plane and the camera. On the GPU: no per-node work, whatever N. */
  private updateCut(): void {
    const cut = this.cut();
    if (cut === null) {
      this.scene.clipPlane = null;
      return;
    }
    const plane = this.scene.clipPlane ?? new Plane(0, 0, 1, 0);
    plane.normal.set(cut.u[0], cut.u[1], cut.u[2]);
    plane.d = -cut.offset;
    this.scene.clipPlane = plane;
  }

  /** The node under canvas pixel (x, y), or −1 (nodes in the cut-away half cannot be picked). */
  pick(x: number, y: number): number {
    const ray = this.scene.createPickingRay(x, y, Matrix.Identity(), this.camera);
    const radius = NODE_MESH_RADIUS * LOOK_SCALE.evolved * 1.6;
    return pickNode(
      [ray.origin.x, ray.origin.y, ray.origin.z],
      [ray.direction.x, ray.direction.y, ray.direction.z],
      this.positions,
      this.count,
      radius,
      this.cut(),
    );
  }

  /** Canvas pixel of node i's centre (for tests and touch), or null. */
  screenOf(i: number): { x: number; y: number } | null {
    if (i < 0 || i >= this.count) return null;
    const p = new Vector3(this.positions[3 * i], this.positions[3 * i + 1], this.positions[3 * i + 2]);
    const engine = this.engine;
    const viewport = this.camera.viewport.toGlobal(engine.getRenderWidth(), engine.getRenderHeight());
    const s = Vector3.Project(p, Matrix.Identity(), this.scene.getTransformMatrix(), viewport);
    const scale = engine.getHardwareScalingLevel();
    return { x: s.x * scale, y: s.y * scale };
  }

  private updateCamera(dtS: number): void {
    const pose = this.scriptedPose;
    if (pose !== null) {
      this.camera.lowerRadiusLimit = null;
      this.camera.upperRadiusLimit = null;
      this.camera.alpha = pose.alpha;
      this.camera.beta = pose.beta;
      this.camera.radius = pose.radius;
      return;
    }
    if (this.camera.lowerRadiusLimit === null) this.applyRadiusLimits();
    if (this.autoRotate && dtS > 0) this.camera.alpha += AUTO_ROTATE_RAD_PER_S * Math.min(dtS, 0.25);
  }

  dispose(): void {
    this.engine.dispose();
  }
}
