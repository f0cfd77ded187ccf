// The system rules applied to an image's plan (image/bootImage/planRules.ts), called directly on
// the plans of the built examples and their device tree, each rule at its bounds with its whole
// message. test/runtime/planRules.test.ts shows `check` and `run` refusing such images end to end.
import { describe, expect, it } from 'vitest';
import { readImage } from '../../../image/bootImage/index.js';
import { planRuleDiagnostics, type PlanRuleInput } from '../../../image/bootImage/planRules.js';
import { decodeFdt } from '../../../image/fdt/index.js';
import { platformFromFdt } from '../../../image/platform.js';
import type { Platform, PlatformDevice } from '../../../image/platformModel.js';
import type { Plan } from '../../../schema/plan.generated.js';
import { exampleImage } from '../../runtime/exampleImages.js';

const UART = '/soc/serial@10000000';

interface Example {
  readonly plan: Plan;
  readonly components: PlanRuleInput['components'];
  readonly platform: Platform;
}

async function example(name: string): Promise<Example> {
  const image = readImage(await exampleImage(name));
  return { plan: JSON.parse(image.planJson) as Plan, components: image.components.map((c) => ({ name: c.name, entry: c.entry })), platform: platformFromFdt(decodeFdt(image.dtb)) };
}

/** `code: message` of every rule the example breaks after `edit` (of a copy of its plan, and optionally its platform and sections). */
async function broken(
  name: string,
  edit: (plan: Plan) => void,
  options: { platform?: (platform: Platform) => Platform; components?: (components: PlanRuleInput['components']) => PlanRuleInput['components'] } = {},
): Promise<string[]> {
  const { plan, components, platform } = await example(name);
  const copy = structuredClone(plan);
  edit(copy);
  const input = { plan: copy, components: options.components?.(components) ?? components, platform: options.platform?.(platform) ?? platform };
  return planRuleDiagnostics(input).map((d) => `${d.code}: ${d.message}`);
}

const component = (plan: Plan, name: string) => plan.components.find((c) => c.name === name)!;
const grantOf = (plan: Plan, kind: string, device: string) => plan.grants.find((g) => g.kind === kind && g.device === device)!;
const withDevice = (path: string, change: (device: PlatformDevice) => PlatformDevice) => (platform: Platform): Platform => ({
  ...platform,
  devices: platform.devices.map((d) => (d.path === path ? change(d) : d)),
});
const addDevice = (device: Partial<PlatformDevice> & { path: string }) => (platform: Platform): Platform => {
  const uart = platform.devices.find((d) => d.path === UART)!;
  return { ...platform, devices: [...platform.devices, { ...uart, interrupts: [], compatible: ['x'], ...device }] };
};
const offDevice = (kind: string, who: string, device: string, detail: string) =>
  `KC7306: the plan's ${kind} grant of '${who}' on '${device}' does not fit the device tree in the image: ${detail}`;

describe('planRuleDiagnostics on the examples', () => {
  it('finds nothing in a plan built from a valid descriptor', async () => {
    for (const name of ['hello', 'uart-echo', 'timer', 'ping-pong', 'fault']) {
      const { plan, components, platform } = await example(name);
      expect(planRuleDiagnostics({ plan, components, platform }), name).toEqual([]);
    }
  });

  it('reports at the location it is given', async () => {
    const { plan, components, platform } = await example('hello');
    const [d] = planRuleDiagnostics({ plan, components: components.map((c) => ({ ...c, entry: c.entry + 2 })), platform }, { file: 'sys.img' });
    expect(d).toMatchObject({ code: 'KC7309', file: 'sys.img' });
  });
});

describe('KC7309: the entry of the code section', () => {
  it('compares each component with the first section of its name, modulo 2^32', async () => {
    const entry = (edit: (plan: Plan) => void, components: (c: PlanRuleInput['components']) => PlanRuleInput['components']) => broken('uart-echo', edit, { components });
    expect(await entry(() => {}, (cs) => cs.map((c) => (c.name === 'client' ? { ...c, entry: 0x1_0004 } : c)))).toEqual([
      "KC7309: the plan starts 'client' at '0x00010000', but its code section's entry point is '0x00010004'",
    ]);
    expect(await entry(() => {}, (cs) => [...cs, { name: 'client', entry: 0x1_0004 }])).toEqual([]);
    expect(await entry(() => {}, (cs) => [{ name: 'client', entry: 0x1_0004 }, ...cs])).toHaveLength(1);
    expect(await entry((plan) => (component(plan, 'client').tcb.entry = -4), (cs) => cs.map((c) => (c.name === 'client' ? { ...c, entry: 0xffff_fffc } : c)))).toEqual([]);
    // A component without a section is no entry problem (the boot refuses it elsewhere).
    expect(await entry(() => {}, (cs) => cs.filter((c) => c.name !== 'client'))).toEqual([]);
  });
});

describe('KC7305/KC7306: each grant on its device', () => {
  it('a device the tree does not have, or not enabled', async () => {
    const absent = await broken('timer', (plan) => (grantOf(plan, 'irq', '/soc/rtc@101000').device = '/soc/none'));
    expect(absent).toEqual([offDevice('irq', 'rtc-driver', '/soc/none', 'the device tree has no such device')]);
    const status = (value: string) => broken('timer', () => {}, { platform: withDevice('/soc/rtc@101000', (d) => ({ ...d, status: value })) });
    expect(await status('disabled')).toEqual([
      offDevice('irq', 'rtc-driver', '/soc/rtc@101000', "its status is 'disabled'"),
      offDevice('mmio', 'rtc-driver', '/soc/rtc@101000', "its status is 'disabled'"),
    ]);
    expect(await status('ok')).toEqual([]);
  });

  it("a device the kernel drives: the interrupt controller or the timer", async () => {
    const kernel = (device: string) =>
      broken('timer', (plan) => {
        const g = grantOf(plan, 'irq', '/soc/rtc@101000');
        g.device = device;
      });
    expect(await kernel('/soc/plic@c000000')).toEqual(["KC7305: the plan grants 'rtc-driver' the interrupt controller '/soc/plic@c000000', which the kernel drives itself"]);
    expect(await kernel('/soc/clint@2000000')).toEqual(["KC7305: the plan grants 'rtc-driver' the timer '/soc/clint@2000000', which the kernel drives itself"]);
  });

  it('an IRQ that is not one of its interrupts, listing them', async () => {
    const irq = (n: number, platform?: (p: Platform) => Platform) => broken('timer', (plan) => (grantOf(plan, 'irq', '/soc/rtc@101000').irq = n), platform ? { platform } : {});
    expect(await irq(10)).toEqual([offDevice('irq', 'rtc-driver', '/soc/rtc@101000', 'IRQ 10 is not one of its interrupts (11)')]);
    expect(await irq(10, withDevice('/soc/rtc@101000', (d) => ({ ...d, interrupts: [] })))).toEqual([offDevice('irq', 'rtc-driver', '/soc/rtc@101000', 'IRQ 10 is not one of its interrupts (none)')]);
    expect(await irq(10, withDevice('/soc/rtc@101000', (d) => ({ ...d, interrupts: [12, 11] })))).toEqual([offDevice('irq', 'rtc-driver', '/soc/rtc@101000', 'IRQ 10 is not one of its interrupts (12, 11)')]);
    expect(await irq(12, withDevice('/soc/rtc@101000', (d) => ({ ...d, interrupts: [12, 11] })))).toEqual([]);
  });

  it('a window of no page, or not of whole pages', async () => {
    const window = (paddr: number, size: number) =>
      broken('hello', (plan) => {
        const g = grantOf(plan, 'mmio', UART);
        g.paddr = paddr;
        g.size = size;
      });
    const notWhole = (text: string) => offDevice('mmio', 'hello', UART, `the window ${text} is not whole pages`);
    expect((await window(0x1000_0000, 0)).slice(0, 1)).toEqual([notWhole("'0x10000000'+'0x00000000'")]);
    expect((await window(0x1000_0800, 0x1000)).slice(0, 1)).toEqual([notWhole("'0x10000800'+'0x00001000'")]);
    expect((await window(0x1000_0000, 0x800)).slice(0, 1)).toEqual([notWhole("'0x10000000'+'0x00000800'")]);
  });

  it('a window outside every register range, page-rounded, listing the ranges', async () => {
    const uart = (reg: { base: number; size: number }[], paddr = 0x1000_0000, size = 0x1000) =>
      broken(
        'hello',
        (plan) => {
          const g = grantOf(plan, 'mmio', UART);
          g.paddr = paddr;
          g.size = size;
          for (const m of component(plan, 'hello').vspace) if (m.source === UART) m.size = size;
        },
        { platform: withDevice(UART, (d) => ({ ...d, reg })) },
      );
    const outside = (window: string, regs: string) => offDevice('mmio', 'hello', UART, `the window ${window} is outside its registers (${regs})`);
    // Registers inside a page: the page is theirs, from its start to its end.
    expect(await uart([{ base: 0x1000_0f00, size: 0x100 }])).toEqual([]);
    expect(await uart([{ base: 0x1000_0000, size: 0x1000 }])).toEqual([]);
    expect(await uart([{ base: 0x1000_0000, size: 0x1001 }], 0x1000_0000, 0x2000)).toEqual([]);
    expect(await uart([{ base: 0x1000_0000, size: 0x1000 }], 0x1000_0000, 0x2000)).toEqual([outside("'0x10000000'..'0x10002000'", "'0x10000000'..'0x10001000'")]);
    expect(await uart([{ base: 0x1000_1000, size: 0x100 }])).toEqual([outside("'0x10000000'..'0x10001000'", "'0x10001000'..'0x10001100'")]);
    expect(await uart([])).toEqual([outside("'0x10000000'..'0x10001000'", 'none')]);
    // Inside the second of two ranges is inside.
    expect(await uart([{ base: 0x2000_0000, size: 0x10 }, { base: 0x1000_0000, size: 0x10 }])).toEqual([]);
    expect(await uart([{ base: 0x2000_0000, size: 0x10 }, { base: 0x3000_0000, size: 0x10 }])).toEqual([
      outside("'0x10000000'..'0x10001000'", "'0x20000000'..'0x20000010', '0x30000000'..'0x30000010'"),
    ]);
  });

  it("a window that also holds another device's registers (not an ancestor's), and executable registers", async () => {
    const sharing = (device: Partial<PlatformDevice> & { path: string }) => broken('hello', () => {}, { platform: addDevice(device) });
    expect(await sharing({ path: '/soc/other@10000800', reg: [{ base: 0x1000_0800, size: 0x100 }] })).toEqual([
      offDevice('mmio', 'hello', UART, "the window '0x10000000'..'0x10001000' also holds the registers of '/soc/other@10000800'"),
    ]);
    expect(await sharing({ path: '/soc/other@10001000', reg: [{ base: 0x1000_1000, size: 0x100 }] })).toEqual([]);
    expect(await sharing({ path: '/soc/other@fff0000', reg: [{ base: 0x0fff_f000, size: 0x1000 }] })).toEqual([]);
    // The bus above the UART spans it: no other device.
    expect(await sharing({ path: '/soc', reg: [{ base: 0x1000_0000, size: 0x1000_0000 }] })).toEqual([]);
    expect(await sharing({ path: '/so', reg: [{ base: 0x1000_0000, size: 0x1000_0000 }] })).toHaveLength(1);
    const rwx = await broken('hello', (plan) => (grantOf(plan, 'mmio', UART).perms = 'rwx'));
    expect(rwx).toEqual([`KC7304: the plan maps the registers of '${UART}' at '0x60000000' in 'hello' 'rwx': device registers are never executable`]);
    expect(await broken('hello', (plan) => (grantOf(plan, 'mmio', UART).perms = 'x'))).toHaveLength(1);
  });
});

describe('KC7300/KC7301: exclusive MMIO and IRQs', () => {
  it("a second component given another's window, reported once per pair and device, with the overlap", async () => {
    const twice = await broken(
      'uart-echo',
      (plan) => {
        const driver = grantOf(plan, 'mmio', UART);
        driver.size = 0x2000;
        plan.grants.push({ ...driver, component: 'client', paddr: 0x1000_1000, size: 0x2000 }, { ...driver, component: 'client', paddr: 0x1000_1000, size: 0x1000 });
        for (const m of component(plan, 'uart-driver').vspace) if (m.source === UART) m.size = 0x1000;
      },
      { platform: withDevice(UART, (d) => ({ ...d, reg: [{ base: 0x1000_0000, size: 0x4000 }] })) },
    );
    const overlap = await broken(
      'uart-echo',
      (plan) => {
        const driver = grantOf(plan, 'mmio', UART);
        driver.size = 0x2000;
        plan.grants.push({ ...driver, component: 'client', paddr: 0x1000_1000, size: 0x2000 });
        for (const m of component(plan, 'uart-driver').vspace) if (m.source === UART) m.size = 0x1000;
      },
      { platform: withDevice(UART, (d) => ({ ...d, reg: [{ base: 0x1000_0000, size: 0x4000 }] })) },
    );
    expect(overlap).toEqual(["KC7300: the plan gives 'uart-driver' and 'client' the registers '0x10001000'..'0x10002000' of '/soc/serial@10000000'; MMIO is exclusive unless both grants are shared"]);
    // Two devices' windows: two reports.
    const both = await broken('uart-echo', (plan) => {
      for (const device of [UART, '/soc/test@100000']) plan.grants.push({ ...grantOf(plan, 'mmio', device), component: 'client' });
    });
    expect(both.map((line) => line.replace(/ the registers .* of /, ' … of '))).toEqual([
      "KC7300: the plan gives 'uart-driver' and 'client' … of '/soc/test@100000'; MMIO is exclusive unless both grants are shared",
      "KC7300: the plan gives 'uart-driver' and 'client' … of '/soc/serial@10000000'; MMIO is exclusive unless both grants are shared",
    ]);
    expect(twice).toEqual(["KC7300: the plan gives 'uart-driver' and 'client' the registers '0x10001000'..'0x10002000' of '/soc/serial@10000000'; MMIO is exclusive unless both grants are shared"]);
    const shared = (first: boolean, second: boolean) =>
      broken('uart-echo', (plan) => {
        const driver = grantOf(plan, 'mmio', UART);
        if (first) driver.shared = true;
        plan.grants.push({ ...driver, component: 'client', ...(second ? { shared: true } : {}) });
        if (!second) delete plan.grants[plan.grants.length - 1]!.shared;
      });
    expect(await shared(true, true)).toEqual([]);
    expect(await shared(true, false)).toHaveLength(1);
    expect(await shared(false, true)).toHaveLength(1);
  });

  it('an IRQ given to a second component', async () => {
    const irq = await broken('uart-echo', (plan) => plan.grants.push({ ...grantOf(plan, 'irq', UART), component: 'client' }));
    expect(irq).toEqual(["KC7301: the plan gives IRQ 10 to 'uart-driver' and to 'client'; an interrupt has one handler"]);
  });
});

describe('KC7302/KC7303: protected procedure calls', () => {
  it('a call to a server of lower or equal priority, through its slot', async () => {
    const priority = (n: number) => broken('timer', (plan) => (component(plan, 'rtc-driver').tcb.priority = n));
    const lower = (p: number, client: string) => `KC7302: the plan lets '${client}' (priority 100) call 'rtc-driver' (priority ${p}) through CSpace slot 74; a protected procedure call goes only to a strictly higher priority`;
    expect(await priority(100)).toEqual([lower(100, 'client-a'), lower(100, 'client-b')]);
    expect(await priority(50)).toEqual([lower(50, 'client-a'), lower(50, 'client-b')]);
    expect(await priority(101)).toEqual([]);
  });

  it("takes a component's priority from the first component of its name", async () => {
    const twice = await broken('timer', (plan) => plan.components.push({ ...structuredClone(component(plan, 'client-a')), name: 'rtc-driver', tcb: { ...component(plan, 'client-a').tcb, priority: 50 } }));
    expect(twice.filter((line) => line.startsWith('KC7302'))).toEqual([]);
  });

  it('is no call without the write right, to itself, or through the pinned fault endpoint slot', async () => {
    const edited = (edit: (slot: Plan['components'][number]['cspace'][number], plan: Plan) => void) =>
      broken('timer', (plan) => {
        component(plan, 'rtc-driver').tcb.priority = 100;
        const slot = component(plan, 'client-a').cspace.find((s) => s.object === 'ep_rtc-driver')!;
        edit(slot, plan);
        component(plan, 'client-b').cspace = component(plan, 'client-b').cspace.filter((s) => s.object !== 'ep_rtc-driver');
      });
    expect(await edited(() => {})).toHaveLength(1);
    expect(await edited((slot) => (slot.rights.write = false))).toEqual([]);
    expect(await edited((slot) => (slot.kind = 'notification'))).toEqual([]);
    // Slot 2 is the fault endpoint only while the TCB says so.
    expect(await edited((slot, plan) => {
      slot.slot = 2;
      component(plan, 'client-a').tcb.faultEndpointSlot = 2;
    })).toEqual([]);
    expect(await edited((slot) => (slot.slot = 2))).toHaveLength(1);
    expect(await edited((slot, plan) => {
      slot.slot = 3;
      component(plan, 'client-a').tcb.faultEndpointSlot = 2;
    })).toHaveLength(1);
    // The server's own endpoint in its own CSpace is no call.
    expect(await broken('timer', (plan) => {
      const own = component(plan, 'rtc-driver').cspace.find((s) => s.object === 'ep_rtc-driver')!;
      own.rights.read = false;
    })).toEqual([]);
  });

  it('a cycle of calls', async () => {
    const cycle = await broken('ping-pong', (plan) => {
      component(plan, 'client').objects.endpoint = 'ep_client';
      plan.objects.push({ ...plan.objects.find((o) => o.name === 'ep_server')!, name: 'ep_client', owner: 'client' } as Plan['objects'][number]);
      const call = component(plan, 'client').cspace.find((s) => s.object === 'ep_server')!;
      component(plan, 'server').cspace.push({ ...call, slot: 80, object: 'ep_client' });
    });
    expect(cycle.filter((line) => line.startsWith('KC7303'))).toEqual(["KC7303: the plan has a cycle of protected procedure calls: 'client' → 'server' → 'client'"]);
  });
});

describe("KC7308: capabilities to another component's objects", () => {
  it("its TCB, CNode or VSpace, or a right to receive on its notification or endpoint", async () => {
    const holding = (kind: string, object: string, read: boolean) =>
      broken('uart-echo', (plan) => {
        const template = component(plan, 'client').cspace[0]!;
        component(plan, 'client').cspace.push({ ...template, slot: 40, kind: kind as never, object, rights: { ...template.rights, read } });
      });
    const foreign = (what: string) => `KC7308: the plan gives 'client' in CSpace slot 40 ${what} of 'uart-driver'`;
    expect(await holding('tcb', 'tcb_uart-driver', false)).toEqual([foreign("the tcb 'tcb_uart-driver'")]);
    expect(await holding('cnode', 'cnode_uart-driver', false)).toEqual([foreign("the cnode 'cnode_uart-driver'")]);
    expect(await holding('vspace', 'vspace_uart-driver', false)).toEqual([foreign("the vspace 'vspace_uart-driver'")]);
    expect(await holding('notification', 'ntfn_uart-driver', true)).toEqual([foreign("a right to receive on the notification 'ntfn_uart-driver'")]);
    expect(await holding('notification', 'ntfn_uart-driver', false)).toEqual([]);
    expect(await holding('irqHandler', 'tcb_uart-driver', true)).toEqual([]);
    // Its own, and an object no component names.
    expect(await holding('tcb', 'tcb_client', true)).toEqual([]);
    expect(await holding('tcb', 'irq_10', true)).toEqual([]);
    const endpoint = await broken('timer', (plan) => (component(plan, 'client-a').cspace.find((s) => s.object === 'ep_rtc-driver')!.rights.read = true));
    expect(endpoint).toEqual(["KC7308: the plan gives 'client-a' in CSpace slot 74 a right to receive on the endpoint 'ep_rtc-driver' of 'rtc-driver'"]);
  });

  it('an object two components name belongs to the first', async () => {
    const shared = await broken('uart-echo', (plan) => {
      component(plan, 'client').objects.notification = 'ntfn_uart-driver';
      component(plan, 'client').cspace.find((s) => s.object === 'ntfn_uart-driver')!.rights.read = true;
    });
    expect(shared).toEqual(["KC7308: the plan gives 'client' in CSpace slot 10 a right to receive on the notification 'ntfn_uart-driver' of 'uart-driver'"]);
    // The driver comes first in the plan; the client naming the driver's notification makes it no one else's.
    const reversed = await broken('uart-echo', (plan) => {
      plan.components.reverse();
      component(plan, 'client').objects.notification = 'ntfn_uart-driver';
      component(plan, 'uart-driver').cspace.find((s) => s.object === 'ntfn_uart-driver')!.rights.read = true;
    });
    expect(reversed).toEqual(["KC7308: the plan gives 'uart-driver' in CSpace slot 1 a right to receive on the notification 'ntfn_uart-driver' of 'client'"]);
  });
});

describe('KC7304/KC7307: mappings', () => {
  const map = (edit: (m: Plan['components'][number]['vspace'][number], plan: Plan) => void, frame = 'frame_client_stack_7fffc000', options = {}) =>
    broken(
      'uart-echo',
      (plan) => {
        const m = [...component(plan, 'client').vspace, ...component(plan, 'uart-driver').vspace].find((x) => x.frame === frame)!;
        edit(m, plan);
      },
      options,
    );
  const outside = (frame: string, vaddr: string, who: string, detail: string) => `KC7307: the plan maps frame '${frame}' at '${vaddr}' in '${who}', outside what it is granted: ${detail}`;

  it('a writable and executable page', async () => {
    expect(await map((m) => (m.perms = 'rwx'), 'frame_client_elf_00010000')).toEqual([
      "KC7304: the plan maps the elf frame 'frame_client_elf_00010000' at '0x00010000' in 'client' 'rwx': a page is never both writable and executable",
    ]);
    expect(await map((m) => (m.perms = 'wx'), 'frame_client_elf_00010000')).toHaveLength(1);
    expect(await map((m) => (m.perms = 'rx'), 'frame_client_elf_00010000')).toEqual([]);
  });

  it('a frame that is no frame object of the plan', async () => {
    const detail = 'it is not a frame object of the plan';
    expect(await map((m) => (m.frame = 'tcb_client'))).toEqual([outside('tcb_client', '0x7fffc000', 'client', detail)]);
    expect(await map((m) => (m.frame = 'nothing'))).toEqual([outside('nothing', '0x7fffc000', 'client', detail)]);
    // The first object of a name counts.
    expect(await map((m, plan) => plan.objects.unshift({ ...plan.objects.find((o) => o.name === 'tcb_client')!, name: m.frame }))).toEqual([outside('frame_client_stack_7fffc000', '0x7fffc000', 'client', detail)]);
  });

  it('a device frame only inside its own MMIO grant, at the grant offset', async () => {
    const mmio = (edit: (m: Plan['components'][number]['vspace'][number], plan: Plan) => void) => map(edit, 'mmio_10000000');
    const none = (paddr: string, source = UART) => outside('mmio_10000000', '0x60000000', 'uart-driver', `'${paddr}' is in no MMIO grant of 'uart-driver' for '${source}'`);
    expect(await mmio((m) => (m.source = '/soc/test@100000'))).toEqual([none('0x10000000', '/soc/test@100000')]);
    expect(await mmio((m) => (m.paddr = 0x1000_1000))).toEqual([none('0x10001000')]);
    expect(await mmio((m) => (m.paddr = 0x0fff_f000))).toEqual([none('0x0ffff000')]);
    // A page below the grant at the grant's offset, ending inside it, is still outside.
    expect(await mmio((m) => {
      m.paddr = 0x0fff_f000;
      m.vaddr -= 0x1000;
      m.size = 0x2000;
    })).toEqual([outside('mmio_10000000', '0x5ffff000', 'uart-driver', "'0x0ffff000' is in no MMIO grant of 'uart-driver' for '/soc/serial@10000000'")]);
    expect(await mmio((m) => (m.size = 0x2000))).toEqual([none('0x10000000')]);
    expect(await mmio((m) => (m.vaddr = 0x6000_2000))).toEqual([outside('mmio_10000000', '0x60002000', 'uart-driver', "'0x10000000' is in no MMIO grant of 'uart-driver' for '/soc/serial@10000000'")]);
    // The second page of a two-page grant, at its offset.
    const second = await broken(
      'uart-echo',
      (plan) => {
        const g = grantOf(plan, 'mmio', UART);
        g.size = 0x2000;
        const m = component(plan, 'uart-driver').vspace.find((x) => x.frame === 'mmio_10000000')!;
        m.paddr = 0x1000_1000;
        m.vaddr = g.vaddr + 0x1000;
      },
      { platform: withDevice(UART, (d) => ({ ...d, reg: [{ base: 0x1000_0000, size: 0x2000 }] })) },
    );
    expect(second).toEqual([]);
    // Another component's grant of the same device does not count.
    expect(await broken('uart-echo', (plan) => {
      const m = component(plan, 'uart-driver').vspace.find((x) => x.frame === 'mmio_10000000')!;
      component(plan, 'client').vspace.push({ ...m });
    })).toEqual([outside('mmio_10000000', '0x60000000', 'client', "'0x10000000' is in no MMIO grant of 'client' for '/soc/serial@10000000'")]);
  });

  it('any other frame in RAM, naming the device whose registers it is', async () => {
    const ram = { base: 0x8000_0000, size: 0x800_0000 };
    expect(await map((m) => (m.paddr = 0x1000_0000))).toEqual([outside('frame_client_stack_7fffc000', '0x7fffc000', 'client', `its stack frame '0x10000000' is not RAM but the registers of '${UART}'`)]);
    expect(await map((m) => (m.paddr = 0x1000_0100))).toEqual([outside('frame_client_stack_7fffc000', '0x7fffc000', 'client', "its stack frame '0x10000100' is not RAM")]);
    expect(await map((m) => (m.paddr = 0x0fff_f000))).toEqual([outside('frame_client_stack_7fffc000', '0x7fffc000', 'client', "its stack frame '0x0ffff000' is not RAM")]);
    expect(await map((m) => (m.paddr = 0x0fff_f001))).toEqual([outside('frame_client_stack_7fffc000', '0x7fffc000', 'client', `its stack frame '0x0ffff001' is not RAM but the registers of '${UART}'`)]);
    expect(await map((m) => (m.paddr = ram.base - 0x1000))).toHaveLength(1);
    expect(await map((m) => (m.paddr = ram.base))).toEqual([]);
    // A device of two register ranges is named by either.
    const twoRanges = withDevice(UART, (d) => ({ ...d, reg: [{ base: 0x2000_0000, size: 0x10 }, ...d.reg] }));
    expect(await map((m) => (m.paddr = 0x1000_0000), undefined, { platform: twoRanges })).toEqual([
      outside('frame_client_stack_7fffc000', '0x7fffc000', 'client', `its stack frame '0x10000000' is not RAM but the registers of '${UART}'`),
    ]);
    expect(await map((m) => (m.paddr = ram.base + ram.size - 0x1000))).toEqual([]);
    expect(await map((m) => (m.paddr = ram.base + ram.size - 0xfff))).toHaveLength(1);
    // In the second of two RAM banks.
    const banks = (p: Platform): Platform => ({ ...p, ram: [{ base: 0x4000_0000, size: 0x1000 }, ...p.ram] });
    expect(await map(() => {}, undefined, { platform: banks })).toEqual([]);
  });

  it("a frame of another component's, or a region's frame mapped as another region or as its own", async () => {
    const foreign = await map((m) => (m.frame = 'frame_uart-driver_stack_7fffc000'));
    expect(foreign).toEqual([outside('frame_uart-driver_stack_7fffc000', '0x7fffc000', 'client', "a stack mapping of 'uart-driver''s frame")]);
    const region = (edit: (m: Plan['components'][number]['vspace'][number]) => void) =>
      broken('uart-echo', (plan) => edit(component(plan, 'client').vspace.find((x) => x.frame === 'region_rx_ring_00000')!));
    expect(await region((m) => (m.source = 'tx_ring'))).toEqual([outside('region_rx_ring_00000', '0x40000000', 'client', "a region mapping of no component's (purpose 'region:rx_ring') frame")]);
    expect(await region((m) => (m.purpose = 'stack'))).toEqual([outside('region_rx_ring_00000', '0x40000000', 'client', "a stack mapping of no component's (purpose 'region:rx_ring') frame")]);
    const own = await map((m) => {
      m.frame = 'frame_client_elf_00012000';
      m.purpose = 'region';
      m.source = 'rx_ring';
    });
    expect(own).toEqual([outside('frame_client_elf_00012000', '0x7fffc000', 'client', "a region mapping of 'client''s frame")]);
  });
});
