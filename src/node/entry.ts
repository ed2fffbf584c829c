// A lean process entry for `qres swarm` and the tests: offers only the `node`, `broker` and `swarm` commands, so a
// node process loads the net/node code and the core it uses, not every CLI command (the simulator, benchmarks):
// it starts faster, and 20 of them fit on a small machine. It goes through the same dispatcher as
// `npm run qres` (src/cli/dispatch.ts): same flags, help, error messages and exit codes.
import { dispatch, runProcess, type Program } from '../cli/dispatch';
import { brokerCommand } from '../cli/commands/broker';
import { nodeCommand } from '../cli/commands/node';
import { swarmCommand } from '../cli/commands/swarm';

export const ENTRY_PROGRAM: Program = {
  commands: [brokerCommand, nodeCommand, swarmCommand],
  invocation: 'node --import tsx src/node/entry.ts <command> [flags]',
};

export function entryMain(argv: string[]): Promise<number> {
  return dispatch(ENTRY_PROGRAM, argv);
}

const isEntry = process.argv[1] !== undefined && /src[\\/]node[\\/]entry\.ts$/.test(process.argv[1]);
if (isEntry) runProcess(ENTRY_PROGRAM, process.argv.slice(2));
