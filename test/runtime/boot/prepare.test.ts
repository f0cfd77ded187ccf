// prepareBoot (runtime/boot/index.ts) on the example's image edited one way at a time: the plan's
// format version, the untypeds against the platform's RAM (a RAM untyped ending exactly at RAM's end
// fits, one outside does not; a device untyped touching RAM), bootinfo's untyped count and root CNode
// size, the emulated RAM exactly as large as the plan needs and one page smaller, a component
// without code and a segment page the plan maps to no frame; and bootImage's sink, either half of
// which may be left out.
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { readImage, type BootImage } from '../../../image/bootImage/index.js';
import { decodeFdt, encodeFdt, type FdtNode } from '../../../image/fdt/index.js';
import { bootImage, prepareBoot, translate, type BootOptions } from '../../../runtime/boot/index.js';
import { runSystem } from '../../../runtime/run.js';
import { PLIC_CONTEXT_BASE, PLIC_CONTEXT_STRIDE, PLIC_ENABLE_BASE, PLIC_ENABLE_STRIDE, PLIC_PRIORITY_BASE } from '../../../runtime/machine/devices/sifivePlic.js';
import { exampleImage, rewriteImage, withPlan, withUntyped } from '../exampleImages.js';

let hello: Uint8Array;
let image: BootImage;
beforeAll(async () => {
  hello = await exampleImage('hello');
  image = readImage(hello);
});

const found = (r: ReturnType<typeof prepareBoot>): [string, string, string | undefined][] =>
  r.ok ? [] : r.diagnostics.map((d) => [d.code, d.message, d.file]);

describe('prepareBoot', () => {
  it("the example's image is ready to boot, and its RAM untypeds end exactly at the end of RAM", () => {
    expect(found(prepareBoot(image))).toEqual([]);
    const last = image.untyped[image.untyped.length - 1]!;
    expect([last.isDevice, last.paddr + 2 ** last.sizeBits]).toEqual([false, 0x8800_0000]);
  });

  it('refuses a plan of another format version, naming it, at the image file', () => {
    expect(found(prepareBoot({ ...image, plan: { ...image.plan, formatVersion: 2 } }, { file: 'h.kimg' }))).toEqual([
      ['KC7002', "the plan in the image cannot be booted: format version '2' is not 1", 'h.kimg'],
    ]);
    expect(found(prepareBoot({ ...image, plan: { ...image.plan, formatVersion: 2 } }))[0]![2]).toBeUndefined();
  });

  it('refuses a RAM untyped outside RAM and a device untyped over RAM', () => {
    const moved = readImage(
      withUntyped(hello, (list) => {
        list[13]!.isDevice = false; // 0x88000000, just past RAM
        list[18]!.isDevice = true; // 0x80000000, the start of RAM
      }),
    );
    expect([moved.untyped[13]!.paddr, moved.untyped[18]!.paddr]).toEqual([0x8800_0000, 0x8000_0000]);
    expect(found(prepareBoot(moved))).toEqual([
      ['KC7001', "the image does not fit the platform: RAM untyped 13 at '0x88000000' (2^27 bytes) is not inside the platform's RAM", undefined],
      ['KC7001', "the image does not fit the platform: device untyped 18 at '0x80000000' (2^14 bytes) overlaps the platform's RAM", undefined],
    ]);
  });

  it('refuses a RAM untyped that ends exactly where RAM starts (below it, not inside)', () => {
    const below = readImage(withUntyped(hello, (list) => void (list[12]!.isDevice = false)));
    expect([below.untyped[12]!.paddr, below.untyped[12]!.paddr + 2 ** below.untyped[12]!.sizeBits]).toEqual([0x6000_0000, 0x8000_0000]);
    expect(found(prepareBoot(below))).toEqual([
      ['KC7001', "the image does not fit the platform: RAM untyped 12 at '0x60000000' (2^29 bytes) is not inside the platform's RAM", undefined],
    ]);
  });

  it("refuses bootinfo whose untyped slots or root CNode size are not the image's", () => {
    expect(found(prepareBoot({ ...image, untyped: image.untyped.slice(0, -1) }))).toEqual([
      ['KC7001', 'the image does not fit the platform: bootinfo lists 50 untyped slots for 49 untypeds', undefined],
    ]);
    expect(found(prepareBoot({ ...image, plan: { ...image.plan, rootTask: { cnodeSizeBits: 11 } } }))).toEqual([
      ['KC7001', "the image does not fit the platform: the plan's root CNode has 2^11 slots, bootinfo says 2^12", undefined],
    ]);
  });

  it('boots in emulated RAM exactly as large as the plan needs, not one page less, and says how much is enough', () => {
    expect(found(prepareBoot(image, { ramLimit: 0x7ff_7000 }))).toEqual([]);
    const short = prepareBoot(image, { ramLimit: 0x7ff_6000, file: 'h.kimg' });
    expect(found(short)).toEqual([
      ['KC7005', "the plan puts 'rootserver_objects' at '0x87fe0000'..'0x87ff61ff', beyond the emulated RAM '0x80000000'..'0x87ff5fff'", 'h.kimg'],
    ]);
    expect(short.ok ? '' : short.diagnostics[0]!.hint).toContain("'--max-ram 0x7ff7000'");
    const tiny = prepareBoot(image, { ramLimit: 0x10_0000 });
    expect(tiny.ok ? '' : tiny.diagnostics[0]!.hint).toContain("'--max-ram 0x7ff7000'");
    // with less RAM than the plan's own objects need, the lowest RAM object that ends beyond it is named
    const plan = image.plan as unknown as { objects: { name: string; paddr: number; sizeBits: number }[] };
    const first = plan.objects
      .filter((o) => o.paddr >= 0x8000_0000 && o.paddr + 2 ** o.sizeBits > 0x8002_0000)
      .sort((a, b) => a.paddr - b.paddr)[0]!;
    const small = prepareBoot(image, { ramLimit: 0x2_0000 });
    expect(small.ok ? '' : small.diagnostics[0]!.message).toBe(
      `the plan puts '${first.name}' at '0x${first.paddr.toString(16)}'..'0x${(first.paddr + 2 ** first.sizeBits - 1).toString(16)}', beyond the emulated RAM '0x80000000'..'0x8001ffff'`,
    );
    expect(first.name).not.toBe('rootserver_objects');
  });

  it('refuses an unsigned image when keys are trusted, and a DTB the machine cannot be built from, each with its diagnostic', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const untrusted = found(prepareBoot(image, { trustedKeys: [publicKey] }));
    expect(untrusted.map(([code]) => code)).toEqual(['KC6701']);
    expect(found(prepareBoot(image, { trustedKeys: [] }))).toEqual([]);
    const broken = found(prepareBoot({ ...image, dtb: new Uint8Array(64) }));
    expect(broken).toHaveLength(1);
    expect(broken[0]![0]).toMatch(/^KC2\d{3}$/);
  });

  it("KC7011 names a component of the plan the image has no code for; KC7012 a segment page the plan maps to no frame, before the root task runs", () => {
    const ghost = { ...image, components: image.components.map((c) => ({ ...c, name: 'ghost' })) };
    expect(found(prepareBoot(ghost, { file: 'h.kimg' }))).toEqual([['KC7011', "component 'hello' of the plan has no code in the image", 'h.kimg']]);
    const unmapped = withPlan(hello, (plan) => {
      const c = plan.components[0]!;
      c.vspace = c.vspace.filter((m) => m.vaddr !== c.tcb.entry + 0x1000);
    });
    expect(found(prepareBoot(readImage(unmapped), { file: 'h.kimg' }))).toEqual([
      ['KC7012', "component 'hello': its segment page at '0x11000' is not mapped to a RAM frame in its VSpace", 'h.kimg'],
    ]);
  });
});

describe('bootImage', () => {
  it("hands the UART's bytes and the power-off to the sink, either of which may be missing (or the sink itself)", () => {
    const ran = (sink?: BootOptions['sink']) => {
      const r = bootImage(hello, sink ? { sink } : {});
      if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
      return runSystem(r.system).outcome;
    };
    const off: [string, number][] = [];
    expect(ran({ powerOff: (kind, code) => off.push([kind, code]) })).toBe('poweroff');
    expect(off).toEqual([['pass', 0]]);
    const bytes: number[] = [];
    const devices = new Set<string>();
    expect(
      ran({
        uartByte: (device, byte) => {
          devices.add(device);
          bytes.push(byte);
        },
      }),
    ).toBe('poweroff');
    expect(Buffer.from(bytes).toString()).toBe("hello, world from 'hello' of system 'hello'\n");
    expect([...devices]).toEqual(['/soc/serial@10000000']);
    expect(ran()).toBe('poweroff');
  });

  it("names a mapping beyond the plan of the platform's RAM as a RAM frame, at the image file", () => {
    const r = bootImage(
      withPlan(hello, (plan) => {
        const c = plan.components[0]!;
        c.vspace = c.vspace.filter((m) => m.purpose !== 'stack');
      }),
      { file: 'h.kimg' },
    );
    const found = r.ok ? [] : r.diagnostics.map((d) => [d.code, d.message, d.file]);
    expect(found).toHaveLength(2);
    for (const [code, message, file] of found) {
      expect([code, file]).toEqual(['KC7022', 'h.kimg']);
      expect(message).toMatch(/^component 'hello' can reach RAM frame '0x8[0-9a-f]{7}' at '0x7fff[cd]000', which the plan does not grant it$/);
    }
  });
});

describe('translate', () => {
  it('gives the physical address of a mapped byte, and -1 where nothing is mapped (no table, or a table without the page)', () => {
    const r = bootImage(hello);
    if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
    const { kernel, components } = r.system;
    const { vspace, plan } = components[0]!;
    const entry = translate(kernel, vspace, plan.tcb.entry);
    expect(entry % 0x1000).toBe(0);
    expect(entry).toBeGreaterThanOrEqual(0x8000_0000);
    expect(translate(kernel, vspace, plan.tcb.entry + 0x123)).toBe(entry + 0x123);
    expect(translate(kernel, vspace, plan.tcb.entry + 0xfff)).toBe(entry + 0xfff);
    expect(translate(kernel, vspace, 0x5000_0000)).toBe(-1); // no page table for this 4 MiB
    expect(translate(kernel, vspace, plan.tcb.entry + 0x20_0000)).toBe(-1); // the code's table, no page there
  });
});

describe("the kernel's PLIC driver (seL4's: hart 0's S-mode context)", () => {
  it('sets every source to priority 1 and masks or unmasks sources 1 to ndev only', () => {
    const r = bootImage(hello);
    if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
    const { machine, kernel, interruptContext: context } = r.system;
    const plic = machine.plic!;
    const controller = kernel.interrupts!;
    expect(context).toBe(1);
    for (const source of [1, plic.ndev]) expect(plic.read(PLIC_PRIORITY_BASE + 4 * source, 4)).toBe(1);
    expect(plic.read(PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * context, 4)).toBe(0);
    const enabled = (irq: number): boolean => ((plic.read(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * context + 4 * (irq >>> 5), 4) >>> (irq & 31)) & 1) === 1;
    const words = (): number[] => [0, 1, 2, 3].map((w) => plic.read(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * context + 4 * w, 4));
    for (const irq of [1, 33, plic.ndev]) {
      controller.setMasked(irq, false);
      expect(enabled(irq), `irq ${irq} unmasked`).toBe(true);
      controller.setMasked(irq, true);
      expect(enabled(irq), `irq ${irq} masked`).toBe(false);
    }
    controller.setMasked(10, false);
    controller.setMasked(11, false);
    controller.setMasked(10, true);
    expect([enabled(10), enabled(11)]).toEqual([false, true]);
    const before = words();
    controller.setMasked(0, false);
    controller.setMasked(plic.ndev + 1, false);
    expect(words()).toEqual(before);
  });
});

/** The image with its PLIC's `interrupts-extended` cut to `cells` (pairs of phandle, hart interrupt: 11 is M-mode external, 9 S-mode). */
function withPlicContexts(image: BootImage, cells: (all: Uint8Array) => Uint8Array): Uint8Array {
  const tree = decodeFdt(image.dtb);
  const edit = (node: FdtNode): FdtNode => ({
    ...node,
    properties: node.properties.map((p) => (node.name.startsWith('plic@') && p.name === 'interrupts-extended' ? { name: p.name, value: cells(p.value) } : p)),
    children: node.children.map(edit),
  });
  return rewriteImage(image, { dtb: encodeFdt({ ...tree, root: edit(tree.root) }) });
}

describe("the kernel's PLIC context is the one wired to hart 0's S-mode external interrupt", () => {
  it('context 1 on the example (M-mode is 0); context 0 when the PLIC lists the S-mode one alone; none, and no interrupt controller, when it lists M-mode alone', () => {
    const plic = decodeFdt(image.dtb).root.children.find((n) => n.name === 'soc')!.children.find((n) => n.name.startsWith('plic@'))!;
    const cells = new DataView(plic.properties.find((p) => p.name === 'interrupts-extended')!.value.buffer.slice(0));
    expect([1, 3].map((i) => cells.getUint32(4 * i))).toEqual([11, 9]);
    const boot = (bytes: Uint8Array) => {
      const r = bootImage(bytes);
      if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
      return [r.system.interruptContext, r.system.kernel.interrupts !== null, r.system.kernel.maxIrq === r.system.machine.plic!.ndev];
    };
    expect(boot(hello)).toEqual([1, true, true]);
    expect(boot(withPlicContexts(image, (all) => all.slice(8)))).toEqual([0, true, true]);
    expect(boot(withPlicContexts(image, (all) => all.slice(0, 8))).slice(0, 2)).toEqual([-1, false]);
  });
});
