// compiler/plan/withRootTask.ts: the plan and the root task's table iterated to a fixed point. The
// user image starts at the root task's lowest page and is the smallest whole 64 KiB the table fits;
// a table that outgrows the first size takes a second plan; components without an ELF are planned
// with the placeholder; a plan with errors gives no root task.
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planWithRootTask } from '../../../compiler/plan/withRootTask.js';
import { planSystem } from '../../../compiler/plan/index.js';
import { readPrebuiltRootTask } from '../../../compiler/rootTask.js';
import { readElf } from '../../../image/elf.js';
import { encodePlanTable, planTableOf, userImageSize, USER_IMAGE_GRANULE } from '../../../image/rootTask.js';
import { repoRoot } from '../../helpers/files.js';
import { planFile } from './planFile.js';

const prebuilt = readElf(readPrebuiltRootTask(), 'root task');

describe('planWithRootTask', () => {
  it('hello: the image at the root task’s first page, as large as its table needs, the table the plan’s', async () => {
    const { model, platform } = await planFile('fixtures/systems/hello/hello.system.ts');
    const hello = readElf(fs.readFileSync(`${repoRoot}/fixtures/systems/hello/hello.elf`), 'hello');
    const result = planWithRootTask(model, platform, { hello });
    expect(result.diagnostics).toEqual([]);
    const lowest = Math.min(...prebuilt.segments.map((s) => s.vaddr));
    expect(result.plan.boot.userImage.vaddr).toBe(lowest - (lowest % 0x1000));
    expect(result.plan.boot.userImage.vaddr).toBe(0x1_0000);
    expect(result.plan.boot.userImage.entry).toBe(prebuilt.entry);
    const written = readElf(result.rootTask!, 'root task');
    const table = encodePlanTable(result.plan, [{ name: 'hello', segments: hello.segments }]);
    expect(planTableOf(written)).toEqual(table);
    expect(result.plan.boot.userImage.size).toBe(userImageSize(prebuilt, table.length));
    expect(result.plan.components[0]!.elfPlaceholder).toBe(false);
    expect(result.plan.components[0]!.tcb.entry).toBe(hello.entry);
    // The user image the loader places is exactly the root task's span.
    const end = Math.max(...written.segments.map((s) => s.vaddr + s.memsz));
    expect(end - result.plan.boot.userImage.vaddr).toBe(result.plan.boot.userImage.size);
  });

  it('plans a component without an ELF with the placeholder layout', async () => {
    const { model, platform } = await planFile('fixtures/systems/hello/hello.system.ts');
    const result = planWithRootTask(model, platform, {});
    expect(result.diagnostics).toEqual([]);
    expect(result.plan.components[0]!.elfPlaceholder).toBe(true);
    expect(planTableOf(readElf(result.rootTask!, 'root task'))).toEqual(encodePlanTable(result.plan, []));
  });

  it('takes a second plan when the table outgrows the first size, and stops at the size that fits', async () => {
    const { model, platform } = await planFile('fixtures/systems/hello/hello.system.ts');
    const first = userImageSize(prebuilt, 0);
    // Enough components that the table needs more than the first 64 KiB step.
    const many = { ...model, components: Array.from({ length: 40 }, (_, i) => ({ ...model.components[0]!, index: i, name: `c${i}`, path: `components.${i}` })) };
    const result = planWithRootTask(many, platform, {});
    expect(result.diagnostics).toEqual([]);
    const table = encodePlanTable(result.plan, []);
    expect(result.plan.boot.userImage.size).toBeGreaterThan(first);
    expect(result.plan.boot.userImage.size).toBe(userImageSize(prebuilt, table.length));
    expect(result.plan.boot.userImage.size - USER_IMAGE_GRANULE).toBeLessThan(userImageSize(prebuilt, table.length));
    expect(planTableOf(readElf(result.rootTask!, 'root task'))).toEqual(table);
    // The plan is the one planSystem gives for that user image.
    const again = planSystem(many, platform, {}, { rootTask: { vaddr: 0x1_0000, size: result.plan.boot.userImage.size, entry: prebuilt.entry } });
    expect(again.plan).toEqual(result.plan);
  });

  it('uses the root task ELF it is given', async () => {
    const { model, platform } = await planFile('fixtures/systems/hello/hello.system.ts');
    const result = planWithRootTask(model, platform, {}, { rootTaskElf: readPrebuiltRootTask() });
    expect(result.rootTask).not.toBeNull();
    // Not an ELF: the reader's diagnostic names the root task as the file.
    let thrown: unknown;
    try {
      planWithRootTask(model, platform, {}, { rootTaskElf: new Uint8Array(64) });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ diagnostic: { code: 'KC6500', file: 'root task' } });
  });

  it('gives no root task for a plan with errors', async () => {
    const { model, platform } = await planFile('fixtures/systems/hello/hello.system.ts');
    const result = planWithRootTask(model, { ...platform, ram: [{ base: 0x8000_0000, size: 0x4_0000 }] }, {});
    expect(result.diagnostics.map((d) => d.code)).toEqual(['KC4100']);
    expect(result.rootTask).toBeNull();
  });
});
