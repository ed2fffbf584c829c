// `npm run qres -- <command> [flags]`. Human output by default, --json for machines, exit 2 on a usage error.
import { parseArgs } from 'node:util';
import { UsageError, type Command } from './command';
import { COMMANDS } from './commands/index';

function listCommands(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 4);
  return COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
}

function help(): string {
  return `qres — a swarm of tiny learning devices, simulated and measured\n\nusage: npm run qres -- <command> [flags]\n\ncommands:\n${listCommands()}\n  help${' '.repeat(Math.max(0, Math.max(...COMMANDS.map((c) => c.name.length), 4) - 4))}  show this, or \`help <command>\`\n`;
}

/** Errors from the environment rather than from our code: file-system and network errors, storage errors. */
function isOperational(err: unknown): err is Error {
  if (!(err instanceof Error)) return false;
  const e = err as NodeJS.ErrnoException;
  return (typeof e.code === 'string' && typeof e.syscall === 'string') || err.name === 'StorageError';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const target = rest[0] && COMMANDS.find((c) => c.name === rest[0]);
    process.stdout.write(target ? `${target.usage}\n` : help());
    return 0;
  }
  const command: Command | undefined = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`qres: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`${command.usage}\n`);
      return 0;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, strict: true, allowPositionals: command.positionals ?? false });
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    return await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
  } catch (err) {
    if (err instanceof UsageError || (err instanceof Error && err.name === 'ConfigError')) {
      process.stderr.write(`qres ${command.name}: ${err.message}\n\n${command.usage}\n`);
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

const isEntry = process.argv[1] !== undefined && /src[\\/]cli[\\/]main\.ts$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`qres: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
