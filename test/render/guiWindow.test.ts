import { describe, expect, it } from 'vitest';
import { boundingRect, disjointRects, layerWindow } from '../../src/render/guiWindow';

describe('boundingRect', () => {
  it('is the box around the rects, grown by the margin and rounded out to whole pixels', () => {
    const r = boundingRect(
      [
        { left: 10.4, top: 10, width: 380, height: 300.2 },
        { left: 10, top: 500, width: 1260, height: 38 },
      ],
      2,
      1280,
      720,
    );
    expect(r).toEqual({ left: 8, top: 8, width: 1264, height: 532 });
  });

  it('is clipped to the texture and skips empty rects', () => {
    expect(
      boundingRect(
        [
          { left: 1270, top: -5, width: 30, height: 40 },
          { left: 0, top: 0, width: 0, height: 50 },
        ],
        4,
        1280,
        720,
      ),
    ).toEqual({
      left: 1266,
      top: 0,
      width: 14,
      height: 39,
    });
  });

  it('is null when nothing has an area on the texture', () => {
    expect(boundingRect([], 2, 1280, 720)).toBeNull();
    expect(boundingRect([{ left: 5, top: 5, width: 0, height: 10 }], 2, 1280, 720)).toBeNull();
    expect(boundingRect([{ left: 2000, top: 5, width: 10, height: 10 }], 2, 1280, 720)).toBeNull();
  });
});

describe('layerWindow', () => {
  it('is the identity for the whole screen', () => {
    const w = layerWindow({ left: 0, top: 0, width: 1280, height: 720 }, 1280, 720);
    expect(w.scale).toEqual([1, 1]);
    expect(w.offset).toEqual([0, 0]);
  });

  it("maps the quad's corners onto the rect's corners in clip space (y up), and so its texture coordinates", () => {
    const W = 1280;
    const H = 720;
    const rect = { left: 8, top: 8, width: 392, height: 330 };
    const { scale, offset } = layerWindow(rect, W, H);
    // The layer's vertex shader: clip = position * scale + offset for position in {-1, 1}²; uv = clip * 0.5 + 0.5.
    const clip = (px: number, py: number) => [px * scale[0] + offset[0], py * scale[1] + offset[1]];
    const toPixel = ([cx, cy]: number[]) => [((cx! + 1) / 2) * W, ((1 - cy!) / 2) * H];
    const [x0, y1] = toPixel(clip(-1, -1));
    const [x1, y0] = toPixel(clip(1, 1));
    expect(x0).toBeCloseTo(rect.left, 9);
    expect(x1).toBeCloseTo(rect.left + rect.width, 9);
    expect(y0).toBeCloseTo(rect.top, 9);
    expect(y1).toBeCloseTo(rect.top + rect.height, 9);
  });
});

describe('disjointRects', () => {
  const hud = { left: 6, top: 6, width: 388, height: 353 };
  const inspector = { left: 6, top: 345, width: 388, height: 203 };
  const timeline = { left: 6, top: 552, width: 788, height: 46 };

  it('keeps boxes that share no pixel (touching edges share none)', () => {
    const below = { left: 6, top: 359, width: 388, height: 10 };
    expect(disjointRects([hud, null, below])).toEqual([hud, null, below]);
  });

  it('merges overlapping boxes into the first one, and again when the merged box meets another', () => {
    const tall = { left: 380, top: 500, width: 20, height: 60 };
    const out = disjointRects([hud, inspector, timeline, tall]);
    expect(out).toEqual([{ left: 6, top: 6, width: 788, height: 592 }, null, null, null]);
    const two = disjointRects([hud, inspector, timeline]);
    expect(two).toEqual([{ left: 6, top: 6, width: 388, height: 542 }, null, timeline]);
  });

  it('leaves no pixel under two boxes', () => {
    const rects = [hud, inspector, timeline, { left: 770, top: 300, width: 18, height: 200 }, { left: 486, top: 6, width: 308, height: 594 }];
    const out = disjointRects(rects).filter((r) => r !== null);
    const count = new Map<number, number>();
    for (const r of out)
      for (let y = r.top; y < r.top + r.height; y++)
        for (let x = r.left; x < r.left + r.width; x++) count.set(y * 1000 + x, (count.get(y * 1000 + x) ?? 0) + 1);
    let most = 0;
    for (const c of count.values()) most = Math.max(most, c);
    expect(most).toBe(1);
    // and every pixel of every input box is still under one
    for (const r of rects)
      for (let y = r.top; y < r.top + r.height; y++) for (let x = r.left; x < r.left + r.width; x++) expect(count.get(y * 1000 + x)).toBe(1);
  });
});
