// The root task (roottask/): the committed ELF is exactly what its sources build to
// (KAAL_UPDATE_PREBUILT=1 rewrites it), and it has the shape the image writer relies on.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRootTask, PREBUILT_ROOT_TASK, readPrebuiltRootTask } from '../../compiler/rootTask.js';
import { toolVersion } from '../../compiler/toolchain.js';
import { findSymbol, readElf } from '../../image/elf.js';
import { PLAN_TABLE_SYMBOL } from '../../image/rootTask.js';
import { repoRoot } from '../helpers/files.js';

const clang = (await toolVersion('clang')) !== null && (await toolVersion('ld.lld')) !== null;
const update = process.env.KAAL_UPDATE_PREBUILT === '1';
if (!clang) console.warn('roottask: clang/ld.lld not found, the rebuild test is skipped (install clang and lld)');

describe('the root task ELF', () => {
  it.skipIf(!clang)('is committed byte-identical to a build of its sources', async () => {
    const built = await buildRootTask();
    expect(built.diagnostics).toEqual([]);
    if (update) fs.writeFileSync(path.join(repoRoot, 'roottask', PREBUILT_ROOT_TASK), built.elf!);
    expect(Buffer.from(built.elf!).equals(Buffer.from(readPrebuiltRootTask()))).toBe(true);
    const again = await buildRootTask();
    expect(Buffer.from(again.elf!).equals(Buffer.from(built.elf!))).toBe(true);
  });

  it('links at 0x1_0000 with its entry there and leaves the page after .bss for the plan table', () => {
    const elf = readElf(readPrebuiltRootTask());
    expect(elf.entry).toBe(0x1_0000);
    expect(Math.min(...elf.segments.map((s) => s.vaddr))).toBe(0x1_0000);
    const table = findSymbol(elf, PLAN_TABLE_SYMBOL)!.value;
    expect(table % 0x1000).toBe(0);
    expect(table).toBe(Math.max(...elf.segments.map((s) => s.vaddr + s.memsz)));
  });
});
