// The lab (issue 16): the control panel and its links, the scenario presets, the node inspector and the timeline.
// Every state hash is compared with a run outside the browser: `qres sim` itself for shared links, createSim for
// seeks. Software rendering is slow, so everything waits on the page's counters, never on time.
import { execFileSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { createSim } from '../src/sim/runner';
import { cliFlags, labQuery, PRESETS, type LabConfig } from '../src/app/labSettings';
import { expectNoPageErrors, hook, openBrain, stepAndDraw, waitFrames, waitSnapshot } from './helpers';

/** `npm run qres -- sim <flags> --seconds s --json`, run as a user would, and its state hash. */
function qresSimHash(config: LabConfig, seconds: number): { ticks: number; stateHash: string } {
  const out = execFileSync('npx', ['tsx', 'src/cli/main.ts', 'sim', ...cliFlags(config), '--seconds', String(seconds), '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const report = JSON.parse(out) as { ticks: number; stateHash: string };
  return { ticks: report.ticks, stateHash: report.stateHash };
}

async function workerHashAt(page: Page, ticks: number): Promise<string> {
  const tick = await page.evaluate((n) => window.__qres!.api.step(n), ticks);
  expect(tick).toBe(ticks);
  return page.evaluate(() => window.__qres!.stateHash());
}

test('a shared link reproduces qres sim: the same flags give the same state hash (MTU + no gossip; ALIE 30 %)', async ({ page }) => {
  const links: LabConfig[] = [{ mtu: 127, gossip: false }, PRESETS.find((p) => p.id === 'alie')!.config];
  for (const config of links) {
    const query = labQuery(config, '?paused=1&rotate=0');
    await openBrain(page, query);
    expect(await page.evaluate(() => window.__qres!.lab.config)).toEqual(config);
    const cli = qresSimHash(config, 20);
    expect(cli.ticks).toBe(200);
    expect(await workerHashAt(page, 200)).toBe(cli.stateHash);
  }
});

test('the panel: L opens it, Tab reaches a setting, → changes it; the run restarts from the seed and the link follows', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openBrain(page, '?paused=1&rotate=0');
  expect(await page.evaluate(() => window.__qres!.lab.panelOpen)).toBe(false);
  await page.locator('#brain').focus();
  await page.keyboard.press('KeyL');
  await page.waitForFunction(() => window.__qres!.lab.panelOpen);
  // Tab order: the header, the five presets, then the settings (nodes, seed, loss, ...).
  for (let i = 0; i < 9; i++) await page.keyboard.press('Tab');
  await page.waitForFunction(() => window.__qres!.lab.focused === 'value-loss');
  await stepAndDraw(page, 30);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => window.__qres!.lab.restarts === 1);
  expect(await page.evaluate(() => window.__qres!.lab.config)).toEqual({ loss: 0.1 });
  expect(new URL(page.url()).searchParams.get('loss')).toBe('0.1');
  // Restarted from the seed: tick 0 of the new run, and the same hash as Node's run of that config.
  await waitSnapshot(page, 's.tick === 0');
  expect(await workerHashAt(page, 50)).toBe(
    (() => {
      const sim = createSim({ loss: 0.1 });
      sim.step(50);
      return sim.stateHash();
    })(),
  );
  // The link it wrote is a shared link: opened afresh, it gives the same run.
  const link = page.url();
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => window.__qres!.lab.restarts === 2);
  expect(await page.evaluate(() => window.__qres!.lab.config)).toEqual({});
  await page.goto(link);
  await page.waitForFunction(() => window.__qres?.ready === true, null, { timeout: 180_000 });
  expect(await page.evaluate(() => window.__qres!.lab.config)).toEqual({ loss: 0.1 });
  expectNoPageErrors(errors);
});

test('every preset applies with its caption; attack presets show suspected and banned nodes, bans and drift', async ({ page }) => {
  await openBrain(page, '?paused=1&rotate=0');
  for (const preset of PRESETS) {
    await page.evaluate((id) => window.__qres!.lab.applyPreset(id), preset.id);
    expect(await page.evaluate(() => window.__qres!.lab.preset)).toBe(preset.id);
    const attack = preset.config.attack !== undefined;
    // 60 s of sim time: ALIE's first ban comes later than the loud attacks'.
    await stepAndDraw(page, attack ? 1200 : 100);
    const info = await hook(page, 'snapshot');
    if (attack) {
      expect(info!.detected, preset.id).toBeGreaterThan(0);
      expect(info!.banned, preset.id).toBeGreaterThan(0);
      expect(info!.attackersBanned, preset.id).toBeGreaterThan(0);
      expect(info!.consensusDrift, preset.id).not.toBeNull();
    } else {
      expect(info!.banned, preset.id).toBe(0);
      expect(info!.consensusDrift).toBeNull();
    }
    if (preset.id === 'lossy') {
      const status = await page.evaluate(() => window.__qres!.api.status());
      expect(status.config.loss).toBe(0.9);
      expect(status.events.some((e) => e.kind === 'join')).toBe(true);
    }
  }
  // A preset button works from the keyboard too: header, then the second preset (ALIE).
  await page.evaluate(() => window.__qres!.lab.applyPreset('storm'));
  await page.locator('#brain').focus();
  await page.keyboard.press('KeyL');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => window.__qres!.lab.focused === 'preset-alie');
  const before = await page.evaluate(() => window.__qres!.lab.restarts);
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => window.__qres!.lab.restarts > n, before);
  expect(await page.evaluate(() => window.__qres!.lab.preset)).toBe('alie');
});

test('the inspector: a click on a node opens it with what its neighbours know; its history fills; Escape closes it', async ({ page }) => {
  await openBrain(page, `${labQuery({ attack: 'sign-flip', byzantine: 0.3 }, '?paused=1&rotate=0')}`);
  await stepAndDraw(page, 300);
  // A node near the middle of the view, found by its projected position, clicked as a user would.
  const target = await page.evaluate(() => {
    const q = window.__qres!;
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    for (let i = 0; i < q.snapshot!.nodeCount; i++) {
      const s = q.lab.screenOf(i);
      if (s === null) continue;
      const d = Math.hypot(s.x - 400, s.y - 300);
      if (d < bestD && q.lab.pick(s.x, s.y) === i) {
        best = i;
        bestD = d;
      }
    }
    return { id: best, at: q.lab.screenOf(best)! };
  });
  expect(target.id).toBeGreaterThanOrEqual(0);
  await page.mouse.click(target.at.x, target.at.y);
  await page.waitForFunction((id) => window.__qres!.lab.selected === id, target.id);
  await page.waitForFunction(() => window.__qres!.lab.inspection !== null);
  await stepAndDraw(page, 30);
  await page.waitForFunction(() => (window.__qres!.lab.inspection?.signal.length ?? 0) >= 20, null, { timeout: 60_000 });
  const x = (await page.evaluate(() => window.__qres!.lab.inspection))!;
  expect(x.id).toBe(target.id);
  expect(x.weights).toHaveLength(8);
  expect(x.neighbours.length).toBeGreaterThan(0);
  expect(x.signal.length).toBe(x.prediction.length);
  expect(['banned', 'suspected', 'unsuspected']).toContain(x.knownAs);
  // Nothing in what the page got says the node's true role.
  expect(JSON.stringify(x)).not.toMatch(/attacker|honest"|role/i);
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => window.__qres!.lab.selected === -1 && window.__qres!.lab.inspection === null);
});

test('the timeline: seeking back to tick N (a replay from the seed) gives the hash of running to N; so does seeking on', async ({ page }) => {
  await openBrain(page, '?paused=1&rotate=0&attack=alie&byzantine=0.3');
  await stepAndDraw(page, 400);
  const node = createSim({ attack: 'alie', byzantine: 0.3 });
  node.step(150);
  const at150 = node.stateHash();
  node.step(150);
  const at300 = node.stateHash();
  expect(await page.evaluate(() => window.__qres!.lab.seek(150))).toBe(150);
  expect(await page.evaluate(() => window.__qres!.stateHash())).toBe(at150);
  expect(await page.evaluate(() => window.__qres!.lab.seek(300))).toBe(300);
  expect(await page.evaluate(() => window.__qres!.stateHash())).toBe(at300);
  // The status shows where the run has been (furthest) and its events stay known after the replay.
  await page.waitForFunction(() => (window.__qres!.lab.status?.furthest ?? 0) >= 400 && window.__qres!.lab.status?.seeking === false);
  // A click on the bar seeks too: its left end is tick 0.
  await page.mouse.click(11, 583);
  await page.waitForFunction(() => window.__qres!.lab.status?.seeking === false && (window.__qres!.snapshot?.tick ?? 999) < 40);
  await waitFrames(page, 1);
});
