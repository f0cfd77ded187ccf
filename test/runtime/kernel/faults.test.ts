// Faults as seL4 delivers and answers them (src/kernel/faulthandler.c sendFaultIPC, src/api/faults.c
// handleFaultReply, src/arch/riscv/api/faults.c Arch_handleFaultReply, src/arch/riscv/kernel/vspace.c
// handleVMFault): which reply restarts a thread, which fault endpoint rights a fault needs, and the
// VM fault's FSR as the real kernel writes it.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { FaultType, Reg, Syscall } from '../../../runtime/kernel/abi.js';
import { faultFromTrap } from '../../../runtime/kernel/faults.js';
import { handleUserFault } from '../../../runtime/kernel/syscall.js';
import { Cause } from '../../../runtime/machine/trap.js';
import { badgeOf, bootTestKernel, createThread, grant, infoOf, mr, resume, retype, syscall, type TestSystem } from './fixture.js';

const EP_SLOT = 1;
const FAULT_EP_SLOT = 2;
/** Outside the 256-slot CNode: the guard (24 zero bits) does not match, a lookup failure. */
const UNRESOLVED_CPTR = 0x100;

/** A faulter whose fault endpoint (slot 2) is `ep` with `rights`, and a handler waiting on it. */
function handled(rights = 0b0101) {
  const sys = bootTestKernel();
  const ep = retype(sys, ObjectType.Endpoint);
  const faulter = createThread(sys, 'faulter', 100, FAULT_EP_SLOT);
  const handler = createThread(sys, 'handler', 200);
  grant(sys, faulter, FAULT_EP_SLOT, ep, rights, 0x77);
  grant(sys, handler, EP_SLOT, ep, 0b0010);
  resume(sys, faulter);
  resume(sys, handler);
  syscall(sys, handler.tcb, Syscall.Recv, { a0: EP_SLOT });
  return { sys, faulter, handler };
}

function capFault(sys: TestSystem, faulter: ReturnType<typeof createThread>): void {
  faulter.tcb.pc = 0x5000;
  syscall(sys, faulter.tcb, Syscall.Call, { a0: UNRESOLVED_CPTR });
}

describe('a fault reply restarts the thread as seL4 decides', () => {
  it('a cap fault restarts on any reply label (handleFaultReply returns true)', () => {
    const { sys, faulter, handler } = handled();
    capFault(sys, faulter);
    expect(infoOf(handler.tcb).label).toBe(FaultType.CapFault);
    expect([mr(handler.tcb, 0), mr(handler.tcb, 1)]).toEqual([0x5000, UNRESOLVED_CPTR]);
    syscall(sys, handler.tcb, Syscall.Reply, { label: 1 });
    // Restart: the thread runs the faulting ecall again (activateThread resumes at FaultIP).
    expect([faulter.tcb.state, faulter.tcb.faultIp]).toEqual(['restart', 0x5000]);
  });

  it('a VM fault restarts on any reply label (Arch_handleFaultReply returns true)', () => {
    const { sys, faulter, handler } = handled();
    faulter.tcb.pc = 0x2000;
    handleUserFault(sys.kernel, faulter.tcb, faultFromTrap(Cause.StorePageFault, 0x1000_0004, 0x2000));
    expect(infoOf(handler.tcb).label).toBe(FaultType.VMFault);
    syscall(sys, handler.tcb, Syscall.Reply, { label: 0x1234 });
    expect([faulter.tcb.state, faulter.tcb.pc]).toEqual(['restart', 0x2000]);
  });

  it('a cap fault reply does not write the reply words into the faulter', () => {
    const { sys, faulter, handler } = handled();
    faulter.tcb.regs[Reg.sp] = 0x7000;
    capFault(sys, faulter);
    syscall(sys, handler.tcb, Syscall.Reply, { label: 0, mrs: [0x9999, 0x8888] });
    expect([faulter.tcb.faultIp, faulter.tcb.regs[Reg.sp]]).toEqual([0x5000, 0x7000]);
  });

  it('an UnknownSyscall reply with label 0 sets FaultIP, SP, RA, a0..; label 1 stops the thread', () => {
    const { sys, faulter, handler } = handled();
    faulter.tcb.pc = 0x4000;
    syscall(sys, faulter.tcb, -20);
    syscall(sys, handler.tcb, Syscall.Reply, { label: 0, mrs: [0x4004, 0x6000, 0x6100, 42] });
    expect([faulter.tcb.state, faulter.tcb.faultIp, faulter.tcb.regs[Reg.sp], faulter.tcb.regs[Reg.ra], faulter.tcb.regs[Reg.a0]]).toEqual([
      'restart',
      0x4004,
      0x6000,
      0x6100,
      42,
    ]);
    syscall(sys, handler.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, faulter.tcb, -20);
    syscall(sys, handler.tcb, Syscall.Reply, { label: 1 });
    expect(faulter.tcb.state).toBe('inactive');
  });

  it('a UserException reply sets only FaultIP and SP (n_exceptionMessage = 2)', () => {
    const { sys, faulter, handler } = handled();
    faulter.tcb.regs[Reg.ra] = 0x1111;
    handleUserFault(sys.kernel, faulter.tcb, { type: 'userException', pc: 0x3000, number: 2, code: 0 });
    syscall(sys, handler.tcb, Syscall.Reply, { label: 0, mrs: [0x3004, 0x6000, 0x2222] });
    expect([faulter.tcb.faultIp, faulter.tcb.regs[Reg.sp], faulter.tcb.regs[Reg.ra]]).toEqual([0x3004, 0x6000, 0x1111]);
  });

  it('reply words past the four registers are not taken when the replier has no IPC buffer', () => {
    const { sys, faulter, handler } = handled();
    syscall(sys, faulter.tcb, -20);
    faulter.tcb.regs[Reg.a2] = 0x5555;
    handler.tcb.bufferFrame.cap = { kind: 'null' };
    syscall(sys, handler.tcb, Syscall.Reply, { label: 0, length: 10, mrs: [0x4004, 0x6000, 0x6100, 1] });
    // a2 is the sixth word of the syscall message: without a buffer it keeps its value.
    expect([faulter.tcb.regs[Reg.a0], faulter.tcb.regs[Reg.a2]]).toEqual([1, 0x5555]);
  });
});

describe('the fault endpoint needs Write and Grant or GrantReply (sendFaultIPC)', () => {
  const cases: [string, number, boolean][] = [
    ['Write + Grant', 0b0101, true],
    ['Write + GrantReply', 0b1001, true],
    ['Grant + GrantReply without Write', 0b1110, false],
    ['Write without Grant or GrantReply', 0b0011, false],
  ];
  for (const [name, rights, delivered] of cases) {
    it(`${name}: ${delivered ? 'delivered' : 'a double fault'}`, () => {
      const { sys, faulter, handler } = handled(rights);
      capFault(sys, faulter);
      if (delivered) {
        expect([faulter.tcb.state, infoOf(handler.tcb).label, badgeOf(handler.tcb)]).toEqual(['blockedOnReply', FaultType.CapFault, 0x77]);
        expect(sys.faults).toEqual([]);
      } else {
        expect(faulter.tcb.state).toBe('inactive');
        expect(handler.tcb.state).toBe('blockedOnReceive');
        expect(sys.faults.map((f) => f.fault.type)).toEqual(['cap']);
      }
    });
  }

  it('a fault endpoint cptr that names a notification is a double fault', () => {
    const sys = bootTestKernel();
    const ntfn = retype(sys, ObjectType.Notification);
    const faulter = createThread(sys, 'faulter', 100, FAULT_EP_SLOT);
    grant(sys, faulter, FAULT_EP_SLOT, ntfn, 15);
    resume(sys, faulter);
    capFault(sys, faulter);
    expect([faulter.tcb.state, sys.faults.length]).toEqual(['inactive', 1]);
  });
});

describe('VM fault status as seL4 riscv handleVMFault writes it', () => {
  // seL4 stores the access-fault cause for both the page fault and the access fault of each kind.
  const cases: [string, number, number, boolean][] = [
    ['instruction page fault', Cause.InstructionPageFault, 1, true],
    ['instruction access fault', Cause.InstructionAccessFault, 1, true],
    ['load page fault', Cause.LoadPageFault, 5, false],
    ['load access fault', Cause.LoadAccessFault, 5, false],
    ['store page fault', Cause.StorePageFault, 7, false],
    ['store access fault', Cause.StoreAccessFault, 7, false],
  ];
  for (const [name, cause, fsr, prefetch] of cases) {
    it(`${name} (scause ${cause}): FSR ${fsr}, PrefetchFault ${prefetch ? 1 : 0}`, () => {
      const { sys, faulter, handler } = handled();
      handleUserFault(sys.kernel, faulter.tcb, faultFromTrap(cause, 0x1234_5678, 0x2000));
      expect(infoOf(handler.tcb)).toMatchObject({ label: FaultType.VMFault, length: 4 });
      expect([0, 1, 2, 3].map((i) => mr(handler.tcb, i))).toEqual([0x2000, 0x1234_5678, prefetch ? 1 : 0, fsr]);
    });
  }

  it('other traps are user exceptions carrying scause as Number', () => {
    expect(faultFromTrap(Cause.IllegalInstruction, 0, 0x40)).toEqual({ type: 'userException', pc: 0x40, number: Cause.IllegalInstruction, code: 0 });
  });
});
