// The boot proof (runtime/boot/verify.ts), each way of "exactly the plan, nothing beyond it": the
// kernel state of a really booted uart-echo is changed behind the kernel's back (a cap in a slot the
// plan does not list, wrong rights bit by bit, wrong badge, object or kind, an extra mapping of RAM,
// a device or other memory, a wrong frame, an extra IRQ handler or binding, thread settings), or the
// plan handed to the proof is, and each difference must be reported with its code and its words.
import { describe, expect, it } from 'vitest';
import { bootImage, deviceLookupOf, type BootedSystem } from '../../../runtime/boot/index.js';
import { verifyBoot } from '../../../runtime/boot/verify.js';
import { allSlots } from '../../../runtime/kernel/invariants.js';
import { Reg } from '../../../runtime/kernel/abi.js';
import type { Cap, CSlot, NotificationObject } from '../../../runtime/kernel/objects.js';
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, ptePaddr } from '../../../runtime/kernel/vspace.js';
import type { Plan } from '../../../schema/plan.generated.js';
import { exampleImage } from '../exampleImages.js';

const ALL = { read: true, write: true, grant: true, grantReply: true };

async function booted(name = 'uart-echo'): Promise<BootedSystem> {
  const r = bootImage(await exampleImage(name));
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.system;
}

/**
 * The proof on `system`, optionally against an edited copy of its plan; [code, message] each. A cap
 * written behind the kernel's back can also break its bookkeeping (KC7030, tested in boot.test.ts):
 * left out here.
 */
function proof(system: BootedSystem, editPlan?: (plan: Plan) => void): [string, string][] {
  const plan = structuredClone(system.plan);
  editPlan?.(plan);
  const components = system.components.map((c) => ({ ...c, plan: plan.components.find((p) => p.name === c.plan.name)! }));
  const found = verifyBoot(system.kernel, plan, components, deviceLookupOf(system.machine));
  return found.filter((d) => d.code !== 'KC7030').map((d) => [d.code, d.message]);
}

const component = (system: BootedSystem, name: string) => system.components.find((c) => c.plan.name === name)!;

/** Slot `index` of a component's CSpace. */
function slot(system: BootedSystem, name: string, index: number): CSlot {
  const root = component(system, name).tcb.cspaceRoot.cap;
  if (root.kind !== 'cnode') throw new Error('no CNode');
  return root.obj.slots.at(index)!;
}

/** Writes a 4 KiB user leaf PTE for `vaddr` into the component's existing second-level table. */
function writeLeaf(system: BootedSystem, name: string, vaddr: number, paddr: number, flags = PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D): void {
  const mem = system.kernel.memory;
  const root = component(system, name).vspace;
  const table = ptePaddr(mem.readU32(root.paddr + 4 * (vaddr >>> 22)));
  mem.writeU32(table + 4 * ((vaddr >>> 12) & 0x3ff), (((paddr / 4096) << 10) | flags) >>> 0);
}

const notificationOf = (system: BootedSystem, name: string): NotificationObject => {
  const cap = slot(system, name, 1).cap;
  if (cap.kind !== 'notification') throw new Error('slot 1 is not a notification');
  return cap.obj;
};

describe('the boot proof: nothing beyond the plan', () => {
  it('the unchanged boot proves clean', async () => {
    expect(proof(await booted())).toEqual([]);
  });

  it('a capability in a slot the plan does not list is reachable beyond the plan (KC7022); an empty one is not', async () => {
    const system = await booted();
    slot(system, 'uart-driver', 200).cap = { kind: 'tcb', obj: component(system, 'client').tcb };
    slot(system, 'uart-driver', 201).cap = { kind: 'null' };
    expect(proof(system)).toEqual([['KC7022', "component 'uart-driver' can reach a 'tcb tcb_client' capability in slot 200, which the plan does not grant it"]]);
  });

  it('a badged capability beyond the plan is named with its badge and rights', async () => {
    const system = await booted();
    slot(system, 'client', 77).cap = { kind: 'notification', obj: notificationOf(system, 'uart-driver'), badge: 0x20, rights: { read: false, write: true, grant: false, grantReply: false } };
    expect(proof(system)).toEqual([
      ['KC7022', "component 'client' can reach a 'notification ntfn_uart-driver badge 0x00000020 rights -W--' capability in slot 77, which the plan does not grant it"],
    ]);
  });

  it.each([
    ['read', 'RW--'],
    ['write', '----'],
    ['grant', '-WG-'],
    ['grantReply', '-W-P'],
  ] as const)('a planned capability with the %s right flipped differs (KC7023)', async (right, found) => {
    const system = await booted();
    const s = slot(system, 'uart-driver', 10);
    const cap = s.cap as Extract<Cap, { kind: 'notification' }>;
    expect(cap.rights).toEqual({ read: false, write: true, grant: false, grantReply: false });
    s.cap = { ...cap, rights: { ...cap.rights, [right]: !cap.rights[right] } };
    expect(proof(system)).toEqual([
      ['KC7023', `component 'uart-driver': CSpace slot 10 holds 'notification ntfn_client badge 0x00000001 rights ${found}', the plan says 'notification ntfn_client badge 0x00000001 rights -W--'`],
    ]);
  });

  it("a capability beyond the plan to an object the plan does not name is named by its type and address (the root task's own TCB)", async () => {
    const system = await booted();
    const initThread = system.kernel.rootCNode.slots[1]!.cap;
    if (initThread.kind !== 'tcb') throw new Error('root CNode slot 1 is not the initial thread');
    expect(system.components.map((c) => c.tcb)).not.toContain(initThread.obj);
    slot(system, 'client', 90).cap = initThread;
    expect(proof(system)).toEqual([
      ['KC7022', `component 'client' can reach a 'tcb tcb@0x${initThread.obj.paddr.toString(16).padStart(8, '0')}' capability in slot 90, which the plan does not grant it`],
    ]);
  });

  it.each(['badge', 'read', 'write', 'grant', 'grantReply'] as const)(
    'a planned endpoint capability with its %s flipped differs (KC7023), named with badge and rights both ways',
    async (what) => {
      const system = await booted('ping-pong');
      const [c, p] = system.plan.components.flatMap((c) => c.cspace.filter((p) => p.kind === 'endpoint').map((p) => [c, p] as const))[0]!;
      const s = slot(system, c.name, p.slot);
      const cap = s.cap as Extract<Cap, { kind: 'endpoint' }>;
      expect([cap.kind, cap.badge, cap.rights]).toEqual(['endpoint', p.badge, p.rights]);
      const changed = what === 'badge' ? { ...cap, badge: cap.badge ^ 1 } : { ...cap, rights: { ...cap.rights, [what]: !cap.rights[what] } };
      s.cap = changed;
      const text = (b: number, r: typeof cap.rights) =>
        `'endpoint ${p.object} badge 0x${b.toString(16).padStart(8, '0')} rights ${r.read ? 'R' : '-'}${r.write ? 'W' : '-'}${r.grant ? 'G' : '-'}${r.grantReply ? 'P' : '-'}'`;
      expect(proof(system)).toEqual([['KC7023', `component '${c.name}': CSpace slot ${p.slot} holds ${text(changed.badge, changed.rights)}, the plan says ${text(p.badge, p.rights)}`]]);
    },
  );

  it('a planned capability with another badge, to another object or of another kind differs (KC7023)', async () => {
    const system = await booted();
    const s = slot(system, 'uart-driver', 10);
    const cap = s.cap as Extract<Cap, { kind: 'notification' }>;
    s.cap = { ...cap, badge: 3 };
    expect(proof(system).map(([code, message]) => [code, message.split(',')[0]])).toEqual([['KC7023', "component 'uart-driver': CSpace slot 10 holds 'notification ntfn_client badge 0x00000003 rights -W--'"]]);
    s.cap = { ...cap, obj: notificationOf(system, 'uart-driver') };
    expect(proof(system).map(([code]) => code)).toEqual(['KC7023']);
    s.cap = cap;
    const tcbSlot = slot(system, 'client', 6);
    const tcbCap = tcbSlot.cap;
    tcbSlot.cap = { kind: 'tcb', obj: component(system, 'uart-driver').tcb };
    expect(proof(system)).toEqual([["KC7023", "component 'client': CSpace slot 6 holds 'tcb tcb_uart-driver', the plan says 'tcb tcb_client'"]]);
    tcbSlot.cap = { kind: 'notification', obj: notificationOf(system, 'client'), badge: 0, rights: ALL };
    expect(proof(system).map(([code]) => code)).toEqual(['KC7023']);
    tcbSlot.cap = tcbCap;
    expect(proof(system)).toEqual([]);
  });

  it('a planned capability in a slot that holds nothing, never used or beyond the CNode, is reported as nothing there', async () => {
    const system = await booted();
    const extra = (slot: number) => (plan: Plan) => {
      plan.components.find((c) => c.name === 'client')!.cspace.push({ slot, kind: 'tcb', object: 'tcb_client', badge: 0, rights: ALL, role: 'tcb' } as Plan['components'][number]['cspace'][number]);
    };
    for (const at of [100, 255, 256]) {
      expect(proof(system, extra(at))).toEqual([['KC7023', `component 'client': CSpace slot ${at} holds nothing, the plan says 'tcb tcb_client'`]]);
    }
    slot(system, 'client', 100);
    expect(proof(system, extra(100))).toEqual([['KC7023', "component 'client': CSpace slot 100 holds nothing, the plan says 'tcb tcb_client'"]]);
  });

  it('an extra mapping of RAM, of device registers or of other memory is reachable beyond the plan (KC7022)', async () => {
    const system = await booted();
    writeLeaf(system, 'client', 0x7fff_e000, 0x8040_6000);
    writeLeaf(system, 'client', 0x7fff_b000, 0x0010_1000);
    writeLeaf(system, 'client', 0x7fff_a000, 0x2000_0000);
    expect(proof(system).filter(([code]) => code === 'KC7022')).toEqual([
      ['KC7022', "component 'client' can reach physical address '0x20000000' at '0x7fffa000', which the plan does not grant it"],
      ['KC7022', "component 'client' can reach device '/soc/rtc@101000' registers at '0x00101000' (mapped at '0x7fffb000', rw), which the plan does not grant it"],
      ['KC7022', "component 'client' can reach RAM frame '0x80406000' at '0x7fffe000', which the plan does not grant it"],
    ]);
    // the rights of the extra mapping as the PTE gives them, each bit alone
    const rights = await booted();
    writeLeaf(rights, 'client', 0x7fff_b000, 0x0010_1000, PTE_V | PTE_X | PTE_U | PTE_A);
    writeLeaf(rights, 'client', 0x7fff_a000, 0x0010_1000, PTE_V | PTE_R | PTE_U | PTE_A);
    writeLeaf(rights, 'client', 0x7fff_9000, 0x0010_1000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D);
    expect(proof(rights).filter(([code]) => code === 'KC7022').map(([, message]) => /\(mapped at '(0x\w+)', (\w*)\)/.exec(message)?.slice(1))).toEqual([
      ['0x7fff9000', 'rwx'],
      ['0x7fffa000', 'r'],
      ['0x7fffb000', 'x'],
    ]);
  });

  it("an extra mapping names RAM exactly for the platform's RAM: its first and last page are RAM frames, the page below and the page past it are not", async () => {
    const system = await booted();
    const [ram] = system.machine.platform.ram;
    expect(system.machine.platform.ram).toHaveLength(1);
    expect([ram!.base, ram!.base + ram!.size]).toEqual([0x8000_0000, 0x8800_0000]);
    writeLeaf(system, 'client', 0x7fff_9000, 0x7fff_f000); // the page below RAM
    writeLeaf(system, 'client', 0x7fff_a000, 0x8000_0000); // RAM's first page
    writeLeaf(system, 'client', 0x7fff_b000, 0x87ff_f000); // RAM's last page
    writeLeaf(system, 'client', 0x7fff_e000, 0x8800_0000); // the page past RAM
    expect(proof(system).filter(([code]) => code === 'KC7022').map(([, message]) => /can reach (.*), which/.exec(message)?.[1])).toEqual([
      "physical address '0x7ffff000' at '0x7fff9000'",
      "RAM frame '0x80000000' at '0x7fffa000'",
      "RAM frame '0x87fff000' at '0x7fffb000'",
      "physical address '0x88000000' at '0x7fffe000'",
    ]);
  });

  it('a planned mapping no frame cap records (the kernel did not make it) is not taken as cached: it differs from a cached plan (KC7024)', async () => {
    const system = await booted();
    const stack = component(system, 'client').plan.vspace.find((m) => m.purpose === 'stack')!;
    expect(stack.cached).toBe(true);
    const frames = [...allSlots(system.kernel)].filter((s) => s.cap.kind === 'frame' && s.cap.mapping?.vaddr === stack.vaddr && s.cap.mapping.vspace === component(system, 'client').vspace);
    expect(frames).toHaveLength(1);
    const cap = frames[0]!.cap as Extract<Cap, { kind: 'frame' }>;
    frames[0]!.cap = { ...cap, mapping: null };
    expect(proof(system).filter(([code]) => code === 'KC7024')).toEqual([
      ['KC7024', `component 'client': VSpace at '0x${stack.vaddr.toString(16)}' maps '0x${stack.paddr.toString(16)}' rw uncached, the plan says '0x${stack.paddr.toString(16)}' rw (stack ${stack.frame})`],
    ]);
  });

  it('a planned mapping onto another frame, with other rights or other cacheability differs (KC7024)', async () => {
    const system = await booted();
    const stack = component(system, 'client').plan.vspace.find((m) => m.purpose === 'stack')!;
    writeLeaf(system, 'client', stack.vaddr, 0x8040_5000);
    expect(proof(system).filter(([code]) => code === 'KC7024')).toEqual([
      ['KC7024', `component 'client': VSpace at '0x${stack.vaddr.toString(16)}' maps '0x80405000' rw, the plan says '0x${stack.paddr.toString(16)}' rw (stack ${stack.frame})`],
    ]);
    const fresh = await booted();
    expect(proof(fresh, (plan) => (plan.components.find((c) => c.name === 'client')!.vspace.find((m) => m.purpose === 'stack')!.cached = false))).toEqual([
      ['KC7024', `component 'client': VSpace at '0x${stack.vaddr.toString(16)}' maps '0x${stack.paddr.toString(16)}' rw, the plan says '0x${stack.paddr.toString(16)}' rw (stack ${stack.frame})`],
    ]);
    expect(proof(fresh, (plan) => (plan.components.find((c) => c.name === 'client')!.vspace.find((m) => m.purpose === 'stack')!.perms = 'r')).map(([c]) => c)).toEqual(['KC7024']);
    expect(proof(fresh, (plan) => (plan.components.find((c) => c.name === 'client')!.vspace.find((m) => m.purpose === 'stack')!.vaddr = 0x7fff_8000))).toEqual([
      ['KC7024', `component 'client': VSpace at '0x7fff8000' maps nothing, the plan says '0x${stack.paddr.toString(16)}' rw (stack ${stack.frame})`],
      ['KC7022', `component 'client' can reach RAM frame '0x${stack.paddr.toString(16)}' at '0x${stack.vaddr.toString(16)}', which the plan does not grant it`],
    ]);
  });

  it('an MMIO grant onto another device page, with other rights or cacheability, or one page longer differs (KC7021)', async () => {
    const system = await booted();
    const uart = (plan: Plan) => plan.grants.find((g) => g.kind === 'mmio' && g.device === '/soc/serial@10000000')!;
    expect(proof(system, (plan) => (uart(plan).perms = 'r'))).toEqual([
      ['KC7021', "component 'uart-driver': mmio grant '/soc/serial@10000000 0x10000000+0x00001000' is realized differently: planned '0x10000000' r uncached at '0x60000000', found '0x10000000' rw uncached at '0x60000000'"],
    ]);
    expect(proof(system, (plan) => (uart(plan).cached = true))).toEqual([
      ['KC7021', "component 'uart-driver': mmio grant '/soc/serial@10000000 0x10000000+0x00001000' is realized differently: planned '0x10000000' rw cached at '0x60000000', found '0x10000000' rw uncached at '0x60000000'"],
    ]);
    expect(proof(system, (plan) => (uart(plan).paddr = 0x1000_1000)).map(([c]) => c)).toEqual(['KC7021']);
    // The second page of a two-page grant is the test device's page, not the UART's next one.
    expect(proof(system, (plan) => (uart(plan).size = 0x2000))).toEqual([
      ['KC7021', "component 'uart-driver': mmio grant '/soc/serial@10000000 0x10000000+0x00002000' is realized differently: planned '0x10001000' rw uncached at '0x60001000', found '0x00100000' rw uncached at '0x60001000'"],
    ]);
    expect(proof(system, (plan) => (uart(plan).vaddr = 0x6000_4000)).map(([c, m]) => [c, m.split(':').slice(0, 2).join(':')])).toEqual([
      ['KC7020', "component 'uart-driver': mmio grant '/soc/serial@10000000 0x10000000+0x00001000' is not realized"],
      ['KC7022', "component 'uart-driver' can reach device '/soc/serial@10000000' registers at '0x10000000' (mapped at '0x60000000', rw), which the plan does not grant it"],
    ]);
  });

  it('an MMIO grant realized cached is reported with what was found; a two-page grant realized page for page is not (KC7021)', async () => {
    const system = await booted();
    const uart = (plan: Plan) => plan.grants.find((g) => g.kind === 'mmio' && g.device === '/soc/serial@10000000')!;
    const driver = component(system, 'uart-driver');
    const frame = [...allSlots(system.kernel)].find((s) => s.cap.kind === 'frame' && s.cap.mapping?.vspace === driver.vspace && s.cap.mapping.vaddr === 0x6000_0000)!.cap;
    if (frame.kind !== 'frame' || !frame.mapping) throw new Error('no frame cap maps the UART');
    (frame.mapping as { cached: boolean }).cached = true;
    expect(proof(system)).toEqual([
      ['KC7021', "component 'uart-driver': mmio grant '/soc/serial@10000000 0x10000000+0x00001000' is realized differently: planned '0x10000000' rw uncached at '0x60000000', found '0x10000000' rw cached at '0x60000000'"],
    ]);
    (frame.mapping as { cached: boolean }).cached = false;
    // The UART grant made two pages long, its second page mapped to the next device page: that page
    // matches (paddr + 4096 at vaddr + 4096); only the test device's grant, whose page it took, differs.
    writeLeaf(system, 'uart-driver', 0x6000_1000, 0x1000_1000);
    expect(proof(system, (plan) => (uart(plan).size = 0x2000)).map(([c, m]) => [c, m.split(':').slice(0, 2).join(':')])).toEqual([
      ['KC7021', "component 'uart-driver': mmio grant '/soc/test@100000 0x00100000+0x00001000' is realized differently"],
    ]);
  });

  it('an IRQ handler the plan does not grant is reachable beyond the plan (KC7022), in the holder and in another component', async () => {
    const system = await booted();
    slot(system, 'uart-driver', 140).cap = { kind: 'irqHandler', irq: 11 };
    slot(system, 'client', 139).cap = { kind: 'irqHandler', irq: 10 };
    expect(proof(system)).toEqual([
      ['KC7022', "component 'uart-driver' can reach an IRQ handler for IRQ 11 in slot 140, which the plan does not grant it"],
      ['KC7022', "component 'client' can reach an IRQ handler for IRQ 10 in slot 139, which the plan does not grant it"],
    ]);
  });

  it('an IRQ bound to a component’s notification without a grant is reachable beyond the plan (KC7022)', async () => {
    const system = await booted();
    system.kernel.irqSlots[11]!.cap = { kind: 'notification', obj: notificationOf(system, 'uart-driver'), badge: 4, rights: ALL };
    expect(proof(system)).toEqual([
      ['KC7022', "component 'uart-driver' can reach interrupts of IRQ 11, delivered to its notification, which the plan does not grant it"],
    ]);
  });

  it('the granted IRQ bound with another badge or to another notification differs (KC7021)', async () => {
    const system = await booted();
    const binding = system.kernel.irqSlots[10]!;
    const cap = binding.cap as Extract<Cap, { kind: 'notification' }>;
    binding.cap = { ...cap, badge: 4 };
    expect(proof(system).map(([code, message]) => [code, message.split(': planned')[1]])).toEqual([
      ['KC7021', ` notification 'ntfn_uart-driver' badge 0x00000002, found notification at '0x${cap.obj.paddr.toString(16).padStart(8, '0')}' badge 0x00000004`],
    ]);
    binding.cap = { ...cap, obj: notificationOf(system, 'client') };
    expect(proof(system).map(([code, message]) => [code, message.split(':')[0]])).toEqual([
      ['KC7021', "component 'uart-driver'"],
      ['KC7022', "component 'client' can reach interrupts of IRQ 10, delivered to its notification, which the plan does not grant it"],
    ]);
  });

  it('the granted IRQ without a handler issued, without its handler cap, or signalling nothing is not realized (KC7020)', async () => {
    const detail = (found: [string, string][]) => found.map(([code, message]) => [code, message.split('is not realized: ')[1] ?? message]);
    const system = await booted();
    system.kernel.irqStates[10] = 'inactive';
    expect(detail(proof(system))).toEqual([['KC7020', 'IRQ 10 has no handler issued']]);
    system.kernel.irqStates[10] = 'signal';
    const handler = slot(system, 'uart-driver', 139);
    handler.cap = { kind: 'null' };
    expect(detail(proof(system))).toEqual([['KC7020', 'slot 139 does not hold the IRQ 10 handler']]);
    handler.cap = { kind: 'irqHandler', irq: 11 };
    expect(detail(proof(system))).toEqual([
      ['KC7020', 'slot 139 does not hold the IRQ 10 handler'],
      ['KC7022', "component 'uart-driver' can reach an IRQ handler for IRQ 11 in slot 139, which the plan does not grant it"],
    ]);
    handler.cap = { kind: 'tcb', obj: component(system, 'client').tcb };
    expect(detail(proof(system))).toEqual([['KC7020', 'slot 139 does not hold the IRQ 10 handler']]);
    handler.cap = { kind: 'irqHandler', irq: 10 };
    const binding = system.kernel.irqSlots[10]!;
    const cap = binding.cap;
    binding.cap = { kind: 'null' };
    expect(detail(proof(system))).toEqual([['KC7020', 'IRQ 10 signals no notification']]);
    binding.cap = cap;
    expect(detail(proof(system, (plan) => (plan.components.find((c) => c.name === 'uart-driver')!.irqs = [])))).toEqual([
      ['KC7020', 'the component plan has no binding for it'],
    ]);
    expect(proof(system)).toEqual([]);
  });

  it.each([
    ['priority', (s: BootedSystem) => (component(s, 'client').tcb.priority += 1)],
    ['entry pc', (s: BootedSystem) => (component(s, 'client').tcb.pc += 4)],
    ['stack pointer', (s: BootedSystem) => (component(s, 'client').tcb.regs[Reg.sp] -= 16)],
    ['IPC buffer', (s: BootedSystem) => (component(s, 'client').tcb.ipcBuffer += 0x1000)],
    ['fault endpoint cptr', (s: BootedSystem) => (component(s, 'client').tcb.faultHandler += 1)],
  ] as const)('a thread whose %s differs from the plan is reported (KC7025)', async (field, change) => {
    const system = await booted();
    change(system);
    const found = proof(system);
    expect(found.map(([code]) => code)).toEqual(['KC7025']);
    expect(found[0]![1]).toMatch(new RegExp(`^component 'client': its thread has ${field} 0x[0-9a-f]{8}, the plan says 0x[0-9a-f]{8}$`));
  });

  it('reports at the image file when given one, and names the broken kernel invariant', async () => {
    const system = await booted();
    slot(system, 'uart-driver', 200).cap = { kind: 'tcb', obj: component(system, 'client').tcb };
    const lookup = deviceLookupOf(system.machine);
    const withFile = verifyBoot(system.kernel, system.plan, system.components, lookup, 'sys.img');
    expect(withFile.map((d) => d.file)).toEqual(withFile.map(() => 'sys.img'));
    expect(verifyBoot(system.kernel, system.plan, system.components, lookup).map((d) => d.file)).toEqual(withFile.map(() => undefined));
    const invariant = withFile.find((d) => d.code === 'KC7030');
    expect(invariant?.message).toMatch(/^kernel invariant broken after boot: .*tcb/);
  });

  it('ignores a page-table entry without its valid bit, as the MMU does', async () => {
    const system = await booted();
    writeLeaf(system, 'client', 0x7fff_e000, 0x8040_6000, PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
    expect(proof(system)).toEqual([]);
  });

  it('words of a grant not realized, or realized cached', async () => {
    const system = await booted();
    const uart = (plan: Plan) => plan.grants.find((g) => g.kind === 'mmio' && g.device === '/soc/serial@10000000')!;
    expect(proof(system, (plan) => (uart(plan).vaddr = 0x6000_4000))[0]).toEqual([
      'KC7020',
      "component 'uart-driver': mmio grant '/soc/serial@10000000 0x10000000+0x00001000' is not realized: nothing is mapped at '0x60004000'",
    ]);
    expect(proof(system, (plan) => (uart(plan).cached = true))).toEqual([
      ['KC7021', "component 'uart-driver': mmio grant '/soc/serial@10000000 0x10000000+0x00001000' is realized differently: planned '0x10000000' rw cached at '0x60000000', found '0x10000000' rw uncached at '0x60000000'"],
    ]);
  });

  it('checks the binding of each granted IRQ, whatever other bindings the component plan lists, and a handler slot never used', async () => {
    const system = await booted();
    const driver = (plan: Plan) => plan.components.find((c) => c.name === 'uart-driver')!;
    expect(proof(system, (plan) => driver(plan).irqs.unshift({ ...driver(plan).irqs[0]!, irq: 11, handlerSlot: 150 }))).toEqual([]);
    expect(proof(system, (plan) => (driver(plan).irqs[0]!.handlerSlot = 150)).map(([code, message]) => [code, message.split('is not realized: ')[1]])).toEqual([
      ['KC7020', 'slot 150 does not hold the IRQ 10 handler'],
    ]);
  });
});

