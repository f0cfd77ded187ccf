// Every bound the kernel checks, each with an argument exactly at it (accepted) and one past it
// (seL4's error): src/object/untyped.c decodeUntypedInvocation, src/kernel/cspace.c
// resolveAddressBits/lookupSlotForCNodeOp, src/object/objecttype.c updateCapData, src/object/tcb.c
// checkPrio/decodeReadRegisters/decodeWriteRegisters, src/arch/riscv/object/interrupt.c
// Arch_checkIRQ, src/arch/riscv/kernel/vspace.c (USER_TOP, alignment, ASIDs).
import { describe, it, expect } from 'vitest';
import { cnodeCapData, InitialSlot, ObjectType } from '../../../schema/abi.js';
import { InvocationLabel as L, RETYPE_FAN_OUT_LIMIT, SeL4Error, USER_CONTEXT_REGISTERS, USER_TOP } from '../../../runtime/kernel/abi.js';
import { resolveAddressBits } from '../../../runtime/kernel/cnode.js';
import {
  ASID_POOL,
  bootTestKernel,
  capAt,
  createThread,
  DEVICE_UNTYPED_SLOT,
  IRQ_CONTROL,
  retype,
  ROOT_CNODE,
  ROOT_TCB,
  rootInvoke,
  UNTYPED_SLOT,
} from './fixture.js';

describe('Untyped_Retype bounds', () => {
  /** A 16-slot CNode (root slot `node`) as the destination, named with depth 32. */
  function withNode() {
    const sys = bootTestKernel();
    const node = retype(sys, ObjectType.CNode, 4);
    const call = (type: number, size: number, offset: number, count: number, untyped = UNTYPED_SLOT) =>
      rootInvoke(sys, untyped, L.UntypedRetype, [type, size, node, 32, offset, count], [ROOT_CNODE]);
    return { sys, node, call };
  }

  it('node offset: the last slot (nodeSize - 1) is accepted, nodeSize is RangeError(0, nodeSize - 1)', () => {
    const { call } = withNode();
    expect(call(ObjectType.Endpoint, 0, 15, 1).error).toBe(0);
    expect(call(ObjectType.Endpoint, 0, 16, 1)).toEqual({ error: SeL4Error.RangeError, mrs: [0, 15] });
  });

  it('window: exactly to the end of the CNode is accepted, one more is RangeError(1, nodeSize - offset)', () => {
    const { call } = withNode();
    expect(call(ObjectType.Endpoint, 0, 12, 5)).toEqual({ error: SeL4Error.RangeError, mrs: [1, 4] });
    expect(call(ObjectType.Endpoint, 0, 12, 4).error).toBe(0);
    expect(call(ObjectType.Endpoint, 0, 0, 16, UNTYPED_SLOT).error).toBe(SeL4Error.DeleteFirst);
  });

  it('window: 1 and the fan-out limit are accepted, 0 and limit + 1 are RangeError(1, limit)', () => {
    const sys = bootTestKernel();
    const big = retype(sys, ObjectType.CNode, 10);
    const call = (count: number, offset = 0) =>
      rootInvoke(sys, UNTYPED_SLOT, L.UntypedRetype, [ObjectType.Notification, 0, big, 32, offset, count], [ROOT_CNODE]);
    expect(call(0)).toEqual({ error: SeL4Error.RangeError, mrs: [1, RETYPE_FAN_OUT_LIMIT] });
    expect(call(RETYPE_FAN_OUT_LIMIT + 1)).toEqual({ error: SeL4Error.RangeError, mrs: [1, RETYPE_FAN_OUT_LIMIT] });
    expect(call(RETYPE_FAN_OUT_LIMIT).error).toBe(0);
    expect(call(1, RETYPE_FAN_OUT_LIMIT).error).toBe(0);
  });

  it('object type: 7 (the last) is accepted, 8 is InvalidArgument 0', () => {
    const { call } = withNode();
    expect(call(ObjectType.PageTable, 0, 0, 1).error).toBe(0);
    expect(call(ObjectType.PageTable + 1, 0, 1, 1)).toEqual({ error: SeL4Error.InvalidArgument, mrs: [0] });
  });

  it('untyped size: 4 and 29 pass the size checks, 3 is InvalidArgument 1, 30 is RangeError(0, 29)', () => {
    const { call } = withNode();
    expect(call(ObjectType.Untyped, 3, 0, 1)).toEqual({ error: SeL4Error.InvalidArgument, mrs: [1] });
    expect(call(ObjectType.Untyped, 30, 0, 1)).toEqual({ error: SeL4Error.RangeError, mrs: [0, 29] });
    // 2^29 passes the bound and then does not fit in the 16 MiB untyped.
    expect(call(ObjectType.Untyped, 29, 0, 1).error).toBe(SeL4Error.NotEnoughMemory);
    expect(call(ObjectType.Untyped, 4, 0, 1).error).toBe(0);
  });

  it('CNode size: 1 slot bit is accepted, 0 is InvalidArgument 1; 25 bits (2^29 bytes) passes, 26 is RangeError', () => {
    const { call } = withNode();
    expect(call(ObjectType.CNode, 0, 0, 1)).toEqual({ error: SeL4Error.InvalidArgument, mrs: [1] });
    expect(call(ObjectType.CNode, 26, 0, 1)).toEqual({ error: SeL4Error.RangeError, mrs: [0, 29] });
    expect(call(ObjectType.CNode, 25, 0, 1).error).toBe(SeL4Error.NotEnoughMemory);
    expect(call(ObjectType.CNode, 1, 0, 1).error).toBe(0);
  });

  it('a fixed-size object ignores the size argument below the word size (31 accepted, 32 RangeError)', () => {
    const { call } = withNode();
    expect(call(ObjectType.Endpoint, 32, 0, 1)).toEqual({ error: SeL4Error.RangeError, mrs: [0, 29] });
    expect(call(ObjectType.Endpoint, 31, 0, 1).error).toBe(0);
  });

  it('memory: objects that fill the untyped exactly are made, one more is NotEnoughMemory with the bytes free', () => {
    const sys = bootTestKernel();
    // The device untyped is one 4 KiB page: exactly one frame fits.
    const call = (slot: number, count: number) =>
      rootInvoke(sys, DEVICE_UNTYPED_SLOT, L.UntypedRetype, [ObjectType.Page4K, 0, 0, 0, slot, count], [ROOT_CNODE]);
    expect(call(300, 2)).toEqual({ error: SeL4Error.NotEnoughMemory, mrs: [4096] });
    expect(call(300, 1).error).toBe(0);
    expect(call(301, 1)).toEqual({ error: SeL4Error.NotEnoughMemory, mrs: [0] });
  });

  it('the watermark counts from the last object: 1 KiB free after 3 KiB of endpoints', () => {
    const sys = bootTestKernel();
    const ut = retype(sys, ObjectType.Untyped, 12);
    const call = (type: number, slot: number, count: number) =>
      rootInvoke(sys, ut, L.UntypedRetype, [type, 0, 0, 0, slot, count], [ROOT_CNODE]);
    expect(call(ObjectType.Endpoint, 300, 192).error).toBe(0);
    // 2 TCBs of 512 bytes fit in the last 1 KiB, 3 do not.
    expect(call(ObjectType.Tcb, 500, 3)).toEqual({ error: SeL4Error.NotEnoughMemory, mrs: [1024] });
    expect(call(ObjectType.Tcb, 500, 2).error).toBe(0);
  });

  it('device untyped: frames and untyped only (InvalidArgument 1 for each kernel object type)', () => {
    const sys = bootTestKernel();
    for (const type of [ObjectType.Tcb, ObjectType.Endpoint, ObjectType.Notification, ObjectType.CNode, ObjectType.PageTable]) {
      const r = rootInvoke(sys, DEVICE_UNTYPED_SLOT, L.UntypedRetype, [type, type === ObjectType.CNode ? 1 : 0, 0, 0, 300, 1], [ROOT_CNODE]);
      expect([type, r]).toEqual([type, { error: SeL4Error.InvalidArgument, mrs: [1] }]);
    }
    expect(rootInvoke(sys, DEVICE_UNTYPED_SLOT, L.UntypedRetype, [ObjectType.Untyped, 11, 0, 0, 300, 1], [ROOT_CNODE]).error).toBe(0);
    const child = capAt(sys, 300);
    expect(child.kind === 'untyped' && child.obj.isDevice).toBe(true);
  });
});

describe('CNode addressing bounds', () => {
  it('depth 1 and 32 are accepted, 0 and 33 are RangeError(1, 32)', () => {
    const sys = bootTestKernel();
    const del = (index: number, depth: number) => rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [index, depth]);
    expect(del(300, 0)).toEqual({ error: SeL4Error.RangeError, mrs: [1, 32] });
    expect(del(300, 33)).toEqual({ error: SeL4Error.RangeError, mrs: [1, 32] });
    expect(del(300, 32).error).toBe(0);
    const one = retype(sys, ObjectType.CNode, 1);
    expect(rootInvoke(sys, one, L.CNodeDelete, [1, 1]).error).toBe(0);
  });

  it('a guard longer than the bits left is a guard mismatch, not a depth mismatch (the guard-size test)', () => {
    const sys = bootTestKernel();
    // The root CNode cap: radix 12, guard 0 of 20 bits.
    const root = capAt(sys, ROOT_CNODE);
    expect(resolveAddressBits(root, 0, 19)).toEqual({ ok: false, fault: { type: 'guardMismatch', bitsLeft: 19, guardFound: 0, bitsFound: 20 } });
    // Exactly the guard's bits: the guard matches, then the radix does not fit.
    expect(resolveAddressBits(root, 0, 20)).toEqual({ ok: false, fault: { type: 'depthMismatch', bitsLeft: 20, bitsFound: 32 } });
    // Through an invocation: FailedLookup, not the source, with the guard mismatch words.
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [0, 19])).toEqual({ error: SeL4Error.FailedLookup, mrs: [0, 4, 19, 0, 20] });
  });

  it('a guard that differs in its lowest bit mismatches; the matching guard resolves', () => {
    const sys = bootTestKernel();
    const node = retype(sys, ObjectType.CNode, 4);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMutate, [300, 32, node, 32, cnodeCapData(0b101, 28)], [ROOT_CNODE]).error).toBe(0);
    const cap = capAt(sys, 300);
    expect(resolveAddressBits(cap, (0b101 << 4) | 3, 32)).toMatchObject({ ok: true, bitsRemaining: 0 });
    expect(resolveAddressBits(cap, (0b100 << 4) | 3, 32)).toEqual({ ok: false, fault: { type: 'guardMismatch', bitsLeft: 32, guardFound: 0b101, bitsFound: 28 } });
  });

  it('a depth past a non-CNode slot is FailedLookup depth mismatch with the bits left', () => {
    const sys = bootTestKernel();
    const node = retype(sys, ObjectType.CNode, 4);
    // 36 bits cannot be asked for; 8 bits through a 4-bit CNode cap stops at a null slot with 4 bits left.
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMutate, [300, 32, node, 32, cnodeCapData(0, 0)], [ROOT_CNODE]).error).toBe(0);
    expect(rootInvoke(sys, 300, L.CNodeDelete, [0x35, 8])).toEqual({ error: SeL4Error.FailedLookup, mrs: [0, 3, 4, 0] });
  });

  it('a CNode guard may fill the word with the radix (guardSize + radix = 32), not one bit more', () => {
    const sys = bootTestKernel();
    const node = retype(sys, ObjectType.CNode, 8);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [300, 32, node, 32, 15, cnodeCapData(0, 24)], [ROOT_CNODE]).error).toBe(0);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [301, 32, node, 32, 15, cnodeCapData(0, 25)], [ROOT_CNODE]).error).toBe(
      SeL4Error.IllegalOperation,
    );
  });

  it('a badge is set once: Mint of a badged cap, and Mutate of an endpoint, are IllegalOperation', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [300, 32, ep, 32, 15, 0x0fff_ffff], [ROOT_CNODE]).error).toBe(0);
    const badged = capAt(sys, 300);
    expect(badged.kind === 'endpoint' && badged.badge).toBe(0x0fff_ffff);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [301, 32, 300, 32, 15, 1], [ROOT_CNODE]).error).toBe(SeL4Error.IllegalOperation);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMutate, [302, 32, ep, 32, 1], [ROOT_CNODE]).error).toBe(SeL4Error.IllegalOperation);
  });
});

describe('CNode invocation errors in seL4 order', () => {
  it('Copy: a full destination is DeleteFirst before the source is looked at; an empty source is FailedLookup (source)', () => {
    const sys = bootTestKernel();
    const copy = (dest: number, src: number, srcDepth = 32) => rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [dest, 32, src, srcDepth, 15], [ROOT_CNODE]);
    expect(copy(ROOT_TCB, 999).error).toBe(SeL4Error.DeleteFirst);
    expect(copy(300, 999)).toEqual({ error: SeL4Error.FailedLookup, mrs: [1, 2, 32] });
    expect(copy(300, 0, 19)).toEqual({ error: SeL4Error.FailedLookup, mrs: [1, 4, 19, 0, 20] });
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [300, 32, ROOT_TCB, 32], [ROOT_CNODE]).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [300, 32, ROOT_TCB, 32, 15], [ROOT_CNODE]).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMove, [300, 32, ROOT_TCB], [ROOT_CNODE]).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMove, [300, 32, ROOT_TCB, 32]).error).toBe(SeL4Error.TruncatedMessage);
  });

  it('Rotate: the source is looked up before the pivot; an empty pivot is FailedLookup with wasSource 0', () => {
    const sys = bootTestKernel();
    const rotate = (dest: number, pivot: number, pivotDepth: number, src: number, srcDepth: number) =>
      rootInvoke(sys, ROOT_CNODE, L.CNodeRotate, [dest, 32, 0, pivot, pivotDepth, 0, src, srcDepth], [ROOT_CNODE, ROOT_CNODE]);
    // Both lookups fail: the source's error (depth 0) comes first.
    expect(rotate(300, 0, 33, 0, 0)).toEqual({ error: SeL4Error.RangeError, mrs: [1, 32] });
    expect(rotate(300, 999, 32, ROOT_TCB, 32)).toEqual({ error: SeL4Error.FailedLookup, mrs: [0, 2, 32] });
    expect(rotate(300, ROOT_TCB, 32, 998, 32)).toEqual({ error: SeL4Error.FailedLookup, mrs: [1, 2, 32] });
    expect(rotate(300, ROOT_TCB, 32, ROOT_TCB, 32).error).toBe(SeL4Error.IllegalOperation);
    expect(rotate(ROOT_TCB, ROOT_TCB, 32, IRQ_CONTROL, 32).error).toBe(SeL4Error.IllegalOperation);
    expect(rotate(IRQ_CONTROL, ROOT_TCB, 32, ASID_POOL, 32).error).toBe(SeL4Error.DeleteFirst);
  });
});

describe('TCB bounds', () => {
  it('priority: equal to the authority MCP is accepted, MCP + 1 is RangeError(0, MCP)', () => {
    const sys = bootTestKernel();
    const auth = createThread(sys, 'auth');
    const t = createThread(sys, 't');
    expect(rootInvoke(sys, auth.tcbSlot, L.TCBSetMCPriority, [77], [ROOT_TCB]).error).toBe(0);
    for (const label of [L.TCBSetPriority, L.TCBSetMCPriority]) {
      expect(rootInvoke(sys, t.tcbSlot, label, [78], [auth.tcbSlot])).toEqual({ error: SeL4Error.RangeError, mrs: [0, 77] });
      expect(rootInvoke(sys, t.tcbSlot, label, [77], [auth.tcbSlot]).error).toBe(0);
    }
    expect([t.tcb.priority, t.tcb.mcp]).toEqual([77, 77]);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetSchedParams, [78, 0], [auth.tcbSlot])).toEqual({ error: SeL4Error.RangeError, mrs: [0, 77] });
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetSchedParams, [0, 78], [auth.tcbSlot])).toEqual({ error: SeL4Error.RangeError, mrs: [0, 77] });
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetSchedParams, [77, 77], [auth.tcbSlot]).error).toBe(0);
    // The root task's MCP is 255: 255 is accepted, 256 is not.
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetPriority, [256], [ROOT_TCB])).toEqual({ error: SeL4Error.RangeError, mrs: [0, 255] });
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetPriority, [255], [ROOT_TCB]).error).toBe(0);
    // A priority-0 thread: 0 is accepted from an MCP of 0.
    expect(rootInvoke(sys, auth.tcbSlot, L.TCBSetMCPriority, [0], [ROOT_TCB]).error).toBe(0);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetPriority, [0], [auth.tcbSlot]).error).toBe(0);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetPriority, [1], [auth.tcbSlot])).toEqual({ error: SeL4Error.RangeError, mrs: [0, 0] });
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetPriority, [0], [ROOT_CNODE])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [1] });
  });

  it('ReadRegisters count: 1 and 32 are accepted, 0 and 33 are RangeError(1, 32)', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    const read = (n: number) => rootInvoke(sys, t.tcbSlot, L.TCBReadRegisters, [0, n]);
    expect(read(0)).toEqual({ error: SeL4Error.RangeError, mrs: [1, 32] });
    expect(read(33)).toEqual({ error: SeL4Error.RangeError, mrs: [1, 32] });
    expect(read(1).mrs.length).toBe(1);
    expect(read(USER_CONTEXT_REGISTERS.length).mrs.length).toBe(32);
  });

  it('WriteRegisters: a message of exactly 2 + count words is accepted, one short is TruncatedMessage', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    expect(rootInvoke(sys, t.tcbSlot, L.TCBWriteRegisters, [0, 3, 1, 2]).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBWriteRegisters, [0, 3, 0x40, 2, 3]).error).toBe(0);
    expect([t.tcb.pc, t.tcb.faultIp]).toEqual([0x40, 0x40]);
  });
});

describe('IRQControl bounds (Arch_checkIRQ)', () => {
  it('IRQ 1 and maxIRQ are accepted; 0 and maxIRQ + 1 are RangeError(1, maxIRQ); a second issue is RevokeFirst', () => {
    const sys = bootTestKernel();
    const max = sys.kernel.maxIrq;
    const issue = (irq: number, slot: number) => rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [irq, slot, 32], [ROOT_CNODE]);
    expect(issue(0, 300)).toEqual({ error: SeL4Error.RangeError, mrs: [1, max] });
    expect(issue(max + 1, 300)).toEqual({ error: SeL4Error.RangeError, mrs: [1, max] });
    expect(issue(max, 300).error).toBe(0);
    expect(issue(1, 301).error).toBe(0);
    expect(issue(1, 302).error).toBe(SeL4Error.RevokeFirst);
    // The IRQ is checked before the destination slot.
    expect(issue(max + 1, ROOT_TCB).error).toBe(SeL4Error.RangeError);
    expect(issue(2, ROOT_TCB).error).toBe(SeL4Error.DeleteFirst);
    const trigger = rootInvoke(sys, IRQ_CONTROL, L.RISCVIRQIssueIRQHandlerTrigger, [3, 1, 303, 32], [ROOT_CNODE]);
    expect(trigger.error).toBe(0);
    expect(rootInvoke(sys, IRQ_CONTROL, L.RISCVIRQIssueIRQHandlerTrigger, [4, 1, 304], [ROOT_CNODE]).error).toBe(SeL4Error.TruncatedMessage);
  });
});

describe('VSpace bounds', () => {
  function vspace() {
    const sys = bootTestKernel();
    const root = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], [root]).error).toBe(0);
    return { sys, root };
  }

  it('PageTable_Map: the last 4 MiB below USER_TOP is accepted, USER_TOP is InvalidArgument 0', () => {
    const { sys, root } = vspace();
    const pt = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [USER_TOP, 0], [root])).toEqual({ error: SeL4Error.InvalidArgument, mrs: [0] });
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [USER_TOP - 1, 0], [root]).error).toBe(0);
    const again = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, again, L.RISCVPageTableMap, [USER_TOP - 0x40_0000, 0], [root]).error).toBe(SeL4Error.DeleteFirst);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0, 0], [root])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [0] });
  });

  it('Page_Map: a frame ending at USER_TOP is accepted, one page higher is InvalidArgument 0; misalignment is AlignmentError', () => {
    const { sys, root } = vspace();
    const pt = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [USER_TOP - 0x1000, 0], [root]).error).toBe(0);
    const frame = retype(sys, ObjectType.Page4K);
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [USER_TOP, 3, 0], [root])).toEqual({ error: SeL4Error.InvalidArgument, mrs: [0] });
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [USER_TOP - 0x800, 3, 0], [root]).error).toBe(SeL4Error.InvalidArgument);
    // Its last byte exactly at USER_TOP: still past the top (checked before alignment).
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [USER_TOP - 0xfff, 3, 0], [root])).toEqual({ error: SeL4Error.InvalidArgument, mrs: [0] });
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [USER_TOP - 0x1800, 3, 0], [root]).error).toBe(SeL4Error.AlignmentError);
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [USER_TOP - 0x1000, 3, 0], [root]).error).toBe(0);
    const other = retype(sys, ObjectType.Page4K);
    expect(rootInvoke(sys, other, L.RISCVPageMap, [USER_TOP - 0x1000, 3, 0], [root]).error).toBe(SeL4Error.DeleteFirst);
  });

  it('Page_Map: a 4 MiB page needs 4 MiB alignment and a free level-1 slot; a 4 KiB page needs a page table', () => {
    const { sys, root } = vspace();
    const mega = retype(sys, ObjectType.MegaPage);
    expect(rootInvoke(sys, mega, L.RISCVPageMap, [0x40_1000, 3, 0], [root]).error).toBe(SeL4Error.AlignmentError);
    const small = retype(sys, ObjectType.Page4K);
    expect(rootInvoke(sys, small, L.RISCVPageMap, [0x80_0000, 3, 0], [root])).toEqual({ error: SeL4Error.FailedLookup, mrs: [0, 2, 22] });
    expect(rootInvoke(sys, mega, L.RISCVPageMap, [0x40_0000, 3, 0], [root]).error).toBe(0);
    const pt = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0x40_0000, 0], [root]).error).toBe(SeL4Error.DeleteFirst);
  });

  it('Page_Map again: the same VSpace and address remaps, another address is InvalidArgument 0, another VSpace InvalidCapability 1', () => {
    const { sys, root } = vspace();
    const second = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], [second]).error).toBe(0);
    for (const r of [root, second]) {
      const pt = retype(sys, ObjectType.PageTable);
      expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0, 0], [r]).error).toBe(0);
    }
    const frame = retype(sys, ObjectType.Page4K);
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [0x1000, 3, 0], [root]).error).toBe(0);
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [0x1000, 2, 0], [root]).error).toBe(0);
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [0x2000, 3, 0], [root])).toEqual({ error: SeL4Error.InvalidArgument, mrs: [0] });
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [0x1000, 3, 0], [second])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [1] });
  });

  it('PageTable_Unmap: a VSpace root with its ASID, or a table with another cap, is RevokeFirst', () => {
    const { sys, root } = vspace();
    expect(rootInvoke(sys, root, L.RISCVPageTableUnmap, []).error).toBe(SeL4Error.RevokeFirst);
    const pt = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0, 0], [root]).error).toBe(0);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [400, 32, pt, 32, 15], [ROOT_CNODE]).error).toBe(0);
    expect(rootInvoke(sys, pt, L.RISCVPageTableUnmap, []).error).toBe(SeL4Error.RevokeFirst);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [400, 32]).error).toBe(0);
    expect(rootInvoke(sys, pt, L.RISCVPageTableUnmap, []).error).toBe(0);
    const cap = capAt(sys, pt);
    expect(cap.kind === 'pageTable' && cap.mapping).toBeNull();
  });

  it('ASIDPool_Assign: ASIDs run out at the pool size (DeleteFirst); an assigned root is InvalidCapability 1', () => {
    const { sys, root } = vspace();
    expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], [root])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [1] });
    const pool = capAt(sys, ASID_POOL);
    const free = pool.kind === 'asidPool' ? pool.obj.entries.filter((e, i) => e === null && i > 1).length : 0;
    const roots = retype(sys, ObjectType.PageTable, 0, free + 1);
    for (let i = 0; i < free; i++) expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], [roots + i]).error).toBe(0);
    expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], [roots + free]).error).toBe(SeL4Error.DeleteFirst);
  });

  it('ASIDControl_MakePool needs a 4 KiB RAM untyped without children (InvalidCapability 1 / RevokeFirst)', () => {
    const sys = bootTestKernel();
    const make = (untyped: number, slot: number) => rootInvoke(sys, InitialSlot.asidControl, L.RISCVASIDControlMakePool, [slot, 32], [untyped, ROOT_CNODE]);
    const small = retype(sys, ObjectType.Untyped, 11);
    const big = retype(sys, ObjectType.Untyped, 13);
    const page = retype(sys, ObjectType.Untyped, 12);
    expect(make(small, 400)).toEqual({ error: SeL4Error.InvalidCapability, mrs: [1] });
    expect(make(big, 400)).toEqual({ error: SeL4Error.InvalidCapability, mrs: [1] });
    expect(make(DEVICE_UNTYPED_SLOT, 400)).toEqual({ error: SeL4Error.InvalidCapability, mrs: [1] });
    expect(rootInvoke(sys, page, L.UntypedRetype, [ObjectType.Endpoint, 0, 0, 0, 401, 1], [ROOT_CNODE]).error).toBe(0);
    expect(make(page, 400).error).toBe(SeL4Error.RevokeFirst);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [401, 32]).error).toBe(0);
    expect(make(page, ROOT_TCB).error).toBe(SeL4Error.DeleteFirst);
    expect(make(page, 400).error).toBe(0);
    expect(capAt(sys, 400).kind).toBe('asidPool');
  });
});
