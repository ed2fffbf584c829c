import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const fuzz = (...args: string[]) => spawnSync(tsx, ['scripts/fuzz.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('npm run fuzz', () => {
  it('runs a short fuzz of one decoder and reports it', () => {
    const r = fuzz('--cases', '2000', '--only', 'summary');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('fuzz: 1 decoder × 2,000 cases, no failure');
  });

  it('bad flags get a usage message and exit code 2, not a stack trace', () => {
    for (const args of [['--bogus'], ['--cases', 'x'], ['--cases', '0'], ['--only', 'nope']]) {
      const r = fuzz(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('usage: npm run fuzz');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
