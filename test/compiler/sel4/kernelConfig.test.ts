// The kernel checks of --target sel4 on synthetic kernel ELFs (written here with image/elfWrite):
// what is read from a kernel (ranges, entry, float ABI, avail_p_regs, configuration symbols) and
// every refusal (64-bit, MCS, SMP, another platform or arch, FPU contradiction, not seL4), each at
// its boundary. With KAAL_SEL4_KERNEL set, the real kernel is read too.
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSel4Kernel, type KernelCheckInput } from '../../../compiler/sel4/kernelConfig.js';
import { writeElf, type OutputSymbol } from '../../../image/elfWrite.js';
import { readSel4Kernel } from '../../../image/sel4Kernel.js';
import { diagnosticOf } from '../../image/bootImage/sampleImage.js';

const PBASE = 0x8020_0000;
const VBASE = 0xffa0_0000;

interface KernelOptions {
  readonly flags?: number;
  readonly symbols?: readonly OutputSymbol[];
  readonly pbase?: number;
  readonly vbase?: number;
  readonly availableMemory?: readonly [number, number][] | null;
  readonly elfClass?: 1 | 2;
  readonly noBootEnd?: boolean;
  /** A debug build (its `ksDebugTCBs`), as the target needs; true unless said. */
  readonly debug?: boolean;
}

/** A kernel-shaped ELF: one executable segment with `avail_p_regs` in it, one .bss-like segment. */
function kernelElf(options: KernelOptions = {}): Uint8Array {
  const pbase = options.pbase ?? PBASE;
  const vbase = options.vbase ?? VBASE;
  const text = new Uint8Array(0x2000);
  const regions = options.availableMemory === undefined ? [[0x8020_0000, 0xffff_ffff] as [number, number]] : options.availableMemory;
  const view = new DataView(text.buffer);
  (regions ?? []).forEach(([start, end], i) => {
    view.setUint32(0x100 + i * 8, start, true);
    view.setUint32(0x104 + i * 8, end, true);
  });
  const symbols: OutputSymbol[] = [
    ...(regions === null ? [] : [{ name: 'avail_p_regs', value: vbase + 0x100, size: 8 * regions.length }]),
    { name: 'ksCurThread', value: vbase + 0x3000, size: 4 },
    ...(options.noBootEnd ? [] : [{ name: 'ki_boot_end', value: vbase + 0x1000, size: 0 }]),
    ...(options.debug === false ? [] : [{ name: 'ksDebugTCBs', value: vbase + 0x3010, size: 4 }]),
    ...(options.symbols ?? []),
  ];
  return writeElf({
    entry: vbase,
    flags: options.flags ?? 0x1,
    elfClass: options.elfClass,
    segments: [
      { vaddr: vbase, paddr: pbase, memsz: text.length, flags: 5, data: text },
      { vaddr: vbase + 0x3000, paddr: pbase + 0x3000, memsz: 0x1800, flags: 6, data: new Uint8Array(0) },
    ],
    symbols,
  });
}

function check(kernelBytes: Uint8Array, config?: Record<string, unknown> | string, extra: Partial<KernelCheckInput> = {}) {
  return checkSel4Kernel({
    kernelFile: 'kernel.elf',
    kernelBytes,
    ...(config === undefined ? {} : { configFile: 'gen_config.json', configText: typeof config === 'string' ? config : JSON.stringify(config) }),
    platform: 'kaal-virt-rv32',
    memoryStart: 0x8000_0000,
    ...extra,
  });
}

const codes = (result: ReturnType<typeof check>) => result.diagnostics.map((d) => d.code);

/** What a non-MCS, single-core riscv32 qemu-riscv-virt build's gen_config.json says. */
const GOOD_CONFIG = {
  SEL4_ARCH: 'riscv32',
  PLAT: 'qemu-riscv-virt',
  KERNEL_MCS: false,
  MAX_NUM_NODES: '1',
  ENABLE_SMP_SUPPORT: false,
  HAVE_FPU: false,
  DEBUG_BUILD: true,
  ROOT_CNODE_SIZE_BITS: '12',
  MAX_NUM_BOOTINFO_UNTYPED_CAPS: '230',
  TIMER_FREQUENCY: '10000000',
  PRINTING: true,
  NUM_PRIORITIES: '64',
  PADDR_USER_DEVICE_TOP: '2147483648',
};

describe('the seL4 kernel read for --target sel4', () => {
  it('gives its physical and virtual range, entry, memory table and a no-FPU configuration', () => {
    const result = check(kernelElf({ debug: false }));
    expect(codes(result)).toEqual(['KC5116']);
    expect(result.kernel).toMatchObject({ entry: VBASE, physStart: PBASE, virtStart: VBASE, physEnd: PBASE + 0x5000, bootEnd: PBASE + 0x1000, floatAbi: 'soft' });
    expect(result.config).toEqual({
      source: 'kernel ELF',
      fpu: false,
      tcbSizeBits: 9,
      debug: false,
      printing: false,
      numPriorities: 256,
      paddrUserDeviceTop: 2 ** 32,
      availableMemory: [{ start: 0x8020_0000, end: 0xffff_ffff }],
    });
  });

  it('takes the FPU from the float ABI of e_flags: double float gives 2^10-byte TCBs', () => {
    expect(check(kernelElf({ flags: 0x5 })).config).toMatchObject({ fpu: true, tcbSizeBits: 10 });
    expect(check(kernelElf({ flags: 0x3 })).config).toMatchObject({ fpu: true, tcbSizeBits: 10 });
  });

  it('takes the rest from gen_config.json when given', () => {
    expect(check(kernelElf()).config).toMatchObject({ debug: true, printing: true });
    expect(check(kernelElf()).diagnostics).toEqual([]);
    expect(check(kernelElf(), GOOD_CONFIG).config).toEqual({
      source: 'gen_config.json',
      fpu: false,
      tcbSizeBits: 9,
      debug: true,
      printing: true,
      numPriorities: 64,
      paddrUserDeviceTop: 0x8000_0000,
      platform: 'qemu-riscv-virt',
      rootCnodeSizeBits: 12,
      maxBootinfoUntypedCaps: 230,
      timerFrequency: 10_000_000,
      availableMemory: [{ start: 0x8020_0000, end: 0xffff_ffff }],
    });
  });

  it('warns of a kernel without printing (KC5116), from gen_config.json or from a release ELF, and only then', () => {
    const fromConfig = check(kernelElf(), { ...GOOD_CONFIG, PRINTING: false });
    expect(fromConfig.diagnostics.map((d) => [d.code, d.severity])).toEqual([['KC5116', 'warning']]);
    expect(fromConfig.diagnostics[0]!.message).toMatch(/^kernel 'kernel\.elf' is built without KernelPrinting \(gen_config\.json: PRINTING false\): the root task's boot line/);
    expect(fromConfig.config?.printing).toBe(false);
    // A debug build that prints, whatever the ELF says, is not warned of; a release ELF without a configuration is.
    expect(codes(check(kernelElf({ debug: false }), GOOD_CONFIG))).toEqual([]);
    expect(check(kernelElf({ debug: false })).diagnostics[0]!.message).toContain("(its symbol table has no 'ksDebugTCBs': not a debug build)");
  });

  it('refuses a 64-bit kernel, naming KernelSel4Arch', () => {
    const result = check(kernelElf({ elfClass: 2 }));
    expect(codes(result)).toEqual(['KC5101']);
    expect(result.diagnostics[0]!.message).toBe("kernel 'kernel.elf' is a 64-bit ELF: --target sel4 needs KernelSel4Arch 'riscv32'");
  });

  it('refuses another SEL4_ARCH in gen_config.json', () => {
    const result = check(kernelElf(), { ...GOOD_CONFIG, SEL4_ARCH: 'riscv64' });
    expect(codes(result)).toEqual(['KC5102']);
    expect(result.diagnostics[0]!.message).toContain("KernelSel4Arch 'riscv64' (gen_config.json: SEL4_ARCH)");
  });

  it('refuses an MCS kernel, from its symbols or its configuration', () => {
    const bySymbol = check(kernelElf({ symbols: [{ name: 'ksCurSC', value: VBASE + 0x3008, size: 4 }] }));
    expect(codes(bySymbol)).toEqual(['KC5103']);
    expect(bySymbol.diagnostics[0]!.message).toBe("kernel 'kernel.elf' is configured with KernelIsMCS ON (its symbol table has 'ksCurSC'); --target sel4 plans for the non-MCS kernel");
    expect(codes(check(kernelElf(), { ...GOOD_CONFIG, KERNEL_MCS: true }))).toEqual(['KC5103']);
  });

  it('refuses an SMP kernel (more than one node), and takes exactly one', () => {
    expect(codes(check(kernelElf({ symbols: [{ name: 'ksSMP', value: VBASE + 0x3008, size: 4 }] })))).toEqual(['KC5104']);
    const two = check(kernelElf(), { ...GOOD_CONFIG, MAX_NUM_NODES: '2' });
    expect(codes(two)).toEqual(['KC5104']);
    expect(two.diagnostics[0]!.message).toContain('KernelMaxNumNodes 2');
    expect(codes(check(kernelElf(), { ...GOOD_CONFIG, MAX_NUM_NODES: '1' }))).toEqual([]);
  });

  it('refuses a kernel for another platform, by its configuration or by where it loads', () => {
    const spike = check(kernelElf(), { ...GOOD_CONFIG, PLAT: 'spike' });
    expect(codes(spike)).toEqual(['KC5105']);
    expect(spike.diagnostics[0]!.message).toBe(
      "kernel 'kernel.elf' is configured with KernelPlatform 'spike' (gen_config.json: PLAT); the system's platform needs 'qemu-riscv-virt'",
    );
    expect(codes(check(kernelElf({ pbase: 0x7fc0_0000, vbase: 0xff80_0000 })))).toEqual(['KC5109']);
    expect(codes(check(kernelElf({ pbase: 0x8000_0000, vbase: 0xff80_0000 })))).toEqual([]);
  });

  it('refuses a kernel whose virtual and physical base differ within a 4 MiB page', () => {
    expect(codes(check(kernelElf({ vbase: 0xffa0_1000 })))).toEqual(['KC5110']);
  });

  it('refuses a gen_config.json whose HAVE_FPU contradicts the ELF', () => {
    const result = check(kernelElf(), { ...GOOD_CONFIG, HAVE_FPU: true });
    expect(codes(result)).toEqual(['KC5106']);
    expect(result.diagnostics[0]!.message).toBe("kernel configuration 'gen_config.json' says HAVE_FPU is true, but the kernel ELF 'kernel.elf' uses the 'soft' float ABI");
    expect(codes(check(kernelElf({ flags: 0x5 }), { ...GOOD_CONFIG, HAVE_FPU: true }))).toEqual([]);
  });

  it('reports every refusal at once', () => {
    expect(codes(check(kernelElf(), { ...GOOD_CONFIG, KERNEL_MCS: true, MAX_NUM_NODES: '4', PLAT: 'spike' }))).toEqual(['KC5103', 'KC5104', 'KC5105']);
  });

  it('refuses a configuration that is not a JSON object', () => {
    expect(codes(check(kernelElf(), '{"PLAT": '))).toEqual(['KC5107']);
    expect(codes(check(kernelElf(), '[1]'))).toEqual(['KC5107']);
  });

  it('refuses an ELF without the kernel symbols, and a non-ELF with the ELF reader\'s code', () => {
    expect(codes(check(kernelElf({ availableMemory: null })))).toEqual(['KC5108']);
    expect(check(kernelElf({ noBootEnd: true })).diagnostics[0]!.message).toContain("no 'ki_boot_end'");
    const stripped = writeElf({ entry: VBASE, flags: 1, segments: [{ vaddr: VBASE, paddr: PBASE, memsz: 16, flags: 5, data: new Uint8Array(16) }], symbols: [] });
    // writeElf always writes a symbol table; an empty one reads as no symbols.
    expect(codes(check(stripped))).toEqual(['KC5108']);
    const notElf = check(new TextEncoder().encode('not an elf'));
    expect(codes(notElf)).toEqual(['KC6500']);
    expect(notElf.diagnostics[0]!.file).toBe('kernel.elf');
  });
});

const realKernel = process.env.KAAL_SEL4_KERNEL;
describe.skipIf(realKernel === undefined)('a real seL4 kernel (KAAL_SEL4_KERNEL)', () => {
  it('is a riscv32 non-MCS single-core kernel the target can plan for', () => {
    const result = check(new Uint8Array(fs.readFileSync(realKernel!)));
    expect(result.diagnostics).toEqual([]);
    expect(result.kernel!.physStart).toBeGreaterThanOrEqual(0x8000_0000);
    expect(result.config!.availableMemory.length).toBeGreaterThan(0);
  });
});

describe('readSel4Kernel at its bounds', () => {
  const read = (bytes: Uint8Array) => readSel4Kernel(bytes, 'kernel.elf');
  const refusal = (bytes: Uint8Array) => Object.values(diagnosticOf(() => read(bytes)));
  const notSel4 = (reason: string) => ['KC5108', `kernel 'kernel.elf' does not look like a seL4 kernel: ${reason}`];

  it('takes five bytes of ELF magic and class 2 as 64-bit, and anything else to the ELF reader', () => {
    expect(refusal(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2]))).toEqual(['KC5101', "kernel 'kernel.elf' is a 64-bit ELF: --target sel4 needs KernelSel4Arch 'riscv32'"]);
    for (let i = 0; i < 4; i++) {
      const bytes = Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, ...new Array(60).fill(0)]);
      bytes[i]! ^= 1;
      expect(refusal(bytes)[0]).toMatch(/^KC65/);
    }
    expect(refusal(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46]))[0]).toMatch(/^KC65/);
  });

  it('names each missing part', () => {
    const stripped = writeElf({ entry: VBASE, flags: 1, segments: [{ vaddr: VBASE, paddr: PBASE, memsz: 16, flags: 5, data: new Uint8Array(16) }], symbols: [] });
    expect(refusal(stripped)).toEqual(notSel4('it has no symbol table (stripped?)'));
    expect(refusal(kernelElf({ noBootEnd: true }))).toEqual(notSel4("its symbol table has no 'ki_boot_end'"));
    const noTable = notSel4("its symbol table has no 'avail_p_regs' table of memory regions");
    expect(refusal(kernelElf({ availableMemory: null }))).toEqual(noTable);
    expect(refusal(kernelElf({ availableMemory: [] }))).toEqual(noTable);
    expect(refusal(kernelElf({ symbols: [{ name: 'avail_p_regs', value: VBASE + 0x100, size: 12 }], availableMemory: null }))).toEqual(noTable);
    expect(refusal(kernelElf({ symbols: [{ name: 'avail_p_regs', value: VBASE + 0x100, size: 4 }], availableMemory: null }))).toEqual(noTable);
    // Each at the kernel file.
    const outside = kernelElf({ symbols: [{ name: 'avail_p_regs', value: VBASE + 0x3000, size: 8 }], availableMemory: null });
    for (const bytes of [stripped, kernelElf({ noBootEnd: true }), kernelElf({ availableMemory: null }), outside]) {
      expect(() => read(bytes)).toThrow(expect.objectContaining({ diagnostic: expect.objectContaining({ code: 'KC5108', file: 'kernel.elf' }) }));
    }
  });

  it('reads avail_p_regs to the last byte of the loaded text, and refuses it one byte past or before the segment', () => {
    const end = VBASE + 0x2000;
    expect(read(kernelElf({ symbols: [{ name: 'avail_p_regs', value: end - 16, size: 16 }], availableMemory: null })).availableMemory).toEqual([
      { start: 0, end: 0 },
      { start: 0, end: 0 },
    ]);
    const outside = notSel4("its 'avail_p_regs' lies outside its loaded bytes");
    expect(refusal(kernelElf({ symbols: [{ name: 'avail_p_regs', value: end - 8, size: 16 }], availableMemory: null }))).toEqual(outside);
    expect(refusal(kernelElf({ symbols: [{ name: 'avail_p_regs', value: VBASE - 8, size: 16 }], availableMemory: null }))).toEqual(outside);
    // In the .bss-like segment: loaded, but none of its bytes are in the file.
    expect(refusal(kernelElf({ symbols: [{ name: 'avail_p_regs', value: VBASE + 0x3000, size: 8 }], availableMemory: null }))).toEqual(outside);
    expect(read(kernelElf({ availableMemory: [[1, 2], [3, 4], [0x8000_0000, 0xffff_ffff]] })).availableMemory).toEqual([
      { start: 1, end: 2 },
      { start: 3, end: 4 },
      { start: 0x8000_0000, end: 0xffff_ffff },
    ]);
  });

  it('takes the float ABI from e_flags bits 1-2', () => {
    expect([0x0, 0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x9].map((flags) => read(kernelElf({ flags })).floatAbi)).toEqual(['soft', 'soft', 'single', 'single', 'double', 'double', 'quad', 'quad', 'soft']);
  });

  it('counts the kernel device frames from the size of ndks_boot: 292 bytes and 8 per frame', () => {
    const frames = (size: number | undefined) => {
      const kernel = read(kernelElf(size === undefined ? {} : { symbols: [{ name: 'ndks_boot', value: VBASE + 0x3020, size }] }));
      return 'kernelDeviceFrames' in kernel ? kernel.kernelDeviceFrames : 'absent';
    };
    expect([undefined, 284, 291, 292, 293, 299, 300, 308].map(frames)).toEqual(['absent', 'absent', 'absent', 0, 'absent', 'absent', 1, 2]);
  });

  it('names the first symbol of each configuration it finds as evidence, and only those', () => {
    const evidence = (...names: string[]) => read(kernelElf({ debug: false, symbols: names.map((name, i) => ({ name, value: VBASE + 0x3020 + 4 * i, size: 4 })) })).evidence;
    expect(evidence()).toEqual({});
    expect(evidence('ksConsumed')).toEqual({ mcs: 'ksConsumed' });
    expect(evidence('ksConsumed', 'ksCurSC')).toEqual({ mcs: 'ksCurSC' });
    expect(evidence('big_kernel_lock')).toEqual({ smp: 'big_kernel_lock' });
    expect(evidence('big_kernel_lock', 'ksSMP')).toEqual({ smp: 'ksSMP' });
    expect(evidence('ksDebugTCBs', 'ksCurSC', 'ksSMP')).toEqual({ mcs: 'ksCurSC', smp: 'ksSMP', debug: 'ksDebugTCBs' });
  });

  it('takes its range from the segments with memory only, the lowest physical and virtual start apart', () => {
    const bytes = writeElf({
      entry: VBASE + 4,
      flags: 1,
      segments: [
        { vaddr: VBASE - 0x10_0000, paddr: PBASE - 0x10_0000, memsz: 0, flags: 4, data: new Uint8Array(0) },
        { vaddr: VBASE, paddr: PBASE + 0x1000, memsz: 0x1000, flags: 5, data: new Uint8Array(0x1000) },
        { vaddr: VBASE + 0x1000, paddr: PBASE, memsz: 0x10, flags: 6, data: new Uint8Array(0) },
      ],
      symbols: [
        { name: 'avail_p_regs', value: VBASE + 0x100, size: 8 },
        { name: 'ki_boot_end', value: VBASE + 0x800, size: 0 },
      ],
    });
    const kernel = read(bytes);
    expect([kernel.entry, kernel.physStart, kernel.virtStart, kernel.physEnd, kernel.bootEnd]).toEqual([VBASE + 4, PBASE, VBASE, PBASE + 0x2000, PBASE + 0x800]);
  });
});
