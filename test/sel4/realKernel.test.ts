// --target sel4 on a real seL4 kernel: runs only when KAAL_SEL4_KERNEL names a kernel ELF (and,
// optionally, KAAL_SEL4_KERNEL_CONFIG its gen_config.json); none can be in the repository.
// 1. Every example is built with `kaal-compose build --target sel4`, booted under
//    qemu-system-riscv32 -bios none (uart-echo and microkit-echo fed typed lines), and its console after the
//    kernel's boot compared with `kaal-compose run` of the bundled image, line by line.
//    For a kernel that maps the CLINT (seL4's overlay as shipped) the examples with IRQs are
//    refused at build (KC5115) and the others boot.
// 2. The pipeline with a probe root task (fixtures/loader/probe-roottask.c) in place of the real
//    one: it prints what the kernel handed it, compared entry by entry with the plan's prediction,
//    and whether IRQControl_Get works (docs/sel4.md, the CLINT issue).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSel4System, type PlanWithRootTask } from '../../compiler/sel4/build.js';
import { rootTaskImage } from '../../compiler/sel4/image.js';
import { planSystem, elfInfoOf } from '../../compiler/plan/index.js';
import { toolVersion } from '../../compiler/toolchain.js';
import { readElf } from '../../image/elf.js';
import { readSel4Kernel } from '../../image/sel4Kernel.js';
import { runCli } from '../helpers/cli.js';
import { bootUnderQemu, buildProbeRootTask, haveQemu, VIRTUAL_TIME } from '../helpers/qemu.js';
import { repoRoot } from '../helpers/files.js';

const kernel = process.env.KAAL_SEL4_KERNEL;
const kernelConfig = process.env.KAAL_SEL4_KERNEL_CONFIG;
const clang = (await toolVersion('clang')) !== null && (await toolVersion('ld.lld')) !== null;
const why =
  kernel === undefined
    ? 'KAAL_SEL4_KERNEL is not set (it names a seL4 kernel ELF built as docs/sel4.md says; none is in the repository)'
    : !haveQemu
      ? 'qemu-system-riscv32 not found'
      : undefined;
if (why !== undefined) console.log(`test/sel4/realKernel: skipped: ${why}`);
else if (!clang) console.log('test/sel4/realKernel: the probe root task part skipped: clang/ld.lld not found');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-sel4-real-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const kernelFlags = [...(kernel ? ['--kernel', kernel] : []), ...(kernelConfig ? ['--kernel-config', kernelConfig] : [])];
/** A seL4 boot stays under a second here; a kernel that hangs (docs/sel4.md, the CLINT issue) is killed. */
const QEMU_TIMEOUT_MS = 30_000;
const BOOTED = 'Booting all finished, dropped to user space\n';

/** What each example is fed on the console, as `run --stdin` and QEMU's serial both receive it; whether it takes IRQs. */
const EXAMPLES: readonly { name: string; input: string; irqs: boolean }[] = [
  { name: 'hello', input: '', irqs: false },
  { name: 'ping-pong', input: '', irqs: false },
  { name: 'timer', input: '', irqs: true },
  { name: 'fault', input: '', irqs: false },
  { name: 'uart-echo', input: 'hello there\nsecond line\n\x04', irqs: true },
  { name: 'microkit-echo', input: 'hello microkit\n\x04', irqs: true },
];

/** A kernel as seL4 ships it maps the CLINT among its kernel devices (docs/sel4.md, "Known seL4 issue"). */
const withClint = kernel !== undefined && fs.existsSync(kernel) && readSel4Kernel(new Uint8Array(fs.readFileSync(kernel)), kernel).kernelDeviceFrames === 3;

/**
 * The console after the kernel's boot, split into the root task's `kaal:` lines and the rest,
 * without the debug kernel's report of a fault nobody handles ("Caught … With stack:" and the
 * stack words; the bundled runtime reports it on stderr instead).
 */
function afterBoot(console: string): { rootTask: string[]; components: string[] } {
  const lines = console.slice(console.indexOf(BOOTED) + BOOTED.length).split('\n');
  const components: string[] = [];
  const rootTask: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith('Caught ')) {
      while (i + 1 < lines.length && lines[i] !== 'With stack:') i++;
      while (i + 1 < lines.length && /^0x[0-9a-f]+: /.test(lines[i + 1]!)) i++;
      continue;
    }
    (lines[i]!.startsWith('kaal: ') ? rootTask : components).push(lines[i]!);
  }
  return { rootTask, components };
}

describe.skipIf(why !== undefined)('every example built with --target sel4 on a real seL4 kernel', () => {
  it.each(EXAMPLES.filter((e) => withClint && e.irqs))('$name is refused for a kernel that maps the CLINT (KC5115)', async ({ name }) => {
    const elf = path.join(work, `${name}.elf`);
    const built = await runCli(['build', `fixtures/systems/${name}/${name}.system.ts`, '--target', 'sel4', ...kernelFlags, '-o', elf], { cwd: repoRoot, env: { PATH: process.env.PATH } });
    expect(built.code).toBe(1);
    expect(built.stderr).toContain('error[KC5115]');
    expect(fs.existsSync(elf)).toBe(false);
  });

  it.each(EXAMPLES.filter((e) => !(withClint && e.irqs)))('$name boots and prints what kaal-compose run prints', async ({ name, input }) => {
    const descriptor = `fixtures/systems/${name}/${name}.system.ts`;
    const stdin = path.join(work, `${name}.in`);
    fs.writeFileSync(stdin, input, 'latin1');
    const env = { PATH: process.env.PATH, NO_COLOR: '1' };
    const image = path.join(work, `${name}.bin`);
    expect((await runCli(['build', descriptor, '-o', image], { cwd: repoRoot, env })).code).toBe(0);
    const bundled = await runCli(['run', image, '--stdin', stdin, '--no-label'], { cwd: repoRoot, env });
    expect(bundled.code, bundled.stderr).toBe(0);

    const elf = path.join(work, `${name}.elf`);
    const built = await runCli(['build', descriptor, '--target', 'sel4', ...kernelFlags, '-o', elf], { cwd: repoRoot, env });
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(built.stdout).toContain(`boot it with: qemu-system-riscv32 -machine virt -m 2G -nographic -bios none -kernel ${elf}\n`);
    // Virtual time (as the bundled machine's), so that timer's alarms come in the same order.
    const run = bootUnderQemu(elf, { input, timeoutMs: QEMU_TIMEOUT_MS, extraArgs: VIRTUAL_TIME });
    expect(run.timedOut, `QEMU was killed after ${QEMU_TIMEOUT_MS / 1000} s; its console:\n${run.output}\n(a kernel with the CLINT among its kernel devices stops at the first IRQControl_Get: docs/sel4.md)`).toBe(false);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain(BOOTED);
    const seL4 = afterBoot(run.output);
    expect(seL4.rootTask).toEqual([expect.stringMatching(new RegExp(`^kaal: ${name}: \\d+ untypeds as planned, \\d+ invocations, 0 failed$`))]);
    const expected = bundled.stdout.split('\n').filter((line) => !line.startsWith('kaal: '));
    expect(seL4.components).toEqual(expected);
  }, 120_000);
});

/** The probe's plan: the system planned for the kernel with the probe's user image, the probe ELF as the root task. */
const probePlanner =
  (probe: Uint8Array): PlanWithRootTask =>
  (model, platform, elfs, options) => {
    const infos = Object.fromEntries(Object.entries(elfs).map(([name, elf]) => [name, elfInfoOf(elf)]));
    return { ...planSystem(model, platform, infos, { ...options, rootTask: rootTaskImage(readElf(probe, 'probe')) }), rootTask: probe };
  };

describe.skipIf(why !== undefined || !clang)('the --target sel4 pipeline with a probe root task on a real seL4 kernel', () => {
  let output = '';
  let plan: NonNullable<Awaited<ReturnType<typeof buildSel4System>>['plan']> | undefined;

  it('builds, boots to user space and hands the root task its bootinfo and the DTB', async () => {
    const elf = path.join(work, 'probe.elf');
    const built = await buildSel4System('fixtures/systems/hello/hello.system.ts', {
      cwd: repoRoot,
      kernel: kernel!,
      ...(kernelConfig ? { kernelConfig } : {}),
      output: elf,
      planWithRootTask: probePlanner(buildProbeRootTask(work)),
    });
    expect(built.diagnostics).toEqual([]);
    plan = built.plan;
    const run = bootUnderQemu(elf, { timeoutMs: 10_000 });
    output = run.output;
    expect(output).toContain(BOOTED);
    expect(output).toMatch(/probe: untyped slots (\d+)\.\.(\d+), empty from \2\n/);
    expect(output).toContain(`probe: extra bootinfo ${plan!.boot.dtb.size + 8}, first chunk id 6, fdt magic 0xd00dfeed\n`);
  });

  it("hands out one untyped per untyped slot, each naturally aligned, RAM ones inside the kernel's memory", () => {
    const [, start, end] = /probe: untyped slots (\d+)\.\.(\d+)/.exec(output)!.map(Number);
    const untypeds = [...output.matchAll(/probe: untyped (0x[0-9a-f]{8}) 2\^(\d+) (ram|device)\n/g)].map((m) => ({ paddr: Number(m[1]), sizeBits: Number(m[2]), device: m[3] === 'device' }));
    expect(untypeds.length).toBe(end! - start!);
    for (const u of untypeds) {
      expect(u.paddr % 2 ** u.sizeBits, `0x${u.paddr.toString(16)} 2^${u.sizeBits}`).toBe(0);
      // RAM untypeds lie in the kernel's memory (0x80200000 up to 4 GiB for -m 2G); device ones may
      // too, above the kernel window (seL4 treats RAM it cannot map, from 0xff800000, as device).
      if (!u.device) expect(u.paddr >= 0x8020_0000 && u.paddr + 2 ** u.sizeBits <= 2 ** 32, `0x${u.paddr.toString(16)} ram`).toBe(true);
    }
  });

  it('hands out exactly the bootinfo the plan predicted for this kernel and layout, entry by entry', () => {
    const untypedSlots = /probe: untyped slots (\d+)\.\.(\d+), empty from (\d+)/.exec(output)!.slice(1).map(Number);
    const { bootInfo } = plan!.boot;
    expect(untypedSlots).toEqual([bootInfo.untyped.start, bootInfo.untyped.end, bootInfo.empty.start]);
    const real = [...output.matchAll(/probe: untyped (0x[0-9a-f]{8}) 2\^(\d+) (ram|device)\n/g)].map((m) => `${m[1]} 2^${m[2]} ${m[3]}`);
    const planned = plan!.untyped.map((u) => `0x${u.paddr.toString(16).padStart(8, '0')} 2^${u.sizeBits} ${u.isDevice ? 'device' : 'ram'}`);
    expect(real).toEqual(planned);
  });

  it.skipIf(withClint)('IRQControl_Get succeeds', () => {
    expect(output).toContain('probe: IRQControl_Get(10)\n');
    expect(output, 'the kernel never answered IRQControl_Get: is the CLINT among its kernel devices?').toContain('probe: IRQControl_Get error 0\n');
  });

  it.skipIf(!withClint)('IRQControl_Get never returns on a kernel that maps the CLINT (the seL4 issue docs/sel4.md describes)', () => {
    expect(output).toContain('probe: IRQControl_Get(10)\n');
    expect(output).not.toContain('probe: IRQControl_Get error');
  });
});
