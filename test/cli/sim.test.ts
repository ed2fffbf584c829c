import { afterEach, describe, expect, it, vi } from 'vitest';
import { capture } from '../helpers/capture';
import { main } from '../../src/cli/main';

describe('qres sim', () => {
  afterEach(() => vi.restoreAllMocks());

  it('--json prints one object with every field the issue asks for', async () => {
    const io = capture();
    expect(await main(['sim', '--nodes', '60', '--seconds', '20', '--seed', '7', '--json'])).toBe(0);
    const report = JSON.parse(io.out.join(''));
    for (const key of [
      'ticks',
      'stateHash',
      'nodes',
      'evolved',
      'stormPeak',
      'heals',
      'healLatencyS',
      'packets',
      'bytesSent',
      'bytesPerNodePerDay',
      'rmse',
      'wallMs',
      'ticksPerSecond',
    ]) {
      expect(report, key).toHaveProperty(key);
    }
    expect(report.ticks).toBe(200);
    expect(report.nodes).toBe(60);
    expect(Object.keys(report.packets).sort()).toEqual(['delivered', 'dropped', 'lost', 'sent']);
  });

  it('--attack without --byzantine says that no attacker runs', async () => {
    const io = capture();
    expect(await main(['sim', '--nodes', '30', '--seconds', '5', '--attack', 'bias'])).toBe(0);
    expect(io.err.join('')).toContain('--attack bias without --byzantine F runs no attackers');
    vi.restoreAllMocks();
    const quiet = capture();
    expect(await main(['sim', '--nodes', '30', '--seconds', '5', '--attack', 'bias', '--byzantine', '0.2'])).toBe(0);
    expect(quiet.err.join('')).not.toContain('runs no attackers');
  });

  it('an unusable --storage directory is a one-line error (exit 1), not a stack trace or a hang', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(mkdtempSync(join(tmpdir(), 'qres-sim-storage-')), 'not-a-dir');
    writeFileSync(file, 'x');
    for (const dir of [file, '/proc/qres-cannot-create']) {
      const io = capture();
      expect(await main(['sim', '--nodes', '30', '--seconds', '30', '--storage', dir])).toBe(1);
      const err = io.err.join('');
      expect(err).toMatch(/^qres sim: (load|save): cannot (list|create) /);
      expect(err).not.toMatch(/\n\s+at /);
      vi.restoreAllMocks();
    }
  });

  it('prints the same stateHash as the library for the same flags', async () => {
    const io = capture();
    await main(['sim', '--nodes', '60', '--seconds', '20', '--loss', '0.1', '--mtu', '127', '--json']);
    const { createSim } = await import('../../src/sim/runner');
    const sim = createSim({ nodes: 60, loss: 0.1, mtu: 127, layout: false });
    sim.step(200);
    expect(JSON.parse(io.out.join('')).stateHash).toBe(sim.stateHash());
  });

  it('--no-gossip sends no cure requests', async () => {
    const io = capture();
    await main(['sim', '--nodes', '150', '--seconds', '60', '--no-gossip', '--json']);
    expect(JSON.parse(io.out.join('')).heals.gossip).toBe(0);
  });

  it('a human summary without --json', async () => {
    const io = capture();
    expect(await main(['sim', '--nodes', '30', '--seconds', '5'])).toBe(0);
    expect(io.out.join('')).toMatch(/heals .* by gossip/);
  });

  it.each([
    [['sim', '--nodes', 'abc'], /--nodes expects a number/],
    [['sim', '--bogus'], /Unknown option '--bogus'/],
    [['sim', '--loss', '2'], /loss: 2 is not a number in \[0, 0.99\]/],
    [['sim', '--seconds=-1'], /--seconds must be/],
    [['nope'], /unknown command 'nope'/],
  ])('%j is a usage error: exit 2 with a clear message', async (argv, message) => {
    const io = capture();
    expect(await main(argv)).toBe(2);
    expect(io.err.join('')).toMatch(message);
  });
});
