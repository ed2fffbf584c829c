// Every CLI command, in the order `qres help` lists them. Add a command: one file, one line here.
import type { Command } from '../command';
import { compressCommand, decompressCommand } from './compress';
import { simCommand } from './sim';
import { benchCommand } from './bench';
import { ablationCommand } from './ablation';
import { brokerCommand } from './broker';
import { nodeCommand } from './node';
import { swarmCommand } from './swarm';
import { keysCommand } from './keys';
import { compareCommand } from './compare';

export const COMMANDS: Command[] = [
  simCommand,
  benchCommand,
  ablationCommand,
  compressCommand,
  decompressCommand,
  brokerCommand,
  nodeCommand,
  swarmCommand,
  keysCommand,
  compareCommand,
];
