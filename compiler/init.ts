// `kaal-compose init [dir]` (issue 8): a new project that validates, builds and runs at once — a
// `<name>.system.ts`, one C component printing through the UART and powering off through the test
// device (as fixtures/systems/hello), a README, package.json with npm scripts, .gitignore.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { D, createDiagnostic, type Diagnostic } from '../schema/diagnostics.js';
import { writeFileAtomic } from './host.js';
import { renderTemplate } from './renderTemplate.js';
import { packageRoot, packageVersion } from '../image/packageFiles.js';

/** The descriptor schema's name rule (schema/descriptor.ts): C identifiers after '-' → '_'. */
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export interface ProjectFile {
  /** Relative to the project directory. */
  readonly path: string;
  readonly text: string;
}

/** A system name from a directory name: invalid characters become '-', a leading digit gets 'system-'. */
export function systemNameFor(directoryName: string): string {
  const cleaned = directoryName.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  if (cleaned === '') return 'system';
  return NAME_PATTERN.test(cleaned) ? cleaned : `system-${cleaned}`;
}

/** npm package names are lower case and do not start with '_' or '-'. */
function packageNameFor(name: string): string {
  return name.toLowerCase().replace(/^[_-]+/, '') || 'kaal-system';
}

/**
 * The dependency a new project's package.json names for kaal-compose: the version range when this
 * kaal-compose was installed as a package (it sits in a node_modules folder), else the folder it
 * runs from (a clone or an unpacked tarball), as a `file:` dependency — kaal-compose is on no
 * registry, so `^0.1.0` alone would not install. Pure.
 */
export function kaalComposeDependency(root: string, version: string): string {
  return root.split(/[\\/]/).includes('node_modules') ? `^${version}` : `file:${root}`;
}

/** The files of a new project named `name` (a valid system name), depending on kaal-compose by `dependency` (a package.json spec). Pure. */
export function projectFiles(name: string, dependency: string): ProjectFile[] {
  const view = { name, packageName: packageNameFor(name), dependencyJson: JSON.stringify(dependency) };
  return [
    { path: `${name}.system.ts`, text: renderTemplate('init/system.ts.hbs', view) },
    { path: 'hello.c', text: renderTemplate('init/hello.c.hbs', view) },
    { path: 'README.md', text: renderTemplate('init/README.md.hbs', view) },
    { path: 'package.json', text: renderTemplate('init/package.json.hbs', view) },
    { path: '.gitignore', text: renderTemplate('init/gitignore.hbs', view) },
    // So that the editor (and `npx tsc`) checks the descriptors against defineSystem's types.
    { path: 'tsconfig.json', text: renderTemplate('init/tsconfig.json.hbs', view) },
  ];
}

export interface InitOptions {
  readonly cwd: string;
  /** The project directory (relative to cwd); cwd itself when absent. */
  readonly dir?: string;
  /** The system name; by default derived from the directory's name. */
  readonly name?: string;
}

export interface InitResult {
  /** The project directory as given (or '.'). */
  readonly dir: string;
  readonly name: string;
  /** Files written, relative to the project directory; empty when there were errors. */
  readonly files: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES') return 'permission denied';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'not a directory';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Creates the project in `dir` (made when missing). Refuses a directory that has anything in it
 * (KC0008): init never overwrites or mixes with a user's files.
 */
export function initProject(options: InitOptions): InitResult {
  const shown = options.dir ?? '.';
  const root = path.resolve(options.cwd, shown);
  const name = options.name ?? systemNameFor(path.basename(root));
  const fail = (diagnostic: Diagnostic): InitResult => ({ dir: shown, name, files: [], diagnostics: [diagnostic] });
  if (!NAME_PATTERN.test(name)) {
    return fail(createDiagnostic(D.usageError, { message: `'${name}' is not a system name: it starts with a letter or '_' and has only letters, digits, '_' and '-'` }));
  }
  if (fs.existsSync(root)) {
    if (!fs.statSync(root).isDirectory()) return fail(createDiagnostic(D.cannotWriteOutput, { file: shown, reason: 'not a directory' }));
    const entries = fs.readdirSync(root).sort();
    if (entries.length > 0) return fail(createDiagnostic(D.initDirectoryNotEmpty, { dir: shown, entry: entries[0]! }));
  }
  const files = projectFiles(name, kaalComposeDependency(packageRoot(), packageVersion()));
  const written: string[] = [];
  try {
    fs.mkdirSync(root, { recursive: true });
    for (const file of files) {
      writeFileAtomic(path.join(root, file.path), file.text);
      written.push(file.path);
    }
  } catch (error) {
    // Leave nothing half made: remove what this call wrote.
    for (const file of written) fs.rmSync(path.join(root, file), { force: true });
    return fail(createDiagnostic(D.cannotWriteOutput, { file: shown, reason: reasonOf(error) }));
  }
  return { dir: shown, name, files: written, diagnostics: [] };
}
