// The command table, in the order `--help` lists them. Each entry is a thin yargs module.
import type { CommandFactory } from '../context.js';

export const commandFactories: readonly CommandFactory[] = [];
