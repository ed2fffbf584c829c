// Touch (issue 16 item 7): one finger orbits, two fingers pinch to zoom, a tap on a node inspects it. Real touch
// events through the DevTools protocol, on a touch-enabled page.
import { expect, test, type CDPSession } from '@playwright/test';
import { openBrain, waitFrames } from './helpers';

test.use({ hasTouch: true });

type Point = [number, number];

async function touch(cdp: CDPSession, type: 'touchStart' | 'touchMove' | 'touchEnd', points: Point[]): Promise<void> {
  await cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
}

test('one finger orbits, a pinch zooms, a tap on a node opens the inspector', async ({ page }) => {
  await openBrain(page, '?paused=1&rotate=0');
  const cdp = await page.context().newCDPSession(page);
  const camera = () => page.evaluate(() => window.__qres!.camera());

  const before = await camera();
  await touch(cdp, 'touchStart', [[400, 300]]);
  for (let k = 1; k <= 8; k++) await touch(cdp, 'touchMove', [[400 + 12 * k, 300 + 4 * k]]);
  await touch(cdp, 'touchEnd', []);
  await waitFrames(page, 2);
  const orbited = await camera();
  expect(Math.abs(orbited.alpha - before.alpha)).toBeGreaterThan(0.05);
  expect(orbited.radius).toBeCloseTo(before.radius, 3);

  // Fingers apart: zoom in (a smaller radius).
  await touch(cdp, 'touchStart', [
    [360, 300],
    [440, 300],
  ]);
  for (let k = 1; k <= 8; k++)
    await touch(cdp, 'touchMove', [
      [360 - 12 * k, 300],
      [440 + 12 * k, 300],
    ]);
  await touch(cdp, 'touchEnd', []);
  await waitFrames(page, 2);
  expect((await camera()).radius).toBeLessThan(orbited.radius - 0.2);

  // A tap on a visible node (the first one the picker finds under its own centre).
  const target = await page.evaluate(() => {
    const q = window.__qres!;
    for (let i = 0; i < q.snapshot!.nodeCount; i++) {
      const s = q.lab.screenOf(i);
      if (s && s.x > 60 && s.x < 740 && s.y > 60 && s.y < 520 && q.lab.pick(s.x, s.y) === i) return { id: i, ...s };
    }
    return null;
  });
  expect(target).not.toBeNull();
  await page.touchscreen.tap(target!.x, target!.y);
  await page.waitForFunction((id) => window.__qres!.lab.selected === id, target!.id, { timeout: 60_000 });
});
