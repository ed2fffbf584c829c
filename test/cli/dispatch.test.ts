import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { capture } from '../helpers/capture';
import { UsageError, type Command } from '../../src/cli/command';
import { dispatch, helpText, type Program } from '../../src/cli/dispatch';
import { entryMain, ENTRY_PROGRAM } from '../../src/node/entry';
import { REPO_ROOT } from '../../src/node/launcher';

const echo: Command = {
  name: 'echo',
  summary: 'prints its flag',
  usage: 'usage: echo --word W',
  options: { word: { type: 'string' } },
  async run(values) {
    if (values.word === 'bad') throw new UsageError('--word must not be bad');
    if (values.word === 'env') throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', syscall: 'open' });
    process.stdout.write(`${values.word}\n`);
    return 0;
  },
};
const program: Program = { commands: [echo], invocation: 'test <command>' };

describe('the CLI dispatcher', () => {
  afterEach(() => vi.restoreAllMocks());

  it('help, --help and no command print the command list (exit 0); help <command> prints its usage', async () => {
    for (const argv of [[], ['help'], ['--help'], ['-h']]) {
      const io = capture();
      expect(await dispatch(program, argv)).toBe(0);
      expect(io.out.join('')).toBe(helpText(program));
      vi.restoreAllMocks();
    }
    const io = capture();
    expect(await dispatch(program, ['help', 'echo'])).toBe(0);
    expect(await dispatch(program, ['echo', '--help'])).toBe(0);
    expect(io.out.join('')).toBe('usage: echo --word W\nusage: echo --word W\n');
  });

  it('an unknown command, an unknown flag or a UsageError exit with 2; an environment error with 1', async () => {
    const io = capture();
    expect(await dispatch(program, ['nope'])).toBe(2);
    expect(io.err.at(-1)).toBe("qres: unknown command 'nope'; commands: echo\n(see: test help)\n");
    // A usage error is one line saying what is wrong and a pointer to the help, never the whole usage text.
    expect(await dispatch(program, ['echo', '--colour', 'red'])).toBe(2);
    expect(io.err.at(-1)).toBe("qres echo: Unknown option '--colour'\n(see: test help echo)\n");
    expect(await dispatch(program, ['echo', '--word'])).toBe(2);
    expect(io.err.at(-1)).toBe("qres echo: Option '--word <value>' argument missing\n(see: test help echo)\n");
    expect(await dispatch(program, ['echo', 'stray'])).toBe(2);
    expect(io.err.at(-1)).toMatch(/^qres echo: Unexpected argument 'stray'\n\(see: test help echo\)\n$/);
    expect(await dispatch(program, ['echo', '--word', 'bad'])).toBe(2);
    expect(io.err.at(-1)).toBe('qres echo: --word must not be bad\n(see: test help echo)\n');
    expect(io.err.join('')).not.toContain('usage: echo');
    expect(await dispatch(program, ['echo', '--word', 'env'])).toBe(1);
    expect(io.err.at(-1)).toBe('qres echo: ENOENT: no such file\n');
    expect(await dispatch(program, ['echo', '--word', 'hi'])).toBe(0);
    expect(io.out.join('')).toBe('hi\n');
  });
});

describe('the node entry (src/node/entry.ts)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('offers only node, broker and swarm, through the same dispatcher', async () => {
    expect(ENTRY_PROGRAM.commands.map((c) => c.name).sort()).toEqual(['broker', 'node', 'swarm']);
    const io = capture();
    expect(await entryMain(['--help'])).toBe(0);
    expect(io.out.join('')).toBe(helpText(ENTRY_PROGRAM));
    expect(io.out.join('')).toContain('usage: node --import tsx src/node/entry.ts <command> [flags]');
    expect(await entryMain(['help', 'node'])).toBe(0);
    expect(io.out.at(-1)).toBe(`${ENTRY_PROGRAM.commands.find((c) => c.name === 'node')!.usage}\n`);
    expect(await entryMain(['sim'])).toBe(2);
    expect(io.err.join('')).toContain("qres: unknown command 'sim'");
    expect(await entryMain(['node', '--no-such-flag'])).toBe(2);
    expect(io.err.at(-1)).toBe("qres node: Unknown option '--no-such-flag'\n(see: node --import tsx src/node/entry.ts help node)\n");
    expect(await entryMain(['node'])).toBe(2); // --id is required: a usage error, as under `npm run qres -- node`
  });

  it('as a process: exit codes 0 for --help, 2 for an unknown command or a usage error', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/node/entry.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('commands:');
    const unknown = run('sim');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("qres: unknown command 'sim'");
    const usage = run('broker', '--port', 'x', '--bogus');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('qres broker: ');
  }, 60_000);
});
