// The BOOTINFO and UNTYPED section codecs and their consistency rules (image/bootImage/bootInfo.ts)
// called directly, each rule at its bound with its whole message; readImage.test.ts shows the
// reader turning them into KC6014-KC6016 at a section.
import { describe, expect, it } from 'vitest';
import {
  bootInfoFor,
  bootInfoOfPlan,
  bootInfoProblem,
  decodeBootInfo,
  decodeUntypedSection,
  encodeBootInfo,
  encodeUntypedSection,
  untypedListProblem,
  untypedMismatch,
} from '../../../image/bootImage/bootInfo.js';
import { BOOTINFO_SIZE, BootInfoField } from '../../../image/bootImage/format.js';
import type { BootInfoData, UntypedDescriptor } from '../../../image/bootImage/index.js';
import { readImage } from '../../../image/bootImage/index.js';
import type { Plan } from '../../../schema/plan.generated.js';
import { exampleImage } from '../../runtime/exampleImages.js';
import { untyped } from './sampleImage.js';

const ram = (paddr: number, sizeBits: number, isDevice = false): UntypedDescriptor => ({ paddr, sizeBits, isDevice });
const problemOf = <T>(decoded: { value: T } | { problem: string }): string => ('problem' in decoded ? decoded.problem : 'no problem');
const valueOf = <T>(decoded: { value: T } | { problem: string }): T => {
  if ('problem' in decoded) throw new Error(decoded.problem);
  return decoded.value;
};

describe('bootInfoFor', () => {
  it('puts the untyped caps after the 16 initial caps and the rest of the root CNode empty', () => {
    expect(bootInfoFor(untyped)).toEqual({
      nodeID: 0,
      numNodes: 1,
      numIOPTLevels: 0,
      ipcBuffer: 0,
      empty: { start: 22, end: 4096 },
      sharedFrames: { start: 16, end: 16 },
      userImageFrames: { start: 16, end: 16 },
      userImagePaging: { start: 16, end: 16 },
      ioSpaceCaps: { start: 16, end: 16 },
      extraBIPages: { start: 16, end: 16 },
      initThreadCNodeSizeBits: 12,
      initThreadDomain: 0,
      untyped: { start: 16, end: 22 },
      untypedList: untyped,
    });
    expect(bootInfoFor([], 5)).toMatchObject({ empty: { start: 16, end: 32 }, initThreadCNodeSizeBits: 5, untyped: { start: 16, end: 16 } });
  });
});

describe('bootInfoOfPlan', () => {
  it("is the plan's slot regions and IPC buffer, the regions never filled cleared to 0..0", async () => {
    const image = readImage(await exampleImage('uart-echo'));
    const plan = JSON.parse(image.planJson) as Plan;
    const info = bootInfoOfPlan(plan, image.untyped);
    const b = plan.boot.bootInfo;
    expect(info).toEqual({
      nodeID: 0,
      numNodes: 1,
      numIOPTLevels: 0,
      ipcBuffer: b.ipcBuffer,
      empty: b.empty,
      sharedFrames: { start: 0, end: 0 },
      userImageFrames: b.userImageFrames,
      userImagePaging: b.userImagePaging,
      ioSpaceCaps: { start: 0, end: 0 },
      extraBIPages: b.extraBIPages.start < b.extraBIPages.end ? b.extraBIPages : { start: 0, end: 0 },
      initThreadCNodeSizeBits: plan.rootTask.cnodeSizeBits,
      initThreadDomain: 0,
      untyped: b.untyped,
      untypedList: image.untyped,
    });
    // The image's own bootinfo is the plan's.
    const { untypedList: _list, ...rest } = info;
    expect(image.bootInfo).toMatchObject(rest);
    // Extra bootinfo pages are kept only when there are some.
    const withExtra = structuredClone(plan);
    withExtra.boot.bootInfo.extraBIPages = { start: 40, end: 41 };
    expect(bootInfoOfPlan(withExtra, image.untyped).extraBIPages).toEqual({ start: 40, end: 41 });
    withExtra.boot.bootInfo.extraBIPages = { start: 41, end: 41 };
    expect(bootInfoOfPlan(withExtra, image.untyped).extraBIPages).toEqual({ start: 0, end: 0 });
  });
});

describe('untypedListProblem', () => {
  it('takes 230 untypeds and refuses 231', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ram(0x8000_0000 + i * 0x1000, 12));
    expect(untypedListProblem(many(230))).toBeUndefined();
    expect(untypedListProblem(many(231))).toBe('231 untypeds exceed the 230 bootinfo can hold');
  });

  it('refuses a paddr that is no word, a size outside 4..29, and misalignment, naming the untyped', () => {
    expect(untypedListProblem([ram(0x10, 4), ram(-16, 4)])).toBe("untyped 1 (paddr '0x-10', sizeBits 4) has a paddr that is not a 32-bit word");
    expect(untypedListProblem([ram(2 ** 32, 4)])).toBe("untyped 0 (paddr '0x100000000', sizeBits 4) has a paddr that is not a 32-bit word");
    expect(untypedListProblem([ram(0.5, 4)])).toBe("untyped 0 (paddr '0x0.8', sizeBits 4) has a paddr that is not a 32-bit word");
    expect(untypedListProblem([ram(0, 4), ram(0x2000_0000, 29)])).toBeUndefined();
    expect(untypedListProblem([ram(0, 3)])).toBe("untyped 0 (paddr '0x0', sizeBits 3) has sizeBits outside 4..29");
    expect(untypedListProblem([ram(0, 30)])).toBe("untyped 0 (paddr '0x0', sizeBits 30) has sizeBits outside 4..29");
    expect(untypedListProblem([ram(0, 4.5)])).toBe("untyped 0 (paddr '0x0', sizeBits 4.5) has sizeBits outside 4..29");
    expect(untypedListProblem([ram(0x18, 4)])).toBe("untyped 0 (paddr '0x18', sizeBits 4) is not aligned to its size");
    // The last aligned untyped of each size ends at 2^32 exactly.
    expect(untypedListProblem([ram(0xe000_0000, 29)])).toBeUndefined();
    expect(untypedListProblem([ram(0xffff_fff0, 4)])).toBeUndefined();
  });

  it('refuses overlaps by address whatever the order, and takes untypeds that only touch', () => {
    expect(untypedListProblem([ram(0x2000, 12), ram(0x1000, 12), ram(0x3000, 12)])).toBeUndefined();
    expect(untypedListProblem([ram(0x4000, 12), ram(0x0, 14)])).toBeUndefined();
    expect(untypedListProblem([ram(0x3000, 12), ram(0x0, 14)])).toBe("untyped 1 ('0x0'..'0x4000') overlaps untyped 0 ('0x3000'..'0x4000')");
    expect(untypedListProblem([ram(0x0, 5), ram(0x10, 4)])).toBe("untyped 0 ('0x0'..'0x20') overlaps untyped 1 ('0x10'..'0x20')");
  });
});

/** A self-consistent bootinfo to break one field of. */
const good = (): BootInfoData => ({ ...bootInfoFor(untyped), userImageFrames: { start: 22, end: 30 }, empty: { start: 30, end: 4096 } });
const broken = (change: Partial<BootInfoData>) => bootInfoProblem({ ...good(), ...change });

describe('bootInfoProblem', () => {
  it('takes the bootinfo the writer makes', () => {
    expect(bootInfoProblem(good())).toBeUndefined();
    expect(bootInfoProblem(bootInfoFor([]))).toBeUndefined();
  });

  it('refuses each word field that is not a 32-bit word', () => {
    for (const field of ['nodeID', 'numNodes', 'numIOPTLevels', 'ipcBuffer', 'initThreadCNodeSizeBits', 'initThreadDomain'] as const) {
      expect(broken({ [field]: 2 ** 32 })).toBe(`'${field}' is '4294967296', not a 32-bit word`);
    }
    expect(broken({ ipcBuffer: 0xffff_ffff })).toBeUndefined();
  });

  it('needs a node, a node ID below the count and a CNode of 1..28 bits', () => {
    expect(broken({ numNodes: 0 })).toBe("'numNodes' is 0, expected at least 1");
    expect(broken({ numNodes: 2, nodeID: 1 })).toBeUndefined();
    expect(broken({ numNodes: 2, nodeID: 2 })).toBe("'nodeID' 2 is not below 'numNodes' 2");
    expect(broken({ initThreadCNodeSizeBits: 0 })).toBe("'initThreadCNodeSizeBits' is 0, expected 1..28");
    expect(broken({ initThreadCNodeSizeBits: 29 })).toBe("'initThreadCNodeSizeBits' is 29, expected 1..28");
    expect(broken({ initThreadCNodeSizeBits: 28 })).toBeUndefined();
    // One bit: two slots, and every region of the default bootinfo then ends past them.
    expect(broken({ initThreadCNodeSizeBits: 1 })).toBe("'empty' ends at slot 4096, past the 2-slot root CNode");
  });

  it('refuses a region bound that is no word, reversed, past the CNode or among the initial caps, naming the first such region', () => {
    expect(broken({ sharedFrames: { start: 16, end: 2 ** 32 } })).toBe("'sharedFrames' has a bound that is not a 32-bit word");
    expect(broken({ sharedFrames: { start: -1, end: 16 } })).toBe("'sharedFrames' has a bound that is not a 32-bit word");
    expect(broken({ ioSpaceCaps: { start: 17, end: 16 } })).toBe("'ioSpaceCaps' starts at slot 17 after its end 16");
    expect(broken({ empty: { start: 30, end: 4097 } })).toBe("'empty' ends at slot 4097, past the 4096-slot root CNode");
    expect(broken({ extraBIPages: { start: 15, end: 16 } })).toBe("'extraBIPages' starts at slot 15, among the 16 initial caps");
    // An empty region may sit anywhere, a used one from slot 16.
    expect(broken({ extraBIPages: { start: 3, end: 3 } })).toBeUndefined();
    expect(broken({ empty: { start: 30, end: 4096 }, sharedFrames: { start: 4096, end: 4096 } })).toBeUndefined();
  });

  it('refuses used regions that overlap, in slot order, and takes ones that touch', () => {
    expect(broken({ userImagePaging: { start: 29, end: 31 } })).toBe("slot regions 'userImageFrames' (22..30) and 'userImagePaging' (29..31) overlap");
    expect(broken({ userImageFrames: { start: 22, end: 31 } })).toBe("slot regions 'userImageFrames' (22..31) and 'empty' (30..4096) overlap");
    expect(broken({ userImageFrames: { start: 21, end: 30 } })).toBe("slot regions 'untyped' (16..22) and 'userImageFrames' (21..30) overlap");
    // Empty regions inside used ones are no overlap.
    expect(broken({ sharedFrames: { start: 25, end: 25 } })).toBeUndefined();
    expect(broken({ userImageFrames: { start: 22, end: 29 }, userImagePaging: { start: 29, end: 30 } })).toBeUndefined();
  });

  it("needs as many untyped slots as 'untypedList' entries", () => {
    expect(broken({ untypedList: untyped.slice(1) })).toBe("the 'untyped' slot region holds 6 caps but 'untypedList' has 5 entries");
  });
});

describe('the BOOTINFO section', () => {
  const info = good();
  const bytes = encodeBootInfo(info);
  const view = new DataView(bytes.buffer);

  it('is sizeof(seL4_BootInfo) with each field at its offset, extraLen 0 and unused entries zero', () => {
    expect(bytes.length).toBe(BOOTINFO_SIZE);
    expect(BOOTINFO_SIZE).toBe(84 + 230 * 8);
    const words = Array.from({ length: 21 }, (_, i) => view.getUint32(4 * i, true));
    expect(words).toEqual([0, 0, 1, 0, 0, 30, 4096, 16, 16, 22, 30, 16, 16, 16, 16, 16, 16, 12, 0, 16, 22]);
    expect(Array.from(bytes.subarray(84, 92))).toEqual([0, 0, 0x10, 0, 12, 1, 0, 0]);
    expect(Array.from(bytes.subarray(84 + 3 * 8, 84 + 4 * 8))).toEqual([0, 0, 0x40, 0x80, 22, 0, 0, 0]);
    expect(bytes.subarray(84 + 6 * 8).every((b) => b === 0)).toBe(true);
  });

  it('decodes to what was encoded', () => {
    expect(valueOf(decodeBootInfo(bytes))).toEqual(info);
    expect(valueOf(decodeBootInfo(encodeBootInfo(bootInfoFor([]))))).toEqual(bootInfoFor([]));
    // Every word field from its own offset (numIOPTLevels and initThreadDomain are 0 in every image).
    const words = { ...info, nodeID: 1, numNodes: 2, numIOPTLevels: 3, ipcBuffer: 0x7fff_f000, initThreadDomain: 5 };
    expect(valueOf(decodeBootInfo(encodeBootInfo(words)))).toEqual(words);
    // A subarray of a larger buffer decodes the same.
    const padded = new Uint8Array(bytes.length + 16);
    padded.set(bytes, 8);
    expect(valueOf(decodeBootInfo(padded.subarray(8, 8 + bytes.length)))).toEqual(info);
  });

  const patched = (at: number, value: number, width: 8 | 16 | 32 = 32) => {
    const copy = bytes.slice();
    const v = new DataView(copy.buffer);
    if (width === 32) v.setUint32(at, value, true);
    else if (width === 16) v.setUint16(at, value, true);
    else v.setUint8(at, value);
    return problemOf(decodeBootInfo(copy));
  };

  it('refuses another size, extra bootinfo, a reversed or oversized untyped region', () => {
    expect(problemOf(decodeBootInfo(bytes.subarray(0, BOOTINFO_SIZE - 1)))).toBe(`size is ${BOOTINFO_SIZE - 1} bytes, expected sizeof(seL4_BootInfo) = 1924`);
    expect(problemOf(decodeBootInfo(new Uint8Array(BOOTINFO_SIZE + 1)))).toBe('size is 1925 bytes, expected sizeof(seL4_BootInfo) = 1924');
    expect(patched(BootInfoField.extraLen, 8)).toBe("'extraLen' is 8, expected 0 (format version 1 has no extra bootinfo)");
    expect(patched(BootInfoField.untyped, 23)).toBe("'untyped' starts at slot 23 after its end 22");
    expect(patched(BootInfoField.untyped, 22)).toBe("'untypedList' entry 0 is beyond the 0 untypeds but not zero");
    expect(patched(BootInfoField.untyped + 4, 16 + 231)).toBe("'untyped' region holds 231 caps, more than the 230 'untypedList' entries");
  });

  it('takes 230 untypeds, and refuses stale bytes in an entry beyond the count, in either word', () => {
    const full = bytes.slice();
    const v = new DataView(full.buffer);
    v.setUint32(BootInfoField.untyped + 4, 16 + 230, true);
    for (let i = 6; i < 230; i++) v.setUint8(84 + i * 8 + 4, 4);
    expect(valueOf(decodeBootInfo(full)).untypedList).toHaveLength(230);
    expect(patched(84 + 6 * 8, 1)).toBe("'untypedList' entry 6 is beyond the 6 untypeds but not zero");
    expect(patched(84 + 6 * 8 + 4, 1)).toBe("'untypedList' entry 6 is beyond the 6 untypeds but not zero");
    expect(patched(84 + 229 * 8 + 7, 1, 8)).toBe("'untypedList' entry 229 is beyond the 6 untypeds but not zero");
  });

  it('refuses an isDevice other than 0 or 1 and non-zero padding in a used entry', () => {
    expect(patched(84 + 2 * 8 + 5, 2, 8)).toBe("untyped 2 has isDevice '2', expected 0 or 1");
    expect(patched(84 + 2 * 8 + 6, 1, 8)).toBe('untyped 2 has non-zero padding bytes');
    expect(patched(84 + 2 * 8 + 7, 1, 8)).toBe('untyped 2 has non-zero padding bytes');
    expect(patched(84 + 5 * 8 + 5, 1, 8)).toBe('no problem');
  });
});

describe('the UNTYPED section', () => {
  const bytes = encodeUntypedSection(untyped);

  it('is a count, a zero word and the descriptors, and decodes to them', () => {
    expect(bytes.length).toBe(8 + 6 * 8);
    expect(Array.from(bytes.subarray(0, 16))).toEqual([6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 12, 1, 0, 0]);
    expect(valueOf(decodeUntypedSection(bytes))).toEqual(untyped);
    expect(valueOf(decodeUntypedSection(encodeUntypedSection([])))).toEqual([]);
    const padded = new Uint8Array(bytes.length + 4);
    padded.set(bytes, 4);
    expect(valueOf(decodeUntypedSection(padded.subarray(4)))).toEqual(untyped);
  });

  const patched = (at: number, value: number) => {
    const copy = bytes.slice();
    copy[at] = value;
    return problemOf(decodeUntypedSection(copy));
  };

  it('refuses a short header, a reserved word, a count that does not fit the size, more than 230 and bad entries', () => {
    expect(problemOf(decodeUntypedSection(new Uint8Array(7)))).toBe('7 bytes is shorter than its 8-byte header');
    expect(patched(4, 1)).toBe('the reserved word is not zero');
    expect(patched(7, 1)).toBe('the reserved word is not zero');
    expect(patched(0, 5)).toBe('count 5 needs 48 bytes but the section has 56');
    expect(patched(0, 7)).toBe('count 7 needs 64 bytes but the section has 56');
    expect(problemOf(decodeUntypedSection(bytes.subarray(0, 55)))).toBe('count 6 needs 56 bytes but the section has 55');
    const many = new Uint8Array(8 + 231 * 8);
    many[0] = 231;
    expect(problemOf(decodeUntypedSection(many))).toBe('count 231 exceeds the 230 bootinfo can hold');
    many[0] = 230;
    expect(problemOf(decodeUntypedSection(many.subarray(0, 8 + 230 * 8)))).toBe('no problem');
    expect(patched(8 + 8 + 5, 3)).toBe("untyped 1 has isDevice '3', expected 0 or 1");
    expect(patched(8 + 5 * 8 + 6, 1)).toBe('untyped 5 has non-zero padding bytes');
  });
});

describe('untypedMismatch', () => {
  it('names a different count, or the first entry that differs in address, size or kind', () => {
    expect(untypedMismatch(untyped, untyped.map((u) => ({ ...u })))).toBeUndefined();
    expect(untypedMismatch(untyped.slice(1), untyped)).toBe("'untypedList' has 5 untypeds but the UNTYPED section has 6");
    const differing = (change: Partial<UntypedDescriptor>) => untypedMismatch(untyped.map((u, i) => (i === 3 ? { ...u, ...change } : u)), untyped);
    const entry = (mine: string) => `'untypedList' entry 3 (${mine}) differs from the UNTYPED section's (paddr '0x80400000', sizeBits 22, device false)`;
    expect(differing({ paddr: 0x8000_0000 })).toBe(entry("paddr '0x80000000', sizeBits 22, device false"));
    expect(differing({ sizeBits: 21 })).toBe(entry("paddr '0x80400000', sizeBits 21, device false"));
    expect(differing({ isDevice: true })).toBe(entry("paddr '0x80400000', sizeBits 22, device true"));
  });
});
