// compiler/plan/vspace.ts at its bounds: ELF segments from the first user page up to the region
// area's base (exactly at it and one page past), pages shared by segments with the union of their
// rights, write implying read, the automatic areas filled up to exactly their end and one page past
// (KC4008), explicit placements the areas flow around, regions' fixed frames, MMIO frames at the
// device's address, the stack rounded to pages under its guard page, one page table per 4 MiB window,
// every mapping sorted by address.
import { describe, expect, it } from 'vitest';
import { layoutVSpace } from '../../../compiler/plan/vspace.js';
import type { ModelComponent, ModelRegion } from '../../../compiler/resolvePlatform.js';
import { DiagnosticBag } from '../../../schema/diagnostics.js';
import { VSpaceLayout } from '../../../schema/plan.js';
import { systemSchema } from '../../../schema/descriptor.js';
import { checkDescriptor } from '../../../compiler/check/index.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { repoRoot } from '../../helpers/files.js';

const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);

const base: ModelComponent = {
  index: 0, path: 'components.0', name: 'c', priority: 100, stackSize: 0x2000, code: { sources: [], elf: 'c.elf' },
  faultHandler: null, devices: [], memory: [], channelEnds: [],
};
const region = (name: string, size: number, paddr: number | null = null): ModelRegion => ({ path: `memoryRegions.${name}`, name, size, paddr });
const map = (r: string, vaddr: number | null = null) => ({ path: `components.0.memory.${r}`, region: r, name: r, vaddr, perms: 'rw', cached: true });

function layout(segments: { vaddr: number; memsz: number; flags: number }[], extra: Partial<ModelComponent> = {}, regions: ModelRegion[] = []) {
  const bag = new DiagnosticBag();
  const space = layoutVSpace({ ...base, ...extra }, new Map(regions.map((r) => [r.name, r])), { entry: 0x1_0000, segments, placeholder: false }, bag);
  return { space, diagnostics: bag.sorted().map((d) => [d.code, d.path, d.message]) };
}
const elfMappings = (space: ReturnType<typeof layout>['space']) => space.mappings.filter((m) => m.purpose === 'elf').map((m) => [m.vaddr, m.perms]);

describe('ELF pages', () => {
  it('maps each page a segment touches, with R, RW, X, RX, RWX; write implies read, no flags reads', () => {
    const { space, diagnostics } = layout([
      { vaddr: 0x1_0000, memsz: 0x1000, flags: 4 },
      { vaddr: 0x2_0000, memsz: 0x1000, flags: 2 },
      { vaddr: 0x3_0000, memsz: 0x1000, flags: 1 },
      { vaddr: 0x4_0000, memsz: 0x1000, flags: 5 },
      { vaddr: 0x5_0000, memsz: 0x1000, flags: 7 },
      { vaddr: 0x6_0000, memsz: 0x1000, flags: 0 },
      { vaddr: 0x7_0000, memsz: 0, flags: 7 },
    ]);
    expect(diagnostics).toEqual([]);
    expect(elfMappings(space)).toEqual([[0x1_0000, 'r'], [0x2_0000, 'rw'], [0x3_0000, 'x'], [0x4_0000, 'rx'], [0x5_0000, 'rwx'], [0x6_0000, 'r']]);
    expect(space.frames[0]).toEqual({ name: 'frame_c_elf_00010000', paddr: null, purpose: 'elf', owner: 'c' });
  });

  it('rounds a segment out to whole pages; a page two segments share gets both their rights', () => {
    const { space } = layout([{ vaddr: 0x1_0800, memsz: 0x1000, flags: 5 }, { vaddr: 0x1_1800, memsz: 0x1, flags: 6 }]);
    expect(elfMappings(space)).toEqual([[0x1_0000, 'rx'], [0x1_1000, 'rwx']]);
  });

  it('accepts a segment from the first user page to exactly the region area; one page lower or higher is KC4007', () => {
    expect(layout([{ vaddr: 0x1000, memsz: VSpaceLayout.regionBase - 0x1000, flags: 4 }]).diagnostics).toEqual([]);
    const low = layout([{ vaddr: 0xfff, memsz: 0x10, flags: 4 }]);
    expect(low.diagnostics).toEqual([
      ['KC4007', 'components.0.code', "ELF segment 0 of 'c' at 0xfff..0x100f is outside 0x1000..0x4000_0000"],
    ]);
    expect(low.space.mappings.some((m) => m.purpose === 'elf')).toBe(false);
    expect(layout([{ vaddr: VSpaceLayout.regionBase - 0x1000, memsz: 0x1001, flags: 4 }]).diagnostics.map((d) => d[0])).toEqual(['KC4007']);
  });
});

describe('automatic areas', () => {
  it('fills the region area up to exactly its end; one page more is KC4008', () => {
    const full = VSpaceLayout.mmioBase - VSpaceLayout.regionBase;
    const fits = layout([], { memory: [map('a')] }, [region('a', full)]);
    expect(fits.diagnostics).toEqual([]);
    expect(fits.space.mappings.filter((m) => m.purpose === 'region').at(-1)!.vaddr).toBe(VSpaceLayout.mmioBase - 0x1000);
    const over = layout([], { memory: [map('a'), map('b')] }, [region('a', full - 0x1000), region('b', 0x2000)]);
    expect(over.diagnostics).toEqual([
      ['KC4008', 'components.0.memory.b', "the automatic region area of 'c' (0x4000_0000..0x6000_0000) cannot hold memory region 'b' (0x2000 bytes)"],
    ]);
  });

  it('places regions one after another, rounded to pages, around an explicit placement', () => {
    const { space, diagnostics } = layout([], { memory: [map('a'), map('fixed', 0x4000_2000), map('b')] }, [region('a', 0x1800), region('fixed', 0x1000), region('b', 0x1000)]);
    expect(diagnostics).toEqual([]);
    expect(space.mappings.filter((m) => m.purpose === 'region').map((m) => [m.source, m.vaddr])).toEqual([
      ['a', 0x4000_0000], ['a', 0x4000_1000], ['fixed', 0x4000_2000], ['b', 0x4000_3000],
    ]);
  });

  it('gives a region with a physical address a fixed frame per page; an empty region nothing', () => {
    const { space } = layout([], { memory: [map('dma'), map('none')] }, [region('dma', 0x2000, 0x8100_0000), region('none', 0)]);
    expect(space.frames.filter((f) => f.purpose.startsWith('region:'))).toEqual([
      { name: 'region_dma_00000', paddr: 0x8100_0000, purpose: 'region:dma', owner: null },
      { name: 'region_dma_00001', paddr: 0x8100_1000, purpose: 'region:dma', owner: null },
    ]);
  });

  it('refuses an explicit placement over an ELF segment (KC4006), and one page after it is fine', () => {
    const segments = [{ vaddr: 0x4000_0000 - 0x1000, memsz: 0x1000, flags: 4 }];
    expect(layout(segments, { memory: [map('a', 0x3fff_f000)] }, [region('a', 0x1000)]).diagnostics.map((d) => d[0])).toEqual(['KC4006']);
    expect(layout(segments, { memory: [map('a', 0x4000_0000)] }, [region('a', 0x1000)]).diagnostics).toEqual([]);
  });
});

describe('stack, IPC buffer and page tables', () => {
  it('rounds the stack up to pages below the guard page; the IPC buffer on the top page', () => {
    const { space } = layout([], { stackSize: 0x1001 });
    expect(space.stackBottom).toBe(VSpaceLayout.stackTop - 0x2000);
    expect(space.stackTop).toBe(VSpaceLayout.stackTop);
    expect(space.mappings.filter((m) => m.purpose === 'stack').map((m) => m.vaddr)).toEqual([VSpaceLayout.stackTop - 0x2000, VSpaceLayout.stackTop - 0x1000]);
    expect(space.mappings.find((m) => m.purpose === 'ipcBuffer')).toMatchObject({ vaddr: VSpaceLayout.ipcBuffer, frame: 'frame_c_ipc', perms: 'rw' });
    expect(layout([], { stackSize: 0x1000 }).space.stackBottom).toBe(VSpaceLayout.stackTop - 0x1000);
  });

  it('needs one page table per 4 MiB window, sorted: a window’s last page and the next window’s first are two', () => {
    const { space } = layout([{ vaddr: 0x3f_f000, memsz: 0x2000, flags: 4 }, { vaddr: 0x1_0000, memsz: 0x1000, flags: 4 }]);
    expect(space.pageTableWindows).toEqual([0, 0x40_0000, 0x7fc0_0000]);
    expect(space.entry).toBe(0x1_0000);
  });
});

describe('mappings as the plan lists them', () => {
  it('sorts every mapping by address, whatever the segment order; each with its purpose, caching and no source', () => {
    const { space, diagnostics } = layout([{ vaddr: 0x2_0000, memsz: 0x1000, flags: 4 }, { vaddr: 0x1_0000, memsz: 0x1000, flags: 5 }, { vaddr: 0, memsz: 0, flags: 4 }]);
    expect(diagnostics).toEqual([]);
    expect(space.mappings.map((m) => m.vaddr)).toEqual([0x1_0000, 0x2_0000, VSpaceLayout.stackTop - 0x2000, VSpaceLayout.stackTop - 0x1000, VSpaceLayout.ipcBuffer]);
    expect(space.mappings[0]).toEqual({ vaddr: 0x1_0000, size: 0x1000, frame: 'frame_c_elf_00010000', perms: 'rx', cached: true, purpose: 'elf', source: '', name: '' });
    expect(space.mappings[2]).toEqual({ vaddr: VSpaceLayout.stackTop - 0x2000, size: 0x1000, frame: 'frame_c_stack_7fffc000', perms: 'rw', cached: true, purpose: 'stack', source: '', name: '' });
    expect(space.mappings[4]).toEqual({ vaddr: VSpaceLayout.ipcBuffer, size: 0x1000, frame: 'frame_c_ipc', perms: 'rw', cached: true, purpose: 'ipcBuffer', source: '', name: '' });
  });

  it('reports an explicit placement over the ELF at the mapping’s vaddr', () => {
    const segments = [{ vaddr: 0x4000_0000 - 0x1000, memsz: 0x1000, flags: 4 }];
    expect(layout(segments, { memory: [map('a', 0x3fff_f000)] }, [region('a', 0x1000)]).diagnostics.map((d) => d[1])).toEqual(['components.0.memory.a.vaddr']);
  });
});

describe('MMIO windows', () => {
  it('places registers in the MMIO area around an explicit placement, one uncached frame per page at the device’s address', () => {
    const model = checkDescriptor(
      systemSchema.parse({
        name: 's',
        components: [{ name: 'c', code: { elf: 'c.elf' }, devices: [{ device: 'serial0', name: 'uart', irq: false }, { device: '/soc/test@100000', name: 'test', mmio: { vaddr: 0x6000_0000 } }] }],
      }),
      platform,
    ).model;
    const bag = new DiagnosticBag();
    const space = layoutVSpace(model.components[0]!, new Map(), { entry: 0x1_0000, segments: [], placeholder: false }, bag);
    expect(bag.sorted()).toEqual([]);
    expect(space.mappings.filter((m) => m.purpose === 'mmio')).toEqual([
      { vaddr: 0x6000_0000, size: 0x1000, frame: 'mmio_00100000', perms: 'rw', cached: false, purpose: 'mmio', source: '/soc/test@100000', name: 'test' },
      { vaddr: 0x6000_1000, size: 0x1000, frame: 'mmio_10000000', perms: 'rw', cached: false, purpose: 'mmio', source: '/soc/serial@10000000', name: 'uart' },
    ]);
    expect(space.frames.filter((f) => f.purpose.startsWith('mmio:'))).toEqual([
      { name: 'mmio_10000000', paddr: 0x1000_0000, purpose: 'mmio:/soc/serial@10000000', owner: 'c' },
      { name: 'mmio_00100000', paddr: 0x10_0000, purpose: 'mmio:/soc/test@100000', owner: 'c' },
    ]);
  });
});
