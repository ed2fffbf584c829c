// Every CLI command, in the order `qres help` lists them. Add a command: one file, one line here.
import type { Command } from '../command';
import { compressCommand, decompressCommand } from './compress';
import { simCommand } from './sim';

export const COMMANDS: Command[] = [simCommand, compressCommand, decompressCommand];
