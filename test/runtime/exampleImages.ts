// Builds the example systems of fixtures/systems into boot images (from their prebuilt ELFs) once
// per test file, and rewrites an image with valid checksums for the tampering tests, as a hostile
// image builder would: its root task's plan table written again from the edited plan.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSystem } from '../../compiler/build.js';
import { readImage, writeImage, type BootImage, type ComponentInput, type UntypedDescriptor } from '../../image/bootImage/index.js';
import { attachPlanTable, encodePlanTable } from '../../image/rootTask.js';
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

/**
 * The image written again with some parts changed. Unless `table` is false, the root task's plan
 * table is written from the (edited) plan again.
 */
export function rewriteImage(
  image: BootImage,
  change: {
    meta?: BootImage['meta'];
    dtb?: Uint8Array;
    plan?: Plan;
    untyped?: readonly UntypedDescriptor[];
    components?: readonly ComponentInput[];
    rootTask?: Uint8Array;
    table?: boolean;
  },
): Uint8Array {
  const plan = change.plan ?? (JSON.parse(image.planJson) as Plan);
  const components =
    change.components ??
    image.components.map((c) => ({
      name: c.name,
      entry: c.entry,
      segments: c.segments.map((s) => ({ vaddr: s.vaddr, memsz: s.memsz, flags: s.flags, data: s.data })),
      symbols: c.symbols,
    }));
  let rootTask = change.rootTask ?? image.rootTask;
  if (rootTask && change.rootTask === undefined && change.table !== false) {
    try {
      rootTask = attachPlanTable(rootTask, encodePlanTable(plan, components), plan.boot.userImage.size);
    } catch {
      // A plan the table cannot be written from (malformed, or a segment page without a frame):
      // the root task keeps its table, and the boot refuses the plan before it runs.
    }
  }
  return writeImage({
    meta: change.meta ?? image.meta,
    untyped: change.untyped ?? image.untyped,
    bootInfo: image.bootInfo,
    dtb: change.dtb ?? image.dtb,
    plan,
    components,
    ...(rootTask ? { rootTask } : {}),
  });
}

/** The same image with its plan changed by `edit`; every checksum is valid again, the root task's table is the edited plan's. */
export function withPlan(bytes: Uint8Array, edit: (plan: Plan) => void): Uint8Array {
  const image = readImage(bytes);
  const plan = JSON.parse(image.planJson) as Plan;
  edit(plan);
  return rewriteImage(image, { plan });
}

/** The same image with a different untyped list in UNTYPED and BOOTINFO. */
export function withUntyped(bytes: Uint8Array, edit: (list: { paddr: number; sizeBits: number; isDevice: boolean }[]) => void): Uint8Array {
  const image = readImage(bytes);
  const list = image.untyped.map((u) => ({ ...u }));
  edit(list);
  return rewriteImage(image, { untyped: list });
}

/** The same image with the page at `component`'s entry replaced by `words` (RV32 instructions). */
export function withCode(bytes: Uint8Array, component: string, words: readonly number[]): Uint8Array {
  const image = readImage(bytes);
  const page = new Uint8Array(4096);
  const view = new DataView(page.buffer);
  words.forEach((w, i) => view.setUint32(4 * i, w >>> 0, true));
  return rewriteImage(image, {
    components: image.components.map((c) => ({
      name: c.name,
      entry: c.entry,
      segments: c.segments.map((s) => ({ vaddr: s.vaddr, memsz: s.memsz, flags: s.flags, data: c.name === component && s.vaddr === c.entry ? page : s.data })),
      symbols: c.symbols,
    })),
  });
}
