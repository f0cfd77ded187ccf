// --target sel4 on a real seL4 kernel: runs only when KAAL_SEL4_KERNEL names a kernel ELF (and,
// optionally, KAAL_SEL4_KERNEL_CONFIG its gen_config.json); none can be in the repository. The
// kernel is checked, packed with the loader, the platform DTB and a probe root task
// (fixtures/loader/probe-roottask.c) and booted under qemu-system-riscv32 -bios none; the probe
// prints what the kernel handed it, compared entry by entry with the boot model's prediction, and
// whether IRQControl_Get works (docs/sel4.md, the CLINT issue).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sel4BootInput } from '../../compiler/sel4/bootInput.js';
import { buildSel4Image, loaderDevices } from '../../compiler/sel4/image.js';
import { readPrebuiltLoader } from '../../compiler/sel4/loader.js';
import { loadSel4Kernel } from '../../compiler/sel4/loadKernel.js';
import { toolVersion } from '../../compiler/toolchain.js';
import { emulateBoot } from '../../image/bootModel.js';
import { decodeFdt } from '../../image/fdt/index.js';
import { platformFromFdt } from '../../image/platform.js';
import { bootUnderQemu, buildProbeRootTask, haveQemu } from '../helpers/qemu.js';
import { repoRoot } from '../helpers/files.js';

const kernel = process.env.KAAL_SEL4_KERNEL;
const kernelConfig = process.env.KAAL_SEL4_KERNEL_CONFIG;
const clang = (await toolVersion('clang')) !== null && (await toolVersion('ld.lld')) !== null;
const why =
  kernel === undefined
    ? 'KAAL_SEL4_KERNEL is not set (it names a seL4 kernel ELF built as docs/sel4.md says; none is in the repository)'
    : !clang
      ? 'clang/ld.lld not found'
      : !haveQemu
        ? 'qemu-system-riscv32 not found'
        : undefined;
if (why !== undefined) console.log(`test/sel4/realKernel: skipped: ${why}`);

describe.skipIf(why !== undefined)('a real seL4 kernel booted by the kaal loader', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-sel4-real-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  let output = '';
  let predicted: ReturnType<typeof emulateBoot> | undefined;

  it('passes the kernel checks, boots to user space and hands the root task its bootinfo and the DTB', () => {
    const dtb = new Uint8Array(fs.readFileSync(path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dtb')));
    const platform = platformFromFdt(decodeFdt(dtb));
    const checked = loadSel4Kernel({ cwd: process.cwd(), kernel: kernel!, ...(kernelConfig ? { kernelConfig } : {}), platform: 'kaal-virt-rv32', memoryStart: platform.memory[0]!.base });
    expect(checked.diagnostics).toEqual([]);
    const { elf, layout } = buildSel4Image({ loader: readPrebuiltLoader(), kernel: checked.kernel!, dtb, rootTask: buildProbeRootTask(work), devices: loaderDevices(platform) });
    predicted = emulateBoot(sel4BootInput(checked.kernel!, checked.config!, layout, platform));
    fs.writeFileSync(path.join(work, 'probe.elf'), elf);
    const run = bootUnderQemu(path.join(work, 'probe.elf'), { timeoutMs: 20_000 });
    output = run.output;
    expect(output).toContain('Booting all finished, dropped to user space\n');
    expect(output).toMatch(/probe: untyped slots (\d+)\.\.(\d+), empty from \2\n/);
    expect(output).toContain(`probe: extra bootinfo ${dtb.length + 8}, first chunk id 6, fdt magic 0xd00dfeed\n`);
  });

  it('hands out one untyped per untyped slot, each naturally aligned, RAM ones inside the kernel\'s memory', () => {
    const [, start, end] = /probe: untyped slots (\d+)\.\.(\d+)/.exec(output)!.map(Number);
    const untypeds = [...output.matchAll(/probe: untyped (0x[0-9a-f]{8}) 2\^(\d+) (ram|device)\n/g)].map((m) => ({ paddr: Number(m[1]), sizeBits: Number(m[2]), device: m[3] === 'device' }));
    expect(untypeds.length).toBe(end! - start!);
    const memory = loadSel4Kernel({ cwd: process.cwd(), kernel: kernel!, platform: 'kaal-virt-rv32', memoryStart: 0x8000_0000 }).config!.availableMemory;
    for (const u of untypeds) {
      expect(u.paddr % 2 ** u.sizeBits, `0x${u.paddr.toString(16)} 2^${u.sizeBits}`).toBe(0);
      // `+ 1`: avail_p_regs writes a 4 GiB top as 0xffffffff.
      const inRam = memory.some((r) => u.paddr >= r.start && u.paddr + 2 ** u.sizeBits <= r.end + 1);
      // RAM untypeds lie in the kernel's memory; device ones may too, above the kernel window
      // (seL4 treats RAM it cannot map, from 0xff800000 physical here, as device memory).
      if (!u.device) expect(inRam, `0x${u.paddr.toString(16)} ram`).toBe(true);
    }
  });

  it('hands out exactly the bootinfo the boot model predicts for this kernel and layout, entry by entry', () => {
    const untypedSlots = /probe: untyped slots (\d+)\.\.(\d+), empty from (\d+)/.exec(output)!.slice(1).map(Number);
    expect(untypedSlots).toEqual([predicted!.slots.untyped.start, predicted!.slots.untyped.end, predicted!.slots.empty.start]);
    const real = [...output.matchAll(/probe: untyped (0x[0-9a-f]{8}) 2\^(\d+) (ram|device)\n/g)].map((m) => `${m[1]} 2^${m[2]} ${m[3]}`);
    const model = predicted!.untypeds.map((u) => `0x${u.paddr.toString(16).padStart(8, '0')} 2^${u.sizeBits} ${u.isDevice ? 'device' : 'ram'}`);
    expect(real).toEqual(model);
  });

  it('IRQControl_Get succeeds (a kernel with the CLINT among its kernel devices faults here: docs/sel4.md)', () => {
    expect(output).toContain('probe: IRQControl_Get(10)\n');
    expect(output, 'the kernel never answered IRQControl_Get: is the CLINT among its kernel devices?').toContain('probe: IRQControl_Get error 0\n');
  });
});
