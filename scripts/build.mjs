// `npm run build` (and `prepare`, with --if-stale): tsc and the CLI bundle (scripts/bundleCli.mjs)
// write a new dist beside the old one (.dist-build-<pid>/), which is then renamed into place, so
// `kaal-compose` keeps working while a build runs and a failed build leaves the old dist alone.
// dist/.inputs-sha256 records what it was built from; --if-stale skips a build of the same inputs.
//
// Under `npm exec`/`npx` it never builds: npm 7+ installs a project's own bin into its npx cache
// when `npx <bin>` runs in the project, and runs `prepare` as it links it (libnpmexec's "self-
// execution of a local bin") — that, not the package's devDependency on itself, made the first
// `npx kaal-compose` after `npm ci` rebuild dist. The dist `npm ci` built is what npx runs.
//
// Everything it prints goes to stderr: `npm pack` prints the tarball's name on stdout, and tools
// (the pre-commit framework) read that line.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stampFile = '.inputs-sha256';

/** What dist is made from: tsconfig.build.json's sources, the bundler, the manifests. */
const inputRoots = ['index.ts', 'api.ts', 'cli', 'schema', 'compiler', 'image', 'runtime', 'scripts/bundleCli.mjs', 'scripts/bundle', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

function filesUnder(entry) {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [entry];
  return fs
    .readdirSync(full)
    .sort()
    .flatMap((name) => filesUnder(path.posix.join(entry, name)));
}

/** SHA-256 over every input's path and bytes, in sorted order. */
export function inputsDigest() {
  const hash = createHash('sha256');
  for (const file of inputRoots.flatMap(filesUnder)) hash.update(`${file}\0`).update(fs.readFileSync(path.join(root, file))).update('\0');
  return hash.digest('hex');
}

function builtDigest() {
  try {
    return fs.readFileSync(path.join(dist, stampFile), 'utf8').trim();
  } catch {
    return null;
  }
}

/**
 * Replaces `target` by `next` without a moment in which the CLI is missing: every file of `next` is
 * renamed over its counterpart (one atomic rename each), the launcher last, then what the new build
 * no longer has is removed and `next` goes. Renaming the whole directory away and the new one in
 * left `target` absent between the two renames, which a concurrent `npx kaal-compose` could hit.
 */
export function swapInto(next, target) {
  const files = treeFiles(next).sort((a, b) => Number(LAUNCHERS.includes(a)) - Number(LAUNCHERS.includes(b)));
  const wanted = new Set(files);
  for (const file of files) {
    const dest = path.join(target, file);
    if (fs.existsSync(dest) && fs.statSync(dest).isDirectory()) fs.rmSync(dest, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.renameSync(path.join(next, file), dest);
  }
  for (const file of treeFiles(target)) if (!wanted.has(file)) fs.rmSync(path.join(target, file), { force: true });
  removeEmptyDirs(target);
  fs.rmSync(next, { recursive: true, force: true });
}

/** Every file under `dir`, relative to it. */
function treeFiles(dir, prefix = '') {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(prefix, entry.name);
    return entry.isDirectory() ? treeFiles(dir, rel) : [rel];
  });
}

/** Removes directories under `dir` left empty by stale files. */
function removeEmptyDirs(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const sub = path.join(dir, entry.name);
    removeEmptyDirs(sub);
    if (fs.readdirSync(sub).length === 0) fs.rmdirSync(sub);
  }
}

/** dist-relative paths of the package's bin (launch.cjs) and its ES module twin, renamed into place last. */
const LAUNCHERS = [path.join('cli', 'launch.js'), path.join('cli', 'launch.cjs')];

async function build(digest) {
  const next = path.join(root, `.dist-build-${process.pid}`);
  fs.rmSync(next, { recursive: true, force: true });
  try {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const compiled = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', next], { cwd: root, stdio: ['ignore', 2, 2] });
    if (compiled.status !== 0) throw new Error(`tsc failed (exit ${compiled.status ?? compiled.signal})`);
    const { bundleCli } = await import('./bundleCli.mjs');
    await bundleCli(next);
    fs.writeFileSync(path.join(next, stampFile), digest + '\n');
    swapInto(next, dist);
  } catch (error) {
    fs.rmSync(next, { recursive: true, force: true });
    throw error;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  const digest = inputsDigest();
  if (process.env.npm_command === 'exec' && process.env.npm_lifecycle_event === 'prepare') {
    if (builtDigest() !== digest) process.stderr.write("kaal-compose: dist is older than the sources; run 'npm run build'\n");
  } else if (!ifStale || builtDigest() !== digest) {
    try {
      await build(digest);
    } catch (error) {
      process.stderr.write(`kaal-compose build: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  }
}
