// The determinism contract across runtimes and speeds: the worker inside Chromium, running at 1× and then at max
// speed, reaches the same state hash after 3,000+ ticks as Node does for the same seed.
import { expect, test } from '@playwright/test';
import { createSim } from '../src/sim/runner';
import { openBrain } from './helpers';

test('worker at 1× then max speed and Node agree on the state hash after 3,000 ticks (seed 7, 150 nodes)', async ({ page }) => {
  await openBrain(page, '?paused=1&seed=7&nodes=150&rotate=0');
  // Start from a clean slate: no genes stored by earlier specs (they would spawn nodes Evolved).
  await page.evaluate(() => window.__qres!.api.reset());
  await page.evaluate(async () => {
    const api = window.__qres!.api;
    await api.setSpeed(1);
    await api.start();
  });
  await page.waitForFunction(() => (window.__qres!.snapshot?.tick ?? 0) >= 15, null, { timeout: 120_000 });
  await page.evaluate(() => window.__qres!.api.setSpeed(0));
  await page.waitForFunction(() => (window.__qres!.snapshot?.tick ?? 0) >= 3000, null, { timeout: 180_000 });
  const { tick, hash } = await page.evaluate(async () => {
    const api = window.__qres!.api;
    await api.pause();
    const metrics = await api.metrics();
    return { tick: metrics.ticks, hash: await api.stateHash() };
  });
  expect(tick).toBeGreaterThanOrEqual(3000);
  const sim = createSim({ seed: 7, nodes: 150 });
  sim.step(tick);
  expect(hash).toBe(sim.stateHash());
});
