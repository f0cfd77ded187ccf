// `validate --watch`: validates, then again after every change of a descriptor, a file it imports
// or a platform file. Watches the directories of the descriptors and of their .dts/.dtb platforms,
// recursively (imports are usually beside or below a descriptor), outside node_modules; changes in
// quick succession are one re-run. Stops when `signal` aborts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Host } from './host.js';
import { validateFiles, type ValidateOptions, type ValidationResult } from './validate.js';

/** Only these changes re-validate: sources a descriptor may load, and device trees. */
const WATCHED = /\.(ts|mts|cts|js|mjs|cjs|json|dts|dtsi|dtb)$/i;
const SETTLE_MS = 100;

export async function watchValidation(
  patterns: readonly string[],
  host: Host,
  options: ValidateOptions & { readonly cwd: string; readonly signal: AbortSignal },
  onResult: (result: ValidationResult) => void,
): Promise<void> {
  const watchers = new Map<string, fs.FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running.then(async () => {
      if (options.signal.aborted) return;
      const result = await validateFiles(patterns, host, options);
      if (options.signal.aborted) return;
      onResult(result);
      watchDirectories(directoriesOf(result, options.cwd));
    });
  };
  const changed = (file: string | null) => {
    if (file !== null && (!WATCHED.test(file) || file.split(/[\\/]/).includes('node_modules'))) return;
    clearTimeout(timer);
    timer = setTimeout(run, SETTLE_MS);
  };
  const watchDirectories = (dirs: readonly string[]) => {
    for (const dir of dirs) {
      if (watchers.has(dir) || [...watchers.keys()].some((w) => dir.startsWith(w + path.sep))) continue;
      try {
        const watcher = fs.watch(dir, { recursive: true }, (_event, file) => changed(file === null ? null : String(file)));
        watcher.on('error', () => {});
        watchers.set(dir, watcher);
      } catch {
        // A directory that vanished: the next run reports the missing file.
      }
    }
  };
  run();
  await new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    else options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearTimeout(timer);
  for (const watcher of watchers.values()) watcher.close();
  await running;
}

/** The directories of every validated descriptor and of the device-tree files it named. */
function directoriesOf(result: ValidationResult, cwd: string): string[] {
  const dirs = new Set<string>();
  for (const file of result.files) {
    dirs.add(path.dirname(path.resolve(cwd, file.file)));
    for (const d of file.diagnostics) if (d.file) dirs.add(path.dirname(path.resolve(cwd, d.file)));
  }
  if (result.files.length === 0) dirs.add(cwd);
  return [...dirs].filter((d) => fs.existsSync(d)).sort();
}
