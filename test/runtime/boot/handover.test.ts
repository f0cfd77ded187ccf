// What bootImage (runtime/boot/index.ts) hands the kernel and the root task besides the plan: the
// DTB where the loader puts it and in the extra bootinfo (seL4's FDT chunk), the timeslice option,
// trace lines stamped with the machine's clock; and a plan whose invocations leave a component
// without its TCB or VSpace (KC7002, at the image file).
import { beforeAll, describe, expect, it } from 'vitest';
import { readImage, type BootImage } from '../../../image/bootImage/index.js';
import { placeBootImages } from '../../../image/bootModel.js';
import { bootImage, prepareBoot } from '../../../runtime/boot/index.js';
import type { Plan } from '../../../schema/plan.generated.js';
import { exampleImage, withPlan } from '../exampleImages.js';

let hello: Uint8Array;
let image: BootImage;
beforeAll(async () => {
  hello = await exampleImage('hello');
  image = readImage(hello);
});

const found = (r: ReturnType<typeof bootImage>): [string, string, string | undefined][] => (r.ok ? [] : r.diagnostics.map((d) => [d.code, d.message, d.file]));

describe('bootImage hands over', () => {
  it('the DTB: at the page after the kernel image (the loader), and in the extra bootinfo after its FDT header (id 6, length)', () => {
    const prepared = prepareBoot(image);
    const r = bootImage(hello);
    if (!prepared.ok || !r.ok) throw new Error('no boot');
    const ram = r.system.machine.ram;
    const dtb = Buffer.from(image.dtb);
    expect(dtb.length).toBeGreaterThan(0);
    const { dtbPaddr } = placeBootImages(prepared.plan.boot.kernelConfig.kernelImage.end, dtb.length);
    expect(Buffer.from(ram.readBytes(dtbPaddr, dtb.length)).equals(dtb)).toBe(true);
    const extra = prepared.model.rootServer.extraBootInfo;
    const header = new DataView(ram.readBytes(extra, 8).buffer);
    expect([header.getUint32(0, true), header.getUint32(4, true)]).toEqual([6, prepared.model.extraLen]);
    expect(prepared.model.extraLen).toBe(8 + dtb.length);
    expect(Buffer.from(ram.readBytes(extra + 8, dtb.length)).equals(dtb)).toBe(true);
  });

  it("the root task's report keeps the bootinfo frame as the root task read it, not a view of RAM that later writes change", () => {
    const prepared = prepareBoot(image);
    const r = bootImage(hello);
    if (!prepared.ok || !r.ok) throw new Error('no boot');
    const at = prepared.model.rootServer.bootInfo;
    const ram = r.system.machine.ram;
    expect(Buffer.from(r.system.rootTask.bootInfo).equals(Buffer.from(ram.readBytes(at, 4096)))).toBe(true);
    const before = r.system.rootTask.bootInfo.slice();
    ram.fill(at, 4096, 0xa5);
    expect(Buffer.from(r.system.rootTask.bootInfo).equals(Buffer.from(before))).toBe(true);
    expect(r.system.rootTask.bootInfo).toHaveLength(4096);
  });

  it("the timeslice option to the kernel (and the kernel's default without it)", () => {
    const given = bootImage(hello, { timeSlice: 1234 });
    const none = bootImage(hello);
    if (!given.ok || !none.ok) throw new Error('no boot');
    expect(given.system.kernel.timeSlice).toBe(1234);
    expect(none.system.kernel.timeSlice).not.toBe(1234);
  });

  it("trace lines of the root task's system calls stamped with the machine's clock, never going back", () => {
    const lines: string[] = [];
    expect(bootImage(hello, { trace: (line) => lines.push(line) }).ok).toBe(true);
    expect(lines.length).toBeGreaterThan(10);
    const times = lines.map((line) => {
      const m = /^\[(\d+) ns\] roottask: /.exec(line);
      expect(m, line).not.toBeNull();
      return Number(m![1]);
    });
    expect(times[times.length - 1]!).toBeGreaterThan(times[0]!);
    times.forEach((t, i) => expect(t).toBeGreaterThanOrEqual(times[i - 1] ?? 0));
  });
});

describe('KC7002: a component without its TCB or VSpace after the invocations', () => {
  const says = [['KC7002', "the plan in the image cannot be booted: component 'hello' has no TCB or VSpace after the invocations", 'h.kimg']];
  const without = (keep: (json: string, plan: Plan) => boolean) =>
    withPlan(hello, (plan) => {
      plan.invocations = plan.invocations.filter((i) => keep(JSON.stringify(i), plan));
    });

  it('its objects named as each other (the TCB a page table, the VSpace a TCB)', () => {
    const tcbIsVspace = withPlan(hello, (plan) => void (plan.components[0]!.objects.tcb = plan.components[0]!.objects.vspace));
    const vspaceIsTcb = withPlan(hello, (plan) => void (plan.components[0]!.objects.vspace = plan.components[0]!.objects.tcb));
    expect(found(bootImage(tcbIsVspace, { file: 'h.kimg' }))).toEqual(says);
    expect(found(bootImage(vspaceIsTcb, { file: 'h.kimg' }))).toEqual(says);
  });

  it('the TCB, or the VSpace, never created (its retype and every invocation on it left out)', () => {
    // hello's TCB is created into slot 98 and its VSpace into slot 97 (the plan's invocations).
    const noTcb = without((json) => !/"(service|srcIndex)":98[,}]/.test(json) && !json.includes('"object":"tcb_hello"'));
    const noVspace = without((json) => !/"(service|vspace|vspaceRoot|srcIndex)":97[,}]/.test(json) && !json.includes('"object":"vspace_hello"'));
    expect(found(bootImage(noTcb, { file: 'h.kimg' }))).toEqual(says);
    expect(found(bootImage(noVspace, { file: 'h.kimg' }))).toEqual(says);
  });

  it('KC7012 from the pages the root task left unmapped, at the image file', () => {
    const unmapped = withPlan(hello, (plan) => {
      const entry = plan.components[0]!.tcb.entry;
      plan.invocations = plan.invocations.filter((i) => !(i.op === 'Page_Map' && i.vaddr === entry));
    });
    expect(found(bootImage(unmapped, { file: 'h.kimg' }))).toEqual([
      ['KC7012', "component 'hello': its segment page at '0x10000' is not mapped to a RAM frame in its VSpace", 'h.kimg'],
    ]);
  });
});
