// Builds the example systems of fixtures/systems into boot images (from their prebuilt ELFs) once
// per test file, and rewrites an image's plan with valid checksums for the tampering tests.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSystem } from '../../compiler/build.js';
import { readImage, writeImage } from '../../image/bootImage/index.js';
import type { Plan } from '../../schema/plan.generated.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const cache = new Map<string, Uint8Array>();

export async function exampleImage(name: string): Promise<Uint8Array> {
  const cached = cache.get(name);
  if (cached) return cached;
  const result = await buildSystem(`fixtures/systems/${name}/${name}.system.ts`, { cwd: repoRoot });
  if (!result.image) throw new Error(`${name} did not build: ${result.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  cache.set(name, result.image);
  return result.image;
}

/** The same image with its plan changed by `edit`; every checksum is valid again. */
export function withPlan(bytes: Uint8Array, edit: (plan: Plan) => void): Uint8Array {
  const image = readImage(bytes);
  const plan = JSON.parse(image.planJson) as Plan;
  edit(plan);
  return writeImage({
    meta: image.meta,
    untyped: image.untyped,
    bootInfo: image.bootInfo,
    dtb: image.dtb,
    plan,
    components: image.components.map((c) => ({
      name: c.name,
      entry: c.entry,
      segments: c.segments.map((s) => ({ vaddr: s.vaddr, memsz: s.memsz, flags: s.flags, data: s.data })),
      symbols: c.symbols,
    })),
  });
}

/** The same image with a different untyped list in UNTYPED and BOOTINFO. */
export function withUntyped(bytes: Uint8Array, edit: (list: { paddr: number; sizeBits: number; isDevice: boolean }[]) => void): Uint8Array {
  const image = readImage(bytes);
  const list = image.untyped.map((u) => ({ ...u }));
  edit(list);
  return writeImage({
    meta: image.meta,
    untyped: list,
    bootInfo: image.bootInfo,
    dtb: image.dtb,
    plan: JSON.parse(image.planJson) as object,
    components: image.components.map((c) => ({
      name: c.name,
      entry: c.entry,
      segments: c.segments.map((s) => ({ vaddr: s.vaddr, memsz: s.memsz, flags: s.flags, data: s.data })),
      symbols: c.symbols,
    })),
  });
}

/** The same image with the page at `component`'s entry replaced by `words` (RV32 instructions). */
export function withCode(bytes: Uint8Array, component: string, words: readonly number[]): Uint8Array {
  const image = readImage(bytes);
  const page = new Uint8Array(4096);
  const view = new DataView(page.buffer);
  words.forEach((w, i) => view.setUint32(4 * i, w >>> 0, true));
  return writeImage({
    meta: image.meta,
    untyped: image.untyped,
    bootInfo: image.bootInfo,
    dtb: image.dtb,
    plan: JSON.parse(image.planJson) as object,
    components: image.components.map((c) => ({
      name: c.name,
      entry: c.entry,
      segments: c.segments.map((s) => ({
        vaddr: s.vaddr,
        memsz: s.memsz,
        flags: s.flags,
        data: c.name === component && s.vaddr === c.entry ? page : s.data,
      })),
      symbols: c.symbols,
    })),
  });
}
