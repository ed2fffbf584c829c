import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCsvSensor } from '../../src/node/sensor';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const layout = readme.slice(readme.indexOf('## Layout'), readme.indexOf('## Documents'));
/** Folders the repository ignores (build output, test reports, local gene storage) are not part of the layout. */
const ignored = new Set(
  readFileSync(join(root, '.gitignore'), 'utf8')
    .split('\n')
    .filter((l) => l.endsWith('/'))
    .map((l) => l.slice(0, -1)),
);
const dirs = (dir: string) =>
  readdirSync(join(root, dir)).filter((name) => !name.startsWith('.') && !ignored.has(name) && statSync(join(root, dir, name)).isDirectory());

describe("README's layout table", () => {
  it('names every top-level folder, every folder of src/ and of src/core/', () => {
    for (const dir of dirs('.').filter((d) => d !== 'src')) expect(layout, dir).toContain(`\`${dir}/\``);
    for (const dir of dirs('src')) expect(layout, `src/${dir}`).toContain(`\`src/${dir}/\``);
    for (const dir of dirs('src/core')) expect(layout, `src/core/${dir}`).toContain(`\`${dir}/\``);
    for (const dir of dirs('assets')) expect(layout, `assets/${dir}`).toContain(`\`${dir}/\``);
  });
});

describe('assets/', () => {
  it('the example sensor series is what `qres node --sensor` reads: a few hundred numeric samples', () => {
    const sensor = createCsvSensor(join(root, 'assets/sensors/seattle-temperature-hourly.csv'));
    const first = sensor.read(0).value;
    expect(first).toBe(4 * 65536); // 4.0 °C in Q16
    expect(sensor.read(743).value).toBe(first); // 743 samples, replayed in a loop
    expect(readme).toContain('--sensor assets/sensors/seattle-temperature-hourly.csv');
  });

  it("the page's static folder (Vite's publicDir) is assets/page and holds the favicon index.html links", () => {
    const vite = readFileSync(join(root, 'vite.config.ts'), 'utf8');
    expect(vite).toContain("publicDir: 'assets/page'");
    expect(readFileSync(join(root, 'index.html'), 'utf8')).toContain('href="/favicon.svg"');
    expect(statSync(join(root, 'assets/page/favicon.svg')).isFile()).toBe(true);
  });
});
