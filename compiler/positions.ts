// Finds where a path into a descriptor value (`components.0.priority`) is written in its source, as
// TypeScript positions tsconfig errors (`convertPropertyValueToJson`): parse the file, start at the
// `defineSystem({...})` literal, walk property names and array indices, follow identifiers to their
// `const` declarations (also across relative imports), else stop at the nearest node that exists.
// Only loaded when there is something to report: it imports typescript (STYLE.md §5).
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type * as TypeScript from 'typescript';
import type { Span } from '../schema/diagnostics.js';
import type { Host } from './host.js';
import type { IssueTarget } from './schemaIssues.js';

/** A found position: the file it is in (another file when the path leads through an import) and the span. */
export interface SourcePosition {
  /** Absolute path of the file the span is in. */
  readonly file: string;
  readonly span: Span;
}

interface Located {
  readonly source: TypeScript.SourceFile;
  readonly node: TypeScript.Node;
}

// `require`, not `import`: importing the 9 MB CommonJS typescript from ESM makes Node scan all of it
// for named exports (cjs-module-lexer) before it runs. This module is itself loaded only on demand.
const ts: typeof TypeScript = createRequire(import.meta.url)('typescript');

const EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.json'];

/**
 * Locates paths in one descriptor file. `absoluteFile` must be absolute; `text` is its content.
 * Parsed source files are cached, so locating many paths costs one parse per file.
 */
export function createLocator(absoluteFile: string, text: string, host: Host) {
  const sources = new Map<string, TypeScript.SourceFile | null>();
  sources.set(absoluteFile, parse(absoluteFile, text));

  function sourceFor(file: string): TypeScript.SourceFile | null {
    let source = sources.get(file);
    if (source === undefined) {
      try {
        source = parse(file, host.readText(file));
      } catch {
        source = null;
      }
      sources.set(file, source);
    }
    return source;
  }

  /** The node a path leads to, or the nearest node on the way; undefined only without a root. */
  function locate(segments: readonly (string | number)[], target: IssueTarget): SourcePosition | undefined {
    const root = rootOf(sources.get(absoluteFile)!);
    if (!root) return undefined;
    let current: Located = root;
    const wanted = target === 'object' ? segments.slice(0, -1) : segments;
    for (let i = 0; i < wanted.length; i++) {
      const isLast = i === wanted.length - 1;
      const value = resolveExpression(current, sourceFor);
      const next = step(value, wanted[i]!, sourceFor);
      if (!next) return positionOf(value, target === 'object' ? 'object' : 'value');
      if (isLast && target === 'key') return positionOf(next.key ?? next.value, 'value');
      current = next.value;
    }
    const value = resolveExpression(current, sourceFor);
    return positionOf(value, target === 'object' ? 'object' : 'value');
  }

  /** The default-exported expression (or declaration), for a default export that is not an object. */
  function defaultExport(): SourcePosition | undefined {
    const source = sources.get(absoluteFile)!;
    const statement = source.statements.find(isDefaultExport);
    if (!statement) return undefined;
    const node = ts.isExportAssignment(statement) ? statement.expression : statement;
    return positionOf({ source, node }, 'value');
  }

  /** The text of a file the locator has parsed (or parses now), as it was read. */
  function textOf(file: string): string | undefined {
    return sourceFor(file)?.text;
  }

  return { locate, defaultExport, textOf };
}

function parse(file: string, text: string): TypeScript.SourceFile {
  if (file.endsWith('.json')) return ts.parseJsonText(file, text);
  const kind = /\.[mc]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
}

function isDefaultExport(statement: TypeScript.Statement): boolean {
  if (ts.isExportAssignment(statement) && !statement.isExportEquals) return true;
  return (
    ts.canHaveModifiers(statement) &&
    (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)
  );
}

/** The expression the descriptor value comes from: the default export, or a JSON file's top value. */
function rootOf(source: TypeScript.SourceFile): Located | undefined {
  if (source.fileName.endsWith('.json')) {
    const statement = source.statements[0];
    return statement && ts.isExpressionStatement(statement) ? { source, node: statement.expression } : undefined;
  }
  return exportedExpression(source, 'default');
}

/** The expression a module exports under `name` ('default' for the default export). */
function exportedExpression(source: TypeScript.SourceFile, name: string): Located | undefined {
  for (const statement of source.statements) {
    if (name === 'default' && ts.isExportAssignment(statement) && !statement.isExportEquals) {
      return { source, node: statement.expression };
    }
    if (ts.isVariableStatement(statement) && hasExportModifier(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === name && declaration.initializer) {
          return { source, node: declaration.initializer };
        }
      }
    }
    if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) {
        if (element.name.text === name) return { source, node: element.propertyName ?? element.name };
      }
    }
  }
  return undefined;
}

function hasExportModifier(statement: TypeScript.VariableStatement): boolean {
  return (statement.modifiers ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/**
 * Looks through what does not change the value: parentheses, `as`/`satisfies`/`!`, calls of the
 * identity helpers (`defineSystem(x)`, `defineComponent(x)`), and identifiers bound to a `const`
 * in the same file or imported from a relative module.
 */
function resolveExpression(start: Located, sourceFor: (file: string) => TypeScript.SourceFile | null): Located {
  let current = start;
  for (let guard = 0; guard < 32; guard++) {
    const node = current.node;
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isNonNullExpression(node) || ts.isTypeAssertionExpression(node)) {
      current = { source: current.source, node: node.expression };
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && isIdentityHelper(node.expression)) {
      current = { source: current.source, node: node.arguments[0]! };
    } else if (ts.isIdentifier(node)) {
      const bound = resolveIdentifier(current.source, node.text, sourceFor);
      if (!bound) return current;
      current = bound;
    } else {
      return current;
    }
  }
  return current;
}

function isIdentityHelper(callee: TypeScript.Expression): boolean {
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  return name === 'defineSystem' || name === 'defineComponent';
}

/** A top-level `const name = …` in `source`, or the export `name` of a relatively imported module. */
function resolveIdentifier(source: TypeScript.SourceFile, name: string, sourceFor: (file: string) => TypeScript.SourceFile | null): Located | undefined {
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === name && declaration.initializer) {
          return { source, node: declaration.initializer };
        }
      }
    }
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.importClause) {
      const specifier = statement.moduleSpecifier.text;
      if (!specifier.startsWith('.')) continue;
      const clause = statement.importClause;
      let exported: string | undefined;
      if (clause.name?.text === name) exported = 'default';
      if (clause.namedBindings && ts.isNamedImports(clause.namedBindings)) {
        for (const element of clause.namedBindings.elements) {
          if (element.name.text === name) exported = (element.propertyName ?? element.name).text;
        }
      }
      if (exported === undefined) continue;
      const imported = resolveModule(source.fileName, specifier, sourceFor);
      return imported ? exportedExpression(imported, exported) : undefined;
    }
  }
  return undefined;
}

function resolveModule(fromFile: string, specifier: string, sourceFor: (file: string) => TypeScript.SourceFile | null): TypeScript.SourceFile | null {
  const base = path.resolve(path.dirname(fromFile), specifier);
  // `./x.js` in TypeScript means `./x.ts`; try the file as written, then with other extensions.
  const stem = base.replace(/\.[mc]?[jt]s$/, '');
  for (const candidate of [base, ...EXTENSIONS.map((ext) => stem + ext), ...EXTENSIONS.map((ext) => path.join(base, 'index' + ext))]) {
    const source = sourceFor(candidate);
    if (source) return source;
  }
  return null;
}

interface Step {
  readonly key?: Located;
  readonly value: Located;
}

/** One path segment: a property of an object literal or an element of an array literal. */
function step(at: Located, segment: string | number, sourceFor: (file: string) => TypeScript.SourceFile | null): Step | undefined {
  const { source, node } = at;
  if (ts.isObjectLiteralExpression(node)) {
    // The last definition of a property wins, as at run time; spreads may supply it.
    for (let i = node.properties.length - 1; i >= 0; i--) {
      const property = node.properties[i]!;
      if (ts.isSpreadAssignment(property)) {
        const spread = resolveExpression({ source, node: property.expression }, sourceFor);
        const inner = step(spread, segment, sourceFor);
        if (inner) return inner;
        continue;
      }
      const name = property.name && propertyNameText(property.name);
      if (name !== String(segment)) continue;
      const key = { source, node: property.name! };
      if (ts.isPropertyAssignment(property)) return { key, value: { source, node: property.initializer } };
      if (ts.isShorthandPropertyAssignment(property)) return { key, value: { source, node: property.name } };
      return { key, value: key };
    }
    return undefined;
  }
  if (ts.isArrayLiteralExpression(node) && typeof segment === 'number') {
    // Elements after a spread have no fixed index; give up there (the nearest node is the array).
    for (let i = 0; i <= segment && i < node.elements.length; i++) {
      if (ts.isSpreadElement(node.elements[i]!)) return undefined;
    }
    const element = node.elements[segment];
    return element ? { value: { source, node: element } } : undefined;
  }
  return undefined;
}

function propertyNameText(name: TypeScript.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isComputedPropertyName(name) && ts.isStringLiteralLike(name.expression)) return name.expression.text;
  return undefined;
}

/** A whole node, or just its opening character for an object that misses a property. */
function positionOf(at: Located, target: 'value' | 'object'): SourcePosition {
  const start = at.node.getStart(at.source);
  const length = target === 'object' && (ts.isObjectLiteralExpression(at.node) || ts.isArrayLiteralExpression(at.node)) ? 1 : at.node.getEnd() - start;
  return { file: at.source.fileName, span: { start, length } };
}
