// TCB invocations at the edges tcbInvoke.test.ts leaves (seL4 src/object/tcb.c): SetSpace's VSpace
// root (isValidVTableRoot: a page-table cap) and CSpace data 0 keeping a guard the cap already has,
// the reschedule that changing the running thread's IPC buffer or registers asks for (and no other
// thread's), WriteRegisters of fewer words than the context, BindNotification of a thread already
// bound, and CopyRegisters without the suspend flag.
import { describe, it, expect } from 'vitest';
import { cnodeCapData, ObjectType } from '../../../schema/abi.js';
import { InvocationLabel as L, SeL4Error } from '../../../runtime/kernel/abi.js';
import {
  bootTestKernel,
  createThread,
  IPC_BUFFER_VADDR,
  makeCurrent,
  resume,
  retype,
  ROOT_CNODE,
  rootInvoke,
  type TestSystem,
  type TestThread,
} from './fixture.js';

const OK = { error: 0, mrs: [] };
const I = { error: SeL4Error.IllegalOperation, mrs: [] };

describe('SetSpace', () => {
  it('a VSpace root that is not a page-table cap is IllegalOperation', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    const ep = retype(sys, ObjectType.Endpoint);
    for (const vroot of [ep, t.bufferSlot, ROOT_CNODE]) {
      expect(rootInvoke(sys, t.tcbSlot, L.TCBSetSpace, [0, 0, 0], [t.cnodeSlot, vroot])).toEqual(I);
      expect(rootInvoke(sys, t.tcbSlot, L.TCBConfigure, [0, 0, 0, 0], [t.cnodeSlot, vroot, t.bufferSlot])).toEqual(I);
    }
    expect(t.tcb.vspaceRoot.cap.kind).toBe('pageTable');
  });

  it('CSpace data 0 keeps the guard of a cap that has one', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [400, 32, t.cnodeSlot, 32, 15, cnodeCapData(5, 24)], [ROOT_CNODE])).toEqual(OK);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBSetSpace, [0, 0, 0], [400, t.vspaceSlot])).toEqual(OK);
    const root = t.tcb.cspaceRoot.cap;
    expect(root.kind === 'cnode' && [root.guard, root.guardSize]).toEqual([5, 24]);
  });
});

describe('changing the running thread asks for a reschedule; another thread does not', () => {
  function twoThreads() {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    const u = createThread(sys, 'u');
    resume(sys, t);
    resume(sys, u);
    makeCurrent(sys, t.tcb);
    return { sys, t, u };
  }
  const cases: [string, (sys: TestSystem, target: TestThread, other: TestThread) => unknown][] = [
    ['SetIPCBuffer', (sys, x) => rootInvoke(sys, x.tcbSlot, L.TCBSetIPCBuffer, [IPC_BUFFER_VADDR], [x.bufferSlot])],
    ['WriteRegisters', (sys, x) => rootInvoke(sys, x.tcbSlot, L.TCBWriteRegisters, [0, 1, 0x4000])],
    ['CopyRegisters', (sys, x, from) => rootInvoke(sys, x.tcbSlot, L.TCBCopyRegisters, [0b1100], [from.tcbSlot])],
  ];
  for (const [name, call] of cases) {
    it(name, () => {
      const { sys, t, u } = twoThreads();
      expect(call(sys, u, t)).toEqual(OK);
      expect(sys.kernel.action).toBe('resume');
      expect(call(sys, t, u)).toEqual(OK);
      expect(sys.kernel.action).toBe('chooseNew');
    });
  }
});

describe('registers', () => {
  it('WriteRegisters of 2 words writes pc and ra only, whatever follows in the message', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    t.tcb.regs[2] = 0x1234;
    expect(rootInvoke(sys, t.tcbSlot, L.TCBWriteRegisters, [0, 2, 0x1000, 0x2000, 0x5555])).toEqual(OK);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBReadRegisters, [0, 4]).mrs).toEqual([0x1000, 0x2000, 0x1234, 0]);
  });

  it('CopyRegisters without the suspend flag leaves the source as it was', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    const src = createThread(sys, 'src');
    resume(sys, src);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBCopyRegisters, [0b0100], [src.tcbSlot])).toEqual(OK);
    expect([src.tcb.state, src.tcb.inReadyQueue]).toEqual(['restart', true]);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBCopyRegisters, [0b0101], [src.tcbSlot])).toEqual(OK);
    expect([src.tcb.state, src.tcb.inReadyQueue]).toEqual(['inactive', false]);
  });
});

describe('BindNotification', () => {
  it('a thread already bound cannot bind a second notification', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    const n1 = retype(sys, ObjectType.Notification);
    const n2 = retype(sys, ObjectType.Notification);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBBindNotification, [], [n1])).toEqual(OK);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBBindNotification, [], [n2])).toEqual(I);
    const bound = t.tcb.boundNotification;
    const c1 = sys.kernel.rootCNode.slots[n1]!.cap;
    expect(c1.kind === 'notification' && bound === c1.obj).toBe(true);
  });
});
