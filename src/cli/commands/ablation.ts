// `qres ablation`: sweep aggregator × attack × attacker fraction over seeds and write docs/ABLATION.md with
// its chart (docs/images/ablation.svg). Heavy lifting lives in src/cli/ablation/.
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError, type Command, type Values } from '../command';
import { createProgress } from '../progress';
import { ensureDir } from '../../storage/fileStorage';
import { AGGREGATOR_NAMES } from '../../core/consensus/registry';
import { CATALOG_ATTACKS, DEFAULT_OUT, DEFAULT_PLAN, commandLine, groupsOf, jobsFromFlags, planFromFlags, runsIn } from '../ablation/plan';
import { runGroups } from '../ablation/pool';
import { summarize, type AblationSummary } from '../ablation/summary';
import { ablationChartSvg, ablationTimeChartSvg } from '../ablation/chart';
import { ablationMarkdown, fractionLabel, pct } from '../ablation/markdown';

const USAGE = `usage: npm run qres -- ablation [flags]

Sweeps aggregator × attack × attacker fraction over seeds 1..N and writes a markdown report with worst-case
consensus drift tables, each aggregator's breakdown fraction, an SVG chart (beside it, images/<name>.svg) and
the worst attack's drift over time at 30 % (a table and images/<name>-time.svg).
Every cell is the worst case over seeds; the headline is also the worst over the attack catalogue.

  --seeds N            seeds 1..N (default ${DEFAULT_PLAN.seeds})
  --seconds S          sim time per run, seconds (default ${DEFAULT_PLAN.seconds})
  --nodes N            nodes per run (default ${DEFAULT_PLAN.nodes})
  --aggregators A,B    default all: ${AGGREGATOR_NAMES.join(', ')}
  --attacks X,Y        default all: ${CATALOG_ATTACKS.join(', ')}
  --fractions F,G      attacker fractions in [0, 0.9] (default ${DEFAULT_PLAN.fractions.join(',')})
  --jobs N             worker threads (default: CPU count, at most 4); changes no figure, only the time
  --no-own-filter      turn off the nodes' own-data filter, so the aggregators and reputation face the attacks
                       alone (docs/ABLATION-NO-FILTER.md was made this way)
  --no-poison          attackers attack consensus only (no poisoned cures, so nothing convicts them)
  --out FILE           markdown file to write (default ${DEFAULT_OUT})
  --json               print the figures as one JSON object; files are then written only if --out is given

Cost: the default sweep is 8 aggregators × (1 + 5 × (1 + 8)) = 368 runs per seed, 1840 in all (the clean
run is shared by all attacks; fraction 0 has no attack runs). One run of 150 nodes for 300 s takes ~0.15 s of
CPU; on the 2-core project machine, shared with other work (load average 11-19), one seed took 541 s wall time
with 2 jobs and two seeds 1,052 s, so the five-seed default takes ~45 min there. Runs of 2,400 s cost ~8 times
as much each: 20 of them (one aggregator, 3 attacks at 30 %, 5 seeds) took 288 s.`;

export const ABLATION_OPTIONS = {
  seeds: { type: 'string' },
  seconds: { type: 'string' },
  nodes: { type: 'string' },
  aggregators: { type: 'string' },
  attacks: { type: 'string' },
  fractions: { type: 'string' },
  'no-own-filter': { type: 'boolean' },
  'no-poison': { type: 'boolean' },
  jobs: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export interface AblationRun {
  readonly summary: AblationSummary;
  readonly markdown: string;
  readonly svg: string;
  /** The drift-over-time chart of the worst attack ('' without an attacked fraction). */
  readonly timeSvg: string;
  /** Where the files were written (undefined with --json and no --out). */
  readonly files?: { markdown: string; svg: string; timeSvg?: string };
  readonly wallMs: number;
}

/** Runs the sweep for the flags, writes the files, returns everything (also used by tests). */
export async function runAblation(values: Values): Promise<AblationRun> {
  const plan = planFromFlags(values);
  const jobs = jobsFromFlags(values);
  if (values.out !== undefined && (typeof values.out !== 'string' || !values.out.endsWith('.md'))) {
    throw new UsageError('--out needs a markdown file name ending in .md');
  }
  const out = typeof values.out === 'string' ? values.out : DEFAULT_OUT;
  const writes = !values.json || values.out !== undefined;
  const chartName = `${basename(out, '.md').toLowerCase()}.svg`;
  const svgPath = join(dirname(out), 'images', chartName);
  const timeChartName = `${basename(out, '.md').toLowerCase()}-time.svg`;
  const timeSvgPath = join(dirname(out), 'images', timeChartName);
  if (writes) {
    // Made before the sweep, not after minutes of work (ensureDir, not Node's recursive mkdir, which never
    // returns for some paths such as under /proc).
    try {
      await ensureDir(dirname(svgPath));
    } catch (e) {
      throw new UsageError(`--out ${out}: cannot create ${dirname(svgPath)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const groups = groupsOf(plan);
  const totalRuns = groups.reduce((s, g) => s + runsIn(g), 0);
  const progress = createProgress(`ablation (${totalRuns} runs, ${jobs} job${jobs > 1 ? 's' : ''})`, totalRuns);
  const started = performance.now();
  let done = 0;
  const results = await runGroups(plan, groups, jobs, () => progress.update(++done));
  progress.finish();
  const wallMs = performance.now() - started;
  const summary = summarize(plan, results);
  const timeSvg = ablationTimeChartSvg(summary);
  const markdown = ablationMarkdown(summary, commandLine(plan, out), `images/${chartName}`, timeSvg ? `images/${timeChartName}` : undefined);
  const svg = ablationChartSvg(summary);
  let files: AblationRun['files'];
  if (writes) {
    writeFileSync(svgPath, svg);
    if (timeSvg) writeFileSync(timeSvgPath, timeSvg);
    writeFileSync(out, markdown);
    files = { markdown: out, svg: svgPath, ...(timeSvg ? { timeSvg: timeSvgPath } : {}) };
  }
  process.stderr.write(`ablation: ${summary.runs} runs (${summary.failedRuns} failed) in ${(wallMs / 1000).toFixed(1)} s wall time, ${jobs} job(s)\n`);
  return { summary, markdown, svg, timeSvg, files, wallMs };
}

const round5 = (x: number): number => Math.round(x * 1e5) / 1e5;

function json(s: AblationSummary): Record<string, unknown> {
  return {
    plan: s.plan,
    runs: s.runs,
    failedRuns: s.failedRuns,
    breakdown: s.breakdown,
    worst: s.worst.map((c) => ({ ...c, worstDrift: round5(c.worstDrift) })),
    cells: s.cells.map((c) => ({ ...c, worstDrift: round5(c.worstDrift) })),
  };
}

function human(r: AblationRun): string {
  const s = r.summary;
  const width = Math.max(...s.plan.aggregators.map((a) => a.length), 10);
  const head = `  ${'aggregator'.padEnd(width)}  ${s.plan.fractions.map((f) => fractionLabel(f).padStart(18)).join('')}  breakdown`;
  const rows = s.plan.aggregators.map((a) => {
    const cells = s.worst
      .filter((c) => c.aggregator === a)
      .map((c) => `${pct(c.worstDrift)}${c.worstAttack ? ` ${c.worstAttack}` : ''}${c.failedRuns ? '!' : ''}`.padStart(18));
    const b = s.breakdown[a];
    return `  ${a.padEnd(width)}  ${cells.join('')}  ${b === null || b === undefined ? 'none' : fractionLabel(b)}`;
  });
  return [
    `QRES ablation — worst-case consensus drift (%) over ${s.plan.attacks.length} attacks and ${s.plan.seeds} seed(s)`,
    head,
    ...rows,
    `  ${s.runs} runs, ${s.failedRuns} failed${r.files ? `; wrote ${r.files.markdown} and ${r.files.svg}` : ''}`,
  ].join('\n');
}

export const ablationCommand: Command = {
  name: 'ablation',
  summary: 'sweep aggregator × attack × attacker fraction and write docs/ABLATION.md',
  usage: USAGE,
  options: ABLATION_OPTIONS,
  async run(values) {
    const r = await runAblation(values);
    process.stdout.write(values.json ? `${JSON.stringify(json(r.summary))}\n` : `${human(r)}\n`);
    return 0;
  },
};
