// invoke() and decodeKernelInvocation at each branch (seL4 src/object/objecttype.c decodeInvocation,
// src/object/domain.c decodeDomainInvocation): the invoked and the extra caps looked up (a failed
// lookup is a cap fault), caps that are not kernel objects, the trace event, the caching the boot
// passes for a frame mapping, and DomainSet_Set's message.
import { describe, it, expect } from 'vitest';
import { InitialSlot, ObjectType } from '../../../schema/abi.js';
import { InvocationLabel as L, SeL4Error } from '../../../runtime/kernel/abi.js';
import { invoke } from '../../../runtime/kernel/invocation.js';
import type { KernelTraceEvent } from '../../../runtime/kernel/kernel.js';
import { ASID_POOL, bootTestKernel, retype, ROOT_CNODE, rootInvoke } from './fixture.js';

const OK = { error: 0, mrs: [] };

describe('invoke', () => {
  it('an empty slot, an endpoint or a notification is not a kernel object: InvalidCapability 0', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const n = retype(sys, ObjectType.Notification);
    for (const cptr of [400, ep, n]) expect(rootInvoke(sys, cptr, L.CNodeCopy, [])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [0] });
  });

  it('an extra cap that cannot be looked up is a cap fault naming it; the invoked cap too', () => {
    const sys = bootTestKernel();
    const r = rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], [0x10_0000]);
    expect([r.error, r.mrs, r.capFault?.cptr]).toEqual([SeL4Error.InvalidCapability, [0], 0x10_0000]);
    const s = rootInvoke(sys, 0x20_0000, L.RISCVASIDPoolAssign, []);
    expect([s.error, s.capFault?.cptr]).toEqual([SeL4Error.InvalidCapability, 0x20_0000]);
  });

  it('traces each invocation with its thread, label and error', () => {
    const events: KernelTraceEvent[] = [];
    const sys = bootTestKernel({ hooks: { trace: (e) => events.push(e) } });
    rootInvoke(sys, InitialSlot.domain, L.DomainSetSet, [1], [1]);
    expect(events.filter((e) => e.kind === 'invocation')).toEqual([
      { kind: 'invocation', thread: sys.kernel.rootTcb.name, label: L.DomainSetSet, error: SeL4Error.InvalidArgument },
    ]);
  });

  it('the caching a caller passes overrides the attributes for a frame mapping', () => {
    const sys = bootTestKernel();
    const root = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], [root])).toEqual(OK);
    const pt = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0, 0], [root])).toEqual(OK);
    const frame = retype(sys, ObjectType.Page4K);
    expect(invoke(sys.kernel, sys.kernel.rootTcb, frame, L.RISCVPageMap, [0x1000, 3, 0], [root], { cached: false })).toEqual(OK);
    const c = sys.kernel.rootCNode.slots[frame]!.cap;
    expect(c.kind === 'frame' && c.mapping?.cached).toBe(false);
  });

  it('DomainSet_Set needs the domain word and the TCB cap (TruncatedMessage); domain 0 answers with no words', () => {
    const sys = bootTestKernel();
    const d = InitialSlot.domain;
    expect(rootInvoke(sys, d, L.DomainSetSet, [], [1]).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, d, L.DomainSetSet, [0], []).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, d, L.DomainSetSet, [0], [1])).toEqual(OK);
    expect(rootInvoke(sys, d, L.DomainSetSet, [0], [ROOT_CNODE])).toEqual({ error: SeL4Error.InvalidArgument, mrs: [1] });
  });
});
