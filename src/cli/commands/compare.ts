// `qres compare`: the same swarm under QRES, FedAvg (float32 and gene rows), gossip learning and D-PSGD, on the
// same devices, field and radio; writes docs/COMPARISON.md and its chart. The engines live in src/compare/.
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import os from 'node:os';
import { numberFlag, UsageError, type Command, type Values } from '../command';
import { createProgress } from '../progress';
import { ensureDir } from '../../storage/fileStorage';
import { jobsOf, LINK_NAMES, LINKS, PROTOCOLS, RUNS_PER_JOB, type ComparePlan, type Link, type LinkName, type Protocol } from '../../compare/plan';
import { runJobs } from '../../compare/pool';
import { summarize, type CompareSummary } from '../../compare/summary';
import { compareMarkdown } from '../../compare/markdown';
import { compareChartSvg } from '../../compare/chart';

export const DEFAULT_COMPARE_OUT = 'docs/COMPARISON.md';
const DEFAULTS = { nodes: 150, seconds: 300, seeds: 5, failAtS: 120, failForS: 60 };

const USAGE = `usage: npm run qres -- compare [flags]

Runs the same swarm (nodes, seed, sensor field, noise zone, link model) under QRES, FedAvg (float32 and
32-byte-gene rows), gossip learning, D-PSGD and local learning alone (no radio), at two link settings, and writes a markdown report with an SVG
chart beside it (images/<name>.svg). Per protocol and seed: a clean run, 30 % attackers silent (the drift
reference), ALIE, sign flip, and a 60-s radio outage of the gateway (FedAvg) or a cut vertex (the others).

  --nodes N          nodes per run (default ${DEFAULTS.nodes})
  --seconds S        sim time per run, seconds, at least 120 (default ${DEFAULTS.seconds})
  --seeds N          seeds 1..N (default ${DEFAULTS.seeds})
  --seed N           one seed only (instead of --seeds)
  --links A,B        link settings: ${LINK_NAMES.map((n) => `${n} (${LINKS[n].label})`).join('; ')} (default both)
  --loss P           override the per-fragment loss of every link setting, 0..0.99
  --mtu B            override the MTU, bytes
  --bitrate BPS      override the bitrate, bits/s
  --duty-cycle D     override the duty cycle, 0.001..1
  --protocols A,B    default all: ${PROTOCOLS.join(', ')}
  --jobs N           worker threads (default: CPU count, at most 4); changes no figure, only the time
  --out FILE         markdown file to write (default ${DEFAULT_COMPARE_OUT})
  --json             print the figures as one JSON object; files are then written only if --out is given

Cost: the default is 2 links × 5 seeds × 6 protocols × ${RUNS_PER_JOB} runs = 300 runs of 150 nodes × 300 s; it took
~3 min wall time with 2 jobs on the 2-core project machine while other work ran.`;

export const COMPARE_OPTIONS = {
  nodes: { type: 'string' },
  seconds: { type: 'string' },
  seeds: { type: 'string' },
  seed: { type: 'string' },
  links: { type: 'string' },
  loss: { type: 'string' },
  mtu: { type: 'string' },
  bitrate: { type: 'string' },
  'duty-cycle': { type: 'string' },
  protocols: { type: 'string' },
  jobs: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function intIn(values: Values, name: string, min: number, max: number, fallback: number): number {
  const v = numberFlag(values, name) ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

function numIn(values: Values, name: string, min: number, max: number): number | undefined {
  const v = numberFlag(values, name);
  if (v !== undefined && !(v >= min && v <= max)) throw new UsageError(`--${name} must be in [${min}, ${max}], got ${v}`);
  return v;
}

function listFlag<T extends string>(values: Values, name: string, valid: readonly T[]): T[] {
  const raw = values[name];
  if (raw === undefined) return [...valid];
  if (typeof raw !== 'string' || raw.trim() === '') throw new UsageError(`--${name} needs a comma-separated list of: ${valid.join(', ')}`);
  const items = raw.split(',').map((s) => s.trim());
  for (const item of items) if (!(valid as readonly string[]).includes(item)) throw new UsageError(`--${name}: unknown '${item}' (valid: ${valid.join(', ')})`);
  return [...new Set(items)] as T[];
}

export function planFromFlags(values: Values): ComparePlan {
  const nodes = intIn(values, 'nodes', 10, 5000, DEFAULTS.nodes);
  const seconds = intIn(values, 'seconds', 120, 86_400, DEFAULTS.seconds);
  if (values.seed !== undefined && values.seeds !== undefined) throw new UsageError('give --seed or --seeds, not both');
  const seeds =
    values.seed !== undefined
      ? [intIn(values, 'seed', 0, 0xffffffff, 1)]
      : Array.from({ length: intIn(values, 'seeds', 1, 100, DEFAULTS.seeds) }, (_, i) => i + 1);
  const override: Partial<Link> = {};
  const loss = numIn(values, 'loss', 0, 0.99);
  const mtu = numberFlag(values, 'mtu');
  if (mtu !== undefined && !(Number.isInteger(mtu) && mtu >= 24 && mtu <= 65_535)) throw new UsageError(`--mtu must be an integer in [24, 65535], got ${mtu}`);
  const bitrate = numIn(values, 'bitrate', 100, 1e9);
  const duty = numIn(values, 'duty-cycle', 0.001, 1);
  if (loss !== undefined) override.loss = loss;
  if (mtu !== undefined) override.mtu = mtu;
  if (bitrate !== undefined) override.bitrateBps = bitrate;
  if (duty !== undefined) override.dutyCycle = duty;
  const custom = Object.keys(override).length > 0;
  const links = listFlag<LinkName>(values, 'links', LINK_NAMES).map((name) => {
    const link: Link = { ...LINKS[name], ...override };
    if (custom) {
      link.label = `${LINKS[name].label.split(':')[0]!.split(',')[0]} with ${link.bitrateBps / 1000} kbit/s, ${Number((link.loss * 100).toFixed(2))} % loss, MTU ${link.mtu} B, duty cycle ${Number((link.dutyCycle * 100).toFixed(2))} %`;
    }
    return { name, link };
  });
  const protocols = listFlag<Protocol>(values, 'protocols', PROTOCOLS);
  return { nodes, seconds, seeds, protocols, links, failAtS: Math.min(DEFAULTS.failAtS, Math.floor(seconds / 3)), failForS: DEFAULTS.failForS };
}

export function commandLine(values: Values, out: string): string {
  const parts = ['npm run qres -- compare'];
  for (const key of Object.keys(COMPARE_OPTIONS)) {
    if (key === 'json' || key === 'jobs' || key === 'out') continue;
    const v = values[key];
    if (typeof v === 'string') parts.push(`--${key} ${v}`);
  }
  if (out !== DEFAULT_COMPARE_OUT) parts.push(`--out ${out}`);
  return parts.join(' ');
}

export interface CompareRun {
  readonly summary: CompareSummary;
  readonly markdown: string;
  readonly svg: string;
  readonly files?: { markdown: string; svg: string };
  readonly wallMs: number;
}

export async function runCompare(values: Values): Promise<CompareRun> {
  const plan = planFromFlags(values);
  const threads = intIn(values, 'jobs', 1, 64, Math.max(1, Math.min(4, os.cpus().length)));
  if (values.out !== undefined && (typeof values.out !== 'string' || !values.out.endsWith('.md'))) {
    throw new UsageError('--out needs a markdown file name ending in .md');
  }
  const out = typeof values.out === 'string' ? values.out : DEFAULT_COMPARE_OUT;
  const writes = !values.json || values.out !== undefined;
  const chartName = `${basename(out, '.md').toLowerCase()}.svg`;
  const svgPath = join(dirname(out), 'images', chartName);
  if (writes) {
    try {
      await ensureDir(dirname(svgPath));
    } catch (e) {
      throw new UsageError(`--out ${out}: cannot create ${dirname(svgPath)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const jobs = jobsOf(plan);
  const total = jobs.length * RUNS_PER_JOB;
  const progress = createProgress(`compare (${total} runs, ${threads} job${threads > 1 ? 's' : ''})`, total);
  const started = performance.now();
  let done = 0;
  const results = await runJobs(plan, jobs, threads, () => progress.update(++done));
  progress.finish();
  const wallMs = performance.now() - started;
  const summary = summarize(plan, results, total);
  const markdown = compareMarkdown(summary, commandLine(values, out), `images/${chartName}`);
  const svg = compareChartSvg(summary);
  let files: CompareRun['files'];
  if (writes) {
    writeFileSync(svgPath, svg);
    writeFileSync(out, markdown);
    files = { markdown: out, svg: svgPath };
  }
  process.stderr.write(`compare: ${total} runs in ${(wallMs / 1000).toFixed(1)} s wall time, ${threads} job(s)\n`);
  return { summary, markdown, svg, files, wallMs };
}

const r = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

function json(s: CompareSummary): Record<string, unknown> {
  const stat = (x: { mean: number; worst: number }, d?: number) => ({ mean: r(x.mean, d), worst: r(x.worst, d) });
  return {
    plan: s.plan,
    runs: s.runs,
    rows: s.rows.map((row) => ({
      link: row.link,
      protocol: row.protocol,
      recoveryStartS: stat(row.recoveryStartS, 1),
      recoveryStormS: stat(row.recoveryStormS, 1),
      rmse: stat(row.rmse),
      bytesPerNodePerDay: stat(row.bytesPerNodePerDay, 0),
      framesLost: stat(row.framesLost, 1),
      framesDropped: stat(row.framesDropped, 1),
      attacks: Object.fromEntries(Object.entries(row.attacks).map(([k, v]) => [k, { rmse: stat(v.rmse), drift: stat(v.drift, 5) }])),
      outageRmseRise: stat(row.outageRise),
    })),
  };
}

function human(run: CompareRun): string {
  const s = run.summary;
  const lines = [`QRES compare — ${s.plan.nodes} nodes, ${s.plan.seconds} s, seeds ${s.plan.seeds.join(',')} (mean over seeds)`];
  for (const { name, link } of s.plan.links) {
    lines.push(`  ${link.label}`);
    lines.push(
      `    ${'protocol'.padEnd(12)} ${'storm→10%'.padStart(10)} ${'RMSE'.padStart(7)} ${'B/node/day'.padStart(11)} ${'lost'.padStart(7)} ${'ALIE drift'.padStart(11)} ${'flip drift'.padStart(11)} ${'outage'.padStart(8)}`,
    );
    for (const row of s.rows.filter((x) => x.link === name)) {
      lines.push(
        `    ${row.protocol.padEnd(12)} ${`${row.recoveryStormS.mean.toFixed(1)} s`.padStart(10)} ${row.rmse.mean.toFixed(3).padStart(7)} ` +
          `${Math.round(row.bytesPerNodePerDay.mean).toString().padStart(11)} ${Math.round(row.framesLost.mean).toString().padStart(7)} ` +
          `${`${(row.attacks.alie.drift.mean * 100).toFixed(2)} %`.padStart(11)} ${`${(row.attacks['sign-flip'].drift.mean * 100).toFixed(2)} %`.padStart(11)} ` +
          `${`${(row.outageRise.mean * 100).toFixed(1)} %`.padStart(8)}`,
      );
    }
  }
  if (run.files) lines.push(`  wrote ${run.files.markdown} and ${run.files.svg}`);
  return lines.join('\n');
}

export const compareCommand: Command = {
  name: 'compare',
  summary: 'QRES vs FedAvg, gossip learning and D-PSGD on the same radio; writes docs/COMPARISON.md',
  usage: USAGE,
  options: COMPARE_OPTIONS,
  async run(values) {
    const run = await runCompare(values);
    process.stdout.write(values.json ? `${JSON.stringify(json(run.summary))}\n` : `${human(run)}\n`);
    return 0;
  },
};
