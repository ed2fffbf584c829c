import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { capture } from '../helpers/capture';
import { main } from '../../src/cli/main';
import { runAblation } from '../../src/cli/commands/ablation';
import { createSim } from '../../src/sim/runner';
import { consensusDrift } from '../../src/sim/drift';
import { commandLine, groupsOf, planFromFlags, runsIn, type AblationPlan } from '../../src/cli/ablation/plan';
import { runGroup, TIME_POINTS, timePoints, type GroupResult, type RunOutcome } from '../../src/cli/ablation/runGroup';
import { summarize } from '../../src/cli/ablation/summary';
import { ablationMarkdown } from '../../src/cli/ablation/markdown';
import { ablationChartSvg, ablationTimeChartSvg } from '../../src/cli/ablation/chart';

const dir = mkdtempSync(join(tmpdir(), 'qres-ablation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TINY = ['--seeds', '1', '--seconds', '40', '--nodes', '60', '--aggregators', 'mean,trimmed-mean', '--attacks', 'sign-flip,alie', '--fractions', '0,0.3'];

/** Tags open and close in order (a small well-formedness check, enough for hand-built SVG). */
function tagsBalance(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (!closing) stack.push(name!);
    else if (stack.pop() !== name) return false;
  }
  return stack.length === 0;
}

describe('qres ablation', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a tiny sweep writes the report (tables, breakdown, chart link) and a well-formed SVG with a line per aggregator', async () => {
    const io = capture();
    const out = join(dir, 'a', 'ABLATION.md');
    expect(await main(['ablation', ...TINY, '--jobs', '1', '--out', out])).toBe(0);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain(
      `npm run qres -- ablation --seeds 1 --seconds 40 --nodes 60 --aggregators mean,trimmed-mean --attacks sign-flip,alie --fractions 0,0.3 --out ${out}`,
    );
    for (const heading of [
      '## Worst-case drift (%)',
      '## Breakdown fraction',
      '## Per attack at 30 % attackers',
      '### Attackers banned at 30 %',
      '## Honest nodes banned',
      '## Failed runs',
    ]) {
      expect(md).toContain(heading);
    }
    expect(md).toMatch(/\| aggregator \| 0 % \| 30 % \|/);
    expect(md).toMatch(/\| `mean` \| 0\.00 \| \**\d+\.\d\d\**( \(sign-flip\)| \(alie\)) \|/);
    expect(md).toMatch(/\| `trimmed-mean` \| (none ≤ 30 %|30 %) \|/);
    expect(md).toContain('](images/ablation.svg)');
    expect(md).toMatch(/\*\*Machine:\*\* \d+ × /);
    expect(md).not.toMatch(/\d+(\.\d+)? s wall|\d{4}-\d\d-\d\dT/); // no timings or timestamps in the file
    const svg = readFileSync(join(dir, 'a', 'images', 'ablation.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(tagsBalance(svg)).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('data-aggregator="mean"');
    expect(svg).toContain('data-aggregator="trimmed-mean"');
    expect(svg).toContain('5 % breakdown');
    expect(md).toMatch(/## Drift over time: (sign-flip|alie) at 30 % attackers/);
    expect(md).toContain('](images/ablation-time.svg)');
    const timeSvg = readFileSync(join(dir, 'a', 'images', 'ablation-time.svg'), 'utf8');
    expect(tagsBalance(timeSvg)).toBe(true);
    expect(timeSvg.match(/<polyline /g)).toHaveLength(2);
    expect(io.err.join('')).toMatch(/ablation: 8 runs \(0 failed\) in \d+\.\d s wall time/);
    expect(io.out.join('')).toContain('worst-case consensus drift');
  });

  it('is deterministic: twice, and with 2 worker threads, the same bytes', async () => {
    const io = capture();
    const out = join(dir, 'b', 'ABLATION.md');
    const read = () => [readFileSync(out), readFileSync(join(dir, 'b', 'images', 'ablation.svg')), readFileSync(join(dir, 'b', 'images', 'ablation-time.svg'))];
    expect(await main(['ablation', ...TINY, '--jobs', '1', '--out', out])).toBe(0);
    const first = read();
    expect(await main(['ablation', ...TINY, '--jobs', '1', '--out', out])).toBe(0);
    const second = read();
    expect(await main(['ablation', ...TINY, '--jobs', '2', '--out', out])).toBe(0);
    const threaded = read();
    expect(second[0]!.equals(first[0]!)).toBe(true);
    expect(second[1]!.equals(first[1]!)).toBe(true);
    expect(threaded[0]!.equals(first[0]!)).toBe(true);
    expect(threaded[1]!.equals(first[1]!)).toBe(true);
    expect(second[2]!.equals(first[2]!)).toBe(true);
    expect(threaded[2]!.equals(first[2]!)).toBe(true);
    expect(io.err.join('')).not.toContain('worker threads unavailable'); // the threaded path really ran
  });

  it("each cell is the sim's own consensusDrift against the shared clean run", async () => {
    capture();
    const r = await runAblation({ seeds: '1', seconds: '40', nodes: '60', aggregators: 'mean', attacks: 'sign-flip', fractions: '0.3', json: true, jobs: '1' });
    expect(r.files).toBeUndefined(); // --json without --out writes nothing
    const config = { nodes: 60, seed: 1, aggregator: 'mean', byzantine: 0.3, layout: false };
    const attacked = createSim({ ...config, attack: 'sign-flip' });
    const clean = createSim({ ...config, attack: 'none' });
    attacked.step(400);
    clean.step(400);
    const cell = r.summary.cells.find((c) => c.attack === 'sign-flip' && c.fraction === 0.3)!;
    expect(cell.worstDrift).toBeGreaterThan(0);
    expect(cell.worstDrift).toBe(consensusDrift(attacked, clean));
    expect(cell.attackers).toBe(18);
    expect(cell.maxHonestBans).toBe(attacked.metrics().bans.honest);
    expect(cell.minAttackerBans).toBe(attacked.metrics().bans.attackers);
  });

  it('samples drift over time: each time point is consensusDrift at that moment, the last the end value', () => {
    const plan = planFromFlags({ seeds: '1', seconds: '40', nodes: '60', aggregators: 'mean', attacks: 'sign-flip', fractions: '0.3' });
    expect(timePoints(plan)).toHaveLength(TIME_POINTS);
    expect(timePoints(plan)[TIME_POINTS - 1]).toBe(40);
    const result = runGroup(plan, groupsOf(plan)[0]!);
    const run = result.attacks[0]!;
    expect(run.driftOverTime).toHaveLength(TIME_POINTS);
    expect(run.driftOverTime[TIME_POINTS - 1]).toBe(run.drift);
    // An independent pair of runs stepped to the 6th time point (20 s) gives the same drift there.
    const config = { nodes: 60, seed: 1, aggregator: 'mean', byzantine: 0.3, layout: false } as const;
    const attacked = createSim({ ...config, attack: 'sign-flip' });
    const clean = createSim({ ...config, attack: 'none' });
    attacked.step(200);
    clean.step(200);
    expect(timePoints(plan)[5]).toBe(20);
    expect(run.driftOverTime[5]).toBeCloseTo(consensusDrift(attacked, clean), 12);
    expect(run.driftOverTime[5]).not.toBe(run.drift);
  });

  it.each([
    [['--aggregators', 'mean,nope'], /unknown name 'nope'; valid: mean, median, trimmed-mean, krum, multi-krum, bulyan, reputation-trimmed-mean/],
    [['--attacks', 'none'], /unknown name 'none'; valid: sign-flip, gaussian, bias, alie, ipm, mimic, sybil/],
    [['--fractions', '0,0.95'], /--fractions: "0.95" is not a number in \[0, 0.9\]/],
    [['--seeds', '0'], /--seeds must be an integer/],
    [['--seconds', 'x'], /--seconds expects a number/],
    [['--out', 'report.txt'], /--out needs a markdown file/],
    [['--out', '/proc/qres-cannot-create/report.md'], /--out \/proc\/qres-cannot-create\/report.md: cannot create \/proc\/qres-cannot-create\/images: E[A-Z]+/],
    [['--out', `${__filename}/report.md`], /: cannot create .*ablation.test.ts\/images: ENOTDIR/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('%j is a usage error: exit 2 naming what is valid', async (argv, message) => {
    const io = capture();
    expect(await main(['ablation', ...argv])).toBe(2);
    expect(io.err.join('')).toMatch(message);
    expect(io.err.join('')).toContain('(see: npm run qres -- help ablation)');
    expect(io.err.join('')).not.toContain('usage:');
  });
});

describe('ablation pieces', () => {
  const plan: AblationPlan = {
    seeds: 2,
    seconds: 10,
    nodes: 20,
    aggregators: ['mean', 'krum'],
    attacks: ['sign-flip', 'alie'],
    fractions: [0, 0.1, 0.3],
    ownDataFilter: true,
  };

  it("--no-own-filter turns the sim's own-data filter off in every run, and the command line and report say so", () => {
    const off = planFromFlags({ 'no-own-filter': true });
    expect(off.ownDataFilter).toBe(false);
    expect(planFromFlags({}).ownDataFilter).toBe(true);
    expect(commandLine(off, 'docs/ABLATION-NO-FILTER.md')).toMatch(/--no-own-filter --out docs\/ABLATION-NO-FILTER.md$/);
    expect(commandLine(planFromFlags({}), 'docs/ABLATION.md')).not.toContain('--no-own-filter');
    // The flag reaches the sim: a run without the filter lets the bias attack pull further.
    const drift = (ownDataFilter: boolean) => {
      const r = runGroup(
        { ...plan, nodes: 150, seconds: 300, aggregators: ['reputation-trimmed-mean'], ownDataFilter },
        { aggregator: 'reputation-trimmed-mean', fraction: 0.3, seed: 7, attacks: ['bias'] },
      );
      return r.attacks[0]!.drift!;
    };
    expect(drift(false)).toBeGreaterThan(drift(true));
  });

  it('--no-poison: attackers attack consensus only, and the command line and report say so', () => {
    const off = planFromFlags({ 'no-poison': true });
    expect(off.poisonCures).toBe(false);
    expect(planFromFlags({}).poisonCures).toBeUndefined(); // the default: attackers also poison cures
    expect(commandLine(off, 'docs/ABLATION.md')).toMatch(/ --no-poison$/);
    expect(commandLine(planFromFlags({}), 'docs/ABLATION.md')).not.toContain('--no-poison');
    const md = ablationMarkdown(summarize(off, []), commandLine(off, 'docs/ABLATION.md'), 'images/a.svg');
    expect(md).toContain('attackers attack consensus only (`--no-poison`');
  });

  it('shares work: one clean run per aggregator, fraction and seed; fraction 0 has no attack runs', () => {
    const groups = groupsOf(plan);
    expect(groups).toHaveLength(2 * 2 * 3);
    expect(groups.filter((g) => g.fraction === 0).every((g) => g.attacks.length === 0)).toBe(true);
    expect(groups.reduce((s, g) => s + runsIn(g), 0)).toBe(2 * 2 * (1 + 2 * 3));
  });

  it('a run that throws is a failed outcome, not a crash', () => {
    const result = runGroup({ ...plan, nodes: 0 }, { aggregator: 'mean', fraction: 0.1, seed: 1, attacks: ['alie'] });
    expect(result.clean.error).toMatch(/ConfigError/);
    expect(result.attacks[0]!.error).toMatch(/clean run failed/);
  });

  // A synthetic run's drift over time: rising to its end value (the last time point).
  const ok = (drift: number, honestBans = 0, attackerBans = 2): RunOutcome => ({
    drift,
    honestBans,
    attackerBans,
    attackers: 2,
    lastAttackerBanRound: 3,
    driftOverTime: Array.from({ length: TIME_POINTS }, (_, k) => (drift * (k + 1)) / TIME_POINTS),
  });
  const failedRun: RunOutcome = { drift: 0, honestBans: 0, attackerBans: 0, attackers: 0, lastAttackerBanRound: 0, driftOverTime: [], error: 'Boom: no' };
  function synthetic(): GroupResult[] {
    // mean breaks at 30 % under alie (seed 2 is the worse one); krum never does, but one of its runs failed.
    const drift: Record<string, number[]> = {
      'mean/0.1/1': [0.01, 0.02],
      'mean/0.1/2': [0.011, 0.03],
      'mean/0.3/1': [0.04, 0.06],
      'mean/0.3/2': [0.02, 0.2],
      'krum/0.1/1': [0.001, 0.002],
      'krum/0.1/2': [0.003, 0.001],
      'krum/0.3/1': [0.01, 0.04],
      'krum/0.3/2': [0.02, 0.01],
    };
    return groupsOf(plan).map((group) => {
      const d = drift[`${group.aggregator}/${group.fraction}/${group.seed}`] ?? [];
      const attacks = group.attacks.map((_, i) =>
        group.aggregator === 'krum' && group.fraction === 0.3 && group.seed === 2 && i === 0
          ? failedRun
          : ok(d[i]!, group.aggregator === 'krum' ? 1 : 0, group.seed),
      );
      return { group, clean: ok(0, group.aggregator === 'krum' ? 4 : 0, 0), attacks };
    });
  }

  it('worst case over seeds and attacks, the breakdown fraction, and failed runs kept', () => {
    const s = summarize(plan, synthetic());
    const mean30 = s.worst.find((c) => c.aggregator === 'mean' && c.fraction === 0.3)!;
    expect(mean30).toMatchObject({ worstDrift: 0.2, worstAttack: 'alie', failedRuns: 0 });
    expect(s.cells.find((c) => c.aggregator === 'mean' && c.attack === 'alie' && c.fraction === 0.3)).toMatchObject({ worstSeed: 2, minAttackerBans: 1 });
    expect(s.breakdown).toEqual({ mean: 0.3, krum: null });
    const krum30 = s.worst.find((c) => c.aggregator === 'krum' && c.fraction === 0.3)!;
    expect(krum30).toMatchObject({ worstDrift: 0.04, worstAttack: 'alie', failedRuns: 1, maxHonestBans: 1 });
    expect(s.worst.find((c) => c.aggregator === 'krum' && c.fraction === 0)).toMatchObject({ worstDrift: 0, maxHonestBans: 4 });
    expect(s.failedRuns).toBe(1);
    expect(s.cells.find((c) => c.aggregator === 'krum' && c.attack === 'sign-flip' && c.fraction === 0.3)!.failures).toEqual(['seed 2: Boom: no']);
  });

  it('the chart puts a broken-down point above the 5 % line and a robust one below it', () => {
    const svg = ablationChartSvg(summarize(plan, synthetic()));
    const refY = Number(/<line x1="80" y1="([\d.]+)" x2="580" y2="\1" stroke="#000000"/.exec(svg)![1]);
    const lastY = (name: string) => {
      const pts = new RegExp(`data-aggregator="${name}">\\n<polyline [^>]*points="([^"]+)"`).exec(svg)![1]!.split(' ');
      return Number(pts[pts.length - 1]!.split(',')[1]);
    };
    expect(lastY('mean')).toBeLessThan(refY); // 20 %: higher on the page
    expect(lastY('krum')).toBeGreaterThan(refY); // 4 %
  });

  it('drift over time follows the worst attack at 30 %: worst over seeds at each time point, charted per aggregator', () => {
    const s = summarize(plan, synthetic());
    // alie at 30 % is the worst cell (mean, seed 2: 20 %); its line is the worst over seeds at every point.
    expect(s.overTime).toMatchObject({ fraction: 0.3, attack: 'alie' });
    expect(s.overTime!.times).toEqual(timePoints(plan));
    const mean = s.overTime!.lines.find((l) => l.aggregator === 'mean')!.worstDrift;
    expect(mean).toHaveLength(TIME_POINTS);
    expect(mean[TIME_POINTS - 1]).toBeCloseTo(0.2, 12);
    expect(mean[0]).toBeCloseTo(0.2 / TIME_POINTS, 12);
    // krum's seed 2 alie run failed: only seed 1 (4 %) counts.
    expect(s.overTime!.lines.find((l) => l.aggregator === 'krum')!.worstDrift[TIME_POINTS - 1]).toBeCloseTo(0.04, 12);
    const svg = ablationTimeChartSvg(s);
    expect(tagsBalance(svg)).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('alie at 30 % attackers');
    const refY = Number(/<line x1="80" y1="([\d.]+)" x2="580" y2="\1" stroke="#000000"/.exec(svg)![1]);
    const ys = (name: string) =>
      new RegExp(`data-aggregator="${name}">\\n<polyline [^>]*points="([^"]+)"`)
        .exec(svg)![1]!
        .split(' ')
        .map((p) => Number(p.split(',')[1]));
    const meanYs = ys('mean');
    expect(meanYs).toHaveLength(TIME_POINTS + 1); // from time 0
    expect(meanYs[meanYs.length - 1]).toBeLessThan(refY); // 20 % at the end: above the 5 % line
    expect(meanYs[1]).toBeGreaterThan(refY); // 1.7 % at the first point: below it
    expect(ys('krum').every((y) => y > refY)).toBe(true);
    const md = ablationMarkdown(s, 'cmd', 'images/a.svg', 'images/a-time.svg');
    expect(md).toContain('## Drift over time: alie at 30 % attackers');
    expect(md).toContain('](images/a-time.svg)');
  });
});
