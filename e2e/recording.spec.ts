// S saves a PNG, V records a WebM, and K plays the cinematic (HUD hidden, recording on) — all as downloads.
import { test, expect, type Page, type Download } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { hook, openBrain, waitFrames } from './helpers';

test.describe.configure({ mode: 'serial' });

let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  await openBrain(page, '?nodes=150&seed=3');
});

test.afterAll(async () => {
  await page.close();
});

async function bytesOf(download: Download): Promise<Buffer> {
  const path = await download.path();
  return readFile(path);
}

test('S downloads a PNG of the canvas', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('KeyS')]);
  expect(download.suggestedFilename()).toMatch(/^qres-.*\.png$/);
  const bytes = await bytesOf(download);
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(bytes.length).toBeGreaterThan(10_000);
  const last = await hook(page, 'lastDownload');
  expect(last).toEqual({ name: download.suggestedFilename(), size: bytes.length, type: 'image/png' });
});

test('V starts recording, V again stops it and downloads a non-empty WebM', async () => {
  await page.keyboard.press('KeyV');
  expect(await hook(page, 'recording')).toBe(true);
  await waitFrames(page, 6);
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('KeyV')]);
  expect(download.suggestedFilename()).toMatch(/^qres-.*\.webm$/);
  const bytes = await bytesOf(download);
  expect(bytes.subarray(0, 4).toString('hex')).toBe('1a45dfa3'); // EBML header: a Matroska/WebM file
  expect(bytes.length).toBeGreaterThan(1_000);
  expect((await hook(page, 'lastDownload'))?.type).toBe('video/webm');
  expect(await hook(page, 'recording')).toBe(false);
});

test('K plays the cinematic: HUD hidden, camera on its path, recording; K again stops and saves it', async () => {
  await page.keyboard.press('KeyK');
  expect(await hook(page, 'cinematic')).toBe(true);
  expect(await hook(page, 'hudVisible')).toBe(false);
  expect(await hook(page, 'recording')).toBe(true);
  await waitFrames(page, 1);
  const c0 = await page.evaluate(() => window.__qres!.camera());
  await waitFrames(page, 6);
  const c1 = await page.evaluate(() => window.__qres!.camera());
  expect(c1.alpha).toBeGreaterThan(c0.alpha);
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('KeyK')]);
  expect(download.suggestedFilename()).toMatch(/\.webm$/);
  expect((await bytesOf(download)).length).toBeGreaterThan(1_000);
  expect(await hook(page, 'cinematic')).toBe(false);
  expect(await hook(page, 'hudVisible')).toBe(true);
});

test('?cinematic=1 starts the cinematic at load', async ({ browser }) => {
  const other = await browser.newPage();
  await openBrain(other, '?nodes=150&cinematic=1');
  expect(await hook(other, 'cinematic')).toBe(true);
  expect(await hook(other, 'hudVisible')).toBe(false);
  expect(await hook(other, 'recording')).toBe(true);
  await other.close();
});
