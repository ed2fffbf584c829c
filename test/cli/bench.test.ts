import { afterEach, describe, expect, it, vi } from 'vitest';
import { capture } from '../helpers/capture';
import { dispatch } from '../../src/cli/dispatch';
import { makeBenchCommand } from '../../src/cli/commands/bench';
import { D3_MISSING_NOTE, loadD3Force, measureLayout } from '../../src/cli/layoutBench';

const FLAGS = ['--sizes', '40', '--layout-sizes', '40', '--seconds', '0.02', '--no-write'];

describe('qres bench', () => {
  afterEach(() => vi.restoreAllMocks());

  it('runs without d3-force-3d (a devDependency): our layout step alone, and a one-line note', async () => {
    const bench = makeBenchCommand(async () => undefined);
    const io = capture();
    expect(await dispatch({ commands: [bench] }, ['bench', ...FLAGS, '--json'])).toBe(0);
    const report = JSON.parse(io.out.join(''));
    expect(report.d3).toBe(false);
    expect(report.ticks[0]).toMatchObject({ nodes: 40 });
    expect(report.layouts[0].oursMsPerStep).toBeGreaterThan(0);
    expect(report.layouts[0]).not.toHaveProperty('d3MsPerStep');
    expect(io.err.filter((line) => line.includes(D3_MISSING_NOTE))).toHaveLength(1);

    vi.restoreAllMocks();
    const text = capture();
    expect(await dispatch({ commands: [bench] }, ['bench', ...FLAGS])).toBe(0);
    expect(text.out.join('')).toContain(`| 0.`); // our step time is printed
    expect(text.out.join('')).toContain(D3_MISSING_NOTE);
  });

  it('with d3-force-3d installed, times both engines on the same graph', async () => {
    const d3 = await loadD3Force();
    expect(d3).toBeDefined();
    const row = measureLayout(40, d3, 3);
    expect(row.edges).toBeGreaterThan(0);
    expect(row.d3MsPerStep).toBeGreaterThan(0);
    expect(measureLayout(40, undefined, 3)).not.toHaveProperty('d3MsPerStep');
  });
});
