// `npm run qres -- <command> [flags]`. Human output by default, --json for machines, exit 2 on a usage error.
// The dispatching (help, flag parsing, errors and exit codes) is src/cli/dispatch.ts, shared with src/node/entry.ts.
import { dispatch, runProcess, type Program } from './dispatch';
import { COMMANDS } from './commands/index';

export const PROGRAM: Program = { commands: COMMANDS };

export function main(argv: string[]): Promise<number> {
  return dispatch(PROGRAM, argv);
}

const isEntry = process.argv[1] !== undefined && /src[\\/]cli[\\/]main\.ts$/.test(process.argv[1]);
if (isEntry) runProcess(PROGRAM, process.argv.slice(2));
