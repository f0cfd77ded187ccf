// Stage 1: find a descriptor file, load it (jiti for .ts/.mts/.js/.mjs, JSON.parse for .json) and
// check it against the zod schema (schema/descriptor.ts) with `safeParse`. Problems become KC0xxx/KC1xxx
// diagnostics with positions in the file (STYLE.md §5); typescript is imported only when there are some.
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as vm from 'node:vm';
import { SourceMap, createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  D,
  LineIndex,
  createDiagnostic,
  type Diagnostic,
  type Span,
} from '../schema/diagnostics.js';
import { systemSchema, type ValidatedSystem } from '../schema/descriptor.js';
import { describeFsError, type Host } from './host.js';
import { diagnosticsFromIssues, type PathedDiagnostic } from './schemaIssues.js';
import { findDuplicateJsonKeys, findJsonSyntaxError } from './jsonSyntax.js';
import { jitiSetup, type Transform } from './jitiSetup.js';
import { placePaths, shownPath } from './placeDiagnostics.js';
import { partialSystem, type PartialSystem } from './partialSystem.js';
import { startLoadWatchdog } from './loadWatchdog.js';

/** File names `validate` looks for when given no paths, and `build` in the current directory. */
export const DESCRIPTOR_GLOB = '**/*.system.{ts,mts,js,mjs,json}';
const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** A descriptor after loading and schema validation. */
export interface LoadedDescriptor {
  /** The file as diagnostics name it: relative to `cwd` however it was given (tsc's one form). */
  readonly file: string;
  readonly absoluteFile: string;
  /** The source text, when the file could be read. */
  readonly text?: string;
  /** The value as written (the default export, or the parsed JSON), when it could be loaded. */
  readonly input?: unknown;
  /** The validated descriptor with defaults filled, when the schema accepted it. */
  readonly system?: ValidatedSystem;
  /** When the schema rejected the file: what of it the semantic checks can still see. */
  readonly partial?: PartialSystem;
  /** Load and schema problems, with `file`, `span`, `line`, `column` and `path` where known. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface LoadOptions {
  /** Directory relative paths are resolved from; default `process.cwd()`. */
  readonly cwd?: string;
  /** How long importing a module descriptor may take, in ms (default 5 s; `--load-timeout`). */
  readonly loadTimeoutMs?: number | undefined;
}

/** A descriptor only builds an object: seconds of work mean a loop or a wait that never ends. */
export const DEFAULT_LOAD_TIMEOUT_MS = 5000;

/** Loads one descriptor and validates it against the schema. Never throws for bad input. */
export async function loadDescriptor(given: string, host: Host, options: LoadOptions = {}): Promise<LoadedDescriptor> {
  const cwd = options.cwd ?? process.cwd();
  const absoluteFile = path.resolve(cwd, given);
  // Every diagnostic names files one way, relative to cwd, as tsc and eslint print them: never the
  // descriptor absolute beside its imports relative (issue 15).
  const file = shownPath(cwd, absoluteFile);
  const extension = path.extname(file).toLowerCase();
  const base = { file, absoluteFile };
  if (extension !== '.json' && !MODULE_EXTENSIONS.includes(extension)) {
    return { ...base, diagnostics: [createDiagnostic(D.unsupportedDescriptorType, { file }, { file })] };
  }
  let text: string;
  try {
    text = host.readText(absoluteFile);
  } catch (error) {
    return { ...base, diagnostics: [createDiagnostic(D.fileNotFound, { file, reason: describeFsError(error) }, { file })] };
  }
  const timeout = options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
  const loaded = extension === '.json' ? parseJson(file, text) : await importModule(file, absoluteFile, text, cwd, host, timeout);
  if ('diagnostics' in loaded) return { ...base, text, diagnostics: loaded.diagnostics };
  const input = loaded.value;
  // Problems beside a value that loaded (a JSON key written twice): reported with the schema's.
  const beside = loaded.beside ?? [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    const diagnostic = createDiagnostic(D.descriptorNotObject, { actual: describeExport(input) }, { file });
    if (extension !== '.json') await placeAtDefaultExport(diagnostic, absoluteFile, text, host);
    else placeAt(diagnostic, text, { start: 0, length: 1 });
    return { ...base, text, input, diagnostics: [diagnostic] };
  }
  let result: ReturnType<typeof systemSchema.safeParse>;
  try {
    // jitless: each descriptor is parsed once, and compiling zod's eval fast path costs more than it saves.
    result = systemSchema.safeParse(input, { jitless: true });
  } catch (error) {
    // Only user code can throw here: a getter or proxy in the exported object.
    const reason = `reading the exported object threw: ${error instanceof Error ? error.message : String(error)}`;
    const diagnostic = createDiagnostic(D.descriptorLoadFailed, { reason }, { file });
    if (extension !== '.json') await placeAtDefaultExport(diagnostic, absoluteFile, text, host);
    return { ...base, text, input, diagnostics: [diagnostic] };
  }
  if (result.success) {
    // A duplicate key leaves the descriptor as JSON.parse read it (the last wins): the semantic
    // checks still see all of it, and the file is invalid.
    if (beside.length > 0) return { ...base, text, input, partial: { system: result.data, brokenPaths: [], removedNames: [], originalPath: (p) => p }, diagnostics: beside };
    return { ...base, text, input, system: result.data, diagnostics: [] };
  }
  const pathed = diagnosticsFromIssues(result.error.issues, input, file);
  const partial = partialSystem(input, result.error.issues);
  return { ...base, text, input, ...(partial ? { partial } : {}), diagnostics: [...beside, ...(await placeAll(pathed, absoluteFile, text, host, cwd))] };
}

/**
 * The descriptor `build` uses: `explicit` when given, else the one `*.system.*` file in `cwd`.
 * Returns the file (as given / relative to cwd) or a diagnostic (KC0003 none, KC0007 several).
 */
export function findDescriptor(explicit: string | undefined, cwd: string): { file: string } | { diagnostic: Diagnostic } {
  if (explicit !== undefined) return { file: explicit };
  const candidates = fs
    .readdirSync(cwd)
    .filter((name) => /\.system\.(ts|mts|js|mjs|json)$/.test(name))
    .sort();
  if (candidates.length === 1) return { file: candidates[0]! };
  if (candidates.length === 0) {
    return { diagnostic: createDiagnostic(D.noDescriptorFound, { patterns: `'*.system.ts' in '${cwd}'` }) };
  }
  return {
    diagnostic: createDiagnostic(D.severalDescriptors, { dir: cwd, files: candidates.map((c) => `'${c}'`).join(', ') }),
  };
}

type Loaded = { value: unknown; beside?: Diagnostic[] } | { diagnostics: Diagnostic[] };

function parseJson(file: string, text: string): Loaded {
  try {
    const value: unknown = JSON.parse(text);
    return { value, beside: duplicateKeys(file, text) };
  } catch (error) {
    const found = findJsonSyntaxError(text) ?? { offset: 0, reason: lowerFirst(error instanceof Error ? error.message : String(error)) };
    const diagnostic = createDiagnostic(D.jsonSyntaxError, { reason: found.reason }, { file });
    placeAt(diagnostic, text, { start: found.offset, length: 1 });
    return { diagnostics: [diagnostic] };
  }
}

/**
 * KC1110 for each key an object of the JSON text has twice, at the later one (JSON.parse keeps it,
 * silently dropping the first), with the first as a related location.
 */
function duplicateKeys(file: string, text: string): Diagnostic[] {
  // Cheap test first: most descriptors have no key twice, and the scan is a second pass.
  const duplicates = findDuplicateJsonKeys(text);
  if (duplicates.length === 0) return [];
  const index = new LineIndex(text);
  return duplicates.map((d) => {
    const first = index.position(d.firstOffset);
    const where = d.path === '' ? 'the top-level object' : `'${d.path}'`;
    const related = [{ message: `'${d.key}' first written here`, file, span: { start: d.firstOffset, length: d.key.length + 2 }, ...first }];
    const diagnostic = createDiagnostic(D.jsonDuplicateKey, { key: d.key, where, line: first.line, column: first.column }, { file, related, ...(d.path === '' ? { path: d.key } : { path: `${d.path}.${d.key}` }) });
    placeAt(diagnostic, text, { start: d.offset, length: JSON.stringify(d.key).length });
    return diagnostic;
  });
}

export type { Transform, TransformOptions } from './jitiSetup.js';
export { useDescriptorTransform, useJitiModule } from './jitiSetup.js';

/** The transform jiti was given, to map a failure's position back (`originalPosition`). */
let activeTransform: Transform | undefined;

/** jiti is created once per process; `kaal-compose` resolves to this package wherever it is installed. */
let jitiInstance: Promise<{ (id: string): unknown; import(id: string): Promise<unknown> }> | undefined;

function jiti() {
  // `require`, not `import()`: importing the CommonJS jiti from ESM makes Node scan its 190 kB
  // bundle for named exports (cjs-module-lexer), a large share of validate's start-up.
  jitiInstance ??= Promise.resolve().then(() => {
    const { createJiti } = jitiSetup.jitiModule?.() ?? (createRequire(import.meta.url)('jiti') as typeof import('jiti'));
    const transform = jitiSetup.descriptorTransform?.();
    activeTransform = transform;
    return createJiti(import.meta.url, {
      ...(transform ? { transform } : {}),
      alias: { 'kaal-compose': packageEntry() },
      moduleCache: false,
      interopDefault: false,
    });
  });
  return jitiInstance;
}

/** This package's entry: dist/index.js when running compiled, index.ts when running from source. */
function packageEntry(): string {
  const compiled = fileURLToPath(new URL('../index.js', import.meta.url));
  return fs.existsSync(compiled) ? compiled : fileURLToPath(new URL('../index.ts', import.meta.url));
}

/**
 * Imports a module descriptor within `timeoutMs`. First with jiti's synchronous loader, called from
 * a vm script with a timeout: V8 ends a busy loop anywhere in the module's (and its imports')
 * top-level code. A module that needs the asynchronous loader (a top-level await) is imported
 * again with it, racing a timer, which catches an await that never settles. The timer is cleared
 * once the import settles; timers the descriptor leaves are ended by the CLI exiting when its work
 * is done (cli/bin.ts).
 */
async function importModule(file: string, absoluteFile: string, text: string, cwd: string, host: Host, timeoutMs: number): Promise<Loaded> {
  // The executable's loader for descriptors it transformed before (jitiSetup.withoutJiti): the
  // same code, evaluated as jiti's synchronous loader does. A failure goes on as jiti's does, to
  // jiti's asynchronous loader, so diagnostics come from jiti either way.
  const withoutJiti = jitiSetup.withoutJiti?.(absoluteFile, text);
  const instance = withoutJiti ? undefined : await jiti();
  const timedOut = (why: string): Loaded => {
    const diagnostic = createDiagnostic(D.descriptorLoadTimedOut, { seconds: timeoutMs / 1000, why }, { file });
    const at = firstTopLevelAwait(text);
    placeAt(diagnostic, text, why.includes('await') && at ? at : { start: 0, length: 0 });
    return { diagnostics: [diagnostic] };
  };
  const started = Date.now();
  let namespace: unknown;
  try {
    namespace = withTimeout(withoutJiti ?? (() => instance!(absoluteFile)), timeoutMs);
  } catch (syncError) {
    if (isVmTimeout(syncError)) return timedOut('its code was still running (a loop that never ends?)');
    let timer: NodeJS.Timeout | undefined;
    const left = Math.max(1, timeoutMs - (Date.now() - started));
    const loader = instance ?? (await jiti());
    // A loop after an await blocks this thread, timer included: a worker ends it once it has been
    // busy a little past the deadline without this thread's timer running (an idle wait is the
    // timer's to report).
    const watchdog = startLoadWatchdog(left, Math.max(WATCHDOG_GRACE_MS, timeoutMs / 10));
    try {
      const expired = new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(() => (watchdog.markAlive(), resolve(TIMED_OUT)), left);
        void watchdog.ended.then(() => resolve(TIMED_OUT));
      });
      // The import starts in a microtask of its own: a termination in its synchronous part (the
      // descriptor's code up to its first await) then ends that microtask, not this function.
      namespace = await Promise.race([Promise.resolve().then(() => loader.import(absoluteFile)), expired]);
      watchdog.markAlive();
      if (namespace === TIMED_OUT && watchdog.endedBusyLoop()) return timedOut('its code was still running after an await (a loop that never ends?)');
      if (namespace === TIMED_OUT) return timedOut('it is still waiting (a top-level await that never settles?)');
    } catch (error) {
      watchdog.markAlive();
      return { diagnostics: [await importFailure(error, file, absoluteFile, text, cwd, host)] };
    } finally {
      clearTimeout(timer);
      watchdog.stop();
    }
  }
  const value = (namespace as { default?: unknown } | null)?.default;
  return { value };
}

const TIMED_OUT = Symbol('timed out');

/**
 * Calls `load` from a vm script run with a timeout, so that V8 ends a busy loop anywhere in it. The
 * script runs in this context and finds `load` under a global name defined for the call only (a
 * context of its own, as `vm.runInNewContext` makes, costs every load 2-10 ms).
 */
function withTimeout(load: () => unknown, timeoutMs: number): unknown {
  Object.defineProperty(globalThis, LOAD_GLOBAL, { value: load, configurable: true, enumerable: false, writable: false });
  try {
    return (loadScript ??= new vm.Script(`globalThis[${JSON.stringify(LOAD_GLOBAL)}]()`)).runInThisContext({ timeout: timeoutMs });
  } finally {
    delete (globalThis as Record<string, unknown>)[LOAD_GLOBAL];
  }
}
const LOAD_GLOBAL = '__kaalComposeLoadDescriptor';
let loadScript: vm.Script | undefined;
/** The least time a thread that has not run its timer must be busy past the deadline before the watchdog ends it. */
const WATCHDOG_GRACE_MS = 250;


/** The text with comments blanked (offsets kept), for the guesses below. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => ' '.repeat(c.length));
}

function isVmTimeout(error: unknown): boolean {
  // jiti may rethrow the vm's error as a plain object with its message.
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'ERR_SCRIPT_EXECUTION_TIMEOUT' || (typeof message === 'string' && message.startsWith('Script execution timed out'));
}

/** The first `await` outside comments at the start of a statement or after `=`/`(`: a guess good enough to point at. */
function firstTopLevelAwait(text: string): Span | undefined {
  const match = /(^|[=(;,]\s*)(await)\b/m.exec(withoutComments(text));
  return match ? { start: match.index + match[1]!.length, length: 5 } : undefined;
}

/**
 * A throw or syntax error while importing becomes KC1001 at the place it happened: jiti reports
 * syntax errors as `… <file>:<line>:<column>`, and a throw's stack names the descriptor's frames.
 */
async function importFailure(error: unknown, file: string, absoluteFile: string, text: string, cwd: string, host: Host): Promise<Diagnostic> {
  const message = error instanceof Error ? error.message : describeThrown(error);
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const firstLine = message.split('\n')[0]!.trim();
  const reason = lowerFirst(firstLine.replace(/^(ParseError|SyntaxError): /, '').replace(/\s+\S+:\d+:\d+$/, '').trim());
  // jiti's parse errors end in `<file>:<line>:<column>` with babel's 0-based column; stack frames are 1-based.
  const parseLocation = /\s(\S+):(\d+):(\d+)\s*$/.exec(message.trim());
  const parsed = /^(ParseError|SyntaxError)\b/.test(firstLine) && parseLocation;
  let where = parsed
    ? { absoluteFile: path.resolve(cwd, parseLocation[1]!), line: Number(parseLocation[2]), column: Number(parseLocation[3]) + 1 }
    : findUserFrame(`${message}\n${stack}`, absoluteFile, cwd);
  // A stack frame's line and column are in the code jiti ran (types stripped, imports rewritten,
  // inside jiti's wrapper), not in what the user wrote: mapped back through the transform's source map.
  if (where && !parsed) {
    const source = where.absoluteFile === absoluteFile ? text : readOrUndefined(host, where.absoluteFile);
    const original = source === undefined ? undefined : originalPosition(where.absoluteFile, source, where.line, where.column);
    if (original) where = { ...where, ...original };
  }
  if (where && where.absoluteFile !== absoluteFile) {
    const other = shownPath(cwd, where.absoluteFile);
    const otherText = readOrUndefined(host, where.absoluteFile);
    const diagnostic = createDiagnostic(D.descriptorLoadFailed, { reason }, { file: other });
    if (otherText !== undefined) placeAtLine(diagnostic, otherText, where.line, where.column);
    else Object.assign(diagnostic, { line: where.line, column: where.column });
    return diagnostic;
  }
  const diagnostic = createDiagnostic(D.descriptorLoadFailed, { reason }, { file });
  if (where) placeAtLine(diagnostic, text, where.line, where.column);
  else {
    // An import that cannot be resolved has no frame: point at the specifier when it is quoted.
    const specifier = /(?:module|resolve|find) ['"]([^'"]+)['"]/i.exec(message)?.[1];
    const index = specifier ? text.indexOf(specifier) : -1;
    // A thrown non-Error carries no stack: point at the descriptor's one `throw` when it has one.
    const throws = error instanceof Error ? [] : [...withoutComments(text).matchAll(/\bthrow\b/g)];
    if (index >= 0) placeAt(diagnostic, text, { start: index - 1, length: specifier!.length + 2 });
    else placeAt(diagnostic, text, throws.length === 1 ? { start: throws[0]!.index!, length: 5 } : { start: 0, length: 0 });
  }
  return diagnostic;
}

function readOrUndefined(host: Host, file: string): string | undefined {
  try {
    return host.readText(file);
  } catch {
    return undefined;
  }
}

/**
 * jiti runs a module as `(async function (exports, require, …) { <code>\n});` on one line
 * (`eval_evalModule` in jiti 2): line 1 of a stack frame is shifted by this prefix. The failure
 * that is placed comes from the asynchronous loader (the synchronous one's error is retried there).
 */
const JITI_WRAPPER = '(async function (exports, require, module, __filename, __dirname, jitiImport, jitiESMResolve) { ';

/**
 * The position in `source` of a 1-based line and column of the code jiti ran for it: the same
 * transform run again with an inline source map, read with Node's `SourceMap`. Only on failure,
 * so loading never pays for the map. undefined when the map has no entry there.
 */
function originalPosition(file: string, source: string, line: number, column: number): { line: number; column: number } | undefined {
  const transform = activeTransform ?? jitiBabel();
  if (!transform) return undefined;
  let code: string;
  try {
    ({ code } = transform({ source, filename: file, ts: /\.[mc]?ts$/i.test(file), async: true, jsx: false, interopDefault: false, babel: { sourceFileName: file, sourceMaps: 'inline' } }));
  } catch {
    return undefined;
  }
  const map = /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/.exec(code)?.[1];
  if (!map) return undefined;
  const generatedColumn = line === 1 ? column - 1 - JITI_WRAPPER.length : column - 1;
  if (generatedColumn < 0) return undefined;
  const entry = new SourceMap(JSON.parse(Buffer.from(map, 'base64').toString('utf8'))).findEntry(line - 1, generatedColumn) as { originalLine?: number; originalColumn?: number };
  if (entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
  return { line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}

/** jiti's own babel bundle, when the cached transform is off (KAAL_CODE_CACHE=0). */
function jitiBabel(): Transform | undefined {
  try {
    const jitiMain = createRequire(import.meta.url).resolve('jiti');
    return createRequire(jitiMain)(path.join(path.dirname(jitiMain), '../dist/babel.cjs')) as Transform;
  } catch {
    return undefined;
  }
}

/** A thrown value that is not an Error, as the user would recognise it ('{ code: 3 }', not '[object Object]'). */
function describeThrown(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    const { message } = value as { message?: unknown };
    if (typeof message === 'string') return message;
    try {
      const json = JSON.stringify(value);
      if (json !== undefined) return `it threw a non-Error value ${json.length > 80 ? `${json.slice(0, 77)}...` : json}`;
    } catch {
      // A cycle or a bigint: fall through to the tag.
    }
    return `it threw a non-Error value (${Object.prototype.toString.call(value)})`;
  }
  return typeof value === 'string' ? value : `it threw ${String(value)}`;
}

/**
 * The innermost stack frame in user code: the descriptor or a file beside it, not in node_modules
 * (a throw in an imported component file is reported there, not at the import).
 */
function findUserFrame(errorText: string, absoluteFile: string, cwd: string): { absoluteFile: string; line: number; column: number } | undefined {
  const framePattern = /(?:file:\/\/)?((?:\/|[A-Za-z]:\\)[^\s():]+):(\d+):(\d+)/g;
  const userDir = path.dirname(absoluteFile) + path.sep;
  for (const match of errorText.matchAll(framePattern)) {
    const candidate = path.resolve(cwd, decodeURIComponent(match[1]!));
    if (candidate !== absoluteFile && (!candidate.startsWith(userDir) || candidate.includes(`${path.sep}node_modules${path.sep}`))) continue;
    return { absoluteFile: candidate, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

async function placeAll(pathed: readonly PathedDiagnostic[], absoluteFile: string, text: string, host: Host, cwd: string): Promise<Diagnostic[]> {
  const placements = await placePaths(pathed.map(({ path: segments, target }) => ({ segments, target })), absoluteFile, text, host, cwd);
  return pathed.map(({ diagnostic }, i) => {
    const found = placements[i];
    return found ? { ...diagnostic, file: diagnostic.file, ...found } : diagnostic;
  });
}

async function placeAtDefaultExport(diagnostic: Diagnostic, absoluteFile: string, text: string, host: Host): Promise<void> {
  const { createLocator } = await import('./positions.js');
  const found = createLocator(absoluteFile, text, host).defaultExport();
  placeAt(diagnostic, text, found?.span ?? { start: 0, length: 0 });
}

function placeAt(diagnostic: Diagnostic, text: string, span: Span): void {
  const start = Math.max(0, Math.min(span.start, text.length));
  Object.assign(diagnostic, { span: { start, length: span.length }, ...new LineIndex(text).position(start) });
}

function placeAtLine(diagnostic: Diagnostic, text: string, line: number, column: number): void {
  const index = new LineIndex(text);
  const start = Math.min(index.offset(line, column), text.length);
  const rest = index.lineText(line).slice(column - 1);
  const token = /^[\w$]+|^\S/.exec(rest)?.[0].length ?? 0;
  Object.assign(diagnostic, { span: { start, length: token }, line, column });
}

function describeExport(value: unknown): string {
  if (value === undefined) return "undefined (the module has no 'export default')";
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  return `a ${typeof value} ('${String(value)}')`;
}

function lowerFirst(text: string): string {
  return text.length > 1 && /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}
