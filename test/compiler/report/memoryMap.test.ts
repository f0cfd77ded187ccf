// The report's physical memory map: blocks in address order, rows that tile each untyped exactly,
// device regions and mappings named. Helpers for addresses and sizes.
import { describe, it, expect } from 'vitest';
import { memoryMap, memoryMapSvg, commonPrefix } from '../../../compiler/report/memoryMap.js';
import { byteSize, escapeHtml, hexAddress } from '../../../compiler/report/html.js';
import { planFile, exampleSystems } from '../plan/planFile.js';

describe('report text helpers', () => {
  it('writes 32-bit addresses as eight hex digits with _ every four', () => {
    expect(hexAddress(0x8040_2000)).toBe('0x8040_2000');
    expect(hexAddress(0x10_0000)).toBe('0x0010_0000');
    expect(hexAddress(0)).toBe('0x0000_0000');
  });
  it('writes sizes in binary units with at most one decimal', () => {
    expect(byteSize(16)).toBe('16 B');
    expect(byteSize(4096)).toBe('4 KiB');
    expect(byteSize(144_416)).toBe('141 KiB');
    expect(byteSize(0x1800_0000)).toBe('384 MiB');
    expect(byteSize(2 ** 32)).toBe('4 GiB');
  });
  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
  it('shortens a run of names to the part after their common prefix', () => {
    expect(commonPrefix('frame_client_elf_00010000', 'frame_client_elf_00017000')).toBe('frame_client_elf_'.length);
    expect(commonPrefix('tcb', 'ntfn')).toBe(0);
  });
});

describe('memoryMap', () => {
  it('tiles each untyped with its rows, without gaps or overlaps, in address order', async () => {
    for (const file of exampleSystems) {
      const { plan, platform } = await planFile(file);
      const blocks = memoryMap(plan, platform);
      let previousEnd = 0;
      for (const block of blocks) {
        expect(block.start, file).toBe(previousEnd);
        previousEnd = block.start + block.size;
        if (block.rows.length === 0) continue;
        let at = block.start;
        for (const row of block.rows) {
          expect(row.start, `${file} ${block.title}`).toBe(at);
          expect(row.size).toBeGreaterThan(0);
          at += row.size;
        }
        expect(at, `${file} ${block.title}`).toBe(block.start + block.size);
      }
      expect(previousEnd, file).toBe(plan.platform.physicalTop);
    }
  });

  it('shows granted MMIO with its mapper, other device regions as not granted, and the kernel reservation', async () => {
    const { plan, platform } = await planFile('fixtures/systems/uart-echo/uart-echo.system.ts');
    const rows = memoryMap(plan, platform).flatMap((b) => b.rows);
    const uart = rows.find((r) => r.kind === 'mmio' && r.detail === '/soc/serial@10000000')!;
    expect(uart).toMatchObject({ start: 0x1000_0000, size: 0x1000, owner: 'uart-driver', mappedBy: ['uart-driver rw @0x6000_0000'] });
    // The PLIC is a kernel device: seL4 reserves its two mega pages, no untyped covers them.
    expect(rows.find((r) => r.detail === '/soc/plic@c000000')).toMatchObject({ kind: 'reserved', start: 0x0c00_0000, size: 0x80_0000, label: 'kernel device plic@c000000' });
    expect(rows.find((r) => r.detail === '/soc/serial@10000000' && r.kind === 'device')).toBeUndefined();
    // The kernel image past its boot part (handed back as untyped) and the DTB right after it; the
    // rest of the DTB's last page is untyped again (freemem), then the root task's image.
    const kernel = rows.find((r) => r.kind === 'reserved' && r.label.startsWith('kernel image'))!;
    expect(kernel).toMatchObject({ start: 0x8000_4000, label: 'kernel image, DTB' });
    expect(kernel.start + kernel.size).toBe(Math.ceil((plan.boot.dtb.paddr + plan.boot.dtb.size) / 16) * 16);
    expect(rows.find((r) => r.label === 'root task image')).toMatchObject({ start: plan.boot.userImage.paddr, size: plan.boot.userImage.size });
    expect(rows.find((r) => r.label === 'root task objects')).toMatchObject({ start: plan.boot.rootServer.cnode });
    // A shared region's frame is mapped by both its users.
    const rx = rows.find((r) => r.kind === 'region' && r.label === 'region rx_ring')!;
    expect(rx.mappedBy).toEqual(['client rw @0x4000_0000', 'uart-driver rw @0x4000_0000']);
    // Runs: the client's eight ELF frames are one row per run of adjacent frames in one untyped.
    const elf = rows.filter((r) => r.owner === 'client' && r.label.startsWith('ELF frames'));
    expect(elf.length).toBeLessThan(8);
    expect(elf.reduce((sum, r) => sum + Number(/×(\d+)/.exec(r.label)?.[1] ?? 1), 0)).toBe(8);
    expect(elf.reduce((sum, r) => sum + r.size, 0)).toBe(0x8000);
  });

  it("shows a device whose status is the older 'ok' like an 'okay' one", async () => {
    const { plan, platform } = await planFile('fixtures/systems/hello/hello.system.ts');
    const older = { ...platform, devices: platform.devices.map((d) => (d.path === '/soc/rtc@101000' ? { ...d, status: 'ok' } : d)) };
    expect(memoryMap(plan, older).flatMap((b) => b.rows).find((r) => r.detail === '/soc/rtc@101000')).toMatchObject({ kind: 'device', start: 0x10_1000 });
  });

  it('merges untouched neighbouring untypeds of one kind into one block', async () => {
    const { plan, platform } = await planFile('fixtures/systems/hello/hello.system.ts');
    const titles = memoryMap(plan, platform).map((b) => b.title);
    // [0x8800_0000, 2^32) after RAM: 2^27 + 2^28 + three 2^29, unused by hello.
    expect(titles).toContain('untypeds #13–#17 · device · 1.9 GiB · unused');
  });

  it('draws one SVG line per row with the address and its hover title', async () => {
    const { plan, platform } = await planFile('fixtures/systems/hello/hello.system.ts');
    const blocks = memoryMap(plan, platform);
    const svg = memoryMapSvg(blocks);
    const rows = blocks.flatMap((b) => b.rows);
    expect(svg.match(/<g><title>/g)).toHaveLength(rows.length);
    expect(svg).toContain('<title>0x1000_0000 · MMIO serial@10000000 · /soc/serial@10000000 · hello rw @');
  });
});
