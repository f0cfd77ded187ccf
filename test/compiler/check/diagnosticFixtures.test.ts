// fixtures/invalid/: one descriptor per KC3xxx/KC4xxx code, each yielding exactly that code at
// the descriptor path given here, at the line and column of that value in the file, with its
// message (and the hints that carry arguments) in full.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateFiles } from '../../../compiler/validate.js';
import { nodeHost } from '../../../compiler/host.js';
import { planDescriptor } from '../../../compiler/planDescriptor.js';
import { checksDiagnostics } from '../../../schema/diagnostics/checks.js';
import { planDiagnostics } from '../../../schema/diagnostics/plan.js';
import { repoRoot } from '../../helpers/files.js';

/** Where the fixtures live, beside the KC0/KC1 ones (test/compiler/invalidFixtures.test.ts). */
const dir = 'fixtures/invalid';

/** code → descriptor path of its one diagnostic. */
const expected: Record<string, string> = {
  KC3001: 'components.1.name',
  KC3002: 'memoryRegions.1.name',
  KC3003: 'channels.1',
  KC3004: 'channels.0.to',
  KC3005: 'components.0.memory.0.region',
  KC3006: 'components.0.faultHandler',
  KC3007: 'components.0.faultHandler',
  KC3008: 'components.0.devices.1',
  KC3009: 'components.0.memory.1',
  KC3020: 'channels.0',
  KC3021: 'channels.1.fromId',
  KC3022: 'channels.27.from',
  KC3023: 'channels.0',
  KC3030: 'channels.0.ppc',
  KC3031: 'channels.0',
  KC3040: 'components.0.devices.0.device',
  KC3041: 'components.0.devices.0.device',
  KC3042: 'components.0.devices.0.device',
  KC3043: 'components.0.devices.0.mmio',
  KC3044: 'components.0.devices.0.irq',
  KC3045: 'components.0.devices.0.mmio.ranges.0',
  KC3046: 'components.0.devices.0.mmio.ranges.0',
  KC3047: 'components.0.devices.0.device',
  KC3048: 'components.1.devices.0.device',
  KC3049: 'components.0.devices.0.device',
  KC3050: 'components.0.devices.0.mmio.perms',
  KC3051: 'components.0.devices.0.mmio.perms',
  KC3052: 'components.0.devices.0.mmio.cached',
  KC3053: 'components.1.devices.0.device',
  KC3054: 'components.0.devices.0.device',
  KC3055: 'memoryRegions.1.paddr',
  KC3056: 'components.0.devices.1',
  KC3060: 'components.1.devices.0.device',
  KC3061: 'components.0.devices.0.irq.numbers',
  KC3070: 'memoryRegions.0.size',
  KC3071: 'memoryRegions.0.paddr',
  KC3072: 'memoryRegions.0',
  KC3073: 'components.0.stackSize',
  KC3074: 'components.0.stackSize',
  KC3075: 'components.0.memory.0.vaddr',
  KC3076: 'components.0.memory.0.vaddr',
  KC3077: 'components.0.memory.1.vaddr',
  KC3078: 'memoryRegions.0.size',
  KC3079: 'components.0.memory.0.perms',
  KC3100: 'components.0.devices.0',
  KC3101: 'components.0.memory.0.vaddr',
  KC3102: 'components.0.devices.0.mmio.ranges.0',
  KC3103: 'components.0.devices.0.mmio.ranges.1',
  KC3110: 'components.0.devices.0.device',
  KC3111: 'memoryRegions.0.paddr',
  KC3112: 'components.0.devices.0.device',
  KC4001: 'memoryRegions.0.paddr',
  KC4002: 'memoryRegions.0.paddr',
  KC4003: 'memoryRegions.0',
  KC4005: 'components',
  KC4006: 'components.0.memory.0.vaddr',
  KC4007: 'components.0.code',
  KC4008: 'components.0.devices.0.device',
};

/**
 * code → [line, column, message] of that diagnostic as validate (KC3) or plan (KC4) shows it: the
 * position of the value at its descriptor path in the fixture, and every argument of the message.
 */
const shown: Record<string, [number, number, string]> = {
  KC3001: [8, 13, "component name 'a' is used twice (components 0 and 1)"],
  KC3002: [11, 13, "memory region name 'r' is used twice (memoryRegions 0 and 1)"],
  KC3003: [13, 5, "'a' has two channels named 'x'"],
  KC3004: [10, 22, "channel 'a_nobody' names unknown component 'nobody'"],
  KC3005: [7, 65, "'a' maps unknown memory region 'nope'"],
  KC3006: [7, 60, "fault handler 'nobody' of 'a' is not a component"],
  KC3007: [7, 60, "fault handlers form a cycle: 'a' → 'b' → 'a'"],
  KC3008: [7, 104, "'a' has two device grants named 'dev'"],
  KC3009: [7, 84, "'a' has two memory mappings named 'm'"],
  KC3020: [10, 5, "channel 'a_a' connects 'a' to itself"],
  KC3021: [12, 46, "channel id 3 of 'a' is used twice: by channel 'x' and by channel 'y'"],
  KC3022: [12, 13, "'hub' needs more than 27 channel ids (badge bits 0..26) for its channels and interrupts"],
  KC3023: [11, 5, "channel 'a_b' between 'a' and 'b' has neither 'notify' nor 'ppc'"],
  KC3030: [11, 42, "PPC from 'client' (priority 100) to 'server' (priority 100) must go to a strictly higher priority"],
  KC3031: [11, 5, "protected procedure calls form a cycle: 'a' → 'b' → 'a'"],
  KC3040: [7, 66, "device '/soc/serial@20000000' of 'a' is not in the device tree"],
  KC3041: [8, 66, "device 'ns16550a' of 'a' matches 2 nodes: '/soc/serial@10000000', '/soc/serial@10001000'"],
  KC3042: [8, 66, "device '/soc/gpio@10002000' granted to 'a' has status 'disabled'"],
  KC3043: [8, 89, "'a' asks for the registers of '/soc/doorbell', which has no 'reg'"],
  KC3044: [7, 91, "'a' asks for an IRQ of '/soc/test@100000', which has no 'interrupts'"],
  KC3045: [7, 94, "range 0x1000_1000..0x1000_2000 granted to 'a' is outside the registers of '/soc/serial@10000000' (0x1000_0000..0x1000_0100)"],
  KC3046: [7, 103, "range 0x10_0000..0x10_0800 granted to 'a' is not page aligned"],
  KC3047: [8, 66, "mapping the registers of '/soc/tiny@10003000' for 'a' exposes '/soc/tiny@10003100' in the same page 0x1000_3000"],
  KC3048: [8, 66, "registers of '/soc/test@100000' (0x10_0000..0x10_1000) are granted to both 'a' and 'b'"],
  KC3049: [7, 66, "'a' is granted '/soc/plic@c000000', which the kernel owns (interrupt controller)"],
  KC3050: [7, 101, "registers of '/soc/test@100000' are mapped executable in 'a'"],
  KC3051: [7, 101, "perms 'w' of the registers of '/soc/test@100000' in 'a' allow writing without reading"],
  KC3052: [7, 102, "registers of '/soc/test@100000' are mapped cached in 'a'"],
  KC3053: [8, 66, "registers of '/soc/serial@10000000' go to 'a' but its IRQ 10 goes to 'b'"],
  KC3054: [7, 66, "'a' receives IRQ 10 of '/soc/serial@10000000' but no component may touch its registers"],
  KC3055: [11, 40, "memory region 'r2' (0x8100_1000..0x8100_2000) overlaps memory region 'r1' (0x8100_0000..0x8100_2000)"],
  KC3056: [7, 100, "'a' is granted '/soc/test@100000' twice (devices 0 and 1)"],
  KC3060: [8, 66, "IRQ 10 is granted to both 'a' and 'b'"],
  KC3061: [7, 93, "IRQ 5 granted to 'a' is not an interrupt of '/soc/serial@10000000' (it has 10)"],
  KC3070: [10, 24, "memory region 'r' has size 0x1800, not a multiple of 0x1000"],
  KC3071: [10, 39, "memory region 'r' has paddr 0x8100_0800, not page aligned"],
  KC3072: [10, 5, "memory region 'r' is declared but no component maps it"],
  KC3073: [7, 57, "stack size 0x1800 of 'a' is not a multiple of 0x1000"],
  KC3074: [7, 57, "stack size 0x200_0000 of 'a' is outside 0x1000..0x100_0000"],
  KC3075: [7, 77, "vaddr 0x4000_0800 of memory region 'r' in 'a' is not page aligned"],
  KC3076: [7, 77, "memory region 'r' in 'a' at 0x7fff_f000..0x8000_1000 reaches beyond the user address space (ends at 0x8000_0000)"],
  KC3077: [7, 116, "in 'a', memory region 'r2' at 0x5000_0000..0x5000_1000 overlaps memory region 'r1' at 0x5000_0000..0x5000_1000"],
  KC3078: [10, 24, "memory region 'r' has size 0"],
  KC3079: [7, 77, "'a' maps shared region 'r' writable and executable"],
  KC3100: [7, 56, "'a' is granted 'serial0' with neither MMIO nor IRQ ('mmio: false, irq: false')"],
  KC3101: [7, 77, "memory region 'r' in 'a' is mapped at 0x0, in the first page"],
  KC3102: [7, 106, "the MMIO range at 0x1000_0000 granted to 'a' has size 0 and maps nothing"],
  KC3103: [10, 99, "the MMIO range 0x10_1000..0x10_2000 is granted to 'a' twice in one grant (ranges 0 and 1)"],
  KC3110: [7, 66, `device '/cpus/cpu@0' of 'a' is a CPU ('device_type = "cpu"'), not a device that can be granted`],
  KC3111: [10, 39, "memory region 'r' (0x4000_0000..0x4000_1000) is neither in RAM nor the registers of a device: nothing answers there"],
  KC3112: [8, 66, "'a' is granted the registers of '/soc/serial@10000000', whose 'reg' was not read whole ('reg' of '/soc/serial@10000000' has 28 bytes, not a whole number of 16-byte entries): only 0x1000_0000..0x1000_0100 would be mapped"],
  KC4001: [10, 39, "memory region 'r' (frame 'region_r_00000') at 0x1_0000_0000..0x1_0000_1000 is not inside any untyped the kernel hands out"],
  KC4002: [10, 39, "memory region 'r' (frame 'region_r_00000') at 0x8001_0000..0x8001_1000 overlaps the kernel's image 0x8000_0000..0x8002_0000"],
  KC4003: [10, 5, "out of RAM untyped: 354 of the 32768 pages of memory region 'big', 1 of the 49 objects of 'a' (0x16_3000 bytes) do not fit in the 0x7ec_d560 bytes of RAM untyped"],
  KC4005: [6, 15, "the system has 511 components but RV32 seL4 has 510 ASIDs for them"],
  KC4006: [7, 77, "in 'a', memory region 'r' at 0x1_0000..0x1_1000 overlaps ELF segment 0 at 0x1_0000..0x1_4000"],
  KC4007: [8, 24, "ELF segment 1 of 'a' at 0x5000_0000..0x5000_0002 is outside 0x1000..0x4000_0000"],
  KC4008: [8, 66, "the automatic mmio area of 'a' (0x6000_0000..0x7000_0000) cannot hold the registers of '/soc/framebuffer@40000000' (0x1400_0000 bytes)"],
};

/** The hints that name what the descriptor or the board has (the others are fixed text). */
const hints: Record<string, string> = {
  KC3004: "known components: 'a'",
  KC3005: "declare it in 'memoryRegions' (known: none)",
  KC3006: "known components: 'a'",
  KC3030: "raise the priority of 'server' above 100 or lower 'client'",
  KC3110: 'harts belong to the kernel, which schedules components on them: they are never granted',
  KC3111: "RAM is 0x8000_0000..0x8800_0000: place it there, or leave out 'paddr' and the planner places it",
};

/** Codes shown by a unit test instead (test/compiler/plan/plan.test.ts): 2^27 root slots cannot be a fixture. */
const unitTested = ['KC4004', 'KC4100'];

const fixtures = fs.readdirSync(path.join(repoRoot, dir)).filter((f) => /^KC[34]\d{3}-.*\.system\.ts$/.test(f)).sort();
const fixtureOf = (code: string) => fixtures.find((f) => f.startsWith(`${code}-`));

describe('fixtures/invalid', () => {
  it('every KC3/KC4 code has exactly one fixture or a unit test, and there are at least 40', () => {
    const codes = [...Object.values(checksDiagnostics), ...Object.values(planDiagnostics)].map((d) => d.code).sort();
    expect(codes.length).toBeGreaterThanOrEqual(40);
    expect([...Object.keys(expected), ...unitTested].sort()).toEqual(codes);
    expect(fixtures.map((f) => f.slice(0, 6))).toEqual(Object.keys(expected).sort());
    expect(Object.keys(shown).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [code, diagnosticPath] of Object.entries(expected).filter(([c]) => c.startsWith('KC3'))) {
    it(`${code}: validate reports exactly ${code} at '${diagnosticPath}'`, async () => {
      const result = await validateFiles([`${dir}/${fixtureOf(code)}`], nodeHost, { cwd: repoRoot });
      // A warning leaves validate to plan the system: KC0100 notes the components without an ELF yet.
      // The device tree's own warnings (KC22xx, at its file) are asserted below.
      const found = result.files[0]!.diagnostics.filter((d) => d.severity !== 'note' && !d.code.startsWith('KC22'));
      expect(found.map((d) => [d.code, d.path])).toEqual([[code, diagnosticPath]]);
      expect([found[0]!.line, found[0]!.column, found[0]!.message]).toEqual(shown[code]);
      if (code in hints) expect(found[0]!.hint).toBe(hints[code]);
    });
  }

  for (const [code, diagnosticPath] of Object.entries(expected).filter(([c]) => c.startsWith('KC4'))) {
    it(`${code}: checks pass and planning reports exactly ${code} at '${diagnosticPath}'`, async () => {
      const planned = await planDescriptor(`${dir}/${fixtureOf(code)}`, nodeHost, { cwd: repoRoot });
      expect(planned.plan).toBeNull();
      expect(planned.diagnostics.map((d) => [d.code, d.path])).toEqual([[code, diagnosticPath]]);
      expect([planned.diagnostics[0]!.line, planned.diagnostics[0]!.column, planned.diagnostics[0]!.message]).toEqual(shown[code]);
    });
  }

  it('validate and plan show the warnings of the device tree (KC2204) at its file, as dt does (issue 15)', async () => {
    const file = `${dir}/${fixtureOf('KC3112')}`;
    const tree = (diagnostics: readonly { code: string; file?: string; message: string }[]) =>
      diagnostics.filter((d) => d.code.startsWith('KC22')).map((d) => [d.code, d.file, d.message]);
    const kc2204 = ['KC2204', `${dir}/bad-reg-board.dts`, "'reg' of '/soc/serial@10000000' has 28 bytes, not a whole number of 16-byte entries"];
    expect(tree((await validateFiles([file], nodeHost, { cwd: repoRoot })).files[0]!.diagnostics)).toEqual([kc2204]);
    expect(tree((await planDescriptor(file, nodeHost, { cwd: repoRoot })).diagnostics)).toEqual([kc2204]);
  });
});
