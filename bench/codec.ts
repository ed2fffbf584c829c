// `npm run bench:codec`: the block codec (src/core/codec/container.ts) against the previous series codec
// (src/core/codec/compress.ts, "before"), flac -8 and wavpack -hh -x6 (Debian packages flac and wavpack), and
// gzip -9, brotli -11, zstd -19, xz -9, all on the same samples in the same run. Writes the `codec` section of
// docs/BENCHMARKS.md.
//
// Inputs: real recorded speech (the eight spoken channel names that Debian's alsa-utils ships in
// /usr/share/sounds/alsa, 48 kHz mono 16-bit, concatenated), that package's Noise.wav, and real sensor series from
// vega-datasets. Missing Debian packages are installed with apt-get when the bench runs as root; a tool that is
// still missing gets "n/a" and a line saying why.
//
// Speed is MB/s of raw input (int16 where the samples fit, else int32), the median of several runs, in CPU time
// of this process for ours (process.cpuUsage) and of the child processes for flac/wavpack (/proc/self/stat
// cutime + cstime), so that a machine shared with other work still compares like with like; wall-clock medians
// are printed beside. Memory: compress and decompress of a generated 1 GiB int16 file in a child process, peak
// RSS (getrusage maxrss) above the same child's RSS before it starts the work.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { compress as compressBefore, decompress as decompressBefore } from '../src/core/codec/compress';
import { decodeSeries, encodeSeries, KIND_INT16 } from '../src/core/codec/container';
import { machineLine, table, writeSection } from '../src/cli/report';

const require = createRequire(import.meta.url);
const DATA = join(dirname(require.resolve('vega-datasets')), '..', 'data');
const ALSA = '/usr/share/sounds/alsa';
const quick = process.env.BENCH_QUICK === '1';
const notes: string[] = [];

/** Installs Debian packages that provide missing tools (root only); says why when it cannot. */
function ensureTools(): void {
  const wanted: [string, string][] = [
    ['/usr/bin/flac', 'flac'],
    ['/usr/bin/wavpack', 'wavpack'],
    ['/usr/bin/zstd', 'zstd'],
    ['/usr/bin/xz', 'xz-utils'],
    [join(ALSA, 'Front_Center.wav'), 'alsa-utils'],
  ];
  const missing = wanted.filter(([path]) => !existsSync(path)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    notes.push(`not root: could not install ${missing.join(', ')} (apt-get install -y ${missing.join(' ')})`);
    return;
  }
  const apt = (args: string[]) => spawnSync('apt-get', args, { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  if (!apt(['install', '-y', ...missing])) {
    apt(['update']);
    if (!apt(['install', '-y', ...missing])) notes.push(`apt-get install -y ${missing.join(' ')} failed`);
  }
}

interface Input {
  name: string;
  source: string;
  samples: Int32Array;
  /** Real audio: flac and wavpack run on it. */
  audio?: { rate: number };
  smoothReal: boolean;
}

function wavSamples(path: string): Int32Array {
  const b = readFileSync(path);
  let at = 12;
  while (at + 8 <= b.length) {
    const id = b.toString('latin1', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'data') return Int32Array.from(new Int16Array(b.buffer.slice(b.byteOffset + at + 8, b.byteOffset + at + 8 + (size & ~1))));
    at += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

function csvColumn(file: string, column: string, scale: number): Int32Array {
  const lines = readFileSync(join(DATA, file), 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const index = lines[0]!.split(',').indexOf(column);
  if (index < 0) throw new Error(`${file} has no column ${column}`);
  return Int32Array.from(lines.slice(1), (line) => Math.round(Number(line.split(',')[index]) * scale));
}

function inputs(): Input[] {
  const list: Input[] = [];
  if (existsSync(ALSA)) {
    const speech = readdirSync(ALSA)
      .filter((f) => f.endsWith('.wav') && f !== 'Noise.wav')
      .sort()
      .map((f) => wavSamples(join(ALSA, f)));
    const all = new Int32Array(speech.reduce((a, s) => a + s.length, 0));
    let at = 0;
    for (const s of speech) {
      all.set(s, at);
      at += s.length;
    }
    list.push({
      name: 'recorded speech',
      source: `alsa-utils ${ALSA}/*.wav except Noise.wav (${speech.length} files, 48 kHz mono 16-bit)`,
      samples: all,
      audio: { rate: 48000 },
      smoothReal: true,
    });
    list.push({
      name: 'noise',
      source: `alsa-utils ${ALSA}/Noise.wav (48 kHz mono 16-bit)`,
      samples: wavSamples(join(ALSA, 'Noise.wav')),
      audio: { rate: 48000 },
      smoothReal: false,
    });
  } else notes.push(`${ALSA} missing (Debian package alsa-utils): no audio rows`);
  list.push(
    {
      name: 'Seattle hourly temperature',
      source: 'vega-datasets, °C × 10',
      samples: csvColumn('seattle-weather-hourly-normals.csv', 'temperature', 10),
      smoothReal: true,
    },
    {
      name: 'Seattle hourly pressure',
      source: 'vega-datasets, hPa × 10',
      samples: csvColumn('seattle-weather-hourly-normals.csv', 'pressure', 10),
      smoothReal: true,
    },
    { name: 'Seattle hourly wind', source: 'vega-datasets, m/s × 10', samples: csvColumn('seattle-weather-hourly-normals.csv', 'wind', 10), smoothReal: false },
    { name: 'Seattle daily max temperature', source: 'vega-datasets, °C × 10', samples: csvColumn('seattle-weather.csv', 'temp_max', 10), smoothReal: true },
    { name: 'Mauna Loa CO2, monthly', source: 'vega-datasets, ppm × 100', samples: csvColumn('co2-concentration.csv', 'CO2', 100), smoothReal: true },
  );
  return list;
}

function rawBytes(samples: Int32Array): { raw: Uint8Array; layout: 'int16' | 'int32' } {
  const fits16 = samples.every((v) => v >= -32768 && v <= 32767);
  const raw = fits16 ? new Uint8Array(Int16Array.from(samples).buffer) : new Uint8Array(samples.slice().buffer);
  return { raw, layout: fits16 ? 'int16' : 'int32' };
}

function wavFile(samples: Int32Array, rate: number): Uint8Array {
  const data = new Uint8Array(Int16Array.from(samples).buffer);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** Children's CPU seconds so far (user + system of waited-for children), from /proc/self/stat. */
function childCpu(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the comm field: state is fields[0]; cutime and cstime are fields 16 and 17 of /proc/[pid]/stat (1-based), i.e. [13] and [14] here.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

interface Timing {
  cpu: number;
  wall: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median CPU and wall seconds of fn over runs (after one warm-up unless told). */
function timeInProcess(fn: () => unknown, runs: number, warm = true): Timing {
  if (warm) fn();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const w = performance.now();
    fn();
    wall.push((performance.now() - w) / 1000);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1e6);
  }
  return { cpu: median(cpu), wall: median(wall) };
}

/** A command's CPU (children's, averaged over a batch: /proc has 10 ms ticks) and median wall seconds. */
function timeTool(run: () => void, runs: number, warm = true): Timing {
  if (warm) run();
  const wall: number[] = [];
  const c0 = childCpu();
  for (let i = 0; i < runs; i++) {
    const w = performance.now();
    run();
    wall.push((performance.now() - w) / 1000);
  }
  return { cpu: (childCpu() - c0) / runs, wall: median(wall) };
}

const dir = mkdtempSync(join(tmpdir(), 'qres-bench-codec-'));
/** The machine's 1-minute load average at the start and the end of the run (other work shares the cores). */
const loadAtStart = loadavg()[0]!;
ensureTools();
const have = (tool: string) => existsSync(`/usr/bin/${tool}`);
for (const [tool, pkg] of [
  ['flac', 'flac'],
  ['wavpack', 'wavpack'],
  ['zstd', 'zstd'],
  ['xz', 'xz-utils'],
]) {
  if (!have(tool!)) notes.push(`${tool}: not installed (Debian package ${pkg}); its column is n/a`);
}

const pipe = (tool: string, args: string[], input: Uint8Array) => execFileSync(`/usr/bin/${tool}`, args, { input, maxBuffer: 1 << 30 });

const ratioRows: (string | number)[][] = [];
const speedRows: (string | number)[][] = [];
const misses: string[] = [];
const RUNS = quick ? 3 : 7;
const mbps = (bytes: number, s: number) => (s > 0 ? (bytes / 1e6 / s).toFixed(1) : '∞');

for (const input of inputs()) {
  const { raw, layout } = rawBytes(input.samples);
  const kind = layout === 'int16' ? KIND_INT16 : undefined;
  const ours = encodeSeries(input.samples, { kind });
  const oursBest = encodeSeries(input.samples, { kind, best: true });
  for (const f of [ours, oursBest]) {
    const back = decodeSeries(f);
    if (back.length !== input.samples.length || back.some((v, i) => v !== input.samples[i])) throw new Error(`${input.name}: round trip failed`);
  }
  // The previous codec: slow (well under 1 MB/s), so timed once on the long inputs.
  const beforeStart = process.cpuUsage();
  const before = compressBefore(input.samples);
  const beforeC = process.cpuUsage(beforeStart);
  const beforeDStart = process.cpuUsage();
  decompressBefore(before);
  const beforeD = process.cpuUsage(beforeDStart);

  let flac: { size: number; c: Timing; d: Timing } | undefined;
  let wavpack: { size: number; c: Timing; d: Timing } | undefined;
  if (input.audio) {
    const wav = join(dir, 'in.wav');
    writeFileSync(wav, wavFile(input.samples, input.audio.rate));
    if (have('flac')) {
      const out = join(dir, 'in.flac');
      const c = timeTool(() => execFileSync('/usr/bin/flac', ['-8', '-f', '-s', '-o', out, wav]), RUNS);
      const size = statSync(out).size;
      const d = timeTool(() => execFileSync('/usr/bin/flac', ['-d', '-f', '-s', '-o', join(dir, 'back.wav'), out]), RUNS);
      flac = { size, c, d };
    }
    if (have('wavpack')) {
      const out = join(dir, 'in.wv');
      const c = timeTool(() => execFileSync('/usr/bin/wavpack', ['-hh', '-x6', '-q', '-y', wav, '-o', out]), 1, false); // ~0.4 MB/s: once
      const size = statSync(out).size;
      const d = timeTool(() => execFileSync('/usr/bin/wvunpack', ['-q', '-y', out, '-o', join(dir, 'back.wav')]), RUNS);
      wavpack = { size, c, d };
    }
  }
  const general = [
    gzipSync(raw, { level: 9 }).length,
    brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }).length,
    have('zstd') ? pipe('zstd', ['-19', '-q', '-c'], raw).length : undefined,
    have('xz') ? pipe('xz', ['-9', '-c'], raw).length : undefined,
  ];
  const ratio = (size: number | undefined) => (size === undefined ? 'n/a' : (raw.length / size).toFixed(3));
  ratioRows.push([
    input.name,
    `${raw.length} (${layout})`,
    `**${ratio(ours.length)}**`,
    ratio(oursBest.length),
    ratio(before.length),
    ratio(flac?.size),
    ratio(wavpack?.size),
    ...general.map(ratio),
  ]);

  const c = timeInProcess(() => encodeSeries(input.samples, { kind }), RUNS);
  const d = timeInProcess(() => decodeSeries(ours), RUNS);
  const cb = timeInProcess(() => encodeSeries(input.samples, { kind, best: true }), quick ? 1 : 3);
  const db = timeInProcess(() => decodeSeries(oursBest), RUNS);
  const n = raw.length;
  const vs = (ourS: number, theirs: Timing | undefined) => (theirs === undefined ? 'n/a' : `${(theirs.cpu / ourS).toFixed(2)}×`);
  speedRows.push([
    input.name,
    `${mbps(n, c.cpu)} / ${mbps(n, d.cpu)}`,
    `${mbps(n, c.wall)} / ${mbps(n, d.wall)}`,
    `${mbps(n, cb.cpu)} / ${mbps(n, db.cpu)}`,
    `${mbps(n, (beforeC.user + beforeC.system) / 1e6)} / ${mbps(n, (beforeD.user + beforeD.system) / 1e6)}`,
    flac ? `${mbps(n, flac.c.cpu)} / ${mbps(n, flac.d.cpu)}` : 'n/a',
    wavpack ? `${mbps(n, wavpack.c.cpu)} / ${mbps(n, wavpack.d.cpu)}` : 'n/a',
    `${vs(c.cpu, flac?.c)} / ${vs(d.cpu, flac?.d)}`,
  ]);
  const cMB = n / 1e6 / c.cpu;
  const dMB = n / 1e6 / d.cpu;
  if (n >= 100_000 && (cMB < 20 || dMB < 40)) misses.push(`${input.name}: ${cMB.toFixed(1)} / ${dMB.toFixed(1)} MB/s (CPU) against the 20 / 40 MB/s target`);
  if (ours.length > before.length) misses.push(`${input.name}: default mode larger than the previous codec (${ours.length} > ${before.length} bytes)`);
  if (wavpack && input.audio && Math.min(ours.length, oursBest.length) >= wavpack.size)
    misses.push(`${input.name}: wavpack -hh -x6 ${wavpack.size} bytes ≤ ours ${Math.min(ours.length, oursBest.length)}`);
  if (input.smoothReal) {
    const beaten = general.filter((s) => s !== undefined && s <= ours.length);
    if (beaten.length > 0) misses.push(`${input.name}: a general-purpose compressor ≤ ours`);
  }
  process.stderr.write(`bench:codec: ${input.name} done\n`);
}

/** Peak RSS above the child's own starting RSS, compressing and decompressing a generated 1 GiB int16 file. */
function memoryRow(): (string | number)[] {
  const size = Number(process.env.BENCH_MEMORY_MIB ?? (quick ? 64 : 1024)) * 2 ** 20;
  const raw = join(dir, 'big.raw');
  const fd = openSync(raw, 'w');
  const chunk = new Int16Array(1 << 20);
  // A damped random walk plus noise: audio-like for the coder, cheap to generate (integers only).
  let x = 1;
  let v = 0;
  let level = 0;
  for (let written = 0; written < size; written += chunk.byteLength) {
    for (let i = 0; i < chunk.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      v = v - (level >> 6) - (v >> 3) + ((x >>> 20) - 2048);
      level = Math.max(-30000, Math.min(30000, level + (v >> 4)));
      chunk[i] = level + ((x >>> 26) - 32);
    }
    writeSync(fd, new Uint8Array(chunk.buffer));
  }
  closeSync(fd);
  const script = join(dir, 'mem.mjs');
  const main = join(process.cwd(), 'src/cli/main.ts');
  writeFileSync(
    script,
    `const base = process.memoryUsage().rss;
const { main } = await import(${JSON.stringify(main)});
const before = process.memoryUsage().rss;
const t = performance.now();
const code = await main(process.argv.slice(2));
process.stdout.write(JSON.stringify({ code, base, before, peak: process.resourceUsage().maxRSS * 1024, s: (performance.now() - t) / 1000 }));
`,
  );
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`memory run failed: ${r.stderr}`);
    return JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('{'))) as { code: number; before: number; peak: number; s: number };
  };
  const c = run(['compress', '--format', 'int16', raw, join(dir, 'big.qrc')]);
  const packed = statSync(join(dir, 'big.qrc')).size;
  rmSync(raw);
  const d = run(['decompress', join(dir, 'big.qrc'), join(dir, 'big.back')]);
  const back = statSync(join(dir, 'big.back')).size;
  rmSync(join(dir, 'big.back'));
  if (back !== size || c.code !== 0 || d.code !== 0) throw new Error('memory run: round trip failed');
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  const over = Math.max(c.peak - c.before, d.peak - d.before);
  if (over > 64 * 2 ** 20) misses.push(`memory: ${mb(over)} MiB above baseline (target ≤ 64)`);
  return [
    `${mb(size)} MiB int16 (generated)`,
    `${(size / packed).toFixed(2)}×`,
    `${mb(c.before)} MiB`,
    `${mb(c.peak)} MiB (+${mb(c.peak - c.before)})`,
    `${mb(d.peak)} MiB (+${mb(d.peak - d.before)})`,
    `${(size / 1e6 / c.s).toFixed(1)} / ${(size / 1e6 / d.s).toFixed(1)}`,
  ];
}

const memory = process.env.BENCH_SKIP_MEMORY === '1' ? undefined : memoryRow();
rmSync(dir, { recursive: true, force: true });

const markdown = [
  '## Codec: series compression (`npm run bench:codec`)',
  '',
  `Machine: ${machineLine()}. Ratio = raw bytes / compressed bytes (higher is better), every method on the same samples: int16 little-endian (int32 where a value does not fit), flac and wavpack on the same samples as a 16-bit WAV. Ours is the whole .qrc file (header, block headers, CRCs). "before" is the previous codec (NLMS predictors + range coder, one stream, no blocks), run in this same bench.`,
  '',
  table(['input', 'raw bytes', 'ours', 'ours --best', 'before', 'flac -8', 'wavpack -hh -x6', 'gzip -9', 'brotli -11', 'zstd -19', 'xz -9'], ratioRows),
  '',
  'Inputs: recorded speech and noise from the Debian package alsa-utils (`/usr/share/sounds/alsa`); sensor series from the npm package vega-datasets.',
  '',
  `Speed, compress / decompress, MB/s of raw input, median of ${RUNS} runs. CPU time of the coder (this process for ours, the child process for flac and wavpack), because the machine is shared; "wall" is ours by the clock. "× flac" is flac's CPU time over ours (above 1: we are faster). "before" timed once.`,
  '',
  table(['input', 'ours (CPU)', 'ours (wall)', 'ours --best (CPU)', 'before (CPU)', 'flac -8 (CPU)', 'wavpack -hh -x6 (CPU)', '× flac (c / d)'], speedRows),
  '',
  ...(memory
    ? [
        'Memory: `qres compress --format int16` then `qres decompress` of a generated file (a damped random walk plus noise) in a child process; peak RSS (getrusage) against the RSS after loading the CLI, before the work.',
        '',
        table(['input', 'ratio', 'RSS before the work', 'peak, compress', 'peak, decompress', 'MB/s c / d (wall, CLI)'], [memory]),
        '',
      ]
    : []),
  `Load average (1 min) during this run: ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end, on ${availableParallelism()} cores: wall times suffer from it, CPU times much less.`,
  '',
  ...notes.map((n) => `Note: ${n}`),
  notes.length > 0 ? '' : '',
  misses.length === 0 ? 'Targets met.' : `Targets missed:\n\n${misses.map((m) => `- ${m}`).join('\n')}`,
].join('\n');

writeSection('codec', markdown);
process.stdout.write(`${markdown}\n`);
