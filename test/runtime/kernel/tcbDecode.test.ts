// TCB invocations checked against seL4 src/object/tcb.c: decodeSetIPCBuffer (the frame cap comes
// first), decodeTCBConfigure (the buffer is checked before the roots), invokeTCB_CopyRegisters
// (suspendSource, resumeTarget, transferFrame, transferInteger) and invokeTCB_ReadRegisters (FaultIP).
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { InvocationLabel as L, Reg, SeL4Error, Syscall, USER_CONTEXT_REGISTERS } from '../../../runtime/kernel/abi.js';
import {
  bootTestKernel,
  createThread,
  DEVICE_UNTYPED_SLOT,
  IPC_BUFFER_VADDR,
  resume,
  retype,
  ROOT_CNODE,
  rootInvoke,
  syscall,
  type TestThread,
} from './fixture.js';

describe('TCB_SetIPCBuffer (decodeSetIPCBuffer)', () => {
  it('without its frame cap is TruncatedMessage, even to clear the buffer, and changes nothing', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetIPCBuffer, [0])).toEqual({ error: SeL4Error.TruncatedMessage, mrs: [] });
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetIPCBuffer, [IPC_BUFFER_VADDR])).toEqual({ error: SeL4Error.TruncatedMessage, mrs: [] });
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetIPCBuffer, [], [t.bufferSlot]).error).toBe(SeL4Error.TruncatedMessage);
    expect([t.tcb.ipcBuffer, t.tcb.bufferFrame.cap.kind]).toEqual([IPC_BUFFER_VADDR, 'frame']);
  });

  it('address 0 with a cap clears the buffer whatever the cap is', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetIPCBuffer, [0], [ROOT_CNODE]).error).toBe(0);
    expect([t.tcb.ipcBuffer, t.tcb.bufferFrame.cap.kind]).toEqual([0, 'null']);
  });

  it('checkValidIPCBuffer: a frame (IllegalOperation), not a device frame (IllegalOperation), 512-aligned (AlignmentError)', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    const device = retype(sys, ObjectType.Page4K, 0, 1, DEVICE_UNTYPED_SLOT);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetIPCBuffer, [IPC_BUFFER_VADDR], [ROOT_CNODE]).error).toBe(SeL4Error.IllegalOperation);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetIPCBuffer, [IPC_BUFFER_VADDR], [device]).error).toBe(SeL4Error.IllegalOperation);
    // seL4_IPCBufferSizeBits = 9: 256 is off by one bit, 512 is exactly aligned.
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetIPCBuffer, [IPC_BUFFER_VADDR + 256], [t.bufferSlot]).error).toBe(SeL4Error.AlignmentError);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetIPCBuffer, [IPC_BUFFER_VADDR + 4], [t.bufferSlot]).error).toBe(SeL4Error.AlignmentError);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetIPCBuffer, [IPC_BUFFER_VADDR + 512], [t.bufferSlot]).error).toBe(0);
    expect(t.tcb.ipcBuffer).toBe(IPC_BUFFER_VADDR + 512);
  });
});

describe('TCB_Configure (decodeTCBConfigure) checks the IPC buffer before the roots', () => {
  it('a misaligned buffer with a bad VSpace root is AlignmentError, and nothing is installed', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    const unassigned = retype(sys, ObjectType.PageTable);
    const other = retype(sys, ObjectType.CNode, 4);
    const r = rootInvoke(sys, t.tcbSlot, L.TCBConfigure, [9, 0, 0, IPC_BUFFER_VADDR + 4], [other, unassigned, t.bufferSlot]);
    expect(r.error).toBe(SeL4Error.AlignmentError);
    const cspace = t.tcb.cspaceRoot.cap;
    expect([t.tcb.faultHandler, cspace.kind === 'cnode' && cspace.obj.radixBits]).toEqual([0, 8]);
    // With the buffer right, the VSpace root is what fails.
    expect(rootInvoke(sys, t.tcbSlot, L.TCBConfigure, [9, 0, 0, IPC_BUFFER_VADDR], [other, unassigned, t.bufferSlot]).error).toBe(
      SeL4Error.IllegalOperation,
    );
    expect(t.tcb.faultHandler).toBe(0);
  });
});

describe('TCB_CopyRegisters flags (invokeTCB_CopyRegisters)', () => {
  /** Source `a` with every context word set to 0x100 + index; target `b` with zeros. */
  function setup() {
    const sys = bootTestKernel();
    const a = createThread(sys, 'a');
    const b = createThread(sys, 'b');
    const words = USER_CONTEXT_REGISTERS.map((_, i) => 0x100 + i);
    expect(rootInvoke(sys, a.tcbSlot, L.TCBWriteRegisters, [0, words.length, ...words]).error).toBe(0);
    return { sys, a, b };
  }
  const context = (sys: ReturnType<typeof setup>['sys'], t: TestThread): number[] =>
    rootInvoke(sys, t.tcbSlot, L.TCBReadRegisters, [0, USER_CONTEXT_REGISTERS.length]).mrs as number[];
  const frame = Array.from({ length: 16 }, (_, i) => 0x100 + i);
  const integer = Array.from({ length: 16 }, (_, i) => 0x110 + i);
  const zeros = new Array<number>(16).fill(0);

  it('flags 0 copy nothing', () => {
    const { sys, a, b } = setup();
    expect(rootInvoke(sys, b.tcbSlot, L.TCBCopyRegisters, [0], [a.tcbSlot]).error).toBe(0);
    expect(context(sys, b)).toEqual([...zeros, ...zeros]);
  });

  it('transferFrame copies pc, ra, sp, gp, s0..s11 and the thread resumes at the copied pc', () => {
    const { sys, a, b } = setup();
    expect(rootInvoke(sys, b.tcbSlot, L.TCBCopyRegisters, [0b0100], [a.tcbSlot]).error).toBe(0);
    expect(context(sys, b)).toEqual([...frame, ...zeros]);
    expect(b.tcb.pc).toBe(0x100);
  });

  it('transferInteger copies a0..a7, t0..t6, tp only', () => {
    const { sys, a, b } = setup();
    expect(rootInvoke(sys, b.tcbSlot, L.TCBCopyRegisters, [0b1000], [a.tcbSlot]).error).toBe(0);
    expect(context(sys, b)).toEqual([...zeros, ...integer]);
    expect(b.tcb.regs[Reg.tp]).toBe(0x11f);
  });

  it('suspendSource stops the source; resumeTarget starts the target; neither copies', () => {
    const { sys, a, b } = setup();
    resume(sys, a);
    expect(rootInvoke(sys, b.tcbSlot, L.TCBCopyRegisters, [0b0001], [a.tcbSlot]).error).toBe(0);
    expect([a.tcb.state, b.tcb.state]).toEqual(['inactive', 'inactive']);
    expect(rootInvoke(sys, b.tcbSlot, L.TCBCopyRegisters, [0b0010], [a.tcbSlot]).error).toBe(0);
    expect([a.tcb.state, b.tcb.state]).toEqual(['inactive', 'restart']);
    expect(context(sys, b)).toEqual([...zeros, ...zeros]);
  });

  it('the source must be a TCB cap (InvalidCapability 1); flags and a cap are required (TruncatedMessage)', () => {
    const { sys, a, b } = setup();
    expect(rootInvoke(sys, b.tcbSlot, L.TCBCopyRegisters, [0b1100], [ROOT_CNODE])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [1] });
    expect(rootInvoke(sys, b.tcbSlot, L.TCBCopyRegisters, [], [a.tcbSlot]).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, b.tcbSlot, L.TCBCopyRegisters, [0b1100]).error).toBe(SeL4Error.TruncatedMessage);
  });
});

describe('TCB_ReadRegisters reads FaultIP', () => {
  it('a thread blocked in a system call reports the ecall address, where a restart resumes it', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const t = createThread(sys, 't');
    expect(rootInvoke(sys, t.cnodeSlot, L.CNodeMint, [1, 8, ep, 32, 15, 0], [ROOT_CNODE]).error).toBe(0);
    resume(sys, t);
    t.tcb.pc = 0x1000;
    syscall(sys, t.tcb, Syscall.Recv, { a0: 1 });
    expect(t.tcb.state).toBe('blockedOnReceive');
    expect(rootInvoke(sys, t.tcbSlot, L.TCBReadRegisters, [0, 1]).mrs).toEqual([0x1000]);
  });
});
