// The command table, in the order `--help` lists them. Each entry is a thin yargs module.
import type { CommandFactory } from '../context.js';
import inspect from './inspect.js';
import build from './build.js';
import validate from './validate.js';
import schema from './schema.js';
import dt from './dt.js';
import machine from './machine.js';
import importSdf from './importSdf.js';
import exportCommand from './export.js';
import plan from './plan.js';
import init from './init.js';
import run from './run.js';
import check from './check.js';

export const commandFactories: readonly CommandFactory[] = [
  validate,
  build,
  schema,
  plan,
  dt,
  machine,
  run,
  check,
  inspect,
  exportCommand,
  importSdf,
  init,
];
