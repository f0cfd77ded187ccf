// Final and non-final deletes (seL4 src/object/cnode.c cteDelete through isFinalCapability,
// src/object/objecttype.c finaliseCap): deleting a copy of an IRQ handler, TCB or CNode cap leaves
// the IRQ's notification, the thread and the CNode's caps alone, the last one finalises; a boot
// untyped (made by the kernel, from no untyped) can lose its last cap. And invoke()'s edges: no
// extra caps passed at all, a cptr that resolves to nothing, a host failure in a machine hook.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { InvocationLabel as L, SeL4Error } from '../../../runtime/kernel/abi.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import { invoke } from '../../../runtime/kernel/invocation.js';
import {
  bootTestKernel,
  capAt,
  createThread,
  DEVICE_UNTYPED_SLOT,
  fakePlic,
  IRQ_CONTROL,
  resume,
  retype,
  ROOT_CNODE,
  rootInvoke,
  slotAt,
  type TestSystem,
} from './fixture.js';

const OK = { error: 0, mrs: [] };
const del = (sys: TestSystem, slot: number) => rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [slot, 32]);
const copy = (sys: TestSystem, dest: number, src: number) => rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [dest, 32, src, 32, 15], [ROOT_CNODE]);

describe('deleting a copy is not final; the last cap finalises', () => {
  it('IRQ handler: a copy deleted leaves the IRQ signalling its notification; the last one clears it', () => {
    const sys = bootTestKernel({ interrupts: fakePlic().controller });
    const k = sys.kernel;
    expect(rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [10, 300, 32], [ROOT_CNODE])).toEqual(OK);
    const ntfn = retype(sys, ObjectType.Notification);
    expect(rootInvoke(sys, 300, L.IRQSetIRQHandler, [], [ntfn])).toEqual(OK);
    expect(copy(sys, 301, 300)).toEqual(OK);
    expect(copy(sys, 302, 301)).toEqual(OK);
    expect(del(sys, 300)).toEqual(OK);
    expect(del(sys, 302)).toEqual(OK);
    expect([k.irqStates[10], k.irqSlots[10]!.cap.kind]).toEqual(['signal', 'notification']);
    // Another IRQ's handler is no copy: deleting its only cap leaves IRQ 10 alone and clears IRQ 11.
    expect(rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [11, 303, 32], [ROOT_CNODE])).toEqual(OK);
    expect(del(sys, 303)).toEqual(OK);
    expect([k.irqStates[10], k.irqStates[11]]).toEqual(['signal', 'inactive']);
    expect(del(sys, 301)).toEqual(OK);
    expect([k.irqStates[10], k.irqSlots[10]!.cap.kind]).toEqual(['inactive', 'null']);
    // Inactive again: a new handler can be issued.
    expect(rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [10, 300, 32], [ROOT_CNODE])).toEqual(OK);
    expect(checkInvariants(k)).toEqual([]);
  });

  it('TCB: a copy deleted leaves the thread ready with its CSpace; the last cap suspends it', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    resume(sys, t);
    expect(copy(sys, 400, t.tcbSlot)).toEqual(OK);
    expect(del(sys, 400)).toEqual(OK);
    expect([t.tcb.state, t.tcb.inReadyQueue, t.tcb.cspaceRoot.cap.kind, t.tcb.live]).toEqual(['restart', true, 'cnode', true]);
    expect(del(sys, t.tcbSlot)).toEqual(OK);
    expect([t.tcb.state, t.tcb.inReadyQueue, t.tcb.cspaceRoot.cap.kind, t.tcb.live]).toEqual(['inactive', false, 'null', false]);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('CNode: a copy deleted leaves the caps inside; the last cap deletes them', () => {
    const sys = bootTestKernel();
    const cnode = retype(sys, ObjectType.CNode, 4);
    const ep = retype(sys, ObjectType.Endpoint);
    expect(rootInvoke(sys, cnode, L.CNodeCopy, [5, 4, ep, 32, 15], [ROOT_CNODE])).toEqual(OK);
    const c = capAt(sys, cnode);
    const inner = c.kind === 'cnode' ? c.obj.slots.at(5)! : null;
    expect(inner?.cap.kind).toBe('endpoint');
    expect(copy(sys, 400, cnode)).toEqual(OK);
    expect(del(sys, 400)).toEqual(OK);
    expect(inner?.cap.kind).toBe('endpoint');
    expect(del(sys, cnode)).toEqual(OK);
    expect(inner?.cap.kind).toBe('null');
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('a boot untyped, made from no untyped, loses its last cap; caps retyped from it stay and move up', () => {
    const sys = bootTestKernel();
    const frame = retype(sys, ObjectType.Page4K, 0, 1, DEVICE_UNTYPED_SLOT);
    const untyped = capAt(sys, DEVICE_UNTYPED_SLOT);
    expect(del(sys, DEVICE_UNTYPED_SLOT)).toEqual(OK);
    expect(untyped.kind === 'untyped' && untyped.obj.live).toBe(false);
    expect([capAt(sys, frame).kind, slotAt(sys, frame).parent]).toEqual(['frame', null]);
    expect(del(sys, frame)).toEqual(OK);
  });
});

describe('invoke()', () => {
  it('without an extra-cap list it passes no extra caps: CNode_Copy is then TruncatedMessage', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    expect(invoke(sys.kernel, sys.kernel.rootTcb, ROOT_CNODE, L.CNodeCopy, [400, 32, ep, 32, 15])).toEqual({
      error: SeL4Error.TruncatedMessage,
      mrs: [],
    });
  });

  it('a cptr that resolves to nothing: InvalidCapability 0 with the cap fault (cptr and lookup fault)', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    // t's CNode has 24 guard bits of 0: 0x100 does not match them.
    expect(invoke(sys.kernel, t.tcb, 0x100, L.CNodeDelete, [0, 8])).toEqual({
      error: SeL4Error.InvalidCapability,
      mrs: [0],
      capFault: { cptr: 0x100, lookup: { type: 'guardMismatch', bitsLeft: 32, guardFound: 0, bitsFound: 24 } },
    });
    expect(invoke(sys.kernel, t.tcb, 1, L.CNodeCopy, [0, 8, 1, 8, 15], [0x100])).toEqual({
      error: SeL4Error.InvalidCapability,
      mrs: [0],
      capFault: { cptr: 0x100, lookup: { type: 'guardMismatch', bitsLeft: 32, guardFound: 0, bitsFound: 24 } },
    });
  });

  it('a host failure in a machine hook is not turned into an seL4 error', () => {
    let fail = false;
    const sys = bootTestKernel({
      hooks: {
        tlbFlush: () => {
          if (fail) throw new Error('host failure');
        },
      },
    });
    const t = createThread(sys, 't');
    fail = true;
    expect(() => rootInvoke(sys, t.bufferSlot, L.RISCVPageUnmap, [])).toThrow('host failure');
  });
});
