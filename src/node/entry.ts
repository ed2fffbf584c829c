// A lean process entry for `qres swarm` and the tests: runs only the `node`, `broker` or `swarm` command, so a node
// process loads the net/node code and the core it uses, not every CLI command (the simulator, benchmarks):
// it starts faster, and 20 of them fit on a small machine. Same flags and output as `npm run qres -- node`.
import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../cli/command';
import { brokerCommand } from '../cli/commands/broker';
import { nodeCommand } from '../cli/commands/node';
import { swarmCommand } from '../cli/commands/swarm';

const COMMANDS: Record<string, Command> = { broker: brokerCommand, node: nodeCommand, swarm: swarmCommand };

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    process.stderr.write(`usage: node --import tsx src/node/entry.ts <node|broker|swarm> [flags]\n`);
    return 2;
  }
  try {
    const parsed = parseArgs({ args: rest, options: command.options, strict: true, allowPositionals: false });
    return await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err)) {
      process.stderr.write(`qres ${command.name}: ${(err as Error).message}\n\n${command.usage}\n`);
      return 2;
    }
    throw err;
  }
}

run(process.argv.slice(2)).then(
  (code) => void (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`qres: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
