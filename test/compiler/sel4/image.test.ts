// --target sel4's image: the placement rule on synthetic ELFs, the kernel files' I/O errors, and
// the whole ELF (loader + stand-in kernel + platform DTB + a root task) booted under
// qemu-system-riscv32 -bios none, the stand-in reporting what it was handed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSel4Image, layoutSel4Boot, loaderDevices } from '../../../compiler/sel4/image.js';
import { readPrebuiltLoader } from '../../../compiler/sel4/loader.js';
import { loadSel4Kernel } from '../../../compiler/sel4/loadKernel.js';
import { checkSel4Kernel } from '../../../compiler/sel4/kernelConfig.js';
import { toolVersion } from '../../../compiler/toolchain.js';
import { readElf } from '../../../image/elf.js';
import { platformFromFdt } from '../../../image/platform.js';
import { decodeFdt } from '../../../image/fdt/index.js';
import { readSel4ImageHeader, regionBytes } from '../../../image/sel4Image.js';
import { bootUnderQemu, buildStandin, haveQemu } from '../../helpers/qemu.js';
import { kernelLike, rootTask } from '../../helpers/sel4Sample.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const clang = (await toolVersion('clang')) !== null && (await toolVersion('ld.lld')) !== null;
const dtb = new Uint8Array(fs.readFileSync(path.join(repo, 'fixtures/platforms/kaal-virt-rv32.dtb')));
const hex = (n: number) => '0x' + (n >>> 0).toString(16).padStart(8, '0');

describe('--target sel4 placement', () => {
  it('puts the DTB at the page after the kernel and the root task at the page after the DTB', () => {
    const layout = layoutSel4Boot(kernelLike(0x8022_0000), 0x89a, readElf(rootTask));
    expect(layout.kernel).toEqual({ start: 0x8020_0000, end: 0x8022_0000, vbase: 0xffa0_0000, entry: 0xffa0_0000 });
    expect(layout.dtb).toEqual({ start: 0x8022_0000, size: 0x89a });
    expect(layout.rootTask).toEqual({ start: 0x8022_1000, end: 0x8022_3000, vstart: 0x1_0000, pvOffset: 0x8021_1000, entry: 0x1_0000 });
  });

  it('a DTB of exactly one page leaves no gap before the root task', () => {
    expect(layoutSel4Boot(kernelLike(0x8022_0000), 0x1000, readElf(rootTask)).rootTask.start).toBe(0x8022_1000);
    expect(layoutSel4Boot(kernelLike(0x8022_0000), 0x1001, readElf(rootTask)).rootTask.start).toBe(0x8022_2000);
  });

  it("takes the loader's console, timer and power-off device from the platform", () => {
    expect(loaderDevices(platformFromFdt(decodeFdt(dtb)))).toEqual({ uartBase: 0x1000_0000, clintBase: 0x200_0000, finisherBase: 0x10_0000 });
  });

  it('carries each region and a header that reads back', () => {
    const { elf, layout } = buildSel4Image({ loader: readPrebuiltLoader(), kernel: kernelLike(0x8022_0000), dtb, rootTask, devices: { uartBase: 1, clintBase: 2, finisherBase: 3 } });
    const out = readElf(elf);
    const header = readSel4ImageHeader(out)!;
    expect(header).toMatchObject({ kernelPbase: 0x8020_0000, rootTaskPstart: layout.rootTask.start, dtbPaddr: layout.dtb.start, dtbSize: dtb.length, uartBase: 1, clintBase: 2, finisherBase: 3 });
    expect(header.regions.map((r) => [r.dest, r.filesz, r.memsz])).toEqual([
      [0x8020_0000, 0x200, 0x2_0000],
      [0x8022_0000, dtb.length, dtb.length],
      [layout.rootTask.start, 0x1021, 0x2000],
    ]);
    expect(Buffer.from(regionBytes(out, header.regions[1]!)!).equals(Buffer.from(dtb))).toBe(true);
    const root = regionBytes(out, header.regions[2]!)!;
    expect(root[0]).toBe(1);
    expect(root[0x1000]).toBe(0x5a);
    // The same inputs give the same bytes.
    expect(Buffer.from(buildSel4Image({ loader: readPrebuiltLoader(), kernel: kernelLike(0x8022_0000), dtb, rootTask, devices: { uartBase: 1, clintBase: 2, finisherBase: 3 } }).elf).equals(Buffer.from(elf))).toBe(true);
  });
});

describe('--kernel and --kernel-config files', () => {
  it('a missing kernel is KC5100, a missing configuration KC5107', () => {
    const missing = loadSel4Kernel({ cwd: repo, kernel: 'no/kernel.elf', platform: 'kaal-virt-rv32', memoryStart: 0x8000_0000 });
    expect(missing.diagnostics.map((d) => [d.code, d.message])).toEqual([['KC5100', "cannot read the seL4 kernel 'no/kernel.elf': no such file"]]);
    const noConfig = loadSel4Kernel({ cwd: repo, kernel: 'fixtures/platforms/kaal-virt-rv32.dtb', kernelConfig: 'no/gen_config.json', platform: 'kaal-virt-rv32', memoryStart: 0x8000_0000 });
    expect(noConfig.diagnostics.map((d) => d.code)).toEqual(['KC5107']);
  });
});

describe.skipIf(!clang || !haveQemu)('a --target sel4 ELF under qemu-system-riscv32 -bios none', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-sel4-image-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('enters the (stand-in) kernel with the layout it was built with', () => {
    const checked = checkSel4Kernel({ kernelFile: 'standin.elf', kernelBytes: buildStandin(work), platform: 'kaal-virt-rv32', memoryStart: 0x8000_0000 });
    // The stand-in is no debug build: only the warning that the root task's line would not print.
    expect(checked.diagnostics.map((d) => d.code)).toEqual(['KC5116']);
    const { elf, layout } = buildSel4Image({ loader: readPrebuiltLoader(), kernel: checked.kernel!, dtb, rootTask, devices: loaderDevices(platformFromFdt(decodeFdt(dtb))) });
    fs.writeFileSync(path.join(work, 'sys.elf'), elf);
    const run = bootUnderQemu(path.join(work, 'sys.elf'), { input: 'x', timeoutMs: 30_000 });
    for (const [register, value] of [
      ['a0', layout.rootTask.start],
      ['a1', layout.rootTask.end],
      ['a2', layout.rootTask.pvOffset],
      ['a3', 0x1_0000],
      ['a4', layout.dtb.start],
      ['a5', dtb.length],
    ] as const) {
      expect(run.output).toContain(`${register}=${hex(value)}\n`);
    }
    expect(run.output).toContain('dtb.magic=0xd00dfeed\n');
    expect(run.status).toBe(0);
  });
});
