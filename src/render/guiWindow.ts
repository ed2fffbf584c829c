// A fullscreen GUI texture (@babylonjs/gui) is drawn by a Layer: one quad over the whole screen, blended every frame
// whatever the texture holds. GuiWindows draws it through small quads instead, one per group of controls (a Layer's
// scale and offset move its quad and its texture coordinates together, so every pixel still samples its own texel:
// the picture is the same), and draws nothing where nothing is visible. In software WebGL a blend costs in
// proportion to the pixels it covers: the HUD's panel is a tenth of the screen.
import type { AdvancedDynamicTexture } from '@babylonjs/gui/2D/advancedDynamicTexture';
import type { Control } from '@babylonjs/gui/2D/controls/control';
import { Layer } from '@babylonjs/core/Layers/layer';

export interface PixelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The box around `rects`, grown by `margin` pixels, rounded out to whole pixels and clipped to a w×h texture;
 *  null when there is nothing (no rect, or none with an area inside the texture). Pure. */
export function boundingRect(rects: readonly PixelRect[], margin: number, w: number, h: number): PixelRect | null {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const r of rects) {
    if (!(r.width > 0 && r.height > 0)) continue;
    x0 = Math.min(x0, r.left);
    y0 = Math.min(y0, r.top);
    x1 = Math.max(x1, r.left + r.width);
    y1 = Math.max(y1, r.top + r.height);
  }
  if (x1 < x0) return null;
  const left = Math.max(0, Math.floor(x0 - margin));
  const top = Math.max(0, Math.floor(y0 - margin));
  const right = Math.min(w, Math.ceil(x1 + margin));
  const bottom = Math.min(h, Math.ceil(y1 + margin));
  if (right <= left || bottom <= top) return null;
  return { left, top, width: right - left, height: bottom - top };
}

/** Boxes that share a pixel are merged into their bounding box, until no two share one: a pixel under two quads
 *  would be blended twice. Nulls stay where they are; a merged box takes the place of its first part. Pure. */
export function disjointRects(rects: readonly (PixelRect | null)[]): (PixelRect | null)[] {
  const out = [...rects];
  const overlap = (a: PixelRect, b: PixelRect) =>
    a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
  for (let merged = true; merged; ) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++) {
      for (let j = i + 1; j < out.length && !merged; j++) {
        const a = out[i];
        const b = out[j];
        if (!a || !b || !overlap(a, b)) continue;
        out[i] = boundingRect([a, b], 0, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
        out[j] = null;
        merged = true;
      }
    }
  }
  return out;
}

/** The Layer scale and offset (clip space, y up) whose quad covers exactly `rect` (pixels, y down) of a w×h
 *  screen; the full screen is scale (1, 1), offset (0, 0). Pure. */
export function layerWindow(rect: PixelRect, w: number, h: number): { scale: [number, number]; offset: [number, number] } {
  return {
    scale: [rect.width / w, rect.height / h],
    offset: [(2 * rect.left + rect.width) / w - 1, 1 - (2 * rect.top + rect.height) / h],
  };
}

/**
 * Draws a fullscreen GUI texture through one small quad per group of controls, each covering the box around the
 * group's visible controls, instead of one quad over the whole screen (the texture's own layer draws the first
 * group; the others get layers of their own on the same texture). Boxes are refitted after every layout of the
 * texture (a layout follows any change of its controls); boxes that overlap are drawn as one; a group with nothing
 * visible draws nothing.
 * Create it before any other layer that must draw on top of this texture's: layers draw in creation order.
 */
export class GuiWindows {
  /** The box each group's layer covers now (texture pixels), or null when that layer is off. */
  readonly rects: (PixelRect | null)[];
  private readonly layers: Layer[];

  constructor(
    private readonly ui: AdvancedDynamicTexture,
    private readonly groups: readonly (() => readonly Control[])[],
    private readonly margin = 1,
  ) {
    const own = ui.layer;
    if (!own) throw new Error('GuiWindows needs a fullscreen GUI texture');
    this.layers = groups.map((_, i) => {
      if (i === 0) return own;
      const layer = new Layer(`${ui.name}_window${i}`, null, ui.getScene()!, own.isBackground);
      layer.texture = ui;
      layer.layerMask = own.layerMask;
      layer.isEnabled = false;
      return layer;
    });
    this.rects = groups.map(() => null);
    ui.onEndLayoutObservable.add(() => this.fit());
  }

  /** Recomputes the boxes. */
  fit(): void {
    const size = this.ui.getSize();
    const boxes = this.groups.map((group) => {
      const rects: PixelRect[] = [];
      for (const c of group()) if (c.isVisible && c.parent?.isVisible !== false) rects.push(c._currentMeasure);
      return boundingRect(rects, this.margin, size.width, size.height);
    });
    disjointRects(boxes).forEach((rect, i) => {
      const layer = this.layers[i]!;
      this.rects[i] = rect;
      layer.isEnabled = rect !== null;
      if (rect === null) return;
      const { scale, offset } = layerWindow(rect, size.width, size.height);
      layer.scale.set(scale[0], scale[1]);
      layer.offset.set(offset[0], offset[1]);
    });
  }
}
