// Every CLI command, in the order `qres help` lists them. Add a command: one file, one line here.
import type { Command } from '../command';

export const COMMANDS: Command[] = [];
