// Gives diagnostics that carry only a descriptor `path` (`components.1.devices.0`) their file, line
// and column in the descriptor source, so that checks and the planner stay pure functions of the
// model. Used by validate, plan and build alike.
import * as path from 'node:path';
import { LineIndex, type Diagnostic, type Span } from '../schema/diagnostics.js';
import type { IssueTarget } from './schemaIssues.js';
import type { Host } from './host.js';
import type { LoadedDescriptor } from './load.js';

/** A file as diagnostics name it: relative to `cwd` (`../x` above it), the absolute path only across drives. */
export function shownPath(cwd: string, absoluteFile: string): string {
  const relative = path.relative(cwd, absoluteFile);
  return relative === '' || path.isAbsolute(relative) ? absoluteFile : relative;
}

/** Where a path is written: `file` only when it is another file than the descriptor (relative to cwd). */
export interface PathPlacement {
  readonly file?: string;
  readonly span: Span;
  readonly line: number;
  readonly column: number;
}

/**
 * Finds where each path is written in the descriptor `absoluteFile` (with source `text`) or a file
 * it imports: one parse per file, and the line index from the same text. undefined: not found.
 */
export async function placePaths(
  wanted: readonly { readonly segments: readonly (string | number)[]; readonly target: IssueTarget }[],
  absoluteFile: string,
  text: string,
  host: Host,
  cwd: string,
): Promise<(PathPlacement | undefined)[]> {
  const { createLocator } = await import('./positions.js');
  const locator = createLocator(absoluteFile, text, host);
  const indexes = new Map<string, LineIndex>();
  return wanted.map(({ segments, target }) => {
    const found = locator.locate(segments, target);
    if (!found) return undefined;
    let index = indexes.get(found.file);
    if (!index) indexes.set(found.file, (index = new LineIndex(locator.textOf(found.file) ?? '')));
    const placement = { span: found.span, ...index.position(found.span.start) };
    return found.file === absoluteFile ? placement : { ...placement, file: shownPath(cwd, found.file) };
  });
}

/**
 * Semantic checks report a `path` into the descriptor (`components.1.devices.0`); the position
 * comes from the source here, so that checks stay pure functions of the model. typescript is
 * loaded only when some diagnostic needs placing.
 */
export async function placeByPath(diagnostics: readonly Diagnostic[], loaded: LoadedDescriptor, host: Host, cwd: string): Promise<Diagnostic[]> {
  const isUnplaced = (d: Diagnostic) => d.path !== undefined && d.span === undefined && d.line === undefined;
  if (!diagnostics.some(isUnplaced) || loaded.text === undefined) return diagnostics.map((d) => (d.file === undefined ? { ...d, file: loaded.file } : d));
  const unplaced = diagnostics.filter(isUnplaced);
  const segmentsOf = (p: string) => (p === '' ? [] : p.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)));
  const placements = await placePaths(
    unplaced.map((d) => ({ segments: segmentsOf(d.path!), target: 'value' as const })),
    loaded.absoluteFile,
    loaded.text,
    host,
    cwd,
  );
  const placementOf = new Map(unplaced.map((d, i) => [d, placements[i]]));
  return diagnostics.map((d) => {
    if (!isUnplaced(d)) return d.file === undefined ? { ...d, file: loaded.file } : d;
    const found = placementOf.get(d);
    return found ? { ...d, file: loaded.file, ...found } : { ...d, file: loaded.file };
  });
}
