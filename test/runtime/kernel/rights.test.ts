// Every rights bit the kernel checks, each with a cap lacking exactly that right (seL4
// src/api/syscall.c handleInvocation/handleRecv, src/object/objecttype.c decodeInvocation and
// maskCapRights, src/object/endpoint.c sendIPC, src/kernel/thread.c doNormalTransfer,
// src/object/interrupt.c decodeIRQHandlerInvocation, src/object/tcb.c decodeBindNotification,
// src/arch/riscv/kernel/vspace.c maskVMRights/makeUserPTE). Rights words: write 1, read 2, grant 4,
// grantReply 8.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { InvocationLabel as L, IpcBufferOffset, SeL4Error, Syscall } from '../../../runtime/kernel/abi.js';
import type { Cap } from '../../../runtime/kernel/objects.js';
import { lookupPtSlot, PTE_R, PTE_V, PTE_W, PTE_X } from '../../../runtime/kernel/vspace.js';
import {
  ASID_POOL,
  bootTestKernel,
  createThread,
  grant,
  infoOf,
  IRQ_CONTROL,
  mr,
  resume,
  retype,
  ROOT_CNODE,
  rootInvoke,
  syscall,
  type TestSystem,
} from './fixture.js';

const W = 0b0001;
const R = 0b0010;
const G = 0b0100;
const GR = 0b1000;
const ALL = 0b1111;
const SLOT = 1;

const capAt = (sys: TestSystem, slot: number): Cap => sys.kernel.rootCNode.slots[slot]!.cap;

/** Root-task slot `dest` gets a copy of `src` masked by `rights`. */
function mint(sys: TestSystem, dest: number, src: number, rights: number, badge = 0): void {
  expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [dest, 32, src, 32, rights, badge], [ROOT_CNODE]).error).toBe(0);
}

describe('endpoint caps', () => {
  function pair(senderRights: number, receiverRights: number) {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const a = createThread(sys, 'client');
    const b = createThread(sys, 'server');
    grant(sys, a, SLOT, ep, senderRights, 0x21);
    grant(sys, b, SLOT, ep, receiverRights);
    resume(sys, a);
    resume(sys, b);
    return { sys, ep, a, b };
  }

  it('Send without Write does nothing; Call without Write is answered InvalidCapability 0', () => {
    const { sys, a, b } = pair(ALL & ~W, ALL);
    syscall(sys, b.tcb, Syscall.Recv, { a0: SLOT });
    syscall(sys, a.tcb, Syscall.Send, { a0: SLOT, label: 3 });
    expect([a.tcb.state, b.tcb.state]).toEqual(['running', 'blockedOnReceive']);
    syscall(sys, a.tcb, Syscall.Call, { a0: SLOT, label: 3 });
    expect([a.tcb.state, infoOf(a.tcb).label, mr(a.tcb, 0), b.tcb.state]).toEqual(['running', SeL4Error.InvalidCapability, 0, 'blockedOnReceive']);
  });

  it('Send with only Write delivers', () => {
    const { sys, a, b } = pair(W, R);
    syscall(sys, b.tcb, Syscall.Recv, { a0: SLOT });
    syscall(sys, a.tcb, Syscall.Send, { a0: SLOT, label: 3 });
    expect([b.tcb.state, infoOf(b.tcb).label]).toEqual(['running', 3]);
  });

  it('Recv without Read is a cap fault in the receive phase (missing capability, 0 bits left)', () => {
    const { sys, b } = pair(ALL, ALL & ~R);
    b.tcb.pc = 0x700;
    syscall(sys, b.tcb, Syscall.Recv, { a0: SLOT });
    expect(sys.faults).toEqual([
      { thread: 'server', fault: { type: 'cap', pc: 0x700, address: SLOT, inRecvPhase: true, lookup: { type: 'missingCapability', bitsLeft: 0 } } },
    ]);
  });

  for (const [name, rights, replyCap] of [
    ['neither Grant nor GrantReply', W, false],
    ['GrantReply only', W | GR, true],
    ['Grant only', W | G, true],
  ] as const) {
    it(`Call with ${name}: the caller ${replyCap ? 'waits for a reply' : 'is left inactive, no reply cap'}`, () => {
      const { sys, a, b } = pair(rights, R);
      syscall(sys, b.tcb, Syscall.Recv, { a0: SLOT });
      syscall(sys, a.tcb, Syscall.Call, { a0: SLOT, label: 1, mrs: [5] });
      expect([b.tcb.state, mr(b.tcb, 0)]).toEqual(['running', 5]);
      expect([a.tcb.state, b.tcb.caller.cap.kind]).toEqual(replyCap ? ['blockedOnReply', 'reply'] : ['inactive', 'null']);
    });
  }

  for (const [name, rights, replyCap] of [
    ['neither Grant nor GrantReply', W, false],
    ['GrantReply only', W | GR, true],
    ['Grant only', W | G, true],
  ] as const) {
    it(`a Call queued before the receiver came, with ${name}: ${replyCap ? 'a reply cap' : 'no reply cap'}`, () => {
      const { sys, a, b } = pair(rights, R);
      syscall(sys, a.tcb, Syscall.Call, { a0: SLOT, label: 1 });
      expect(a.tcb.state).toBe('blockedOnSend');
      syscall(sys, b.tcb, Syscall.Recv, { a0: SLOT });
      expect([a.tcb.state, b.tcb.caller.cap.kind]).toEqual(replyCap ? ['blockedOnReply', 'reply'] : ['inactive', 'null']);
    });
  }

  /** The sender offers one extra cap (its own slot 2, a notification) to a receiver with a receive slot. */
  function transfer(senderRights: number, receiverRights: number, viaReply: boolean, callerFirst = false) {
    const { sys, a, b } = pair(senderRights, receiverRights);
    const ntfn = retype(sys, ObjectType.Notification);
    const offerer = viaReply ? b : a;
    const taker = viaReply ? a : b;
    grant(sys, offerer, 2, ntfn);
    sys.memory.writeU32(offerer.bufferPaddr + IpcBufferOffset.capsOrBadges, 2);
    // The taker's receive slot: slot 9 of its own CNode, named through a CNode cap in its slot 8.
    grant(sys, taker, 8, taker.cnodeSlot);
    sys.memory.writeU32(taker.bufferPaddr + IpcBufferOffset.receiveCNode, 8);
    sys.memory.writeU32(taker.bufferPaddr + IpcBufferOffset.receiveIndex, 9);
    sys.memory.writeU32(taker.bufferPaddr + IpcBufferOffset.receiveDepth, 8);
    if (callerFirst) {
      syscall(sys, a.tcb, Syscall.Call, { a0: SLOT });
      syscall(sys, b.tcb, Syscall.Recv, { a0: SLOT });
      syscall(sys, b.tcb, Syscall.Reply, { extraCaps: 1 });
    } else if (viaReply) {
      syscall(sys, b.tcb, Syscall.Recv, { a0: SLOT });
      syscall(sys, a.tcb, Syscall.Call, { a0: SLOT });
      syscall(sys, b.tcb, Syscall.Reply, { extraCaps: 1 });
    } else {
      syscall(sys, b.tcb, Syscall.Recv, { a0: SLOT });
      syscall(sys, a.tcb, Syscall.Send, { a0: SLOT, extraCaps: 1 });
    }
    const cnode = capAt(sys, taker.cnodeSlot);
    return { received: cnode.kind === 'cnode' ? cnode.obj.slots.at(9)!.cap.kind : 'none', extraCaps: infoOf(taker.tcb).extraCaps };
  }

  it('a cap goes with the message only when the sender has Grant', () => {
    expect(transfer(W | G, R, false)).toEqual({ received: 'notification', extraCaps: 1 });
    expect(transfer(W, R, false)).toEqual({ received: 'null', extraCaps: 0 });
  });

  it("a cap goes with a reply only when the receiver's endpoint cap had Grant (the reply cap's canGrant)", () => {
    expect(transfer(W | GR, R | G, true)).toEqual({ received: 'notification', extraCaps: 1 });
    expect(transfer(W | GR, R, true)).toEqual({ received: 'null', extraCaps: 0 });
    // The same when the caller was queued first and the receiver's Recv made the reply cap.
    expect(transfer(W | GR, R | G, true, true)).toEqual({ received: 'notification', extraCaps: 1 });
    expect(transfer(W | GR, R, true, true)).toEqual({ received: 'null', extraCaps: 0 });
  });
});

describe('notification caps', () => {
  function withNotification(rights: number) {
    const sys = bootTestKernel();
    const ntfn = retype(sys, ObjectType.Notification);
    const t = createThread(sys, 't');
    grant(sys, t, SLOT, ntfn, rights, 0b10);
    resume(sys, t);
    return { sys, ntfn, t };
  }

  it('Wait without Read is a cap fault; with only Read it blocks', () => {
    const denied = withNotification(ALL & ~R);
    syscall(denied.sys, denied.t.tcb, Syscall.Recv, { a0: SLOT });
    expect(denied.sys.faults.map((f) => f.fault.type === 'cap' && [f.fault.inRecvPhase, f.fault.lookup])).toEqual([
      [true, { type: 'missingCapability', bitsLeft: 0 }],
    ]);
    const allowed = withNotification(R);
    syscall(allowed.sys, allowed.t.tcb, Syscall.Recv, { a0: SLOT });
    expect([allowed.t.tcb.state, allowed.sys.faults]).toEqual(['blockedOnNotification', []]);
  });

  it('Signal without Write does nothing (Call: InvalidCapability 0); with only Write it signals', () => {
    const denied = withNotification(ALL & ~W);
    syscall(denied.sys, denied.t.tcb, Syscall.Send, { a0: SLOT });
    const obj = (s: TestSystem, slot: number) => {
      const c = capAt(s, slot);
      return c.kind === 'notification' ? [c.obj.state, c.obj.word] : null;
    };
    expect(obj(denied.sys, denied.ntfn)).toEqual(['idle', 0]);
    syscall(denied.sys, denied.t.tcb, Syscall.Call, { a0: SLOT });
    expect([infoOf(denied.t.tcb).label, mr(denied.t.tcb, 0)]).toEqual([SeL4Error.InvalidCapability, 0]);
    const allowed = withNotification(W);
    syscall(allowed.sys, allowed.t.tcb, Syscall.Send, { a0: SLOT });
    expect(obj(allowed.sys, allowed.ntfn)).toEqual(['active', 0b10]);
  });

  it('Wait on a notification bound to another thread is a cap fault', () => {
    const { sys, ntfn, t } = withNotification(ALL);
    const other = createThread(sys, 'other');
    expect(rootInvoke(sys, other.tcbSlot, L.TCBBindNotification, [], [ntfn]).error).toBe(0);
    syscall(sys, t.tcb, Syscall.Recv, { a0: SLOT });
    expect(sys.faults.map((f) => f.fault.type)).toEqual(['cap']);
  });

  it('BindNotification needs Read (IllegalOperation without); Read alone is enough', () => {
    const sys = bootTestKernel();
    const ntfn = retype(sys, ObjectType.Notification);
    const t = createThread(sys, 't');
    mint(sys, 300, ntfn, ALL & ~R);
    mint(sys, 301, ntfn, R);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBBindNotification, [], [300]).error).toBe(SeL4Error.IllegalOperation);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBBindNotification, [], [301]).error).toBe(0);
  });

  it('IRQSetIRQHandler needs Write on the notification (InvalidCapability 0); Write alone is enough', () => {
    const sys = bootTestKernel();
    const ntfn = retype(sys, ObjectType.Notification);
    mint(sys, 300, ntfn, ALL & ~W);
    mint(sys, 301, ntfn, W);
    expect(rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [10, 302, 32], [ROOT_CNODE]).error).toBe(0);
    expect(rootInvoke(sys, 302, L.IRQSetIRQHandler, [], [300])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [0] });
    expect(sys.kernel.irqSlots[10]!.cap.kind).toBe('null');
    expect(rootInvoke(sys, 302, L.IRQSetIRQHandler, [], [301]).error).toBe(0);
    expect(sys.kernel.irqSlots[10]!.cap.kind).toBe('notification');
    expect(rootInvoke(sys, 302, L.IRQSetIRQHandler, [], [ROOT_CNODE])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [0] });
  });
});

describe('CNode copies never gain rights (maskCapRights)', () => {
  it('each rights bit of an endpoint copy is the AND of the source and the mask', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    let dest = 300;
    for (const bit of [W, R, G, GR]) {
      expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [dest, 32, ep, 32, ALL & ~bit], [ROOT_CNODE]).error).toBe(0);
      const c = capAt(sys, dest);
      const rights = c.kind === 'endpoint' ? c.rights : null;
      expect(rights).toEqual({ write: bit !== W, read: bit !== R, grant: bit !== G, grantReply: bit !== GR });
      // A copy of the copy with all rights asked for still lacks that bit.
      expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [dest + 100, 32, dest, 32, ALL], [ROOT_CNODE]).error).toBe(0);
      const again = capAt(sys, dest + 100);
      expect(again.kind === 'endpoint' && again.rights).toEqual(rights);
      dest++;
    }
  });

  it('a notification copy keeps Read and Write by the mask', () => {
    const sys = bootTestKernel();
    const ntfn = retype(sys, ObjectType.Notification);
    mint(sys, 300, ntfn, W);
    mint(sys, 301, ntfn, R);
    const rightsAt = (slot: number) => {
      const c = capAt(sys, slot);
      return c.kind === 'notification' ? [c.rights.read, c.rights.write] : null;
    };
    expect([rightsAt(300), rightsAt(301)]).toEqual([
      [false, true],
      [true, false],
    ]);
  });

  it('a frame copy: Write needs Read (maskVMRights); without Read it is kernel-only', () => {
    const sys = bootTestKernel();
    const frame = retype(sys, ObjectType.Page4K);
    const vm = (slot: number) => {
      const c = capAt(sys, slot);
      return c.kind === 'frame' ? [c.read, c.write] : null;
    };
    mint(sys, 300, frame, R | W);
    mint(sys, 301, frame, R);
    mint(sys, 302, frame, W);
    mint(sys, 303, 301, R | W);
    expect([vm(300), vm(301), vm(302), vm(303)]).toEqual([
      [true, true],
      [true, false],
      [false, false],
      [true, false],
    ]);
  });
});

describe('Page_Map maps with the rights of the cap AND the mask', () => {
  function mapped(capRights: number, mask: number, executeNever: boolean): number {
    const sys = bootTestKernel();
    const root = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], [root]).error).toBe(0);
    const pt = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0, 0], [root]).error).toBe(0);
    const frame = retype(sys, ObjectType.Page4K);
    mint(sys, 300, frame, capRights);
    expect(rootInvoke(sys, 300, L.RISCVPageMap, [0x3000, mask, executeNever ? 1 : 0], [root]).error).toBe(0);
    const rootCap = capAt(sys, root);
    if (rootCap.kind !== 'pageTable') throw new Error('no root');
    const { slot } = lookupPtSlot(sys.kernel, rootCap.obj.paddr, 0x3000);
    return sys.memory.readU32(slot) & (PTE_V | PTE_R | PTE_W | PTE_X);
  }

  it('a read-only frame cap never maps writable, whatever the mask', () => {
    expect(mapped(R, R | W, true)).toBe(PTE_V | PTE_R);
  });

  it('a read-write frame cap maps writable only when the mask has Write and Read', () => {
    expect(mapped(R | W, R | W, true)).toBe(PTE_V | PTE_R | PTE_W);
    expect(mapped(R | W, R, true)).toBe(PTE_V | PTE_R);
    expect(mapped(R | W, W, true)).toBe(0);
  });

  it('kernel-only rights give no PTE, or an execute-only one when executable (makeUserPTE)', () => {
    expect(mapped(W, R | W, true)).toBe(0);
    expect(mapped(W, R | W, false)).toBe(PTE_V | PTE_X);
    expect(mapped(R | W, R | W, false)).toBe(PTE_V | PTE_R | PTE_W | PTE_X);
  });
});
