// Hippocampus in the browser: Evolved genes are saved to IndexedDB, survive a reload (nodes spawn Evolved),
// and R clears them.
import { test, expect, type Page } from '@playwright/test';
import { hook, openBrain, waitSnapshot } from './helpers';

test.describe.configure({ mode: 'serial' });

let page: Page;

test.beforeAll(async ({ browser }) => {
  // One context for the file: IndexedDB lives as long as the context.
  const context = await browser.newContext();
  page = await context.newPage();
  await openBrain(page, '?nodes=150&seed=7&speed=max');
});

test.afterAll(async () => {
  await page.context().close();
});

test('running at max speed, Evolved nodes appear and their genes are stored', async () => {
  await waitSnapshot(page, 's.evolved > 0', 240_000);
  await expect.poll(() => page.evaluate(() => window.__qres!.storedCount()), { timeout: 240_000, intervals: [1000] }).toBeGreaterThan(0);
});

test('after a reload, the stored nodes spawn Evolved', async () => {
  await page.reload();
  await page.waitForFunction(() => window.__qres?.ready === true, null, { timeout: 180_000 });
  const init = await hook(page, 'init');
  expect(init?.storage).toBe('indexeddb');
  expect(init?.restored).toBeGreaterThan(0);
  expect(init?.corrupt).toBe(0);
  const evolvedNow = await page.evaluate(async () => (await window.__qres!.api.snapshot()).hud.evolved);
  expect(evolvedNow).toBeGreaterThan(0);
});

test('R resets: evolved count goes to 0 and the store is empty', async () => {
  await page.keyboard.press('KeyP'); // pause first, so no new cure evolves before we look
  await waitSnapshot(page, 's.paused === true');
  await page.keyboard.press('KeyR');
  await page.waitForFunction(() => window.__qres!.lastReset !== null, null, { timeout: 120_000 });
  await waitSnapshot(page, 's.tick === 0 && s.evolved === 0');
  expect(await page.evaluate(() => window.__qres!.storedCount())).toBe(0);
  expect((await hook(page, 'lastReset'))?.restored).toBe(0);
});
