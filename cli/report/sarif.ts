// SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/) for code scanning: one run,
// `rules` from the registry (id = code, helpUri = the docs anchor), one result per diagnostic with a
// physical location (1-based lines and columns, as SARIF counts) and related locations.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LineIndex, allDiagnostics, lineIndexCache, type Diagnostic, type DiagnosticDefinition, type Span } from '../../schema/diagnostics.js';
import type { RenderOptions } from './index.js';
import { packageRoot, packageVersion, repositoryWebUrl } from '../../image/packageFiles.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Where each code is documented, relative to the repository root. */
export const DIAGNOSTICS_DOC = 'docs/diagnostics.md';

/**
 * The documentation of `code` (SARIF wants an absolute `helpUri`): on the repository's web pages when
 * package.json names a repository, else the copy shipped in the package (package.json `files` has
 * docs/), as a file: URL.
 */
export function diagnosticHelpUri(code: string, repository = repositoryWebUrl()): string {
  const doc = repository !== undefined ? `${repository}/blob/main/${DIAGNOSTICS_DOC}` : pathToFileURL(path.join(packageRoot(), DIAGNOSTICS_DOC)).href;
  return `${doc}#${code.toLowerCase()}`;
}

/** The tool's home: the repository when package.json names one, else the package's README. */
function informationUri(repository: string | undefined): string {
  return repository ?? pathToFileURL(path.join(packageRoot(), 'README.md')).href;
}

export function renderSarif(diagnostics: readonly Diagnostic[], options: Pick<RenderOptions, 'files' | 'sourceOf'>): string {
  return JSON.stringify(toSarif(diagnostics, options), null, 2) + '\n';
}

export function toSarif(diagnostics: readonly Diagnostic[], options: Pick<RenderOptions, 'files' | 'sourceOf'>) {
  const used = new Set(diagnostics.map((d) => d.code));
  const rules: DiagnosticDefinition[] = allDiagnostics.filter((d) => used.has(d.code));
  const ruleIndex = new Map(rules.map((rule, i) => [rule.code, i]));
  const indexOf = lineIndexCache(options.sourceOf);
  const repository = repositoryWebUrl();
  const artifacts = [...new Set([...(options.files ?? []), ...diagnostics.flatMap((d) => (d.file ? [d.file] : []))])];
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kaal-compose',
            version: packageVersion(),
            informationUri: informationUri(repository),
            rules: rules.map((rule) => ({
              id: rule.code,
              name: upperFirst(rule.name),
              shortDescription: { text: rule.message },
              ...(rule.hint ? { help: { text: rule.hint } } : {}),
              helpUri: diagnosticHelpUri(rule.code, repository),
              defaultConfiguration: { level: rule.severity },
            })),
          },
        },
        // Columns count UTF-16 code units, as tsc and editors do (SARIF's default, stated for readers).
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { SRCROOT: { description: { text: 'The directory kaal-compose ran in' } } },
        artifacts: artifacts.map((file) => ({ location: artifactLocation(file) })),
        results: diagnostics.map((d) => ({
          ruleId: d.code,
          ruleIndex: ruleIndex.get(d.code)!,
          level: d.severity,
          message: { text: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message },
          ...(d.file ? { locations: [physicalLocation(d.file, d, indexOf(d.file), d.path)] } : {}),
          ...(d.related?.length
            ? {
                relatedLocations: d.related.map((r, id) => ({
                  id,
                  message: { text: r.message },
                  ...(r.file ? physicalLocation(r.file, r, indexOf(r.file)) : {}),
                })),
              }
            : {}),
        })),
      },
    ],
  };
}

/** A file as a SARIF URI: absolute as a file: URL, relative as a percent-encoded reference from SRCROOT. */
function artifactLocation(file: string) {
  return path.isAbsolute(file)
    ? { uri: pathToFileURL(file).href }
    : { uri: file.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' };
}

interface Place {
  readonly span?: Span;
  readonly line?: number;
  readonly column?: number;
}

function physicalLocation(file: string, place: Place, index: LineIndex | null, descriptorPath?: string) {
  const region: Record<string, number> = {};
  if (place.line !== undefined) {
    region.startLine = place.line;
    region.startColumn = place.column ?? 1;
    if (place.span && index) {
      const end = index.position(place.span.start + place.span.length);
      region.endLine = end.line;
      region.endColumn = end.column;
    }
  }
  return {
    physicalLocation: {
      artifactLocation: artifactLocation(file),
      ...(region.startLine !== undefined ? { region } : {}),
    },
    ...(descriptorPath !== undefined ? { logicalLocations: [{ fullyQualifiedName: descriptorPath, kind: 'member' }] } : {}),
  };
}

function upperFirst(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
