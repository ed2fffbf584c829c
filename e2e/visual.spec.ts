// Visual regression of a paused, seeded scene at a fixed tick and camera (auto-rotate off, FPS hidden, pulses
// on sim time), and the worker/Node determinism check on the same page.
import { test, expect, type Page } from '@playwright/test';
import { createSim } from '../src/sim/runner';
import { hook, openBrain, stepAndDraw, waitFrames } from './helpers';
import { nodeLook } from '../src/render/colors';
import { REGIME_STORM, STATE_REGIME_MASK } from '../src/sim/snapshot';

test.describe.configure({ mode: 'serial' });

const SEED = 7;
const NODES = 150;
let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  await openBrain(page, `?paused=1&seed=${SEED}&nodes=${NODES}&rotate=0`);
  await page.evaluate(() => {
    window.__qres!.freezeFps = true;
  });
});

test.afterAll(async () => {
  await page.close();
});

test('default 150-node brain at tick 40 matches the baseline', async () => {
  const tick = await stepAndDraw(page, 40);
  expect(tick).toBe(40);
  await expect(page).toHaveScreenshot('brain-150.png');
});

test("the worker's stateHash after N ticks equals Node's for the same seed", async () => {
  const workerTick = await page.evaluate(() => window.__qres!.api.step(60));
  expect(workerTick).toBeGreaterThanOrEqual(60);
  const workerHash = await page.evaluate(() => window.__qres!.stateHash());
  const sim = createSim({ seed: SEED, nodes: NODES });
  sim.step(workerTick);
  expect(sim.tick).toBe(workerTick);
  expect(workerHash).toMatch(/^[0-9a-f]{16,}$/);
  expect(workerHash).toBe(sim.stateHash());
  await waitFrames(page, 1);
});

test('a storm moment matches the baseline', async () => {
  // The first tick (in steps of 20) at which a tenth of the swarm is in Storm, found in Node; the worker is then
  // stepped to exactly that tick, whatever earlier tests did.
  const sim = createSim({ seed: SEED, nodes: NODES });
  while (sim.snapshot().hud.storm < NODES / 10 && sim.tick < 4000) sim.step(20);
  const target = sim.tick;
  expect(sim.snapshot().hud.storm).toBeGreaterThanOrEqual(NODES / 10);
  let now = (await hook(page, 'snapshot'))?.tick ?? 0;
  if (now > target) {
    await page.evaluate(() => window.__qres!.api.reset());
    now = 0;
  }
  await stepAndDraw(page, target - now);
  const info = await hook(page, 'snapshot');
  expect(info?.tick).toBe(target);
  expect(info?.storm).toBe(sim.snapshot().hud.storm);
  await expect(page).toHaveScreenshot('brain-storm.png');
});

test('a PreStorm moment: amber nodes before they turn red, and the HUD counts them (issue 18)', async () => {
  // The first tick after the first 20 s (start-up warnings aside), in steps of 2, at which at least three nodes are
  // drawn amber (PreStorm and not Evolved or banned: an Evolved node keeps its own colour), found in Node; the worker
  // is then stepped to exactly that tick.
  const sim = createSim({ seed: SEED, nodes: NODES });
  sim.step(200);
  const amber = (): number => {
    const snap = sim.snapshot();
    let count = 0;
    for (let i = 0; i < snap.state.length; i++) if (nodeLook(snap.state[i]!) === 'preStorm') count++;
    return count;
  };
  while (amber() < 3 && sim.tick < 4000) sim.step(2);
  const target = sim.tick;
  expect(amber()).toBeGreaterThanOrEqual(3);
  const preStorm = sim.snapshot().hud.preStorm;
  expect(preStorm).toBeGreaterThanOrEqual(3);
  // …and they are warnings: some of them are in Storm within 2 s (20 ticks).
  const snap = sim.snapshot();
  const warned: number[] = [];
  for (let i = 0; i < snap.state.length; i++) if (nodeLook(snap.state[i]!) === 'preStorm') warned.push(i);
  const reached = new Set<number>();
  for (let k = 0; k < 20; k++) {
    sim.step(1);
    const s = sim.snapshot();
    for (const i of warned) if ((s.state[i]! & STATE_REGIME_MASK) === REGIME_STORM) reached.add(i);
  }
  expect(reached.size).toBeGreaterThan(0);
  await page.evaluate(() => window.__qres!.api.reset());
  await stepAndDraw(page, target);
  const info = await hook(page, 'snapshot');
  expect(info?.tick).toBe(target);
  expect(info?.preStorm).toBe(preStorm);
  // The HUD's small charts fill the sim-time bins the 248-tick step skips over with whatever progress snapshots the
  // page receives, which depends on the machine's speed (as for the inspector below: up to ~0.26 % of the image,
  // all in the chart lines); the brain and the HUD's text are exact. The charts get 0.5 % here.
  await expect(page).toHaveScreenshot('brain-prestorm.png', { maxDiffPixelRatio: 0.005 });
});

test('the lab panel open (Storm front) matches the baseline', async () => {
  await page.evaluate(() => window.__qres!.act('togglePanel'));
  await page.evaluate(() => window.__qres!.lab.seek(40));
  await stepAndDraw(page, 0);
  expect(await page.evaluate(() => window.__qres!.lab.panelOpen)).toBe(true);
  // The HUD's charts: their skipped sim-time bins depend on the machine's speed (the same build drew them empty and
  // drawn in two runs: ~0.2 % of the image); as for the inspector, the PreStorm moment and the attack preset, 0.5 %.
  await expect(page).toHaveScreenshot('lab-panel.png', { maxDiffPixelRatio: 0.005 });
  await page.evaluate(() => window.__qres!.act('togglePanel'));
});

test('the node inspector open matches the baseline', async () => {
  // Select in the worker first (the page's own poll would pick a frame-dependent tick), then run 40 s of history.
  await page.evaluate(() => window.__qres!.lab.seek(100));
  await page.evaluate(() => window.__qres!.api.inspect(42));
  await page.evaluate(() => window.__qres!.lab.select(42));
  await stepAndDraw(page, 400);
  await page.waitForFunction(() => window.__qres!.lab.inspection?.tick === 500, null, { timeout: 120_000 });
  // The HUD's small charts (entropy, bytes/s, Evolved %) fill the sim-time bins a seek skips over with the next value
  // the page receives, and how many progress snapshots it receives during the seek depends on the machine's speed:
  // their lines differ by up to ~0.2 % of the image between a loaded and a quiet machine. The inspector itself is
  // exact; the charts get 0.5 % here.
  await expect(page).toHaveScreenshot('lab-inspector.png', { maxDiffPixelRatio: 0.005 });
  await page.evaluate(() => window.__qres!.lab.select(-1));
});

test('an attack preset (Sign-flip mob) with suspected and banned nodes matches the baseline', async () => {
  await page.evaluate(() => window.__qres!.lab.applyPreset('signflip'));
  await stepAndDraw(page, 600);
  const info = await hook(page, 'snapshot');
  expect(info?.banned).toBeGreaterThan(10);
  // The HUD's charts, as for the PreStorm moment and the inspector: the 600-tick step's skipped sim-time bins depend
  // on the machine's speed (a baseline with empty charts and one with drawn charts differ in them by ~0.2 %).
  await expect(page).toHaveScreenshot('lab-attack.png', { maxDiffPixelRatio: 0.005 });
});
