// `qres compare`: writes the markdown and the SVG, --json parses, the same flags give the same bytes (in this
// thread and on worker threads), and bad flags are usage errors.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { capture } from '../helpers/capture';
import { main } from '../../src/cli/main';

const dir = mkdtempSync(join(tmpdir(), 'qres-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TINY = ['--nodes', '30', '--seconds', '130', '--seed', '2', '--links', '56k'];

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

describe('qres compare', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes the report with a row per protocol and a well-formed SVG with a line per protocol; twice, and threaded, the same bytes', async () => {
    const io = capture();
    const out = join(dir, 'a', 'CMP.md');
    const svgPath = join(dir, 'a', 'images', 'cmp.svg');
    expect(await main(['compare', ...TINY, '--jobs', '1', '--out', out])).toBe(0);
    const md = readFileSync(out, 'utf8');
    const svg = readFileSync(svgPath, 'utf8');
    expect(md).toContain(`npm run qres -- compare --nodes 30 --seconds 130 --seed 2 --links 56k --out ${out}`);
    expect(md).toContain('## 56 kbit/s, 15 % loss, MTU 51 B');
    for (const label of [
      'QRES (gossip cures + robust consensus)',
      'FedAvg, float32 rows',
      'FedAvg, 32-byte gene rows',
      'Gossip learning',
      'D-PSGD',
      'Local NLMS only (no radio)',
    ]) {
      expect(md.match(new RegExp(`\\| ${label.replace(/[()+]/g, '\\$&')} \\| \\d`, 'g'))).toHaveLength(2);
    }
    expect(md).toMatch(/\| protocol \| to 10 % of best after start, s \|/);
    expect(md).toContain('](images/cmp.svg)');
    expect(md).toMatch(/\*\*Machine:\*\* \d+ × /);
    expect(md).not.toMatch(/\d+(\.\d+)? s wall|\d{4}-\d\d-\d\dT/);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(tagsBalance(svg)).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(6);
    expect(io.err.join('')).toMatch(/compare: 30 runs in \d+\.\d s wall time, 1 job/);

    expect(await main(['compare', ...TINY, '--jobs', '1', '--out', out])).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(md);
    expect(await main(['compare', ...TINY, '--jobs', '2', '--out', out])).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(md);
    expect(readFileSync(svgPath, 'utf8')).toBe(svg);
  });

  it('--json prints one object with a row per protocol and writes no file without --out', async () => {
    const io = capture();
    expect(await main(['compare', ...TINY, '--protocols', 'fedavg-gene,dpsgd', '--jobs', '1', '--json'])).toBe(0);
    const report = JSON.parse(io.out.join('')) as {
      runs: number;
      rows: Array<{ protocol: string; bytesPerNodePerDay: { mean: number }; attacks: { alie: { drift: { mean: number } } } }>;
    };
    expect(report.runs).toBe(10);
    expect(report.rows.map((r) => r.protocol)).toEqual(['fedavg-gene', 'dpsgd']);
    for (const r of report.rows) {
      expect(r.bytesPerNodePerDay.mean).toBeGreaterThan(0);
      expect(r.attacks.alie.drift.mean).toBeGreaterThanOrEqual(0);
    }
    expect(io.out.join('')).not.toContain('wrote');
  });

  it.each([
    [['--protocols', 'fedsgd'], "--protocols: unknown 'fedsgd'"],
    [['--links', 'wifi'], "--links: unknown 'wifi'"],
    [['--seconds', '60'], '--seconds must be an integer in [120, 86400]'],
    [['--seed', '1', '--seeds', '2'], 'give --seed or --seeds, not both'],
    [['--loss', '2'], '--loss must be in [0, 0.99]'],
    [['--nodes', 'many'], '--nodes expects a number'],
    [['--out', 'x.txt'], '--out needs a markdown file name ending in .md'],
  ])('%j is a usage error: exit 2, one line and a pointer to the help', async (argv, message) => {
    const io = capture();
    expect(await main(['compare', ...argv])).toBe(2);
    expect(io.err.join('')).toContain(message);
    expect(io.err.join('')).toContain('(see: npm run qres -- help compare)');
    expect(io.err.join('')).not.toContain('usage:');
  });

  it('pins one small run: the same seed gives this table (a change to any protocol, the world or the radio moves it)', async () => {
    const io = capture();
    expect(await main(['compare', ...TINY, '--jobs', '1', '--json'])).toBe(0);
    const rows = (
      JSON.parse(io.out.join('')) as {
        rows: Array<{ protocol: string; rmse: { mean: number }; bytesPerNodePerDay: { mean: number }; framesLost: { mean: number } }>;
      }
    ).rows;
    const table = Object.fromEntries(rows.map((r) => [r.protocol, [r.rmse.mean, r.bytesPerNodePerDay.mean, r.framesLost.mean]]));
    expect(table).toEqual({
      qres: [0.1648, 70538, 0],
      'fedavg-f32': [0.1694, 76542, 174],
      'fedavg-gene': [0.1693, 69718, 171],
      gossip: [0.1697, 29376, 6],
      dpsgd: [0.1696, 399744, 1],
      local: [0.1696, 0, 0],
    });
  }, 120_000);
});
