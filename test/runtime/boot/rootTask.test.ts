// The root task (roottask/) booting every example on the bundled kernel: the bootinfo it received
// is the planner's prediction entry by entry, it prints the boot line, its system calls are in the
// trace; an image whose root task, table or plan does not hold is refused with what went wrong.
import { describe, expect, it } from 'vitest';
import { readImage, writeImage } from '../../../image/bootImage/index.js';
import { readElf } from '../../../image/elf.js';
import { writeElf } from '../../../image/elfWrite.js';
import { attachPlanTable, encodePlanTable, planTableOf, PLAN_TABLE_SYMBOL } from '../../../image/rootTask.js';
import { bootImage, checkSegments, translate } from '../../../runtime/boot/index.js';
import { runImage } from '../../../runtime/run.js';
import type { Plan } from '../../../schema/plan.generated.js';
import { exampleImage, rewriteImage, withPlan } from '../exampleImages.js';
import { diagnosticOf, edited } from '../../image/bootImage/sampleImage.js';

const EXAMPLES = ['hello', 'ping-pong', 'uart-echo', 'timer', 'fault', 'microkit-echo'];
const codes = (r: ReturnType<typeof bootImage>): string[] => (r.ok ? [] : r.diagnostics.map((d) => d.code));
const messages = (r: ReturnType<typeof bootImage>): string => (r.ok ? '' : r.diagnostics.map((d) => d.message).join('\n'));

/** seL4_BootInfo as the root task read it (sel4-abi.md §5.2), decoded here on its own. */
function decodeReceived(frame: Uint8Array) {
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const region = (at: number) => ({ start: v.getUint32(at, true), end: v.getUint32(at + 4, true) });
  const untyped = region(76);
  return {
    ipcBuffer: v.getUint32(16, true),
    empty: region(20),
    userImageFrames: region(36),
    userImagePaging: region(44),
    extraBIPages: region(60),
    extraLen: v.getUint32(0, true),
    untyped,
    untypedList: Array.from({ length: untyped.end - untyped.start }, (_, i) => ({
      paddr: v.getUint32(84 + 8 * i, true),
      sizeBits: frame[84 + 8 * i + 4]!,
      isDevice: frame[84 + 8 * i + 5] === 1,
    })),
  };
}

describe('every example boots through the root task', () => {
  it.each(EXAMPLES)('%s: the bootinfo the root task received is the plan\'s prediction, entry by entry, and it printed the boot line', async (name) => {
    const r = bootImage(await exampleImage(name));
    if (!r.ok) throw new Error(messages(r));
    const { plan, rootTask } = r.system;
    const got = decodeReceived(rootTask.bootInfo);
    const predicted = plan.boot.bootInfo;
    expect(got.untyped).toEqual(predicted.untyped);
    expect(got.empty).toEqual(predicted.empty);
    expect(got.userImageFrames).toEqual(predicted.userImageFrames);
    expect(got.userImagePaging).toEqual(predicted.userImagePaging);
    expect(got.extraBIPages).toEqual(predicted.extraBIPages);
    expect(got.ipcBuffer).toBe(predicted.ipcBuffer);
    expect(got.extraLen).toBe(predicted.extraLen);
    expect(got.untypedList.length).toBe(plan.untyped.length);
    got.untypedList.forEach((u, i) => expect(u, `untyped ${i}`).toEqual({ paddr: plan.untyped[i]!.paddr, sizeBits: plan.untyped[i]!.sizeBits, isDevice: plan.untyped[i]!.isDevice }));
    expect(rootTask.output).toBe(`kaal: ${plan.system}: ${plan.untyped.length} untypeds as planned, ${plan.invocations.length} invocations, 0 failed\n`);
    expect(rootTask.instructions).toBeGreaterThan(plan.invocations.length * 10);
    expect(r.system.kernel.rootTcb.state).toBe('inactive');
    // Its user image is the plan's: the ELF it ran from, table included, fills it exactly.
    const elf = readElf(r.system.image.rootTask!);
    expect(Math.max(...elf.segments.map((s) => s.vaddr + s.memsz)) - plan.boot.userImage.vaddr).toBe(plan.boot.userImage.size);
  });

  it('run --trace shows the root task\'s invocations as its own system calls, before the first component runs', async () => {
    const lines: string[] = [];
    const run = runImage(await exampleImage('hello'), { trace: (line) => lines.push(line), maxInstructions: 200_000 });
    expect(run.report).toBeDefined();
    const plan = readImage(await exampleImage('hello')).plan as unknown as Plan;
    const retype = plan.invocations[0]!;
    const untyped = plan.untyped.find((u) => u.slot === retype.service)!;
    expect(lines).toContain(lines.find((l) => l.includes(`roottask: syscall Call cptr ${retype.service} (untyped ${untyped.index}) label 1 length 6 extraCaps 1`)));
    const calls = lines.filter((l) => / roottask: invocation label \d+ -> ok$/.test(l));
    expect(calls.length).toBeGreaterThanOrEqual(plan.invocations.length);
    const bootLine = lines.findIndex((l) => l.includes(`roottask: DebugPutChar "kaal: hello: ${plan.untyped.length} untypeds as planned`));
    const firstComponent = lines.findIndex((l) => /ns\] hello: /.test(l));
    expect(bootLine).toBeGreaterThan(0);
    expect(firstComponent).toBeGreaterThan(bootLine);
    expect(run.report!.console.components.find((c) => c.name === 'hello')!.uart).toContain('hello');
  });

  it('the same image boots to the same state twice: same root task run, same output', async () => {
    const image = await exampleImage('ping-pong');
    const a = bootImage(image);
    const b = bootImage(image);
    if (!a.ok || !b.ok) throw new Error('no boot');
    expect(a.system.rootTask.instructions).toBe(b.system.rootTask.instructions);
    expect(Buffer.from(a.system.machine.ram.readBytes(a.system.machine.ram.base, a.system.machine.ram.size)).equals(Buffer.from(b.system.machine.ram.readBytes(b.system.machine.ram.base, b.system.machine.ram.size)))).toBe(true);
  });
});

describe('the root task stops a boot that does not go as planned', () => {
  it('KC7010: an invocation the kernel refuses stops the boot with its index, op, object and seL4 error', async () => {
    const image = withPlan(await exampleImage('hello'), (plan) => {
      const tcb = plan.invocations.findIndex((i) => i.op === 'TCB_SetPriority');
      const inv = plan.invocations[tcb]!;
      if (inv.op === 'TCB_SetPriority') inv.priority = 256;
    });
    const r = bootImage(image, { file: 'hello.kimg' });
    expect(codes(r)).toEqual(['KC7010']);
    const index = (readImage(image).plan as unknown as Plan).invocations.findIndex((i) => i.op === 'TCB_SetPriority');
    // at the image file, at the invocation's place in the plan
    expect(r.ok ? [] : r.diagnostics.map((d) => [d.file, d.path])).toEqual([['hello.kimg', `plan.invocations.${index}`]]);
    expect(messages(r)).toMatch(new RegExp(`^boot invocation ${index} 'TCB_SetPriority' for 'hello' failed: seL4 error 4 \\(RangeError\\) \\[0, 255\\]$`.replace('hello', 'slot \\d+')));
  });

  it('KC7003: bootinfo that is not the plan\'s, found by the root task before it invokes anything', async () => {
    const r = bootImage(withPlan(await exampleImage('hello'), (plan) => void (plan.untyped[3]!.sizeBits -= 1)));
    expect(codes(r)).toEqual(['KC7003']);
    const atFile = bootImage(withPlan(await exampleImage('hello'), (plan) => void (plan.untyped[3]!.sizeBits -= 1)), { file: 'h.kimg' });
    expect(atFile.ok ? [] : atFile.diagnostics.map((d) => [d.code, d.file])).toEqual([['KC7003', 'h.kimg']]);
    expect(messages(r)).toMatch(/^the plan's untyped 3 \(0x[0-9a-f]{8} 2\^\d+ (ram|device)\) is not bootinfo's untyped 3 \(0x[0-9a-f]{8} 2\^\d+ (ram|device)\)$/);
  });

  it('KC7113: a slot region that differs is the root task\'s own line', async () => {
    const r = bootImage(withPlan(await exampleImage('hello'), (plan) => void (plan.boot.bootInfo.empty.start += 1)));
    expect(codes(r)).toEqual(['KC7113']);
    expect(messages(r)).toMatch(/^the root task stopped the boot: 'kaal: hello: bootinfo differs from the plan: empty\.start is (\d+), the plan expects \d+'$/);
  });

  it('KC7111: a root task table that is not the plan\'s (re-sealed image) is refused before the root task runs, naming the entry', async () => {
    const hello = await exampleImage('hello');
    const image = readImage(hello);
    const plan = JSON.parse(image.planJson) as Plan;
    const tampered = JSON.parse(image.planJson) as Plan;
    const mapIndex = tampered.invocations.findIndex((i) => i.op === 'Page_Map');
    const inv = tampered.invocations[mapIndex]!;
    if (inv.op === 'Page_Map') inv.rights = 3;
    const table = encodePlanTable(tampered, image.components);
    const r = bootImage(rewriteImage(image, { plan, rootTask: attachPlanTable(image.rootTask!, table, plan.boot.userImage.size) }));
    expect(codes(r)).toEqual(['KC7111']);
    expect(messages(r)).toMatch(new RegExp(`^the root task's plan table is not the plan's: byte \\d+ differs \\(message word \\d+\\)$`));
    const shorter = bootImage(rewriteImage(image, { plan, rootTask: attachPlanTable(image.rootTask!, planTableOf(readElf(image.rootTask!))!.subarray(0, 64), plan.boot.userImage.size) }));
    expect(messages(shorter)).toMatch(/is not the plan's: it has 64 bytes, the plan's has \d+$/);
  });

  it('KC7111 names the part of the table where the first byte differs: the header, an untyped, an invocation, a page, a message word, the strings', async () => {
    const image = readImage(await exampleImage('hello'));
    const plan = JSON.parse(image.planJson) as Plan;
    const table = planTableOf(readElf(image.rootTask!))!;
    const word = (i: number) => new DataView(table.buffer, table.byteOffset, table.byteLength).getUint32(4 * i, true);
    const differing = (at: number): string => {
      const changed = table.slice();
      changed[at]! ^= 0x01;
      return messages(bootImage(rewriteImage(image, { plan, rootTask: attachPlanTable(image.rootTask!, changed, plan.boot.userImage.size) })));
    };
    const says = (at: number, part: string) => `the root task's plan table is not the plan's: byte ${at} differs (${part})`;
    expect(differing(8)).toBe(says(8, 'the header'));
    expect(differing(word(7) - 1)).toBe(says(word(7) - 1, 'the header'));
    expect(differing(word(7))).toBe(says(word(7), 'untyped 0'));
    expect(differing(word(7) + 8 * 2 + 7)).toBe(says(word(7) + 8 * 2 + 7, 'untyped 2'));
    expect(differing(word(9) + 32 * 3 + 4)).toBe(says(word(9) + 32 * 3 + 4, 'invocation 3'));
    expect(differing(word(12) + 16)).toBe(says(word(12) + 16, 'page 1'));
    expect(differing(word(13) + 4 * 2)).toBe(says(word(13) + 4 * 2, 'message word 2'));
    expect(differing(word(14) + 1)).toBe(says(word(14) + 1, 'the strings'));
  });

  it('KC7110: an image without a root task does not boot', async () => {
    const image = readImage(await exampleImage('hello'));
    const bare = writeImage({ meta: image.meta, untyped: image.untyped, bootInfo: image.bootInfo, dtb: image.dtb, plan: JSON.parse(image.planJson) as object, components: image.components });
    expect(codes(bootImage(bare))).toEqual(['KC7110']);
  });

  it('KC7112: a root task entered elsewhere than the plan says, or reaching beyond its user image', async () => {
    const hello = await exampleImage('hello');
    const moved = bootImage(withPlan(hello, (plan) => void (plan.boot.userImage.entry += 4)));
    expect(codes(moved)).toEqual(['KC7112']);
    expect(messages(moved)).toBe("the root task does not fit the plan's user image: its entry is '0x10000', the plan's '0x10004'");
    const image = readImage(hello);
    const plan = JSON.parse(image.planJson) as Plan;
    const smaller = JSON.parse(image.planJson) as Plan;
    smaller.boot.userImage.size -= 0x1000;
    const small = bootImage(rewriteImage(image, { plan: smaller, table: false }));
    expect(codes(small)).toEqual(['KC7112']);
    expect(messages(small)).toContain(`is outside '0x10000'..'0x${(0x1_0000 + plan.boot.userImage.size - 0x1000).toString(16)}'`);
  });

  it("KC7112 gives the outside segment's range and the user image's: a segment from one page below it, its last segment past a user image one page smaller", async () => {
    const image = readImage(await exampleImage('hello'));
    const plan = JSON.parse(image.planJson) as Plan;
    expect(plan.boot.userImage).toMatchObject({ vaddr: 0x1_0000, size: 0x1_0000 });
    const table = planTableOf(readElf(image.rootTask!))!;
    const found = (r: ReturnType<typeof bootImage>) => (r.ok ? [] : r.diagnostics.map((d) => [d.code, d.message]));
    const code = { vaddr: 0x1_0000, paddr: 0x1_0000, memsz: 0x1000, flags: 5, data: new Uint8Array(4) };
    const below = { vaddr: 0xf000, paddr: 0xf000, memsz: 0x1000, flags: 6, data: new Uint8Array(0) };
    const elf = writeElf({ entry: 0x1_0000, flags: 1, segments: [code, below], symbols: [{ name: PLAN_TABLE_SYMBOL, value: 0x1_6000, size: 0 }] });
    expect(found(bootImage(rewriteImage(image, { plan, rootTask: attachPlanTable(elf, table, plan.boot.userImage.size) })))).toEqual([
      ['KC7112', "the root task does not fit the plan's user image: its segment at '0xf000'..'0x10000' is outside '0x10000'..'0x20000'"],
    ]);
    // The real root task's last segment ends exactly at the user image's end.
    const last = readElf(image.rootTask!).segments.reduce((a, b) => (b.vaddr > a.vaddr ? b : a));
    expect(last.vaddr + last.memsz).toBe(0x2_0000);
    const smaller = JSON.parse(image.planJson) as Plan;
    smaller.boot.userImage.size -= 0x1000;
    expect(found(bootImage(rewriteImage(image, { plan: smaller, table: false })))).toEqual([
      ['KC7112', `the root task does not fit the plan's user image: its segment at '0x${last.vaddr.toString(16)}'..'0x20000' is outside '0x10000'..'0x1f000'`],
    ]);
  });

  /** A root task whose first instruction is `words`, with the real plan table attached. */
  async function rootTaskOf(words: readonly number[]): Promise<Uint8Array> {
    const image = readImage(await exampleImage('hello'));
    const plan = JSON.parse(image.planJson) as Plan;
    const code = new Uint8Array(4 * words.length);
    words.forEach((w, i) => new DataView(code.buffer).setUint32(4 * i, w, true));
    const table = planTableOf(readElf(image.rootTask!))!;
    const elf = writeElf({ entry: 0x1_0000, flags: 1, segments: [{ vaddr: 0x1_0000, paddr: 0x1_0000, memsz: 0x1000, flags: 5, data: code }], symbols: [{ name: PLAN_TABLE_SYMBOL, value: 0x1_6000, size: 0 }] });
    return rewriteImage(image, { plan, rootTask: attachPlanTable(elf, table, plan.boot.userImage.size) });
  }

  it('KC7114: a root task that faults stops the boot with the fault and its pc', async () => {
    const r = bootImage(await rootTaskOf([0x0000_0000]));
    expect(codes(r)).toEqual(['KC7114']);
    expect(messages(r)).toBe("the root task took a illegal instruction at pc '0x00010000'");
  });

  it('KC7114 names each kind of fault: a page fault with its address, a cap fault with its cptr, an unknown system call', async () => {
    const faulted = async (words: number[]) => {
      const r = bootImage(await rootTaskOf(words), { file: 'rt.kimg' });
      return r.ok ? [] : r.diagnostics.map((d) => [d.code, d.message, d.file]);
    };
    // lw a0, 0x10(zero)
    expect(await faulted([0x0100_2503])).toEqual([['KC7114', "the root task took a load page fault at pc '0x00010000' accessing '0x00000010'", 'rt.kimg']]);
    // li a7, -1 (seL4_Call); lui a0, 0x80000 (a cptr whose guard does not match the root CNode's); ecall
    expect(await faulted([0xfff0_0893, 0x8000_0537, 0x0000_0073])).toEqual([
      ['KC7114', "the root task took a cap fault (guardMismatch) at pc '0x00010008' looking up cptr 2147483648", 'rt.kimg'],
    ]);
    // li a7, 99; ecall
    expect(await faulted([0x0630_0893, 0x0000_0073])).toEqual([['KC7114', "the root task took a unknown syscall 99 at pc '0x00010004'", 'rt.kimg']]);
  });

  it('KC7113 quotes the last line the root task printed before it suspended itself, or nothing', async () => {
    const suspend = [0xfff0_0893, 0x0010_0513, 0x0000_b5b7, 0x0000_0073]; // seL4_TCB_Suspend(seL4_CapInitThreadTCB)
    const stopped = async (words: number[]) => {
      const r = bootImage(await rootTaskOf(words), { file: 'rt.kimg' });
      return r.ok ? [] : r.diagnostics.map((d) => [d.code, d.message, d.file]);
    };
    expect(await stopped(suspend)).toEqual([['KC7113', "the root task stopped the boot: ''", 'rt.kimg']]);
    // seL4_DebugPutChar 'x', '\n', '\n', then suspend: the empty line after it is not the last line
    const putChar = (c: number) => [0xff70_0893, ((c << 20) | 0x513) >>> 0, 0x0000_0073];
    expect(await stopped([...putChar(0x78), ...putChar(0x0a), ...putChar(0x0a), ...suspend])).toEqual([
      ['KC7113', "the root task stopped the boot: 'x'", 'rt.kimg'],
    ]);
  });

  it('KC7115: a root task that never finishes is stopped at its instruction limit', async () => {
    const r = bootImage(await rootTaskOf([0x0000_006f]), { rootTaskInstructions: 10_000 }); // j .
    expect(codes(r)).toEqual(['KC7115']);
    expect(messages(r)).toBe('the root task had not finished after 10000 instructions');
    const slow = bootImage(await exampleImage('hello'), { rootTaskInstructions: 1000 });
    expect(codes(slow)).toEqual(['KC7115']);
  });

  it('KC7115 counts the root task\'s instructions across its system calls: a limit of exactly what it needs boots, one less stops it', async () => {
    // seL4_DebugPutChar('x'); li t0, 1000; 1: addi t0, t0, -1; bnez t0, 1b; seL4_TCB_Suspend(self):
    // 3 + 1 + 2 × 1000 + 4 = 2008 instructions, the first ecall not retired (a trap is not counted).
    const suspend = [0xfff0_0893, 0x0010_0513, 0x0000_b5b7, 0x0000_0073];
    const image = await rootTaskOf([0xff70_0893, 0x0780_0513, 0x0000_0073, 0x3e80_0293, 0xfff2_8293, 0xfe02_9ee3, ...suspend]);
    const stopped = (limit: number) => {
      const r = bootImage(image, { rootTaskInstructions: limit });
      return r.ok ? [] : r.diagnostics.map((d) => [d.code, d.message]);
    };
    expect(stopped(2007)).toEqual([['KC7113', "the root task stopped the boot: 'x'"]]);
    expect(stopped(2006)).toEqual([['KC7115', 'the root task had not finished after 2006 instructions']]);
    expect(stopped(1)).toEqual([['KC7115', 'the root task had not finished after 1 instructions']]);
  });

  it('KC7113: a root task that loses the CPU before it suspends itself (its own priority lowered below a component it resumed) stops the boot there', async () => {
    // The plan's last invocation lowers the root task (slot 1, seL4_CapInitThreadTCB) to priority 0, after hello (100) was resumed:
    // the kernel runs hello from then on, and the root task never prints its boot line.
    const image = withPlan(await exampleImage('hello'), (plan) => void plan.invocations.push({ op: 'TCB_SetPriority', label: 6, service: 1, authority: 1, priority: 0 }));
    const r = bootImage(image, { file: 'low.kimg' });
    expect(r.ok ? [] : r.diagnostics.map((d) => [d.code, d.message, d.file])).toEqual([['KC7113', "the root task stopped the boot: ''", 'low.kimg']]);
  });

  it('KC7116: a segment page that does not hold the image\'s bytes after the root task loaded it', async () => {
    const r = bootImage(await exampleImage('hello'));
    if (!r.ok) throw new Error(messages(r));
    const hello = r.system.components[0]!;
    const paddr = translate(r.system.kernel, hello.vspace, hello.plan.tcb.entry);
    r.system.machine.ram.writeBytes(paddr + 8, Uint8Array.of(0xff));
    const found = checkSegments(r.system.kernel, r.system.machine, r.system.image, hello, {});
    expect(found.map((d) => [d.code, d.message])).toEqual([['KC7116', "component 'hello': its segment page at '0x10000' does not hold the image's bytes after the root task loaded it"]]);
  });

  it('KC6810: a ROOTTASK section that is not a root task ELF with its table', async () => {
    const bytes = await exampleImage('hello');
    const section = readImage(bytes).sections.find((s) => s.kind === 'ROOTTASK')!;
    const d = diagnosticOf(() => readImage(edited(bytes, (_, b) => (b[section.offset] = 0))));
    expect(d.code).toBe('KC6810');
    expect(d.message).toMatch(new RegExp(`^ROOTTASK section at offset '0x${section.offset.toString(16)}': `));
  });
});
