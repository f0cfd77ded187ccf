#!/usr/bin/env node
// The installed `kaal-compose` executable: runs `main` on the process and sets its exit code.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
});
