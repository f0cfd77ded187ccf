// The CLI bundle's entry (scripts/bundleCli.mjs → dist/bin/kaal-compose.cjs, started by
// cli/launch.ts): runs `main` on the process and sets its exit code.
import { main } from './main.js';

void main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
