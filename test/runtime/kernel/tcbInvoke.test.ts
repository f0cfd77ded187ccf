// TCB invocations at their edges (seL4 src/object/tcb.c): every method one message word or one
// extra cap short (TruncatedMessage) and exactly enough, BindNotification's conditions one by one,
// ReadRegisters of the caller itself, WriteRegisters beyond the 32 context words, the TLS base.
import { describe, it, expect } from 'vitest';
import { cnodeCapData, ObjectType } from '../../../schema/abi.js';
import { InvocationLabel as L, Reg, SeL4Error } from '../../../runtime/kernel/abi.js';
import { invoke } from '../../../runtime/kernel/invocation.js';
import { bootTestKernel, createThread, retype, ROOT_CNODE, ROOT_TCB, rootInvoke } from './fixture.js';

const T = SeL4Error.TruncatedMessage;

describe('TCB message and extra-cap lengths', () => {
  it('each method: one word or cap short is TruncatedMessage, exactly enough is accepted', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    const src = createThread(sys, 'src');
    const call = (label: number, mrs: number[], caps: number[] = []) => rootInvoke(sys, t.tcbSlot, label, mrs, caps).error;
    expect(call(L.TCBReadRegisters, [0])).toBe(T);
    expect(call(L.TCBReadRegisters, [0, 1])).toBe(0);
    expect(call(L.TCBWriteRegisters, [0])).toBe(T);
    expect(call(L.TCBWriteRegisters, [0, 0])).toBe(0);
    expect(call(L.TCBCopyRegisters, [], [src.tcbSlot])).toBe(T);
    expect(call(L.TCBCopyRegisters, [0], [])).toBe(T);
    expect(call(L.TCBCopyRegisters, [0], [src.tcbSlot])).toBe(0);
    const cfg = [0, cnodeCapData(0, 24), 0, 0];
    const cfgCaps = [t.cnodeSlot, t.vspaceSlot, t.bufferSlot];
    expect(call(L.TCBConfigure, cfg.slice(0, 3), cfgCaps)).toBe(T);
    expect(call(L.TCBConfigure, cfg, cfgCaps.slice(0, 2))).toBe(T);
    expect(call(L.TCBConfigure, cfg, cfgCaps)).toBe(0);
    for (const label of [L.TCBSetPriority, L.TCBSetMCPriority]) {
      expect(call(label, [], [ROOT_TCB])).toBe(T);
      expect(call(label, [100], [])).toBe(T);
      expect(call(label, [100], [ROOT_TCB])).toBe(0);
    }
    expect(call(L.TCBSetSchedParams, [100], [ROOT_TCB])).toBe(T);
    expect(call(L.TCBSetSchedParams, [100, 100], [])).toBe(T);
    expect(call(L.TCBSetSchedParams, [100, 100], [ROOT_TCB])).toBe(0);
    expect(call(L.TCBSetIPCBuffer, [], [t.bufferSlot])).toBe(T);
    expect(call(L.TCBSetIPCBuffer, [0], [t.bufferSlot])).toBe(0);
    expect(call(L.TCBSetSpace, [0, cnodeCapData(0, 24)], [t.cnodeSlot, t.vspaceSlot])).toBe(T);
    expect(call(L.TCBSetSpace, [0, cnodeCapData(0, 24), 0], [t.cnodeSlot])).toBe(T);
    expect(call(L.TCBSetSpace, [0, cnodeCapData(0, 24), 0], [t.cnodeSlot, t.vspaceSlot])).toBe(0);
    expect(call(L.TCBSetTLSBase, [])).toBe(T);
    expect(call(L.TCBSetTLSBase, [7])).toBe(0);
    expect(call(L.TCBSetFlags, [0])).toBe(T);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetFlags, [0, 0])).toEqual({ error: 0, mrs: [0] });
    expect(call(L.CNodeRevoke, [0, 32])).toBe(SeL4Error.IllegalOperation);
  });

  it('SetSpace with CSpace data 0 keeps the cap\'s guard; other data sets it', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetSpace, [5, 0, 0], [t.cnodeSlot, t.vspaceSlot]).error).toBe(0);
    let root = t.tcb.cspaceRoot.cap;
    expect(root.kind === 'cnode' && [root.guard, root.guardSize]).toEqual([0, 0]);
    expect(t.tcb.faultHandler).toBe(5);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetSpace, [6, cnodeCapData(3, 20), 0], [t.cnodeSlot, t.vspaceSlot]).error).toBe(0);
    root = t.tcb.cspaceRoot.cap;
    expect(root.kind === 'cnode' && [root.guard, root.guardSize]).toEqual([3, 20]);
    expect(t.tcb.cspaceRoot.parent).toBe(sys.kernel.rootCNode.slots[t.cnodeSlot]);
  });
});

describe('TCB registers', () => {
  it('ReadRegisters of the calling thread itself is IllegalOperation; the suspend flag stops the target', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    expect(rootInvoke(sys, t.tcbSlot, L.TCBResume, []).error).toBe(0);
    const self = sys.kernel.rootTcb;
    const selfSlot = ROOT_TCB;
    expect(invoke(sys.kernel, self, selfSlot, L.TCBReadRegisters, [0, 1], []).error).toBe(SeL4Error.IllegalOperation);
    expect(invoke(sys.kernel, self, selfSlot, L.TCBWriteRegisters, [0, 0], []).error).toBe(SeL4Error.IllegalOperation);
    const before = t.tcb.state;
    expect(rootInvoke(sys, t.tcbSlot, L.TCBReadRegisters, [2, 1]).error).toBe(0);
    expect(t.tcb.state).toBe(before);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBReadRegisters, [1, 1]).error).toBe(0);
    expect(t.tcb.state).toBe('inactive');
  });

  it('WriteRegisters with more than 32 words writes the 32 context words; the resume flag is bit 0 only', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    rootInvoke(sys, t.tcbSlot, L.TCBSuspend, []);
    const words = Array.from({ length: 33 }, (_, i) => 0x1000 + i * 4);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBWriteRegisters, [2, 33, ...words]).error).toBe(0);
    expect(t.tcb.state).toBe('inactive');
    const back = rootInvoke(sys, t.tcbSlot, L.TCBReadRegisters, [0, 32]);
    expect(back.mrs).toEqual(words.slice(0, 32));
    expect(rootInvoke(sys, t.tcbSlot, L.TCBWriteRegisters, [1, 1, 0x2000]).error).toBe(0);
    expect(t.tcb.state).not.toBe('inactive');
    expect(t.tcb.pc).toBe(0x2000);
  });

  it('SetTLSBase sets the TLS base and tp', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetTLSBase, [0xdead_beef]).error).toBe(0);
    expect(t.tcb.tlsBase).toBe(0xdead_beef);
    expect(t.tcb.regs[Reg.tp]! >>> 0).toBe(0xdead_beef);
  });
});

describe('BindNotification', () => {
  it('a read-only notification cap binds; a cap without read, a non-notification, a bound or waited-on notification do not', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    const u = createThread(sys, 'u');
    const ntfn = retype(sys, ObjectType.Notification);
    const ep = retype(sys, ObjectType.Endpoint);
    const I = SeL4Error.IllegalOperation;
    // read only (0b0010) is enough.
    rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [400, 32, ntfn, 32, 0b0010, 0], [ROOT_CNODE]);
    // all but read.
    rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [401, 32, ntfn, 32, 0b1101, 0], [ROOT_CNODE]);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBBindNotification, [], [401]).error).toBe(I);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBBindNotification, [], [ep]).error).toBe(I);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBBindNotification, [], [400]).error).toBe(0);
    expect(t.tcb.boundNotification).not.toBeNull();
    // bound to t: u cannot bind it.
    expect(rootInvoke(sys, u.tcbSlot, L.TCBBindNotification, [], [ntfn]).error).toBe(I);
    expect(u.tcb.boundNotification).toBeNull();
  });

  it('a notification with a waiting thread cannot be bound', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    const ntfn = retype(sys, ObjectType.Notification);
    const cap = sys.kernel.rootCNode.slots[ntfn]!.cap;
    if (cap.kind !== 'notification') throw new Error(cap.kind);
    const waiter = createThread(sys, 'w');
    cap.obj.queue.push(waiter.tcb);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBBindNotification, [], [ntfn]).error).toBe(SeL4Error.IllegalOperation);
    cap.obj.queue.length = 0;
    expect(rootInvoke(sys, t.tcbSlot, L.TCBBindNotification, [], [ntfn]).error).toBe(0);
  });
});
