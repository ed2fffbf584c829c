// npm run bench:render — opens the built Living Brain in headless Chromium (SwiftShader, the e2e flags) for
// 150, 1,000 and 10,000 nodes and reports draw calls, JS frame time and the frame rate, each N twice in the same
// run: the brain and HUD alone (`lab=0`) and with the lab's panel open and a node inspected (its links lit, its
// inspection polled); writes the table into docs/BENCHMARKS.md (section "render") and saves docs/images/brain.png:
// an attack preset (ALIE insiders 30 %) with the panel open and banned nodes showing.
// On Linux it also reads CPU time (/proc/<pid>/task/<tid>/schedstat) per frame: the page's main thread (its JS,
// Babylon's and the GUI's canvas calls, without the time it waits or is not scheduled) and Chromium's GPU process
// (SwiftShader drawing everything). On a shared machine these move far less with load than the wall-clock timers.
// The lab's cost at the largest N is also measured inside ONE page (same sim, same JIT, same tick range): the panel
// and inspector are switched on and off in alternating blocks of frames, the order flipped every round, and the
// main thread's CPU per frame is compared block against neighbouring block (paired, median over rounds). Separate
// page loads (the table) differ by several ms of CPU per frame from one load to the next, more than the lab costs.
// Usage: tsx scripts/bench-render.ts [--nodes 150,1000,10000] [--seconds 8] [--ab-rounds 8] [--ab-frames 4] [--no-image] [--no-write]
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { chromium, type Page } from '@playwright/test';
import { findChromium } from './chromium.mjs';
import { CHROMIUM_ARGS } from '../playwright.config';
import { machineLine, table, writeSection } from '../src/cli/report';
import type { RenderStats } from '../src/app/testHook';

const PORT = 4179;
const BASE = `http://127.0.0.1:${PORT}`;
const VIEWPORT = { width: 1280, height: 720 };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const NODE_COUNTS = arg('nodes', '150,1000,10000').split(',').map(Number);
const SECONDS = Number(arg('seconds', '8'));
const AB_ROUNDS = Number(arg('ab-rounds', '8'));
const AB_FRAMES = Number(arg('ab-frames', '4'));

async function startPreview(): Promise<ChildProcess> {
  // Vite's own entry, not npx: killing the child must stop the server itself.
  const vite = 'node_modules/vite/bin/vite.js';
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  const server = spawn(process.execPath, [vite, 'preview', '--port', String(PORT), '--strictPort'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(BASE)).ok) return server;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  server.kill();
  throw new Error('vite preview did not start');
}

interface Row {
  nodes: number;
  lab: boolean;
  edges: number;
  drawCalls: number;
  updateMs: number;
  renderMs: number;
  fps: number;
  readyS: number;
  /** CPU ms per frame of the page's main thread and of the GPU process (null off Linux). */
  mainCpuMs: number | null;
  gpuCpuMs: number | null;
  /** Screen pixels (thousands) the GUI's layers blend per frame. */
  guiKpx: number;
  /** 1-minute load average at the end of the row. */
  load: number;
}

/** Chromium's processes under this one (pid and --type), from /proc; empty off Linux. */
function chromiumProcesses(): { pid: number; type: string }[] {
  if (!existsSync('/proc/self/stat')) return [];
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const mine = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!mine.has(pid) && mine.has(ppid)) {
        mine.add(pid);
        grew = true;
      }
    }
  }
  const out: { pid: number; type: string }[] = [];
  for (const pid of mine) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const type = /--type=([\w-]+)/.exec(cmd)?.[1];
      if (type) out.push({ pid, type });
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Nanoseconds thread `tid` of `pid` has run (schedstat), or 0. */
function threadNs(pid: number, tid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return 0;
  }
}

function processNs(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/task`).reduce((sum, tid) => sum + threadNs(pid, Number(tid)), 0);
  } catch {
    return 0;
  }
}

/** CPU time of the page over a window: `start()` reads every renderer's main thread and the GPU process; the
 *  returned `stop()` gives the ns the busiest renderer's main thread ran meanwhile (the page's: after navigations an
 *  idle renderer may linger with more CPU in total) and the GPU process's. Null off Linux. */
function cpuWindow(): { stop: () => { main: number; gpu: number } } | null {
  const procs = chromiumProcesses();
  const renderers = procs.filter((p) => p.type === 'renderer').map((p) => ({ pid: p.pid, ns: threadNs(p.pid, p.pid) }));
  const gpu = procs.find((p) => p.type === 'gpu-process');
  if (renderers.length === 0 || !gpu) return null;
  const gpuStart = processNs(gpu.pid);
  return {
    stop: () => ({
      main: Math.max(...renderers.map((r) => threadNs(r.pid, r.pid) - r.ns)),
      gpu: processNs(gpu.pid) - gpuStart,
    }),
  };
}

async function measure(page: Page, nodes: number, lab: boolean): Promise<Row> {
  const t0 = Date.now();
  // A slow page before (10,000 nodes in software) can hold the navigation up for a while.
  await page.goto(`${BASE}/?nodes=${nodes}&seed=7&lab=${lab ? 1 : 0}`, { timeout: 300_000 });
  await page.waitForFunction(() => window.__qres?.ready === true, null, { timeout: 300_000 });
  const readyS = (Date.now() - t0) / 1000;
  if (lab) {
    // The panel open and the middle node inspected: the lab's whole per-frame cost.
    await page.evaluate(async () => {
      const q = window.__qres!;
      if (!q.lab.panelOpen) await q.act('togglePanel');
      q.lab.select(Math.floor(q.snapshot!.nodeCount / 2));
    });
    await page.waitForFunction(() => window.__qres!.lab.inspection !== null, null, { timeout: 300_000 });
  }
  // Warm up: let the first second's stats (shader compiles, first uploads) roll out of the window.
  const f0 = await page.evaluate(() => window.__qres!.frames);
  await page.waitForFunction((f) => window.__qres!.frames >= f + 3, f0, { timeout: 300_000 });
  await page.waitForTimeout(1500);
  const samples: RenderStats[] = [];
  const start = Date.now();
  const framesAtStart = await page.evaluate(() => window.__qres!.frames);
  const cpu = cpuWindow();
  while (Date.now() - start < SECONDS * 1000) {
    await page.waitForTimeout(1000);
    samples.push(await page.evaluate(() => ({ ...window.__qres!.render })));
  }
  const frames = (await page.evaluate(() => window.__qres!.frames)) - framesAtStart;
  const used = cpu?.stop() ?? null;
  const perFrame = (ns: number) => (frames > 0 ? ns / 1e6 / frames : null);
  const mainCpuMs = used && perFrame(used.main);
  const gpuCpuMs = used && perFrame(used.gpu);
  const guiKpx = await page.evaluate(() => window.__qres!.guiLayers().reduce((a, r) => a + (r ? r.width * r.height : 0), 0) / 1000);
  const fps = (1000 * frames) / (Date.now() - start);
  const mean = (f: (s: RenderStats) => number) => samples.reduce((a, s) => a + f(s), 0) / samples.length;
  const edges = await page.evaluate(() => window.__qres!.snapshot?.edges ?? 0);
  return {
    nodes,
    lab,
    edges,
    drawCalls: Math.max(...samples.map((s) => s.drawCalls)),
    updateMs: mean((s) => s.updateMs),
    renderMs: mean((s) => s.frameTimeMs),
    fps,
    readyS,
    mainCpuMs,
    gpuCpuMs,
    guiKpx,
    load: os.loadavg()[0]!,
  };
}

interface LabAB {
  nodes: number;
  /** Main-thread CPU ms per frame: every block with the lab's panel + inspector off, and on. */
  off: number[];
  on: number[];
  /** Per round: on − off of that round's two neighbouring blocks. */
  diffs: number[];
}

/** Panel open and a node inspected (`on`), or panel closed and nothing inspected (`off`); waits until it shows. */
async function setLab(page: Page, on: boolean): Promise<void> {
  await page.evaluate(async (want) => {
    const q = window.__qres!;
    if (q.lab.panelOpen !== want) await q.act('togglePanel');
    q.lab.select(want ? Math.floor(q.snapshot!.nodeCount / 2) : -1);
  }, on);
  await page.waitForFunction((want) => window.__qres!.lab.panelOpen === want && (window.__qres!.lab.inspection !== null) === want, on, {
    timeout: 300_000,
  });
}

/** Main-thread CPU ms per frame over about `frames` frames (null off Linux). Nothing polls the page during the
 *  window (an in-page poll would itself cost main-thread CPU): the window is timed from Node, its length from the
 *  frame interval just before it, and CPU is divided by the frames the page counted meanwhile. */
async function cpuPerFrame(page: Page, frames: number): Promise<number | null> {
  const t0 = Date.now();
  const f0 = await page.evaluate(() => window.__qres!.frames);
  await page.waitForFunction((f) => window.__qres!.frames >= f + 2, f0, { timeout: 300_000 });
  const intervalMs = (Date.now() - t0) / 2;
  const f1 = await page.evaluate(() => window.__qres!.frames);
  const cpu = cpuWindow();
  await page.waitForTimeout(Math.max(500, intervalMs * frames));
  const used = cpu?.stop() ?? null;
  const done = (await page.evaluate(() => window.__qres!.frames)) - f1;
  return used && done > 0 ? used.main / 1e6 / done : null;
}

async function labAB(page: Page, nodes: number): Promise<LabAB | null> {
  await page.goto(`${BASE}/?nodes=${nodes}&seed=7&lab=1`, { timeout: 300_000 });
  await page.waitForFunction(() => window.__qres?.ready === true, null, { timeout: 300_000 });
  const out: LabAB = { nodes, off: [], on: [], diffs: [] };
  for (let r = 0; r < AB_ROUNDS; r++) {
    const order = r % 2 === 0 ? [false, true] : [true, false];
    const got = { on: 0, off: 0 };
    for (const on of order) {
      await setLab(page, on);
      // Settle: the toggle's own layout and repaint and the first inspection poll happen once, not per frame.
      await page.waitForTimeout(1000);
      const f = await page.evaluate(() => window.__qres!.frames);
      await page.waitForFunction((n) => window.__qres!.frames >= n + 2, f, { timeout: 300_000 });
      const ms = await cpuPerFrame(page, AB_FRAMES);
      if (ms === null) return null;
      got[on ? 'on' : 'off'] = ms;
      (on ? out.on : out.off).push(ms);
    }
    out.diffs.push(got.on - got.off);
    console.log(`A/B round ${r + 1}/${AB_ROUNDS} at ${nodes}: off ${got.off.toFixed(2)}, on ${got.on.toFixed(2)} ms CPU/frame`);
  }
  return out;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** docs/images/brain.png: the ALIE preset (150 nodes) run at max speed until attackers are banned and cures have
 *  spread, then paused and captured with the lab panel open. */
async function brainImage(page: Page): Promise<void> {
  await page.goto(`${BASE}/?nodes=150&seed=7&preset=alie&speed=max`, { timeout: 300_000 });
  await page.waitForFunction(() => window.__qres?.ready === true, null, { timeout: 300_000 });
  await page.evaluate(() => window.__qres!.act('togglePanel'));
  await page.waitForFunction(
    () => {
      const s = window.__qres!.snapshot;
      return !!s && s.evolved >= 12 && s.banned >= 10 && s.storm >= 6;
    },
    null,
    { timeout: 600_000, polling: 500 },
  );
  await page.keyboard.press('KeyP');
  await page.waitForFunction(() => window.__qres!.snapshot?.paused === true, null, { timeout: 60_000 });
  await page.evaluate(() => window.__qres!.setCamera({ alpha: 0.6, beta: Math.PI / 2 - 0.35, radius: 23 }));
  const f = await page.evaluate(() => window.__qres!.frames);
  await page.waitForFunction((n) => window.__qres!.frames >= n + 3, f, { timeout: 120_000 });
  mkdirSync('docs/images', { recursive: true });
  await page.screenshot({ path: 'docs/images/brain.png' });
  console.log('wrote docs/images/brain.png');
}

async function main(): Promise<void> {
  const server = await startPreview();
  const browser = await chromium.launch({ executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const rows: Row[] = [];
    for (const n of NODE_COUNTS) {
      for (const lab of [false, true]) {
        const row = await measure(page, n, lab);
        rows.push(row);
        console.log(
          `N=${n}${lab ? ' lab' : ''}: edges ${row.edges}, draw calls ${row.drawCalls}, JS update ${row.updateMs.toFixed(2)} ms + scene.render ${row.renderMs.toFixed(2)} ms, ${row.fps.toFixed(2)} fps (ready ${row.readyS.toFixed(1)} s); CPU per frame: main thread ${ms(row.mainCpuMs)} ms, GPU process ${ms(row.gpuCpuMs)} ms; GUI blends ${row.guiKpx.toFixed(0)} kpx; load ${row.load.toFixed(1)}`,
        );
      }
    }
    const added = NODE_COUNTS.map((n) => {
      const off = rows.find((r) => r.nodes === n && !r.lab)!;
      const on = rows.find((r) => r.nodes === n && r.lab)!;
      const cpu = on.mainCpuMs !== null && off.mainCpuMs !== null ? on.mainCpuMs - off.mainCpuMs : null;
      return { n, ms: on.updateMs + on.renderMs - (off.updateMs + off.renderMs), cpu };
    });
    for (const a of added) console.log(`N=${a.n}: the lab adds ${a.ms.toFixed(2)} ms of JS per frame (main-thread CPU: ${ms(a.cpu)} ms)`);
    const abNodes = Math.max(...NODE_COUNTS);
    const ab = AB_ROUNDS > 0 ? await labAB(page, abNodes) : null;
    if (ab)
      console.log(
        `N=${abNodes}, one page, ${AB_ROUNDS} rounds × ${AB_FRAMES} frames: the panel + inspector add ${median(ab.diffs).toFixed(2)} ms of main-thread CPU per frame (median; rounds ${Math.min(...ab.diffs).toFixed(2)} … ${Math.max(...ab.diffs).toFixed(2)}; off ${median(ab.off).toFixed(2)}, on ${median(ab.on).toFixed(2)})`,
      );
    if (!process.argv.includes('--no-write')) {
      const md = [
        '## Render (`npm run bench:render`)',
        '',
        `Headless Chromium, ${VIEWPORT.width}×${VIEWPORT.height}, HDR bloom + ACES, sim running at 1× in the worker; ` +
          `means over ${SECONDS} s after warm-up. Machine: ${machineLine()}; 1-minute load average ${Math.min(...rows.map((r) => r.load)).toFixed(1)}–${Math.max(...rows.map((r) => r.load)).toFixed(1)} during the run.`,
        '',
        '**This machine has no GPU: WebGL runs in software (SwiftShader), so the frame rate here says nothing about a ' +
          "user's GPU.** Draw calls and the page's JS time per frame are the meaningful figures.",
        '',
        table(
          [
            'nodes',
            'lab',
            'links',
            'draw calls',
            'JS update (ms/frame)',
            'scene.render JS (ms/frame)',
            'JS frame time (ms)',
            'main-thread CPU (ms/frame)',
            'GPU-process CPU (ms/frame)',
            'GUI blended (kpx/frame)',
            'fps (software)',
            'ready (s)',
            'load',
          ],
          rows.map((r) => [
            r.nodes.toLocaleString('en-US'),
            r.lab ? 'panel + inspector' : 'off',
            r.edges.toLocaleString('en-US'),
            r.drawCalls,
            r.updateMs.toFixed(2),
            r.renderMs.toFixed(2),
            (r.updateMs + r.renderMs).toFixed(2),
            ms(r.mainCpuMs),
            ms(r.gpuCpuMs, 0),
            r.guiKpx.toFixed(0),
            r.fps.toFixed(2),
            r.readyS.toFixed(1),
            r.load.toFixed(1),
          ]),
        ),
        '',
        '"JS update" is our own per-frame work before `scene.render()` (interpolation, instance matrices and colours, ' +
          'line buffers, HUD); "scene.render JS" is Babylon\'s SceneInstrumentation frameTimeCounter. ' +
          'Targets: draw calls at 10,000 = at 150; JS frame time at 10,000 ≤ 8 ms. "lab off" is `?lab=0` (brain and HUD ' +
          'alone); "panel + inspector" has the lab panel open and the middle node inspected (its links lit, its ' +
          'inspection and the timeline polled from the worker), measured in the same run. What the lab adds to the JS ' +
          `frame time (target ≤ 1 ms at 10,000): ${added.map((a) => `${a.n.toLocaleString('en-US')}: ${a.ms.toFixed(2)} ms`).join(', ')}; ` +
          `to the main thread's CPU time per frame: ${added.map((a) => `${a.n.toLocaleString('en-US')}: ${ms(a.cpu)} ms`).join(', ')}.`,
        '',
        ...(ab
          ? [
              `**In one page** at ${ab.nodes.toLocaleString('en-US')} nodes (the table's rows are separate page loads, whose CPU per ` +
                'frame differs by several ms from one load to the next): the panel and inspector switched on and off in ' +
                `alternating blocks of ${AB_FRAMES} frames, ${AB_ROUNDS} rounds, the order flipped every round, main-thread CPU per frame, each ` +
                "round's on block against its neighbouring off block. **The panel + inspector add " +
                `${median(ab.diffs).toFixed(2)} ms per frame** (median over rounds; the rounds ranged ${Math.min(...ab.diffs).toFixed(2)} … ${Math.max(...ab.diffs).toFixed(2)}); ` +
                `off ${median(ab.off).toFixed(2)} ms, on ${median(ab.on).toFixed(2)} ms (medians of the blocks). Target ≤ 1 ms at 10,000.`,
              '',
            ]
          : []),
        'The wall-clock columns (JS update, scene.render) include the time the main thread waits for the GPU process ' +
          '(a GUI texture upload, a buffer the previous frame still draws from) and the time it is not scheduled: with ' +
          "SwiftShader the GPU process is the machine's biggest CPU user, so on a busy machine they swing by several " +
          "times. The CPU columns are read from Linux's schedstat per frame: the main thread's is the page's own work " +
          "(our JS, Babylon's, the GUI's canvas calls); the GPU process's is SwiftShader drawing the frame. " +
          '"GUI blended" is the screen area the GUI textures are drawn over (each is drawn through small quads around ' +
          'its visible controls, src/render/guiWindow.ts).',
      ].join('\n');
      writeSection('render', md);
      console.log('wrote section "render" of docs/BENCHMARKS.md');
    }
    if (!process.argv.includes('--no-image')) await brainImage(page);
  } finally {
    await browser.close();
    server.kill();
  }
}

function ms(v: number | null, digits = 2): string {
  return v === null ? 'n/a' : v.toFixed(digits);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
