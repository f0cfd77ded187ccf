// What the boot reads back through a component's page tables after the root task ran
// (runtime/boot/index.ts): translate on entries the kernel never writes (no V bit but permission
// bits, a next-table pointer where a page must be), and checkSegments on a segment of several pages
// (each page against its own part of the data, zeros past the data, the page that differs named)
// and on a segment page that is mapped, but to a device rather than RAM.
import { beforeAll, describe, expect, it } from 'vitest';
import { bootImage, checkSegments, translate, type BootedSystem } from '../../../runtime/boot/index.js';
import { lookupPtSlot, PTE_R, PTE_V, PTE_W, PTE_X } from '../../../runtime/kernel/vspace.js';
import { exampleImage } from '../exampleImages.js';

let system: BootedSystem;
beforeAll(async () => {
  const r = bootImage(await exampleImage('hello'));
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  system = r.system;
});

describe('translate', () => {
  it('is -1 for a last-level entry without V (even with R, W and X) and for a valid entry without R, W or X (a table pointer, not a page)', () => {
    const { kernel, components } = system;
    const { vspace, plan } = components[0]!;
    const entry = plan.tcb.entry;
    const { slot, bitsLeft } = lookupPtSlot(kernel, vspace.paddr, entry);
    expect(bitsLeft).toBe(12);
    const pte = kernel.memory.readU32(slot);
    const paddr = translate(kernel, vspace, entry + 4);
    expect(paddr - 4).toBeGreaterThanOrEqual(0x8000_0000);
    try {
      kernel.memory.writeU32(slot, (pte & ~PTE_V) | PTE_R | PTE_W | PTE_X);
      expect(translate(kernel, vspace, entry + 4)).toBe(-1);
      kernel.memory.writeU32(slot, (pte & ~(PTE_R | PTE_W | PTE_X)) | PTE_V);
      expect(translate(kernel, vspace, entry + 4)).toBe(-1);
    } finally {
      kernel.memory.writeU32(slot, pte);
    }
    expect(translate(kernel, vspace, entry + 4)).toBe(paddr);
  });
});

describe('checkSegments', () => {
  /** hello's three one-page segments as one segment of three pages: its code and rodata pages as data, its data page past the data. */
  function asOneSegment(): { image: BootedSystem['image']; pages: number[] } {
    const { kernel, machine, image, components } = system;
    const { vspace } = components[0]!;
    const code = image.components[0]!;
    expect(code.segments.map((s) => [s.vaddr, s.memsz])).toEqual([
      [0x1_0000, 0x1000],
      [0x1_1000, 0x1000],
      [0x1_2000, 0x1000],
    ]);
    const pages = [0x1_0000, 0x1_1000, 0x1_2000].map((v) => translate(kernel, vspace, v));
    const data = new Uint8Array(0x2000);
    data.set(machine.ram.readBytes(pages[0]!, 0x1000), 0);
    data.set(machine.ram.readBytes(pages[1]!, 0x1000), 0x1000);
    const segments = [{ vaddr: 0x1_0000, memsz: 0x3000, flags: 7, data }];
    return { image: { ...image, components: [{ ...code, segments }] }, pages };
  }

  it('checks each page of a segment against its own part of the data, and the pages past the data against zeros, naming the page that differs', () => {
    const { kernel, machine, components } = system;
    const hello = components[0]!;
    const { image, pages } = asOneSegment();
    expect(checkSegments(kernel, machine, image, hello, {})).toEqual([]);
    const differs = (paddr: number): string[][] => {
      const before = machine.ram.readBytes(paddr, 1).slice();
      machine.ram.writeBytes(paddr, Uint8Array.of(before[0]! ^ 0x5a));
      try {
        return checkSegments(kernel, machine, image, hello, { file: 'h.kimg' }).map((d) => [d.code, d.message, d.file!]);
      } finally {
        machine.ram.writeBytes(paddr, before);
      }
    };
    const says = (vaddr: string) => [['KC7116', `component 'hello': its segment page at '${vaddr}' does not hold the image's bytes after the root task loaded it`, 'h.kimg']];
    expect(differs(pages[0]!)).toEqual(says('0x10000'));
    expect(differs(pages[1]! + 0x100)).toEqual(says('0x11000'));
    expect(differs(pages[2]! + 0xfff)).toEqual(says('0x12000'));
    expect(checkSegments(kernel, machine, image, hello, {})).toEqual([]);
  });

  it('KC7012: a segment page mapped to a device (the UART grant) is not a RAM frame', () => {
    const { kernel, machine, image, components } = system;
    const hello = components[0]!;
    const uart = hello.plan.vspace.find((m) => m.purpose === 'mmio')!;
    expect(uart.vaddr).toBe(0x6000_0000);
    expect(translate(kernel, hello.vspace, uart.vaddr)).toBe(0x1000_0000);
    const code = image.components[0]!;
    const onDevice = { ...image, components: [{ ...code, segments: [...code.segments, { vaddr: uart.vaddr, memsz: 0x1000, flags: 6, data: new Uint8Array(0) }] }] };
    expect(checkSegments(kernel, machine, onDevice, hello, {}).map((d) => [d.code, d.message])).toEqual([
      ['KC7012', "component 'hello': its segment page at '0x60000000' is not mapped to a RAM frame in its VSpace"],
    ]);
  });
});
