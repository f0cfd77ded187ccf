// Boot of the example images: the plan realized by the root task and the grants proven both ways;
// tampered plans (valid checksums) are refused with a message naming the component and the grant.
import fs from 'node:fs';
import { describe, it, expect } from 'vitest';
import { readImage } from '../../image/bootImage/index.js';
import { bootImage } from '../../runtime/boot/index.js';
import { INVOCATION_FIELDS } from '../../runtime/boot/planShape.js';
import { checkImage, runImage } from '../../runtime/run.js';
import type { Plan } from '../../schema/plan.generated.js';
import { checkInvariants } from '../../runtime/kernel/invariants.js';
import { realizedMappings, verifyBoot } from '../../runtime/boot/verify.js';
import { exampleImage, repoRoot, withPlan, withUntyped } from './exampleImages.js';

const codes = (r: ReturnType<typeof bootImage>): string[] => (r.ok ? [] : r.diagnostics.map((d) => d.code));
const messages = (r: ReturnType<typeof bootImage>): string => (r.ok ? '' : r.diagnostics.map((d) => d.message).join('\n'));

describe('boot: realize the plan and prove the grants', () => {
  it.each(['hello', 'ping-pong', 'uart-echo', 'timer', 'fault'])('%s boots, every grant verified, kernel invariants hold', async (name) => {
    const r = bootImage(await exampleImage(name));
    expect(messages(r)).toBe('');
    if (!r.ok) return;
    expect(checkInvariants(r.system.kernel)).toEqual([]);
    for (const c of r.system.components) {
      expect(c.tcb.name).toBe(c.plan.name);
      expect(c.tcb.pc).toBe(c.plan.tcb.entry);
      expect(['restart', 'running']).toContain(c.tcb.state);
    }
  });

  it('the UART grant of hello is a real Sv32 mapping of the device page, uncached and read-write', async () => {
    const r = bootImage(await exampleImage('hello'));
    if (!r.ok) throw new Error(messages(r));
    const grant = r.system.plan.grants.find((g) => g.device === '/soc/serial@10000000')!;
    const hello = r.system.components[0]!;
    const m = realizedMappings(r.system.kernel, hello.vspace).find((x) => x.vaddr === grant.vaddr);
    expect(m).toEqual({ vaddr: grant.vaddr, paddr: 0x1000_0000, size: 4096, perms: 'rw', cached: false });
  });

  it('a kernel state changed after boot fails the proof: a stray device mapping (KC7022) breaks an invariant (KC7030)', async () => {
    const r = bootImage(await exampleImage('hello'));
    if (!r.ok) throw new Error(messages(r));
    const { kernel, plan, machine, components } = r.system;
    const root = components[0]!.vspace;
    // A 4 MiB leaf at 0x4000_0000 onto the RTC page range, written behind the kernel's back.
    kernel.memory.writeU32(root.paddr + 4 * 0x100, ((0x0 << 10) | 0xd7) >>> 0);
    const found = verifyBoot(kernel, plan, components, { deviceAt: (p) => machine.deviceAt(p), isRam: () => false });
    expect(found.map((d) => d.code)).toEqual(['KC7022', 'KC7030']);
    expect(found[0]!.message).toContain("component 'hello' can reach ");
  });

  it('the UART IRQ of uart-echo is bound: IRQ 10 → handler slot → the driver notification with its badge', async () => {
    const r = bootImage(await exampleImage('uart-echo'));
    if (!r.ok) throw new Error(messages(r));
    const { kernel, plan } = r.system;
    const binding = plan.components.find((c) => c.name === 'uart-driver')!.irqs[0]!;
    expect(binding.irq).toBe(10);
    expect(kernel.irqStates[10]).toBe('signal');
    const cap = kernel.irqSlots[10]!.cap;
    expect(cap.kind === 'notification' && cap.badge).toBe(binding.badge);
  });
});

describe('boot refuses an image whose plan does not hold (valid checksums)', () => {
  it('a grant moved to another vaddr: missing where planned, extra where realized, both naming the device', async () => {
    // The grant and its planned mapping move together (the plan still obeys the rules); the invocations do not.
    const image = withPlan(await exampleImage('hello'), (plan) => {
      const grant = plan.grants.find((g) => g.device === '/soc/serial@10000000')!;
      plan.components[0]!.vspace.find((m) => m.purpose === 'mmio' && m.vaddr === grant.vaddr)!.vaddr += 0x10_0000;
      grant.vaddr += 0x10_0000;
    });
    const r = bootImage(image);
    expect(codes(r)).toEqual(['KC7020', 'KC7022']);
    expect(messages(r)).toContain("component 'hello': mmio grant '/soc/serial@10000000 0x10000000+0x00001000' is not realized");
    expect(messages(r)).toContain("component 'hello' can reach device '/soc/serial@10000000' registers at '0x10000000'");
  });

  it('a grant missing from the plan: the realized device mapping is reported as reachable beyond the plan', async () => {
    const image = withPlan(await exampleImage('hello'), (plan) => {
      plan.grants = plan.grants.filter((g) => g.device !== '/soc/test@100000');
      plan.components[0]!.vspace = plan.components[0]!.vspace.filter((m) => m.source !== '/soc/test@100000');
    });
    const r = bootImage(image);
    expect(codes(r)).toEqual(['KC7022']);
    expect(messages(r)).toContain("component 'hello' can reach device '/soc/test@100000' registers at '0x00100000'");
  });

  it('an extra grant the invocations never realize is missing', async () => {
    const image = withPlan(await exampleImage('hello'), (plan) => {
      plan.grants.push({ ...plan.grants[0]!, device: '/soc/rtc@101000', paddr: 0x10_1000, vaddr: 0x6100_0000 });
    });
    const r = bootImage(image);
    expect(codes(r)).toEqual(['KC7020']);
    expect(messages(r)).toContain("component 'hello': mmio grant '/soc/rtc@101000 0x00101000+0x00001000' is not realized");
  });

  it('a grant with the wrong rights differs', async () => {
    const image = withPlan(await exampleImage('hello'), (plan) => {
      plan.grants.find((g) => g.device === '/soc/serial@10000000')!.perms = 'r';
    });
    const r = bootImage(image);
    expect(codes(r)).toEqual(['KC7021']);
    expect(messages(r)).toContain("planned '0x10000000' r uncached");
  });

  it('an invocation that maps the UART somewhere else is caught', async () => {
    const image = withPlan(await exampleImage('hello'), (plan) => {
      const uart = plan.components[0]!.vspace.find((m) => m.purpose === 'mmio' && m.paddr === 0x1000_0000)!;
      const inv = plan.invocations.find((i) => i.op === 'Page_Map' && i.vaddr === uart.vaddr)!;
      if (inv.op === 'Page_Map') inv.vaddr += 0x2000;
    });
    const r = bootImage(image);
    expect(codes(r)).toContain('KC7020');
    expect(codes(r)).toContain('KC7022');
  });

  it('an IRQ grant dropped from the plan leaves a handler beyond the plan', async () => {
    const image = withPlan(await exampleImage('uart-echo'), (plan) => {
      plan.grants = plan.grants.filter((g) => g.kind !== 'irq');
    });
    const r = bootImage(image);
    expect(codes(r)).toEqual(['KC7022', 'KC7022']);
    expect(messages(r)).toContain("component 'uart-driver' can reach an IRQ handler for IRQ 10");
    expect(messages(r)).toContain("component 'uart-driver' can reach interrupts of IRQ 10, delivered to its notification");
  });

  it('an IRQ bound to the wrong badge differs', async () => {
    const image = withPlan(await exampleImage('uart-echo'), (plan) => {
      plan.components.find((c) => c.name === 'uart-driver')!.irqs[0]!.badge ^= 1;
    });
    const r = bootImage(image);
    expect(codes(r)).toEqual(['KC7021']);
    expect(messages(r)).toContain("irq grant '/soc/serial@10000000 IRQ 10' is realized differently");
  });

  it('an invocation the kernel rejects stops the boot with its seL4 error', async () => {
    const image = withPlan(await exampleImage('hello'), (plan) => {
      const inv = plan.invocations.find((i) => i.op === 'Page_Map')!;
      if (inv.op === 'Page_Map') inv.vaddr += 4;
    });
    const r = bootImage(image);
    expect(codes(r)).toEqual(['KC7010']);
    expect(messages(r)).toMatch(/boot invocation \d+ 'Page_Map' for 'slot \d+' failed: seL4 error 5 \(AlignmentError\)/);
  });

  it('a capability, a mapping or a thread setting that differs from the plan is named by slot, vaddr or field', async () => {
    const image = withPlan(await exampleImage('hello'), (plan) => {
      const hello = plan.components[0]!;
      hello.cspace.find((s) => s.role === 'input')!.badge = 0x40;
      hello.vspace.find((m) => m.purpose === 'stack')!.perms = 'r';
      hello.tcb.priority = 7;
    });
    const r = bootImage(image);
    expect(codes(r)).toEqual(['KC7025', 'KC7023', 'KC7024']);
    expect(messages(r)).toContain("component 'hello': its thread has priority 0x00000064, the plan says 0x00000007");
    expect(messages(r)).toContain("component 'hello': CSpace slot 1 holds 'notification ntfn_hello badge 0x00000000 rights RW--'");
    expect(messages(r)).toMatch(/component 'hello': VSpace at '0x[0-9a-f]+' maps '0x[0-9a-f]+' rw, the plan says '0x[0-9a-f]+' r \(stack /);
  });

  it('untypeds that differ between plan and bootinfo, an unknown plan version, a component without code, an unmapped segment', async () => {
    const hello = await exampleImage('hello');
    const untyped = bootImage(withPlan(hello, (plan) => void (plan.untyped[0]!.sizeBits -= 1)));
    expect(codes(untyped)).toEqual(['KC7003']);
    const version = bootImage(withPlan(hello, (plan) => void ((plan as { formatVersion: number }).formatVersion = 2)));
    expect(codes(version)).toEqual(['KC7002']);
    const ghost = bootImage(
      withPlan(hello, (plan) => {
        plan.components[0]!.name = 'ghost';
        for (const g of plan.grants) g.component = 'ghost';
        for (const o of plan.objects) if (o.owner === 'hello') o.owner = 'ghost';
      }),
    );
    expect(codes(ghost)).toEqual(['KC7011']);
    const unmapped = bootImage(
      withPlan(hello, (plan) => {
        const entry = plan.components[0]!.tcb.entry;
        plan.invocations = plan.invocations.filter((i) => !(i.op === 'Page_Map' && i.vaddr === entry));
      }),
    );
    expect(codes(unmapped)).toEqual(['KC7012']);
    expect(messages(unmapped)).toContain("component 'hello': its segment page at '0x10000' is not mapped");
  });

  it('KC7100: a boot the kernel itself would stop (its user image past USER_TOP) is refused with the kernel\'s reason', async () => {
    const r = bootImage(withPlan(await exampleImage('hello'), (plan) => void (plan.boot.userImage.vaddr = 0x7fff_0000)));
    expect(codes(r)).toEqual(['KC7100']);
    expect(messages(r)).toMatch(/^the kernel stops its boot: userland image virt \[0x7fff0000\.\.0x[0-9a-f]+\) exceeds USER_TOP \(0x80000000\)$/);
  });

  it('a kernel configuration that gives other untypeds than the plan expects is refused by the root task at the first that differs', async () => {
    const r = bootImage(withPlan(await exampleImage('hello'), (plan) => void (plan.boot.kernelConfig.kernelDevices = [])));
    expect(codes(r)).toEqual(['KC7113']);
    expect(messages(r)).toBe("the root task stopped the boot: 'kaal: hello: bootinfo differs from the plan: the number of untypeds is 41, the plan expects 50'");
  });

  it('the kernel configuration recorded in the image sets the kernel: debug system calls, TCB size', async () => {
    const hello = await exampleImage('hello');
    const debug = bootImage(hello);
    expect(debug.ok && debug.system.kernel.debug).toBe(true);
    expect(debug.ok && debug.system.kernel.tcbBits).toBe(9);
    const release = bootImage(withPlan(hello, (plan) => void (plan.boot.kernelConfig.debugBuild = false)));
    expect(release.ok && release.system.kernel.debug).toBe(false);
    // With the FPU, seL4's TCB is 2^10: the rootserver block grows and the untypeds move, so a plan
    // made for the FPU-less kernel is refused at the first untyped that differs.
    const fpu = bootImage(withPlan(hello, (plan) => void (plan.boot.kernelConfig.fpu = true)));
    expect(codes(fpu)).toEqual(['KC7113']);
    expect(messages(fpu)).toContain('bootinfo differs from the plan: the number of untypeds is 49, the plan expects 50');
  });

  it('bootinfo that does not match the platform is refused', async () => {
    const image = withUntyped(await exampleImage('hello'), (list) => {
      const ram = list.find((u) => !u.isDevice)!;
      ram.isDevice = true;
    });
    const r = bootImage(image);
    expect(codes(r)).toContain('KC7001');
    expect(messages(r)).toContain("overlaps the platform's RAM");
  });

  it('a corrupted image is a diagnostic, not an exception', async () => {
    const bytes = (await exampleImage('hello')).slice();
    bytes[200] = (bytes[200]! + 1) & 0xff;
    const r = bootImage(bytes);
    expect(r.ok).toBe(false);
    expect(codes(r)[0]).toMatch(/^KC6/);
    expect(bootImage(new Uint8Array(10)).ok).toBe(false);
  });
});

/** A plan edited through untyped JSON, as a hostile image builder would write it. */
const hostile = (edit: (plan: Record<string, any>) => void) => (plan: Plan) => edit(plan as unknown as Record<string, any>);
const retypeIndex = (plan: Plan): number => plan.invocations.findIndex((i) => i.op === 'Untyped_Retype');

describe('boot refuses a plan of the wrong shape with KC7004 naming the field (reliability findings 1a-1d)', () => {
  it.each<[string, (plan: Record<string, any>) => void, (plan: Plan) => string]>([
    ['1a: an unknown op', (plan) => void (plan.invocations[0].op = 'Nonsense_Op'), () => 'plan.invocations.0.op'],
    ['1a: a non-string op', (plan) => void (plan.invocations[3].op = 7), () => 'plan.invocations.3.op'],
    ['1a: an invocation that is not an object', (plan) => void (plan.invocations[2] = [1, 2]), () => 'plan.invocations.2'],
    ['1b: a negative nodeOffset', (plan) => void (plan.invocations[retypeIndex(plan as Plan)].nodeOffset = -1), (plan) => `plan.invocations.${retypeIndex(plan)}.nodeOffset`],
    ['1b: a fractional nodeOffset', (plan) => void (plan.invocations[retypeIndex(plan as Plan)].nodeOffset = 0.5), (plan) => `plan.invocations.${retypeIndex(plan)}.nodeOffset`],
    ['1b: a word beyond 32 bits', (plan) => void (plan.invocations[retypeIndex(plan as Plan)].numObjects = 2 ** 32), (plan) => `plan.invocations.${retypeIndex(plan)}.numObjects`],
    ['1c: an object as numObjects', (plan) => void (plan.invocations[retypeIndex(plan as Plan)].numObjects = { n: 1 }), (plan) => `plan.invocations.${retypeIndex(plan)}.numObjects`],
    ['1c: a missing field', (plan) => void delete plan.invocations.find((i: { op: string }) => i.op === 'PageTable_Map').vaddr, (plan) => `plan.invocations.${plan.invocations.findIndex((i) => i.op === 'PageTable_Map')}.vaddr`],
    ['1d: a null object', (plan) => void (plan.objects[6] = null), () => 'plan.objects.6'],
    ['1d: a component without tcb', (plan) => void delete plan.components[0].tcb, () => 'plan.components.0.tcb'],
    ['1d: a component naming an object the plan lacks', (plan) => void (plan.components[0].objects.vspace = 'nowhere'), () => 'plan.components.0.objects.vspace'],
    ['1d: a list that is not a list', (plan) => void (plan.grants = { 0: {} }), () => 'plan.grants'],
    ['1d: a grant of an unknown kind', (plan) => void (plan.grants[0].kind = 'dma'), () => 'plan.grants.0.kind'],
  ])('%s', async (_name, edit, pathOf) => {
    const hello = await exampleImage('hello');
    const original = readImage(hello).plan as unknown as Plan;
    const bytes = withPlan(hello, hostile(edit));
    const path = pathOf(original);
    const r = bootImage(bytes, { file: 'hello.kimg' });
    expect(codes(r)).toEqual(['KC7004']);
    if (r.ok) return;
    expect(r.diagnostics[0]!.path).toBe(path);
    expect(r.diagnostics[0]!.message).toContain(`malformed at '${path}'`);
    const run = runImage(bytes);
    expect([run.exitCode, run.diagnostics.map((d) => d.code)]).toEqual([1, ['KC7004']]);
    const check = checkImage(bytes);
    expect([check.exitCode, check.diagnostics.map((d) => d.code)]).toEqual([1, ['KC7004']]);
  });

  it('a well-typed word the kernel cannot take is the kernel\'s seL4 error (KC7010), not an exception', async () => {
    const bytes = withPlan(await exampleImage('hello'), (plan) => {
      const retype = plan.invocations[retypeIndex(plan)] as { nodeOffset: number };
      retype.nodeOffset = 0xffff_ffff;
    });
    const r = bootImage(bytes);
    expect(codes(r)).toEqual(['KC7010']);
    expect(messages(r)).toContain("boot invocation 0 'Untyped_Retype'");
    expect(messages(r)).toContain('seL4 error 4 (RangeError) [0, 4095]');
  });

  it('the shape knows every invocation op of plan.schema.json with exactly its fields', () => {
    const schema = JSON.parse(fs.readFileSync(`${repoRoot}/schema/plan.schema.json`, 'utf8')) as {
      definitions: Record<string, { properties: Record<string, { const?: string }>; required: string[] }>;
    };
    const published = Object.values(schema.definitions)
      .filter((d) => typeof d.properties?.['op']?.const === 'string')
      .map((d) => [d.properties['op']!.const!, d.required.filter((f) => f !== 'op').sort()] as const);
    const ours = Object.entries(INVOCATION_FIELDS).map(([op, fields]) => [op, Object.keys(fields).sort()] as const);
    expect(published.length).toBe(14);
    expect(new Map(ours)).toEqual(new Map(published));
  });
});
