// `npm run bench:codec`: our series compressor against gzip -9, brotli -11 (node:zlib), zstd -3 / -19 and
// xz -9 (command-line tools), on a synthetic sine and real series from vega-datasets. Every method gets the
// same bytes: the series as int16 little-endian, or int32 LE where a value does not fit. Writes the `codec` section
// of docs/BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { compressDetailed, decompress } from '../src/core/codec/compress';
import { residualStreamMode } from '../src/core/codec/residual';
import { SERIES_HEADER_BYTES } from '../src/core/codec/compress';
import { machineLine, table, writeSection } from '../src/cli/report';

const require = createRequire(import.meta.url);
// The package exports only its JS entry (build/index.js); the CSV files sit in data/ beside build/.
const DATA = join(dirname(require.resolve('vega-datasets')), '..', 'data');

interface Input {
  name: string;
  /** How the numbers became integers. */
  representation: string;
  smoothReal: boolean;
  samples: Int32Array;
}

function csvColumn(file: string, column: string, scale: number): Int32Array {
  const lines = readFileSync(join(DATA, file), 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const index = lines[0]!.split(',').indexOf(column);
  if (index < 0) throw new Error(`${file} has no column ${column}`);
  return Int32Array.from(lines.slice(1), (line) => {
    const v = Number(line.split(',')[index]);
    if (!Number.isFinite(v)) throw new Error(`${file}: bad value in ${line}`);
    return Math.round(v * scale);
  });
}

const INPUTS: Input[] = [
  {
    name: 'synthetic sine (period 100.5 samples)',
    representation: 'round(8000·sin(t/16)), 65,536 samples',
    smoothReal: false,
    samples: Int32Array.from({ length: 65536 }, (_, t) => Math.round(8000 * Math.sin(t / 16))),
  },
  {
    name: 'Seattle hourly temperature',
    representation: '°C × 10',
    smoothReal: true,
    samples: csvColumn('seattle-weather-hourly-normals.csv', 'temperature', 10),
  },
  { name: 'Seattle hourly pressure', representation: 'hPa × 10', smoothReal: true, samples: csvColumn('seattle-weather-hourly-normals.csv', 'pressure', 10) },
  {
    name: 'Seattle hourly wind',
    representation: 'm/s × 10',
    smoothReal: false, // 0.1 steps around a flat mean, a daily pattern
    samples: csvColumn('seattle-weather-hourly-normals.csv', 'wind', 10),
  },
  { name: 'Seattle daily max temperature', representation: '°C × 10', smoothReal: true, samples: csvColumn('seattle-weather.csv', 'temp_max', 10) },
  { name: 'Mauna Loa CO2, monthly', representation: 'ppm × 100', smoothReal: true, samples: csvColumn('co2-concentration.csv', 'CO2', 100) },
  { name: 'global temperature anomaly, yearly', representation: '°C × 100', smoothReal: true, samples: csvColumn('global-temp.csv', 'temp', 100) },
];

type Method = { name: string; run: (raw: Uint8Array) => number | undefined };

function cli(tool: string, args: string[], debianPackage: string): Method['run'] {
  const path = `/usr/bin/${tool}`;
  if (!existsSync(path)) {
    process.stderr.write(`bench:codec: ${tool} not found — install it with \`apt-get install ${debianPackage}\`; its column is n/a\n`);
    return () => undefined;
  }
  return (raw) => execFileSync(path, [...args, '-c'], { input: raw, maxBuffer: 1 << 28 }).length;
}

const METHODS: Method[] = [
  { name: 'gzip -9', run: (raw) => gzipSync(raw, { level: 9 }).length },
  {
    name: 'brotli -11',
    run: (raw) => brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }).length,
  },
  { name: 'zstd -3', run: cli('zstd', ['-3', '-q'], 'zstd') },
  { name: 'zstd -19', run: cli('zstd', ['-19', '-q'], 'zstd') },
  { name: 'xz -9', run: cli('xz', ['-9'], 'xz-utils') },
];

/** int16 LE when every sample fits, else int32 LE: the bytes every method gets. */
function rawBytes(samples: Int32Array): { raw: Uint8Array; layout: 'int16' | 'int32' } {
  const fits16 = samples.every((v) => v >= -32768 && v <= 32767);
  const width = fits16 ? 2 : 4;
  const raw = new Uint8Array(samples.length * width);
  const view = new DataView(raw.buffer);
  samples.forEach((v, i) => (fits16 ? view.setInt16(i * 2, v, true) : view.setInt32(i * 4, v, true)));
  return { raw, layout: fits16 ? 'int16' : 'int32' };
}

/** Seconds per call, timed over enough repetitions to pass 300 ms. */
function timeIt(fn: () => unknown): number {
  fn();
  let reps = 0;
  const start = performance.now();
  do {
    fn();
    reps++;
  } while (performance.now() - start < 300);
  return (performance.now() - start) / 1000 / reps;
}

function entropyBytes(r: Int32Array): number {
  const counts = new Map<number, number>();
  for (const v of r) counts.set(v, (counts.get(v) ?? 0) + 1);
  let bits = 0;
  for (const c of counts.values()) bits -= c * Math.log2(c / r.length);
  return bits / 8;
}

/**
 * An oracle for parametric coders: the first 8 residuals (where every predictor still starts from 0: outliers a
 * real coder escapes) at their H0 cost, and the rest at the code length under the discretized Laplace (two-sided
 * geometric) or discretized Gaussian that fits them best (maximum likelihood), the parameter itself free: the
 * smaller of the two. A coder of either family, given its parameter for nothing, cannot do better on this data.
 */
function parametricOracleBytes(all: Int32Array): number {
  const counts = new Map<number, number>();
  for (const v of all) counts.set(v, (counts.get(v) ?? 0) + 1);
  let headBits = 0;
  for (const v of all.subarray(0, 8)) headBits -= Math.log2(counts.get(v)! / all.length);
  return headBits / 8 + steadyParametricBytes(all.subarray(8));
}

function steadyParametricBytes(r: Int32Array): number {
  const n = r.length;
  let sumAbs = 0;
  let sumSq = 0;
  for (const v of r) {
    sumAbs += Math.abs(v);
    sumSq += v * v;
  }
  // Two-sided geometric P(v) = (1 − θ)/(1 + θ) · θ^|v|; the ML θ solves E|v| = 2θ / (1 − θ²).
  const m = sumAbs / n;
  const theta = m === 0 ? 0 : (Math.sqrt(1 + m * m) - 1) / m;
  const laplaceBits = theta === 0 ? 0 : n * Math.log2((1 + theta) / (1 - theta)) - Math.log2(theta) * sumAbs;
  // Discretized Gaussian, σ² = mean square (the ML fit for integers to within a rounding term), normalised exactly.
  const sigma2 = Math.max(sumSq / n, 1e-9);
  let z = 0;
  const span = Math.ceil(12 * Math.sqrt(sigma2)) + 1;
  for (let v = -span; v <= span; v++) z += Math.exp(-(v * v) / (2 * sigma2));
  const gaussBits = n * Math.log2(z) + (sumSq / (2 * sigma2)) * Math.log2(Math.E);
  return Math.min(laplaceBits, gaussBits) / 8;
}

function stdDev(r: Int32Array): number {
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  return Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / r.length);
}

const ratioRows: (string | number)[][] = [];
const detailRows: (string | number)[][] = [];
const misses: string[] = [];
for (const input of INPUTS) {
  const { raw, layout } = rawBytes(input.samples);
  const { bytes, predictor, residuals } = compressDetailed(input.samples);
  const back = decompress(bytes);
  if (back.length !== input.samples.length || back.some((v, i) => v !== input.samples[i])) throw new Error(`${input.name}: round trip failed`);
  const others = METHODS.map((m) => m.run(raw));
  const ratio = (size: number | undefined) => (size === undefined ? 'n/a' : (raw.length / size).toFixed(2));
  ratioRows.push([input.name, input.samples.length, `${raw.length} (${layout})`, `**${ratio(bytes.length)}**`, ...others.map(ratio)]);
  const compressS = timeIt(() => compressDetailed(input.samples));
  const decompressS = timeIt(() => decompress(bytes));
  const h0 = entropyBytes(residuals);
  const oracle = parametricOracleBytes(residuals);
  const body = bytes.length - SERIES_HEADER_BYTES;
  const gap = (size: number) => (h0 === 0 ? 'n/a' : `${(((size - h0) / h0) * 100).toFixed(1)} %`);
  detailRows.push([
    input.name,
    input.representation,
    `${predictor} / ${residualStreamMode(bytes.subarray(SERIES_HEADER_BYTES))}`,
    stdDev(residuals.subarray(8)).toFixed(2),
    h0.toFixed(0),
    `${oracle.toFixed(0)} (${gap(oracle)})`,
    bytes.length,
    gap(body),
    gap(bytes.length),
    (raw.length / 1e6 / compressS).toFixed(2),
    (raw.length / 1e6 / decompressS).toFixed(2),
  ]);
  const beaten = others.map((s, i) => (s !== undefined && s <= bytes.length ? METHODS[i]!.name : '')).filter(Boolean);
  if (beaten.length > 0) misses.push(`${input.name}${input.smoothReal ? '' : ' (not a smooth series, outside the target)'}: ${beaten.join(', ')} ≤ ours`);
  if (h0 > 0 && body > h0 * 1.03) {
    const reach =
      oracle > h0 * 1.03 ? `; out of reach for a parametric coder: even the best-fitted Laplace/Gaussian with its parameter free needs ${gap(oracle)}` : '';
    misses.push(`${input.name}: coded residuals ${gap(body)} above the zero-order entropy (target ≤ 3 %)${reach}`);
  }
  process.stderr.write(`bench:codec: ${input.name} done\n`);
}

const markdown = [
  '## Codec: series compression (`npm run bench:codec`)',
  '',
  `Machine: ${machineLine()}. Every method compresses the same bytes: the series as **int16 little-endian** (int32 LE where a value does not fit int16, marked). Ratio = raw bytes / compressed bytes (higher is better); ours includes its ${SERIES_HEADER_BYTES}-byte header and CRC.`,
  '',
  table(['input', 'samples', 'raw bytes (layout)', 'ours', ...METHODS.map((m) => m.name)], ratioRows),
  '',
  "Our coder in detail: the predictor and residual model the encoder chose, the residuals' standard deviation (skipping the first 8, where every predictor still starts from 0), their zero-order empirical entropy H0 (n·H bits, in bytes: the bound for any coder that codes residuals independently with a fixed table), the parametric oracle (the code length under the best-fitting discretized Laplace or Gaussian, its parameter for free: no Laplace/Gaussian coder can do better), and our size's gap to H0 (residual stream alone, and the whole file). Speeds are MB/s of raw input; compression tries 8 predictor settings and codes the best 2.",
  '',
  table(
    [
      'input',
      'integers',
      'predictor / model',
      'residual σ (after 8)',
      'H0 bytes',
      'oracle bytes (gap to H0)',
      'ours bytes',
      'gap (stream)',
      'gap (file)',
      'compress MB/s',
      'decompress MB/s',
    ],
    detailRows,
  ),
  '',
  'H0 is a weak bound on short series (741 and 144 samples): with few samples per distinct residual the empirical distribution fits the data itself, which no coder that must learn or transmit its model can reach. A negative gap means the adaptive model did better than any fixed table (it tracks local scale).',
  '',
  misses.length === 0
    ? 'Targets met: ours beats every general-purpose compressor on every smooth real series, within 3 % of H0.'
    : `Targets missed:\n\n${misses.map((m) => `- ${m}`).join('\n')}`,
].join('\n');

writeSection('codec', markdown);
process.stdout.write(`${markdown}\n`);
