// The boot checks the plan against the system rules (issue 18): a re-sealed image whose plan agrees
// with itself — so the grant proof alone would pass — but grants what no descriptor may is refused
// by `check` and `run`, each rule with its own KC73xx code.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootImage } from '../../runtime/boot/index.js';
import { checkImage } from '../../runtime/run.js';
import type { Plan } from '../../schema/plan.generated.js';
import { runCli } from '../helpers/cli.js';
import { copyExample, type ExampleCopy } from '../reliability/exampleCopy.js';
import { exampleImage, withPlan } from './exampleImages.js';

const codes = (r: ReturnType<typeof bootImage>): string[] => (r.ok ? [] : r.diagnostics.map((d) => d.code));
const messages = (r: ReturnType<typeof bootImage>): string => (r.ok ? '' : r.diagnostics.map((d) => d.message).join('\n'));
const UART = '/soc/serial@10000000';

/** Two components sharing the UART, as a descriptor may say with `shared` on both grants. */
const SHARED_UART = `import { defineSystem } from 'kaal-compose';
export default defineSystem({
  name: 'shared-uart',
  components: [
    { name: 'first', priority: 100, code: { elf: 'hello.elf' }, devices: [{ device: 'serial0', mmio: { shared: true }, irq: false }, { device: '/soc/test@100000' }] },
    { name: 'second', priority: 90, code: { elf: 'hello.elf' }, devices: [{ device: 'serial0', mmio: { shared: true }, irq: false }] },
  ],
});
`;

describe('a re-sealed plan that breaks a system rule is refused by check and run', () => {
  let example: ExampleCopy;
  beforeAll(async () => {
    example = copyExample('hello', 'shared-uart');
    fs.writeFileSync(path.join(example.dir, 'shared-uart.system.ts'), SHARED_UART);
    fs.rmSync(path.join(example.dir, 'hello.system.ts'));
    const built = await runCli(['build', '-o', 'shared.img'], { cwd: example.dir });
    expect(built.stderr).not.toContain('error[');
    expect(built.code).toBe(0);
  }, 180_000);
  afterAll(() => example.cleanup());

  it('another component given the UART through a matching grant: KC7300 (the same plan with both grants shared passes)', async () => {
    const shared = new Uint8Array(fs.readFileSync(path.join(example.dir, 'shared.img')));
    const sharedGrants = (plan: Plan) => plan.grants.filter((g) => g.device === UART);
    let seen = 0;
    const exclusive = withPlan(shared, (plan) => {
      for (const g of sharedGrants(plan)) {
        expect(g.shared).toBe(true);
        delete g.shared;
        seen++;
      }
    });
    expect(seen).toBe(2);
    fs.writeFileSync(path.join(example.dir, 'exclusive.img'), exclusive);

    const honest = await runCli(['check', 'shared.img'], { cwd: example.dir });
    expect(honest.stderr).toBe('');
    expect(honest.code).toBe(0);

    const check = await runCli(['check', 'exclusive.img'], { cwd: example.dir });
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(
      "error[KC7300]: the plan gives 'first' and 'second' the registers '0x10000000'..'0x10001000' of '/soc/serial@10000000'; MMIO is exclusive unless both grants are shared",
    );
    expect(check.stdout).toBe('');
    const run = await runCli(['run', 'exclusive.img'], { cwd: example.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[KC7300]');
    expect(run.stdout).toBe('');
  }, 60_000);

  it("IRQ 10's handler given to two components (a copied handler cap, the binding to the driver's notification): KC7301", async () => {
    const image = withPlan(await exampleImage('uart-echo'), (plan) => {
      const driver = plan.components.find((c) => c.name === 'uart-driver')!;
      const client = plan.components.find((c) => c.name === 'client')!;
      const handlerSlot = driver.cspace.find((s) => s.kind === 'irqHandler')!;
      const copyIndex = plan.invocations.findIndex((i) => i.op === 'CNode_Copy' && i.component === 'uart-driver' && i.destIndex === handlerSlot.slot);
      const copy = plan.invocations[copyIndex]!;
      const clientCNode = plan.objects.find((o) => o.name === client.objects.cnode)!.rootSlot;
      plan.invocations.splice(copyIndex + 1, 0, { ...copy, service: clientCNode, component: 'client' } as typeof copy);
      client.cspace.push({ ...handlerSlot });
      client.cspace.sort((a, b) => a.slot - b.slot);
      client.irqs.push({ ...driver.irqs[0]! });
      plan.grants.push({ ...plan.grants.find((g) => g.kind === 'irq' && g.component === 'uart-driver')!, component: 'client' });
    });
    const r = bootImage(image);
    expect(codes(r)).toEqual(['KC7301']);
    expect(messages(r)).toBe("the plan gives IRQ 10 to 'uart-driver' and to 'client'; an interrupt has one handler");
    expect(checkImage(image).exitCode).toBe(1);
  }, 60_000);
});

describe('each rule of the plan', () => {
  it('the example images obey every rule (they boot)', async () => {
    for (const name of ['hello', 'ping-pong', 'uart-echo', 'timer', 'fault']) expect(codes(bootImage(await exampleImage(name)))).toEqual([]);
  });

  it('a plan whose entry point disagrees with the component section (thread set to match): KC7309', async () => {
    const image = withPlan(await exampleImage('hello'), (plan) => {
      plan.components[0]!.tcb.entry += 4;
      const write = plan.invocations.find((i) => i.op === 'TCB_WriteRegisters')!;
      if (write.op === 'TCB_WriteRegisters') write.pc += 4;
    });
    const r = bootImage(image);
    expect(codes(r)).toEqual(['KC7309']);
    expect(messages(r)).toBe("the plan starts 'hello' at '0x00010004', but its code section's entry point is '0x00010000'");
    expect(checkImage(image).exitCode).toBe(1);
  });

  it('a PPC to a server of equal priority (priorities swapped in plan and invocations): KC7302', async () => {
    const image = withPlan(await exampleImage('ping-pong'), (plan) => {
      plan.components.find((c) => c.name === 'client')!.tcb.priority = 200;
      const set = plan.invocations.find((i) => i.op === 'TCB_SetPriority' && i.priority === 100)!;
      if (set.op === 'TCB_SetPriority') set.priority = 200;
    });
    expect(messages(bootImage(image))).toBe(
      "the plan lets 'client' (priority 200) call 'server' (priority 200) through CSpace slot 74; a protected procedure call goes only to a strictly higher priority",
    );
  });

  it('PPCs both ways: a cycle, KC7303', async () => {
    const image = withPlan(await exampleImage('ping-pong'), (plan) => {
      const server = plan.components.find((c) => c.name === 'server')!;
      const client = plan.components.find((c) => c.name === 'client')!;
      const endpoint = plan.objects.find((o) => o.name === server.objects.endpoint)!;
      plan.objects.push({ ...endpoint, name: 'ep_client', owner: 'client' });
      client.objects.endpoint = 'ep_client';
      server.cspace.push({ ...client.cspace.find((s) => s.slot === 74)!, object: 'ep_client' });
    });
    const r = bootImage(image);
    expect(codes(r)).toEqual(['KC7303']);
    expect(messages(r)).toBe("the plan has a cycle of protected procedure calls: 'client' → 'server' → 'client'");
  });

  it('a writable and executable ELF page: KC7304', async () => {
    const image = withPlan(await exampleImage('hello'), (plan) => {
      plan.components[0]!.vspace.find((m) => m.purpose === 'elf' && m.perms === 'rw')!.perms = 'rwx';
    });
    expect(messages(bootImage(image))).toMatch(/^the plan maps the elf frame '\S+' at '0x[0-9a-f]+' in 'hello' 'rwx': a page is never both writable and executable$/);
  });

  it("a grant of the interrupt controller or the kernel's timer: KC7305", async () => {
    for (const [device, paddr, role] of [['/soc/plic@c000000', 0x0c00_0000, 'interrupt controller'], ['/soc/clint@2000000', 0x0200_0000, 'timer']] as const) {
      const image = withPlan(await exampleImage('hello'), (plan) => {
        plan.grants.push({ ...plan.grants.find((g) => g.kind === 'mmio')!, device, paddr, vaddr: 0x6800_0000 });
      });
      expect(messages(bootImage(image))).toBe(`the plan grants 'hello' the ${role} '${device}', which the kernel drives itself`);
    }
  });

  it('a grant outside its device, of a foreign IRQ or an absent device: KC7306', async () => {
    const hello = await exampleImage('hello');
    const uart = (edit: (g: Plan['grants'][number]) => void) =>
      bootImage(withPlan(hello, (plan) => edit(plan.grants.find((g) => g.device === UART)!)));
    expect(messages(uart((g) => void (g.paddr += 0x1000)))).toContain("is outside its registers ('0x10000000'..'0x10000100')");
    expect(messages(uart((g) => void (g.size = 0x2000)))).toContain('outside its registers');
    expect(messages(uart((g) => void (g.device = '/soc/nothing@0')))).toContain("on '/soc/nothing@0' does not fit the device tree in the image: the device tree has no such device");
    const irq = bootImage(
      withPlan(await exampleImage('uart-echo'), (plan) => {
        plan.grants.find((g) => g.kind === 'irq')!.irq = 11;
      }),
    );
    expect(codes(irq)).toContain('KC7306');
    expect(messages(irq)).toContain('IRQ 11 is not one of its interrupts (10)');
  });

  it("a frame outside the component's grants: another's stack, a device page as ELF, an MMIO page beyond its grant: KC7307", async () => {
    const pingPong = await exampleImage('ping-pong');
    const stolen = bootImage(
      withPlan(pingPong, (plan) => {
        const [client, server] = [plan.components[0]!, plan.components[1]!];
        const theirs = server.vspace.find((m) => m.purpose === 'stack')!;
        Object.assign(client.vspace.find((m) => m.purpose === 'stack' && m.vaddr === theirs.vaddr)!, { frame: theirs.frame, paddr: theirs.paddr });
      }),
    );
    expect(codes(stolen)).toEqual(['KC7307']);
    expect(messages(stolen)).toContain("a stack mapping of 'server''s frame");
    const deviceAsElf = bootImage(
      withPlan(await exampleImage('hello'), (plan) => {
        const m = plan.components[0]!.vspace.find((x) => x.purpose === 'elf')!;
        m.paddr = 0x0010_1000;
      }),
    );
    expect(messages(deviceAsElf)).toContain("its elf frame '0x00101000' is not RAM but the registers of '/soc/rtc@101000'");
    const beyond = bootImage(
      withPlan(await exampleImage('hello'), (plan) => {
        const m = plan.components[0]!.vspace.find((x) => x.source === UART)!;
        m.paddr += 0x1000;
      }),
    );
    expect(messages(beyond)).toContain("'0x10001000' is in no MMIO grant of 'hello' for '/soc/serial@10000000'");
  });

  it("another component's TCB, or a right to receive on its notification: KC7308", async () => {
    const image = withPlan(await exampleImage('ping-pong'), (plan) => {
      const [client, server] = [plan.components[0]!, plan.components[1]!];
      const own = client.cspace.find((s) => s.kind === 'tcb')!;
      client.cspace.push({ ...own, slot: 7, object: server.objects.tcb });
      client.cspace.push({ ...client.cspace.find((s) => s.kind === 'notification')!, slot: 8, object: server.objects.notification });
    });
    const r = bootImage(image);
    expect(codes(r)).toEqual(['KC7308', 'KC7308']);
    expect(messages(r)).toContain("the plan gives 'client' in CSpace slot 7 the tcb 'tcb_server' of 'server'");
    expect(messages(r)).toContain("the plan gives 'client' in CSpace slot 8 a right to receive on the notification 'ntfn_server' of 'server'");
  });
});
