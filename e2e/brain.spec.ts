// The page loads and draws; the camera and the keys do what the help overlay says. One page for the whole file
// (shader compilation takes seconds in software rendering).
import { test, expect, type Page } from '@playwright/test';
import { canvasStats, expectNoPageErrors, hook, openBrain, waitFrames, waitSnapshot } from './helpers';

test.describe.configure({ mode: 'serial' });

let page: Page;
const errors: string[] = [];

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await openBrain(page, '?nodes=150&seed=7');
});

test.afterAll(async () => {
  await page.close();
});

test('renders the brain into a WebGL2 canvas (non-blank, many colours) with no errors', async () => {
  const stats = await canvasStats(page);
  expect(stats.webgl2).toBe(true);
  expect(stats.distinctColours).toBeGreaterThan(200);
  expect(stats.litShare).toBeGreaterThan(0.01);
  const info = await hook(page, 'snapshot');
  expect(info?.nodeCount).toBe(150);
  expect(info?.edges).toBeGreaterThan(0);
  const render = await hook(page, 'render');
  expect(render.drawCalls).toBeGreaterThan(0);
  expectNoPageErrors(errors);
});

test('the sim runs in the worker: ticks advance while frames are drawn', async () => {
  const t0 = await hook(page, 'tick');
  await page.waitForFunction((t) => window.__qres!.tick > t + 3, t0, { timeout: 120_000 });
});

test('Space toggles auto-rotate, which turns the camera', async () => {
  expect(await hook(page, 'autoRotate')).toBe(true);
  const a0 = (await page.evaluate(() => window.__qres!.camera())).alpha;
  await waitFrames(page, 2);
  const a1 = (await page.evaluate(() => window.__qres!.camera())).alpha;
  expect(a1).toBeGreaterThan(a0);
  await page.keyboard.press('Space');
  expect(await hook(page, 'autoRotate')).toBe(false);
  await waitFrames(page, 2);
  const b0 = (await page.evaluate(() => window.__qres!.camera())).alpha;
  await waitFrames(page, 2);
  expect((await page.evaluate(() => window.__qres!.camera())).alpha).toBe(b0);
  await page.keyboard.press('Space');
  expect(await hook(page, 'autoRotate')).toBe(true);
});

test('left-drag orbits the camera and stops auto-rotate', async () => {
  const before = await page.evaluate(() => window.__qres!.camera());
  await page.mouse.move(400, 300);
  await page.mouse.down();
  await page.mouse.move(520, 340, { steps: 6 });
  await page.mouse.up();
  await waitFrames(page, 3);
  const after = await page.evaluate(() => window.__qres!.camera());
  expect(await hook(page, 'autoRotate')).toBe(false);
  expect(Math.abs(after.alpha - before.alpha)).toBeGreaterThan(0.05);
  expect(after.beta).not.toBeCloseTo(before.beta, 3);
});

test('the wheel zooms, clamped to the limits', async () => {
  const r0 = (await page.evaluate(() => window.__qres!.camera())).radius;
  await page.mouse.move(400, 300);
  for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -400);
  await waitFrames(page, 3);
  const r1 = (await page.evaluate(() => window.__qres!.camera())).radius;
  expect(r1).toBeLessThan(r0);
  for (let i = 0; i < 8; i++) await page.mouse.wheel(0, 10_000);
  await waitFrames(page, 4);
  const r2 = (await page.evaluate(() => window.__qres!.camera())).radius;
  expect(r2).toBeLessThanOrEqual(50 + 1e-6);
});

test('P pauses: the sim tick stops advancing; P again resumes', async () => {
  await page.keyboard.press('KeyP');
  await waitSnapshot(page, 's.paused === true');
  const t0 = await hook(page, 'tick');
  await waitFrames(page, 4);
  expect(await hook(page, 'tick')).toBe(t0);
  await page.keyboard.press('KeyP');
  await page.waitForFunction((t) => window.__qres!.tick > t, t0, { timeout: 120_000 });
});

test('2 and 3 set the speed to 10× and max, 1 back to 1×', async () => {
  await page.keyboard.press('Digit2');
  await waitSnapshot(page, 's.speed === 10');
  await page.keyboard.press('Digit3');
  await waitSnapshot(page, 's.speed === 0');
  await page.keyboard.press('Digit1');
  await waitSnapshot(page, 's.speed === 1');
});

test('C toggles the cutaway and H the help overlay', async () => {
  await page.keyboard.press('KeyC');
  expect(await hook(page, 'cutaway')).toBe(true);
  await waitFrames(page, 1);
  await page.keyboard.press('KeyC');
  expect(await hook(page, 'cutaway')).toBe(false);
  await expect(page.locator('#help')).toBeHidden();
  await page.keyboard.press('KeyH');
  await expect(page.locator('#help')).toBeVisible();
  await expect(page.locator('#help')).toContainText('reset');
  await page.keyboard.press('KeyH');
  await expect(page.locator('#help')).toBeHidden();
});

test('invalid URL values show a message and the page still runs on defaults', async ({ browser }) => {
  const other = await browser.newPage();
  await openBrain(other, '?nodes=banana&speed=7&seed=42');
  await expect(other.locator('#message')).toBeVisible();
  await expect(other.locator('#message')).toContainText('nodes');
  await expect(other.locator('#message')).toContainText('speed');
  expect((await hook(other, 'snapshot'))?.nodeCount).toBe(150);
  expect((await hook(other, 'options')).config).toEqual({ seed: 42 });
  await other.close();
});
