// TCB invocations, the scheduler's priorities and timeslices, IRQ control/handlers with a fake PLIC,
// and capability transfer over IPC.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { IpcBufferOffset, InvocationLabel, Reg, SeL4Error, Syscall } from '../../../runtime/kernel/abi.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import { schedule, timesliceExpired } from '../../../runtime/kernel/scheduler.js';
import { handleInterruptEntry } from '../../../runtime/kernel/syscall.js';
import {
  badgeOf,
  bootTestKernel,
  createThread,
  fakePlic,
  grant,
  infoOf,
  IRQ_CONTROL,
  IPC_BUFFER_VADDR,
  mr,
  resume,
  retype,
  ROOT_CNODE,
  ROOT_TCB,
  rootInvoke,
  syscall,
} from './fixture.js';

const L = InvocationLabel;

describe('TCB invocations', () => {
  it('WriteRegisters sets pc, sp and a0 in seL4_UserContext order; ReadRegisters reads them back', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    const ctx = new Array(32).fill(0);
    ctx[0] = 0x1_0000;
    ctx[2] = 0x7_fff0;
    ctx[16] = IPC_BUFFER_VADDR;
    expect(rootInvoke(sys, t.tcbSlot, L.TCBWriteRegisters, [0, 32, ...ctx]).error).toBe(0);
    expect(t.tcb.pc).toBe(0x1_0000);
    expect(t.tcb.regs[Reg.sp]).toBe(0x7_fff0);
    expect(t.tcb.regs[Reg.a0]).toBe(IPC_BUFFER_VADDR);
    const read = rootInvoke(sys, t.tcbSlot, L.TCBReadRegisters, [0, 3]);
    expect(read).toEqual({ error: 0, mrs: [0x1_0000, 0, 0x7_fff0] });
    expect(rootInvoke(sys, t.tcbSlot, L.TCBReadRegisters, [0, 33])).toEqual({ error: SeL4Error.RangeError, mrs: [1, 32] });
    expect(rootInvoke(sys, t.tcbSlot, L.TCBWriteRegisters, [0, 4, 1]).error).toBe(SeL4Error.TruncatedMessage);
  });

  it('WriteRegisters with resume starts the thread; Suspend stops it', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    expect(t.tcb.state).toBe('inactive');
    rootInvoke(sys, t.tcbSlot, L.TCBWriteRegisters, [1, 1, 0x2000]);
    expect(t.tcb.state).toBe('restart');
    schedule(sys.kernel);
    expect(sys.kernel.current).toBe(t.tcb);
    rootInvoke(sys, t.tcbSlot, L.TCBSuspend, []);
    expect(t.tcb.state).toBe('inactive');
  });

  it('a priority above the authority MCP is a RangeError', () => {
    const sys = bootTestKernel();
    const a = createThread(sys, 'a', 10);
    const b = createThread(sys, 'b', 10);
    // b's MCP is 0: it cannot grant priority 5.
    expect(rootInvoke(sys, a.tcbSlot, L.TCBSetPriority, [5], [b.tcbSlot])).toEqual({ error: SeL4Error.RangeError, mrs: [0, 0] });
    expect(rootInvoke(sys, a.tcbSlot, L.TCBSetPriority, [255], [ROOT_TCB]).error).toBe(0);
    expect(a.tcb.priority).toBe(255);
    expect(rootInvoke(sys, a.tcbSlot, L.TCBSetPriority, [5], [ROOT_CNODE])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [1] });
    expect(rootInvoke(sys, a.tcbSlot, L.TCBSetSchedParams, [50, 40], [ROOT_TCB]).error).toBe(0);
    expect([a.tcb.mcp, a.tcb.priority]).toEqual([50, 40]);
    expect(rootInvoke(sys, b.tcbSlot, L.TCBSetMCPriority, [60], [a.tcbSlot])).toEqual({ error: SeL4Error.RangeError, mrs: [0, 50] });
  });

  it('Configure refuses a non-CNode root, an unassigned VSpace and a misaligned IPC buffer', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    const ep = retype(sys, ObjectType.Endpoint);
    const badRoot = rootInvoke(sys, t.tcbSlot, L.TCBConfigure, [0, 0, 0, IPC_BUFFER_VADDR], [ep, t.vspaceSlot, t.bufferSlot]);
    expect(badRoot.error).toBe(SeL4Error.IllegalOperation);
    const vs = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBConfigure, [0, 0, 0, IPC_BUFFER_VADDR], [t.cnodeSlot, vs, t.bufferSlot]).error).toBe(
      SeL4Error.IllegalOperation,
    );
    expect(
      rootInvoke(sys, t.tcbSlot, L.TCBConfigure, [0, 0, 0, IPC_BUFFER_VADDR + 4], [t.cnodeSlot, t.vspaceSlot, t.bufferSlot]).error,
    ).toBe(SeL4Error.AlignmentError);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBConfigure, [0, 0, 0], [t.cnodeSlot, t.vspaceSlot, t.bufferSlot]).error).toBe(
      SeL4Error.TruncatedMessage,
    );
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetIPCBuffer, [0], [t.bufferSlot]).error).toBe(0);
    expect(t.tcb.bufferFrame.cap.kind).toBe('null');
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('BindNotification needs a receivable, unbound notification; Unbind needs a binding', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    const ntfn = retype(sys, ObjectType.Notification);
    rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [400, 32, ntfn, 32, 0b0001, 0], [ROOT_CNODE]);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBBindNotification, [], [400]).error).toBe(SeL4Error.IllegalOperation);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBUnbindNotification, []).error).toBe(SeL4Error.IllegalOperation);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBBindNotification, [], [ntfn]).error).toBe(0);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBBindNotification, [], [ntfn]).error).toBe(SeL4Error.IllegalOperation);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBBindNotification, []).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBUnbindNotification, []).error).toBe(0);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetTLSBase, [0x1234]).error).toBe(0);
    expect(t.tcb.regs[Reg.tp]).toBe(0x1234);
    expect(rootInvoke(sys, t.tcbSlot, L.IRQAckIRQ, []).error).toBe(SeL4Error.IllegalOperation);
  });
});

describe('scheduler', () => {
  it('a woken higher-priority thread preempts the sender', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const low = createThread(sys, 'low', 10);
    const high = createThread(sys, 'high', 200);
    grant(sys, low, 1, ep, 15);
    grant(sys, high, 1, ep, 15);
    resume(sys, low);
    resume(sys, high);
    syscall(sys, high.tcb, Syscall.Recv, { a0: 1 });
    expect(sys.kernel.current).toBe(low.tcb);
    syscall(sys, low.tcb, Syscall.Send, { a0: 1 });
    expect(sys.kernel.current).toBe(high.tcb);
  });

  it('an expired timeslice moves the thread behind its peers of the same priority', () => {
    const sys = bootTestKernel();
    const threads = ['a', 'b', 'c'].map((n) => createThread(sys, n, 50));
    threads.forEach((t) => resume(sys, t));
    schedule(sys.kernel);
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      order.push(sys.kernel.current!.name);
      timesliceExpired(sys.kernel);
      schedule(sys.kernel);
    }
    expect(order.slice(3)).toEqual(order.slice(0, 3));
    expect(new Set(order.slice(0, 3)).size).toBe(3);
  });
});

describe('IRQ control and handlers', () => {
  it('IRQControl_Get issues a handler once; range and slot errors are reported', () => {
    const plic = fakePlic();
    const sys = bootTestKernel({ interrupts: plic.controller });
    expect(rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [10, 300, 32], [ROOT_CNODE]).error).toBe(0);
    expect(sys.kernel.rootCNode.slots[300]!.cap).toEqual({ kind: 'irqHandler', irq: 10 });
    expect(plic.log).toEqual(['unmask 10']);
    expect(rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [10, 301, 32], [ROOT_CNODE]).error).toBe(SeL4Error.RevokeFirst);
    expect(rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [96, 301, 32], [ROOT_CNODE])).toEqual({ error: SeL4Error.RangeError, mrs: [1, 95] });
    expect(rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [0, 301, 32], [ROOT_CNODE]).error).toBe(SeL4Error.RangeError);
    expect(rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [11, 1, 32], [ROOT_CNODE]).error).toBe(SeL4Error.DeleteFirst);
    expect(rootInvoke(sys, IRQ_CONTROL, L.RISCVIRQIssueIRQHandlerTrigger, [12, 1, 302, 32], [ROOT_CNODE]).error).toBe(0);
    expect(rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [11, 303], [ROOT_CNODE]).error).toBe(SeL4Error.TruncatedMessage);
  });

  it('an interrupt signals the handler notification with its badge; Ack completes it at the PLIC', () => {
    const plic = fakePlic();
    const sys = bootTestKernel({ interrupts: plic.controller });
    const ntfn = retype(sys, ObjectType.Notification);
    const t = createThread(sys, 'driver');
    grant(sys, t, 1, ntfn, 0b0010);
    rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [10, 300, 32], [ROOT_CNODE]);
    rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [301, 32, ntfn, 32, 0b0001, 1 << 3], [ROOT_CNODE]);
    expect(rootInvoke(sys, 300, L.IRQSetIRQHandler, [], [0x10_0000]).capFault?.cptr).toBe(0x10_0000);
    expect(rootInvoke(sys, 300, L.IRQSetIRQHandler, [], [999])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [0] });
    expect(rootInvoke(sys, 300, L.IRQSetIRQHandler, [], [t.tcbSlot])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [0] });
    expect(rootInvoke(sys, 300, L.IRQSetIRQHandler, [], [301]).error).toBe(0);
    grant(sys, t, 138, 300, 15);
    resume(sys, t);
    syscall(sys, t.tcb, Syscall.Recv, { a0: 1 });
    expect(t.tcb.state).toBe('blockedOnNotification');
    plic.raise(10);
    expect(handleInterruptEntry(sys.kernel)).toBe(10);
    expect(t.tcb.state).toBe('running');
    expect(badgeOf(t.tcb)).toBe(1 << 3);
    expect(sys.kernel.irqDeliveries[10]).toBe(1);
    syscall(sys, t.tcb, Syscall.Call, { a0: 138, label: L.IRQAckIRQ });
    expect(infoOf(t.tcb).label).toBe(0);
    expect(plic.log.slice(-3)).toEqual(['claim 10', 'complete 10', 'unmask 10']);
    expect(sys.kernel.irqAcks[10]).toBe(1);
    // Clearing the handler and deleting its cap masks the IRQ again.
    expect(rootInvoke(sys, 300, L.IRQClearIRQHandler, []).error).toBe(0);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeRevoke, [300, 32]).error).toBe(0);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [300, 32]).error).toBe(0);
    expect(plic.log.at(-1)).toBe('mask 10');
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });
});

describe('capability transfer', () => {
  it('a granted cap lands in the receive slot; a cap to the same endpoint is unwrapped to its badge', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const other = retype(sys, ObjectType.Notification);
    const a = createThread(sys, 'a');
    const b = createThread(sys, 'b');
    grant(sys, a, 1, ep, 15, 0);
    grant(sys, a, 2, ep, 15, 0x33);
    grant(sys, a, 3, other, 15);
    grant(sys, b, 1, ep, 15);
    grant(sys, b, 7, b.cnodeSlot, 15);
    resume(sys, a);
    resume(sys, b);
    // b receives caps into its own CNode (cap 7), slot 40, depth 8.
    sys.memory.writeU32(b.bufferPaddr + IpcBufferOffset.receiveCNode, 7);
    sys.memory.writeU32(b.bufferPaddr + IpcBufferOffset.receiveIndex, 40);
    sys.memory.writeU32(b.bufferPaddr + IpcBufferOffset.receiveDepth, 8);
    syscall(sys, b.tcb, Syscall.Recv, { a0: 1 });
    sys.memory.writeU32(a.bufferPaddr + IpcBufferOffset.capsOrBadges, 2);
    sys.memory.writeU32(a.bufferPaddr + IpcBufferOffset.capsOrBadges + 4, 3);
    syscall(sys, a.tcb, Syscall.Send, { a0: 1, extraCaps: 2, mrs: [9] });
    expect(infoOf(b.tcb)).toEqual({ label: 0, length: 1, extraCaps: 2, capsUnwrapped: 0b01 });
    expect(sys.memory.readU32(b.bufferPaddr + IpcBufferOffset.capsOrBadges)).toBe(0x33);
    const cnode = sys.kernel.rootCNode.slots[b.cnodeSlot]!.cap;
    expect(cnode.kind === 'cnode' && cnode.obj.slots[40]!.cap.kind).toBe('notification');
    expect(mr(b.tcb, 0)).toBe(9);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });
});

describe('the remaining invocations', () => {
  it('CopyRegisters copies the context of the source TCB; SetSpace replaces CSpace and VSpace; SetFlags answers 0', () => {
    const sys = bootTestKernel();
    const a = createThread(sys, 'a');
    const b = createThread(sys, 'b');
    a.tcb.faultIp = 0x4444;
    a.tcb.regs[Reg.sp] = 0x8888;
    // transferFrame (bit 2): pc, ra, sp, gp, s0..s11.
    expect(rootInvoke(sys, b.tcbSlot, L.TCBCopyRegisters, [0b0100], [a.tcbSlot]).error).toBe(0);
    expect([b.tcb.pc, b.tcb.regs[Reg.sp]]).toEqual([0x4444, 0x8888]);
    expect(rootInvoke(sys, b.tcbSlot, L.TCBCopyRegisters, [0], [ROOT_CNODE])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [1] });
    expect(rootInvoke(sys, b.tcbSlot, L.TCBSetSpace, [7, 0, 0], [a.cnodeSlot, a.vspaceSlot]).error).toBe(0);
    expect(b.tcb.faultHandler).toBe(7);
    const cspace = b.tcb.cspaceRoot.cap;
    expect(cspace.kind === 'cnode' && cspace.obj).toBe(a.tcb.cspaceRoot.cap.kind === 'cnode' && a.tcb.cspaceRoot.cap.obj);
    expect(rootInvoke(sys, b.tcbSlot, L.TCBSetSpace, [7, 0], [a.cnodeSlot, a.vspaceSlot]).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, b.tcbSlot, L.TCBSetFlags, [0, 0])).toEqual({ error: 0, mrs: [0] });
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('SaveCaller moves the reply cap out of the caller slot', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const client = createThread(sys, 'client');
    const server = createThread(sys, 'server');
    grant(sys, client, 1, ep, 15);
    grant(sys, server, 1, ep, 15);
    grant(sys, server, 2, server.cnodeSlot, 15);
    resume(sys, client);
    resume(sys, server);
    syscall(sys, server.tcb, Syscall.Recv, { a0: 1 });
    syscall(sys, client.tcb, Syscall.Call, { a0: 1, mrs: [3] });
    syscall(sys, server.tcb, Syscall.Call, { a0: 2, label: L.CNodeSaveCaller, mrs: [30, 8] });
    expect(infoOf(server.tcb).label).toBe(0);
    expect(server.tcb.caller.cap.kind).toBe('null');
    // Sending on the saved reply cap answers the client.
    syscall(sys, server.tcb, Syscall.Send, { a0: 30, mrs: [4] });
    expect(client.tcb.state).toBe('running');
    expect(mr(client.tcb, 0)).toBe(4);
  });

  it('PageTable_Unmap clears the level-1 entry; a shared page table must be revoked first', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    const pt = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0x0040_0000, 0], [t.vspaceSlot]).error).toBe(0);
    const root = t.tcb.vspaceRoot.cap;
    if (root.kind !== 'pageTable') throw new Error('no vspace');
    expect(sys.memory.readU32(root.obj.paddr + 4)).not.toBe(0);
    rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [400, 32, pt, 32, 15], [ROOT_CNODE]);
    expect(rootInvoke(sys, pt, L.RISCVPageTableUnmap, []).error).toBe(SeL4Error.RevokeFirst);
    rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [400, 32]);
    expect(rootInvoke(sys, pt, L.RISCVPageTableUnmap, []).error).toBe(0);
    expect(sys.memory.readU32(root.obj.paddr + 4)).toBe(0);
  });

  it('DomainSet_Set accepts domain 0 only and a TCB', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    expect(rootInvoke(sys, 11, L.DomainSetSet, [0], [t.tcbSlot]).error).toBe(0);
    expect(rootInvoke(sys, 11, L.DomainSetSet, [1], [t.tcbSlot])).toEqual({ error: SeL4Error.InvalidArgument, mrs: [0] });
    expect(rootInvoke(sys, 11, L.DomainSetSet, [0], [ROOT_CNODE])).toEqual({ error: SeL4Error.InvalidArgument, mrs: [1] });
    expect(rootInvoke(sys, 11, L.CNodeCopy, [0], [t.tcbSlot]).error).toBe(SeL4Error.IllegalOperation);
  });
});
