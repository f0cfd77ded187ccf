// Test helper: the platform model of a small tree compiled by dtc (in a temp dir of its own, removed
// after the file's tests), and lookups on it. Each platform is computed inside its test, never at
// module level, so that a mutant of the model is seen (mutation testing).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { decodeFdt } from '../../image/fdt/decodeFdt.js';
import { findDevice, platformFromFdt } from '../../image/platform.js';
import type { Platform, PlatformDevice } from '../../image/platformModel.js';
import { compileDtsText } from './fdt/corpus.js';

/** One bus level of 32-bit addresses and sizes. */
export const ONE_CELL = '#address-cells = <1>; #size-cells = <1>;';

/** A compiler of `/ { body }` (with `head` before the root, e.g. /memreserve/) into a platform; call at module level. */
export function platformCompiler(prefix: string): (body: string, head?: string, dtcArgs?: readonly string[]) => Platform {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), `kaal-${prefix}-`));
  afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));
  let counter = 0;
  return (body, head = '', dtcArgs = []) =>
    platformFromFdt(decodeFdt(compileDtsText(temp, `t${counter++}`, `/dts-v1/;\n${head}\n/ {\n${body}\n};\n`, dtcArgs)));
}

/** The device `ref` names (path, alias, label or compatible); throws when there is none. */
export function device(platform: Platform, ref: string): PlatformDevice {
  const lookup = findDevice(platform, ref);
  if (lookup.kind !== 'found') throw new Error(`${ref}: ${lookup.kind}`);
  return lookup.device;
}

/** Each diagnostic as `code: message`. */
export const messages = (p: Platform) => p.diagnostics.map((d) => `${d.code}: ${d.message}`);
