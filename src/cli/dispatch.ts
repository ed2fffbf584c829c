// The one CLI dispatcher: `help`, `--help`, flag parsing, usage errors (exit 2), environment errors (exit 1).
// A usage error (an unknown command or flag, a bad value) prints one line saying what is wrong and a pointer to
// the help, not the whole usage text, which would bury the message.
// src/cli/main.ts calls it with every command; src/node/entry.ts calls it with the node, broker and swarm commands
// only, so that a node process starts without loading the simulator and the benchmarks.
import { parseArgs } from 'node:util';
import { UsageError, type Command } from './command';

export interface Program {
  /** The commands this entry point offers, in the order help lists them. */
  commands: readonly Command[];
  /** How to invoke this entry point, for the help text (default `npm run qres -- <command> [flags]`). */
  invocation?: string;
}

const TITLE = 'qres — a swarm of tiny learning devices, simulated and measured';

/** The help text: title, invocation, and one line per command. */
export function helpText(program: Program): string {
  const { commands } = program;
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  const invocation = program.invocation ?? 'npm run qres -- <command> [flags]';
  return `${TITLE}\n\nusage: ${invocation}\n\ncommands:\n${list}\n  ${'help'.padEnd(width)}  show this, or \`help <command>\`\n`;
}

/** The command line that shows help: `npm run qres -- help` (or the program's own invocation), `help NAME` for a command. */
export function helpPointer(program: Program, command?: string): string {
  const base = (program.invocation ?? 'npm run qres -- <command> [flags]').replace(/\s*<command>.*$/, '');
  return `(see: ${base} help${command === undefined ? '' : ` ${command}`})`;
}

/** node:util parseArgs messages go on with advice about `--`; the first sentence says what is wrong. */
function firstSentence(message: string): string {
  const end = message.indexOf('. ');
  return end < 0 ? message : message.slice(0, end);
}

/** Errors from the environment rather than from our code: file-system and network errors, storage errors. */
export function isOperational(err: unknown): err is Error {
  if (!(err instanceof Error)) return false;
  const e = err as NodeJS.ErrnoException;
  return (typeof e.code === 'string' && typeof e.syscall === 'string') || err.name === 'StorageError';
}

/** Runs `argv` (`<command> [flags]`) against the program's commands and returns the exit code. */
export async function dispatch(program: Program, argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const { commands } = program;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const target = rest[0] ? commands.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(target ? `${target.usage}\n` : helpText(program));
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`qres: unknown command '${name}'; commands: ${commands.map((c) => c.name).join(', ')}\n${helpPointer(program)}\n`);
    return 2;
  }
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`${command.usage}\n`);
      return 0;
    }
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: [...rest], options: command.options, strict: true, allowPositionals: command.positionals ?? false });
    } catch (err) {
      throw new UsageError(firstSentence(err instanceof Error ? err.message : String(err)));
    }
    return await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
  } catch (err) {
    if (err instanceof UsageError || (err instanceof Error && err.name === 'ConfigError')) {
      process.stderr.write(`qres ${command.name}: ${err.message}\n${helpPointer(program, command.name)}\n`);
      return 2;
    }
    if (isOperational(err)) {
      // The world said no (a file, a directory, a port): say what, without a stack trace. Bugs keep theirs.
      process.stderr.write(`qres ${command.name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

/** Runs the program as this process: sets process.exitCode; a bug prints its stack and exits with 1. */
export function runProcess(program: Program, argv: readonly string[]): void {
  dispatch(program, argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`qres: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
