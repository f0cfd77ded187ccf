// Gives diagnostics that carry only a descriptor `path` (`components.1.devices.0`) their file, line
// and column in the descriptor source, so that checks and the planner stay pure functions of the
// model. Used by validate, plan and build alike.
import * as path from 'node:path';
import { LineIndex, type Diagnostic } from '../schema/diagnostics.js';
import type { Host } from './host.js';
import type { LoadedDescriptor } from './load.js';

/**
 * Semantic checks report a `path` into the descriptor (`components.1.devices.0`); the position
 * comes from the source here, so that checks stay pure functions of the model. typescript is
 * loaded only when some diagnostic needs placing.
 */
export async function placeByPath(diagnostics: readonly Diagnostic[], loaded: LoadedDescriptor, host: Host, cwd: string): Promise<Diagnostic[]> {
  const unplaced = diagnostics.some((d) => d.path !== undefined && d.span === undefined && d.line === undefined);
  if (!unplaced || loaded.text === undefined) return diagnostics.map((d) => (d.file === undefined ? { ...d, file: loaded.file } : d));
  const { createLocator } = await import('./positions.js');
  const locator = createLocator(loaded.absoluteFile, loaded.text, host);
  const indexes = new Map<string, LineIndex>([[loaded.absoluteFile, new LineIndex(loaded.text)]]);
  return diagnostics.map((d) => {
    if (d.path === undefined || d.span !== undefined || d.line !== undefined) return d.file === undefined ? { ...d, file: loaded.file } : d;
    const segments = d.path === '' ? [] : d.path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const found = locator.locate(segments, 'value');
    if (!found) return { ...d, file: loaded.file };
    let index = indexes.get(found.file);
    if (!index) indexes.set(found.file, (index = new LineIndex(host.readText(found.file))));
    const file = found.file === loaded.absoluteFile ? loaded.file : path.relative(cwd, found.file);
    return { ...d, file, span: found.span, ...index.position(found.span.start) };
  });
}

