// `buildSel4System` (compiler/sel4/build.ts) on a synthetic seL4-shaped kernel ELF and a small root
// task planned with the system: the plan is made for the kernel's memory and configuration, the
// ELF places the root task and the DTB where the plan predicted bootinfo from, the same inputs give
// the same bytes, and every failure (kernel missing or not seL4, planner errors, a placement the
// plan did not predict, an unwritable output) is a diagnostic with nothing written.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSel4System, type PlanWithRootTask } from '../../../compiler/sel4/build.js';
import { rootTaskImage } from '../../../compiler/sel4/image.js';
import { planSystem } from '../../../compiler/plan/index.js';
import { readElf } from '../../../image/elf.js';
import { readSel4ImageHeader } from '../../../image/sel4Image.js';
import { kernelLikeElf, rootTask } from '../../helpers/sel4Sample.js';
import { repoRoot } from '../../helpers/files.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-sel4-build-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const kernel = path.join(dir, 'kernel.elf');
fs.writeFileSync(kernel, kernelLikeElf(0x8022_0000));
const hello = 'fixtures/systems/hello/hello.system.ts';
const noCompiler = { env: { PATH: '/nonexistent-kaal-path' } };

/** Plans with a fixed root task ELF (the real one carries the plan; this one only its size). */
const withRootTask =
  (elf: Uint8Array, image = rootTaskImage(readElf(elf, 'root task'))): PlanWithRootTask =>
  (model, platform, elfs, options) => {
    const planned = planSystem(model, platform, Object.fromEntries(Object.entries(elfs).map(([name, e]) => [name, { entry: e.entry, segments: e.segments.map(({ vaddr, memsz, flags }) => ({ vaddr, memsz, flags })), placeholder: false }])), { ...options, rootTask: image });
    return { ...planned, rootTask: elf };
  };

const build = (output: string | undefined, overrides: Partial<Parameters<typeof buildSel4System>[1]> = {}) =>
  buildSel4System(hello, { cwd: repoRoot, kernel, ...(output !== undefined ? { output } : {}), toolchain: noCompiler, planWithRootTask: withRootTask(rootTask), ...overrides });

describe('build --target sel4 (buildSel4System)', () => {
  it("plans for the kernel's memory and places the DTB and the root task where the plan predicted", async () => {
    const output = path.join(dir, 'hello.elf');
    const result = await build(output);
    expect(result.diagnostics).toEqual([]);
    const written = new Uint8Array(fs.readFileSync(output));
    expect(Buffer.from(written).equals(Buffer.from(result.elf!))).toBe(true);
    const header = readSel4ImageHeader(readElf(written, 'hello.elf'))!;
    const { boot } = result.plan!;
    expect([header.dtbPaddr, header.dtbSize]).toEqual([boot.dtb.paddr, boot.dtb.size]);
    expect([header.rootTaskPstart, header.rootTaskPend - header.rootTaskPstart, header.rootTaskEntry]).toEqual([boot.userImage.paddr, boot.userImage.size, boot.userImage.entry]);
    expect(boot.kernelConfig.kernel).toBe('sel4');
    expect(boot.kernelConfig.kernelImage).toEqual({ start: 0x8020_0000, end: 0x8022_0000, bootEnd: 0x8020_1000 });
    // The kernel manages 0x80200000..4 GiB (its avail_p_regs), not the platform DTB's 128 MiB.
    const ramTop = Math.max(...result.plan!.untyped.filter((u) => !u.isDevice).map((u) => u.paddr + 2 ** u.sizeBits));
    expect(ramTop).toBe(0xff80_0000);
  });

  it('gives the same bytes for the same inputs', async () => {
    const [a, b] = [await build(undefined), await build(undefined)];
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.sha256).toBe(b.sha256);
  });

  it('a missing kernel is KC5100 and leaves an existing output untouched', async () => {
    const output = path.join(dir, 'old.elf');
    fs.writeFileSync(output, 'old');
    const result = await build(output, { kernel: path.join(dir, 'no-such-kernel.elf') });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['KC5100']);
    expect(result.diagnostics[0]!.message).toContain('no such file');
    expect(result.elf).toBeUndefined();
    expect(fs.readFileSync(output, 'utf8')).toBe('old');
  });

  it('an ELF that is not a seL4 kernel is KC5108', async () => {
    const result = await build(undefined, { kernel: path.join(repoRoot, 'fixtures/systems/hello/hello.elf') });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['KC5108']);
  });

  it("an unreadable --kernel-config is KC5107", async () => {
    const result = await build(undefined, { kernelConfig: path.join(dir, 'missing.json') });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['KC5107']);
  });

  it("the descriptor's errors are reported as for the bundled build, before the kernel is read", async () => {
    const descriptor = path.join(dir, 'bad.system.json');
    fs.writeFileSync(descriptor, JSON.stringify({ name: 'bad', components: 'none' }));
    const result = await buildSel4System(descriptor, { cwd: dir, kernel: 'no-such-kernel.elf', toolchain: noCompiler, planWithRootTask: withRootTask(rootTask) });
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(result.diagnostics.map((d) => d.code)).not.toContain('KC5100');
  });

  it("the planner's errors stop the build", async () => {
    const output = path.join(dir, 'refused.elf');
    const failing: PlanWithRootTask = (model, platform, elfs, options) => {
      const planned = withRootTask(rootTask)(model, platform, elfs, { ...options, kernelConfig: { ...options.kernelConfig!, maxBootInfoUntypeds: 0 } });
      return planned;
    };
    const result = await build(output, { planWithRootTask: failing });
    expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(fs.existsSync(output)).toBe(false);
  });

  it('a root task bigger than the plan predicted is an internal error naming both placements, nothing written', async () => {
    const output = path.join(dir, 'mismatch.elf');
    const image = rootTaskImage(readElf(rootTask, 'root task'));
    const result = await build(output, { planWithRootTask: withRootTask(rootTask, { ...image, size: image.size - 0x1000 }) });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['KC9001']);
    expect(result.diagnostics[0]!.message).toBe(
      'internal error: the loader places the root task at 0x80221000 (8192 bytes from 0x10000, entry 0x10000), the plan expects 0x80221000 (4096 bytes from 0x10000, entry 0x10000)',
    );
    expect(fs.existsSync(output)).toBe(false);
  });

  it('a root task entry other than the plan expects is an internal error too', async () => {
    const image = rootTaskImage(readElf(rootTask, 'root task'));
    const result = await build(undefined, { planWithRootTask: withRootTask(rootTask, { ...image, entry: image.entry + 4 }) });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['KC9001']);
  });

  it("plans for the CLINT and the PLIC as kernel devices when the kernel maps three frames (seL4's overlay as shipped)", async () => {
    const stock = path.join(dir, 'stock.elf');
    fs.writeFileSync(stock, kernelLikeElf(0x8022_0000, 3));
    const result = await build(undefined, { kernel: stock });
    expect(result.diagnostics).toEqual([]);
    expect(result.plan!.boot.kernelConfig.kernelDevices.map((f) => f.paddr)).toEqual([0x0200_0000, 0x0c00_0000, 0x0c40_0000]);
  });

  it('refuses a system with IRQs for a kernel that maps the CLINT (KC5115), naming the component and the IRQ', async () => {
    const stock = path.join(dir, 'stock.elf');
    fs.writeFileSync(stock, kernelLikeElf(0x8022_0000, 3));
    const output = path.join(dir, 'uart-echo.elf');
    const result = await buildSel4System('fixtures/systems/uart-echo/uart-echo.system.ts', { cwd: repoRoot, kernel: stock, output, toolchain: noCompiler, planWithRootTask: withRootTask(rootTask) });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['KC5115']);
    expect(result.diagnostics[0]!.message).toBe(
      `kernel '${stock}' maps the CLINT among its kernel devices: on riscv32 the PLIC's kernel mapping then wraps to address 0 and the kernel faults at the first IRQControl_Get, which component 'uart-driver' needs for IRQ 10`,
    );
    expect(fs.existsSync(output)).toBe(false);
    const twoFrames = path.join(dir, 'noclint.elf');
    fs.writeFileSync(twoFrames, kernelLikeElf(0x8022_0000, 2));
    const accepted = await buildSel4System('fixtures/systems/uart-echo/uart-echo.system.ts', { cwd: repoRoot, kernel: twoFrames, toolchain: noCompiler, planWithRootTask: withRootTask(rootTask) });
    expect(accepted.diagnostics).toEqual([]);
    expect(accepted.plan!.boot.kernelConfig.kernelDevices.map((f) => f.paddr)).toEqual([0x0c00_0000, 0x0c40_0000]);
  });

  it.each([1, 4])('a kernel mapping %i kernel device frames is KC5114 (neither the PLIC alone nor with the CLINT)', async (frames) => {
    const odd = path.join(dir, `frames-${frames}.elf`);
    fs.writeFileSync(odd, kernelLikeElf(0x8022_0000, frames));
    const result = await build(undefined, { kernel: odd });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['KC5114']);
    // A spike kernel (seL4 1326364bc, KernelPlatform spike, riscv32) maps 1: the message asks about the platform.
    expect(result.diagnostics[0]!.message).toContain(`maps ${frames} kernel device frames; the platform's PLIC takes 2 and the CLINT and the PLIC 3, so which devices they are is not known (a kernel for another KernelPlatform?)`);
  });

  it('an output that cannot be written is KC0004', async () => {
    const result = await build(path.join(dir, 'no-such-dir', 'sys.elf'));
    expect(result.diagnostics.map((d) => d.code)).toEqual(['KC0004']);
  });

  it('a root task that is not an ELF is a diagnostic, not a stack trace', async () => {
    const planner: PlanWithRootTask = (model, platform, elfs, options) => ({ ...withRootTask(rootTask)(model, platform, elfs, options), rootTask: new Uint8Array(16) });
    const result = await build(undefined, { planWithRootTask: planner });
    expect(result.diagnostics.length).toBe(1);
    expect(result.diagnostics[0]!.severity).toBe('error');
  });
});
