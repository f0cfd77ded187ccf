// Resolves the platform a system runs on: the bundled `kaal-virt-rv32`, a `.dtb`, or a `.dts`
// compiled by dtc (Debian `device-tree-compiler`) through execa. The I/O edge of the device-tree
// code: decoding and the platform model themselves are pure, in image/fdt and image/platform.ts.
import { createRequire } from 'node:module';
import path from 'node:path';
import { D, fail } from '../schema/diagnostics.js';
import { decodeFdt } from '../image/fdt/decodeFdt.js';
import type { FdtTree } from '../image/fdt/fdtTree.js';
import { platformFromFdt } from '../image/platform.js';
import { packageDir } from '../image/packageFiles.js';
import { INPUT_SIZE_LIMITS } from '../image/inputLimits.js';
import type { Platform } from '../image/platformModel.js';
import { describeFsError, nodeHost, type Host } from './host.js';
import { BUNDLED_PLATFORMS, type BundledPlatform } from '../schema/platforms.js';

/** The platforms shipped in `fixtures/platforms/` (package.json `files`). */
export { BUNDLED_PLATFORMS, DEFAULT_PLATFORM } from '../schema/platforms.js';

export interface LoadedPlatform {
  readonly platform: Platform;
  /** The blob the image will carry: the bundled or given .dtb, or dtc's output for a .dts. */
  readonly dtb: Uint8Array;
  readonly tree: FdtTree;
  /** The bundled platform's name, or the absolute path of the .dtb/.dts file. */
  readonly source: string;
}

export interface LoadPlatformOptions {
  readonly host?: Host;
  /** The dtc executable (tests point it at a missing one). */
  readonly dtc?: string;
  /** Largest .dtb accepted, in bytes (KC0009 beyond it). */
  readonly maxInputSize?: number;
}

/** Where the bundled platforms' DTS and DTB files are. */
export function bundledPlatformsDir(): string {
  return packageDir('fixtures/platforms');
}

function isBundled(spec: string): spec is BundledPlatform {
  return (BUNDLED_PLATFORMS as readonly string[]).includes(spec);
}

/**
 * Loads a platform: `spec` is a bundled name or a `.dtb`/`.dts` path (relative to `baseDir`).
 * Throws `DiagnosticError`: KC0002 unreadable file, KC2101 dtc missing, KC2102 dtc failed,
 * KC2103 unknown spec, KC20xx malformed blob. Platform-model warnings are in `platform.diagnostics`.
 */
export async function loadPlatform(spec: string, baseDir: string, options: LoadPlatformOptions = {}): Promise<LoadedPlatform> {
  const host = options.host ?? nodeHost;
  let file: string;
  let source: string;
  if (isBundled(spec)) {
    file = path.join(bundledPlatformsDir(), `${spec}.dtb`);
    source = spec;
  } else if (/\.dtb$/i.test(spec) || /\.dts$/i.test(spec)) {
    file = path.resolve(baseDir, spec);
    source = file;
  } else {
    throw fail(D.platformUnknown, { spec, bundled: BUNDLED_PLATFORMS.join("', '") });
  }
  const dtb = /\.dts$/i.test(file) ? await compileDts(file, spec, host, options.dtc ?? 'dtc') : readBytes(host, file, spec, options.maxInputSize);
  return { ...modelOf(dtb, spec), dtb, source };
}

/**
 * Decoded trees and their platform models by blob content: validating many descriptors on one
 * platform decodes it once (about 0.5 ms each time otherwise). Both are read-only, so they are
 * shared; the last few blobs are kept.
 */
const modelled = new Map<string, { readonly tree: FdtTree; readonly platform: Platform }>();
const MODELLED_KEPT = 8;

function modelOf(dtb: Uint8Array, shown: string): { readonly tree: FdtTree; readonly platform: Platform } {
  const key = blobKey(dtb);
  const known = modelled.get(key);
  if (known) return known;
  const tree = decodeFdt(dtb, { file: shown });
  const entry = { tree, platform: platformFromFdt(tree) };
  if (modelled.size >= MODELLED_KEPT) modelled.delete(modelled.keys().next().value!);
  modelled.set(key, entry);
  return entry;
}

/**
 * What `modelled` knows a blob by: a small one (every real DTB) by its bytes as a string, a larger
 * one by its SHA-256 (node:crypto is loaded only then: loading it costs a start a few milliseconds).
 */
function blobKey(dtb: Uint8Array): string {
  if (dtb.length <= 64 * 1024) return `=${Buffer.from(dtb.buffer, dtb.byteOffset, dtb.byteLength).toString('latin1')}`;
  return `#${process.getBuiltinModule('node:crypto').createHash('sha256').update(dtb).digest('hex')}`;
}

/** Reads and decodes a `.dtb`, or compiles and decodes a `.dts`, without building the platform model. */
export async function readDeviceTree(
  file: string,
  baseDir: string,
  options: LoadPlatformOptions = {},
): Promise<{ readonly dtb: Uint8Array; readonly tree: FdtTree }> {
  const host = options.host ?? nodeHost;
  const absolute = path.resolve(baseDir, file);
  const dtb = /\.dts$/i.test(file) ? await compileDts(absolute, file, host, options.dtc ?? 'dtc') : readBytes(host, absolute, file, options.maxInputSize);
  return { dtb, tree: decodeFdt(dtb, { file }) };
}

function readBytes(host: Host, file: string, shown: string, limit: number = INPUT_SIZE_LIMITS['device tree blob']): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = host.readFile(file);
  } catch (error) {
    throw fail(D.fileNotFound, { file: shown, reason: describeFsError(error) }, { file: shown });
  }
  if (bytes.length > limit) throw fail(D.inputTooLarge, { file: shown, size: bytes.length, limit, kind: 'a device tree blob' }, { file: shown });
  return bytes;
}

/** `dtc -q -@ -I dts -O dtb FILE` (`-@`: keep the labels, which descriptors may name devices by), the blob read from stdout; dtc's own message on failure. */
async function compileDts(file: string, shown: string, host: Host, dtc: string): Promise<Uint8Array> {
  if (!host.exists(file)) throw fail(D.fileNotFound, { file: shown, reason: 'no such file' }, { file: shown });
  // Required, not imported, for the reason compiler/toolchain.ts `loadExeca` gives; not through it,
  // so that validate does not load the C toolchain's module.
  const { execa } = createRequire(import.meta.url)('execa') as typeof import('execa');
  const result = await execa(dtc, ['-q', '-@', '-I', 'dts', '-O', 'dtb', file], {
    reject: false,
    encoding: 'buffer',
    cwd: path.dirname(file),
  });
  if ((result as { code?: string }).code === 'ENOENT') throw fail(D.dtcMissing, { file: shown }, { file: shown });
  if (result.failed || result.exitCode !== 0) {
    const stderr = new TextDecoder().decode(result.stderr).trim();
    const message = stderr === '' ? `exit code ${result.exitCode ?? 'unknown'}` : stderr.split('\n').join('; ');
    // dtc reports `file:line.column-…`; point the diagnostic there.
    const position = /:(\d+)\.(\d+)/.exec(stderr);
    throw fail(
      D.dtcFailed,
      { file: shown, message: message.split(file).join(shown) },
      position ? { file: shown, line: Number(position[1]), column: Number(position[2]) } : { file: shown },
    );
  }
  return new Uint8Array(result.stdout);
}
