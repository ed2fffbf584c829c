// Shared steps for the Living Brain e2e specs. Software rendering runs at ~2 fps, so everything waits on the
// page's own counters (frames, tick) exposed by window.__qres — never on wall time.
import { expect, type Page } from '@playwright/test';
import type { QresTestHook } from '../src/app/testHook';

type Hook = QresTestHook;

/** Opens the page with `query`, waits until it is ready and has drawn a couple of frames with data. */
export async function openBrain(page: Page, query = ''): Promise<void> {
  await page.goto(`/${query}`);
  await page.waitForFunction(() => window.__qres?.ready === true, null, { timeout: 180_000 });
  await waitFrames(page, 2);
}

/** Waits until `n` more frames have been rendered. */
export async function waitFrames(page: Page, n: number): Promise<void> {
  const start = await page.evaluate(() => window.__qres!.frames);
  await page.waitForFunction((target) => window.__qres!.frames >= target, start + n, { timeout: 180_000 });
}

/** Reads a field of the test hook. */
export async function hook<K extends keyof Hook>(page: Page, key: K): Promise<Hook[K]> {
  return page.evaluate((k) => {
    const value = window.__qres![k as keyof Hook];
    return typeof value === 'function' ? undefined : JSON.parse(JSON.stringify(value ?? null));
  }, key) as Promise<Hook[K]>;
}

/** Steps the (paused) worker by n ticks and waits until a frame has been drawn from the new snapshot. */
export async function stepAndDraw(page: Page, n: number): Promise<number> {
  const tick = await page.evaluate((k) => window.__qres!.api.step(k), n);
  await page.waitForFunction((t) => (window.__qres!.snapshot?.tick ?? -1) >= t, tick, { timeout: 180_000 });
  await waitFrames(page, 2);
  return tick;
}

/** Waits for a snapshot satisfying `predicate` (a function body over `s`, the SnapshotInfo). */
export async function waitSnapshot(page: Page, predicateBody: string, timeout = 180_000): Promise<void> {
  await page.waitForFunction(`(() => { const s = window.__qres?.snapshot; return !!s && (${predicateBody}); })()`, null, {
    timeout,
  });
}

/** Pixel statistics of the WebGL canvas (the drawing buffer is preserved, so it can be read back). */
export async function canvasStats(page: Page): Promise<{ webgl2: boolean; distinctColours: number; litShare: number }> {
  return page.evaluate(() => {
    const canvas = document.getElementById('brain') as HTMLCanvasElement;
    const webgl2 = canvas.getContext('webgl2') !== null;
    const copy = document.createElement('canvas');
    copy.width = 200;
    copy.height = 150;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(canvas, 0, 0, copy.width, copy.height);
    const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
    const colours = new Set<number>();
    let lit = 0;
    for (let i = 0; i < data.length; i += 4) {
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      if (data[i] + data[i + 1] + data[i + 2] > 90) lit++;
    }
    return { webgl2, distinctColours: colours.size, litShare: lit / (data.length / 4) };
  });
}

export function expectNoPageErrors(errors: string[]): void {
  expect(errors.filter((e) => !/favicon/i.test(e))).toEqual([]);
}
