// The shape every CLI command has. Commands live one per file in src/cli/commands/ and are listed in
// src/cli/commands/index.ts; main.ts parses flags with node:util parseArgs (strict: unknown flags fail).
import type { ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage text shown by `qres help <command>` and on a usage error. */
  usage: string;
  options: Options;
  /** Whether positional arguments are accepted. */
  positionals?: boolean;
  /** Returns the process exit code. */
  run(values: Values, positionals: string[]): Promise<number>;
}

/** A bad flag or argument: main prints it with the usage and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses a numeric flag; undefined stays undefined. */
export function numberFlag(values: Values, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(Number(raw))) {
    throw new UsageError(`--${name} expects a number, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}
