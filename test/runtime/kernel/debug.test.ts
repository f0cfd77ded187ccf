// The debug system calls of a debug kernel (seL4 handleUnknownSyscall under CONFIG_PRINTING and
// CONFIG_DEBUG_BUILD): present with the `debug` kernel option (the default), unknown syscalls without.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { CapTag, InvocationLabel, IpcBufferOffset, Syscall } from '../../../runtime/kernel/abi.js';
import { tcbNameLength } from '../../../runtime/kernel/debug.js';
import { schedule } from '../../../runtime/kernel/scheduler.js';
import { badgeOf, bootTestKernel, createThread, grant, resume, retype, rootInvoke, syscall, type TestSystem, type TestThread } from './fixture.js';

const DEBUG_SYSCALLS = [
  Syscall.DebugPutChar,
  Syscall.DebugDumpScheduler,
  Syscall.DebugHalt,
  Syscall.DebugCapIdentify,
  Syscall.DebugSnapshot,
  Syscall.DebugNameThread,
];

function booted(debug?: boolean) {
  let halts = 0;
  const sys = bootTestKernel({ ...(debug === undefined ? {} : { debug }), hooks: { halt: () => halts++ } });
  const t = createThread(sys, 't');
  resume(sys, t);
  return { sys, t, halts: () => halts };
}

const console = (sys: TestSystem): string => Buffer.from(sys.output).toString('latin1');

function writeName(sys: TestSystem, t: TestThread, bytes: readonly number[]): void {
  for (let i = 0; i < bytes.length; i += 4) {
    const word = (bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8) | ((bytes[i + 2] ?? 0) << 16) | ((bytes[i + 3] ?? 0) << 24);
    sys.memory.writeU32(t.bufferPaddr + IpcBufferOffset.msg + i, word >>> 0);
  }
}

describe('a kernel built without debug', () => {
  for (const no of DEBUG_SYSCALLS) {
    it(`syscall ${no} is an UnknownSyscall fault`, () => {
      const { sys, t } = booted(false);
      syscall(sys, t.tcb, no, { a0: 65 });
      expect(sys.faults).toEqual([{ thread: 't', fault: { type: 'unknownSyscall', pc: 0, syscall: no >>> 0 } }]);
      expect(sys.output).toEqual([]);
    });
  }
});

describe('a debug kernel (the default)', () => {
  it('DebugPutChar writes a0 to the console', () => {
    const { sys, t } = booted();
    syscall(sys, t.tcb, Syscall.DebugPutChar, { a0: 0x141 });
    expect([console(sys), sys.faults]).toEqual(['A', []]);
  });

  it('DebugCapIdentify answers the cap type tag in a0; a failed lookup or an empty slot answers 0', () => {
    const { sys, t } = booted();
    const ep = retype(sys, ObjectType.Endpoint);
    const ntfn = retype(sys, ObjectType.Notification);
    grant(sys, t, 1, ep);
    grant(sys, t, 2, ntfn);
    grant(sys, t, 3, t.tcbSlot);
    grant(sys, t, 4, t.cnodeSlot);
    grant(sys, t, 5, t.bufferSlot);
    grant(sys, t, 6, t.vspaceSlot);
    const expected: [number, number][] = [
      [1, CapTag.endpoint],
      [2, CapTag.notification],
      [3, CapTag.thread],
      [4, CapTag.cnode],
      [5, CapTag.frame],
      [6, CapTag.pageTable],
      [7, CapTag.null],
      [0x100, CapTag.null],
    ];
    for (const [cptr, tag] of expected) {
      syscall(sys, t.tcb, Syscall.DebugCapIdentify, { a0: cptr });
      expect([cptr, badgeOf(t.tcb)]).toEqual([cptr, tag]);
    }
    expect([t.tcb.state, sys.faults]).toEqual(['running', []]);
  });

  it('DebugNameThread names the TCB a0 names from the string at msg[0] of the IPC buffer', () => {
    const { sys, t, halts } = booted();
    grant(sys, t, 3, t.tcbSlot);
    writeName(sys, t, [...Buffer.from('worker'), 0]);
    syscall(sys, t.tcb, Syscall.DebugNameThread, { a0: 3 });
    expect([t.tcb.debugName, t.tcb.name, halts()]).toEqual(['worker', 't', 0]);
  });

  it('DebugNameThread keeps TCB_NAME_LENGTH - 1 bytes (strlcpy)', () => {
    const { sys, t } = booted();
    grant(sys, t, 3, t.tcbSlot);
    const length = tcbNameLength(t.tcb);
    expect(length).toBe(184);
    writeName(sys, t, [...new Array<number>(300).fill(0x61), 0]);
    syscall(sys, t.tcb, Syscall.DebugNameThread, { a0: 3 });
    expect(t.tcb.debugName).toBe('a'.repeat(length - 1));
  });

  it('DebugNameThread halts on a cap that is not a TCB, and on a name of 480 bytes without a NUL', () => {
    for (const [setup, message] of [
      [(sys: TestSystem, t: TestThread) => grant(sys, t, 3, t.cnodeSlot), 'cap is not a TCB'],
      [(sys: TestSystem, t: TestThread) => (grant(sys, t, 3, t.tcbSlot), writeName(sys, t, new Array<number>(480).fill(0x61))), 'Name too long'],
    ] as const) {
      const { sys, t, halts } = booted();
      setup(sys, t);
      syscall(sys, t.tcb, Syscall.DebugNameThread, { a0: 3 });
      expect(console(sys)).toContain(`SysDebugNameThread: ${message}, halting`);
      expect([sys.kernel.halted, halts(), sys.kernel.current]).toEqual([true, 1, null]);
    }
  });

  it('a name of 479 bytes and its NUL is accepted', () => {
    const { sys, t, halts } = booted();
    grant(sys, t, 3, t.tcbSlot);
    writeName(sys, t, [...new Array<number>(479).fill(0x62), 0]);
    syscall(sys, t.tcb, Syscall.DebugNameThread, { a0: 3 });
    expect([halts(), t.tcb.debugName.length]).toEqual([0, tcbNameLength(t.tcb) - 1]);
  });

  it('DebugHalt prints the thread, halts through the SBI and nothing is scheduled again', () => {
    const { sys, t, halts } = booted();
    const other = createThread(sys, 'other');
    resume(sys, other);
    t.tcb.debugName = 'stopper';
    syscall(sys, t.tcb, Syscall.DebugHalt);
    expect(console(sys)).toBe(
      `Debug halt syscall from user thread 0x${t.tcb.paddr.toString(16)} "stopper"\nhalting...\nKernel entry via Unknown syscall, word: ${Syscall.DebugHalt >>> 0}`,
    );
    expect([halts(), sys.kernel.current]).toEqual([1, null]);
    schedule(sys.kernel);
    expect(sys.kernel.current).toBeNull();
  });

  it('DebugSnapshot prints its header and the thread runs on', () => {
    const { sys, t } = booted();
    syscall(sys, t.tcb, Syscall.DebugSnapshot);
    expect(console(sys)).toBe(`Debug snapshot syscall from user thread 0x${t.tcb.paddr.toString(16)} ""\n`);
    expect(t.tcb.state).toBe('running');
  });

  it('DebugDumpScheduler lists the live TCBs newest first, then the idle and the initial thread', () => {
    const { sys, t } = booted();
    t.tcb.debugName = 'first';
    t.tcb.pc = 0x1230;
    syscall(sys, t.tcb, Syscall.DebugDumpScheduler);
    const lines = console(sys).split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'Dumping all tcbs!',
      `${'Name'.padEnd(40)}   ${'State'.padEnd(16)}   ${'IP'.padEnd(18)}   Prio`,
      '-'.repeat(88),
    ]);
    expect(lines[3]).toBe(`${'first'.padEnd(40)}   ${'running'.padEnd(16)}   ${'0x1230'.padEnd(18)}    100`);
    expect(lines[4]!.startsWith('idle_thread')).toBe(true);
    expect(lines[5]!.startsWith('rootserver')).toBe(true);
    expect(lines.length).toBe(7);
  });

  it('syscall -15 (DebugSendIPI, SMP kernels only) is unknown', () => {
    const { sys, t } = booted();
    syscall(sys, t.tcb, -15);
    expect(sys.faults.map((f) => f.fault.type)).toEqual(['unknownSyscall']);
  });
});

describe('debug syscalls: every thread state, a missing IPC buffer, no console', () => {
  it('DebugDumpScheduler names each thread state as seL4 debug_printTCB does and leaves out deleted TCBs', () => {
    const { sys, t } = booted();
    const ep = retype(sys, ObjectType.Endpoint);
    const ep2 = retype(sys, ObjectType.Endpoint);
    const ntfn = retype(sys, ObjectType.Notification);
    const make = (name: string, resumed = true): TestThread => {
      const th = createThread(sys, name);
      th.tcb.debugName = name;
      grant(sys, th, 1, ep);
      grant(sys, th, 2, ep2);
      grant(sys, th, 3, ntfn);
      if (resumed) resume(sys, th);
      return th;
    };
    make('stopped', false);
    make('ready');
    const server = make('server');
    const caller = make('caller');
    const waiter = make('waiter');
    const sender = make('sender');
    const ntfnWaiter = make('ntfnWaiter');
    const gone = make('gone');
    syscall(sys, server.tcb, Syscall.Recv, { a0: 1 });
    syscall(sys, caller.tcb, Syscall.Call, { a0: 1 });
    syscall(sys, waiter.tcb, Syscall.Recv, { a0: 1 });
    syscall(sys, sender.tcb, Syscall.Send, { a0: 2 });
    syscall(sys, ntfnWaiter.tcb, Syscall.Recv, { a0: 3 });
    expect(rootInvoke(sys, 2, InvocationLabel.CNodeDelete, [gone.tcbSlot, 32]).error).toBe(0);
    expect(gone.tcb.live).toBe(false);
    t.tcb.debugName = 't';
    syscall(sys, t.tcb, Syscall.DebugDumpScheduler);
    const rows = console(sys)
      .split('\n')
      .slice(3, -1)
      .map((line) => [line.slice(0, 40).trimEnd(), line.slice(43, 59).trimEnd()]);
    expect(rows).toEqual([
      ['ntfnWaiter', 'blocked on ntfn'],
      ['sender', 'blocked on send'],
      ['waiter', 'blocked on recv'],
      ['caller', 'blocked on reply'],
      ['server', 'running'],
      ['ready', 'restart'],
      ['stopped', 'inactive'],
      ['t', 'running'],
      ['idle_thread', 'idle'],
      ['rootserver', 'inactive'],
    ]);
    const lines = console(sys).split('\n');
    expect(lines.slice(-3)).toEqual([
      `${'idle_thread'.padEnd(40)}   ${'idle'.padEnd(16)}   ${'0x0'.padEnd(18)}      0`,
      `${'rootserver'.padEnd(40)}   ${'inactive'.padEnd(16)}   ${'0x0'.padEnd(18)}    255`,
      '',
    ]);
  });

  it('DebugNameThread halts when the caller has no IPC buffer', () => {
    const { sys, t, halts } = booted();
    grant(sys, t, 3, t.tcbSlot);
    expect(rootInvoke(sys, t.tcbSlot, InvocationLabel.TCBSetIPCBuffer, [0], [t.bufferSlot]).error).toBe(0);
    syscall(sys, t.tcb, Syscall.DebugNameThread, { a0: 3 });
    expect(console(sys)).toBe(
      `<<seL4(CPU 0) [SysDebugNameThread: Failed to lookup IPC buffer, halting]>>\nhalting...\nKernel entry via Unknown syscall, word: ${Syscall.DebugNameThread >>> 0}`,
    );
    expect([sys.kernel.halted, halts(), t.tcb.debugName]).toEqual([true, 1, '']);
  });

  it('without a console the kernel\'s own messages go nowhere and DebugHalt still halts', () => {
    let halts = 0;
    const sys = bootTestKernel({ hooks: { putChar: undefined, halt: () => halts++ } });
    const t = createThread(sys, 't');
    resume(sys, t);
    syscall(sys, t.tcb, Syscall.DebugDumpScheduler);
    syscall(sys, t.tcb, Syscall.DebugPutChar, { a0: 65 });
    syscall(sys, t.tcb, Syscall.DebugHalt);
    expect([sys.output, halts, sys.kernel.halted]).toEqual([[], 1, true]);
  });
});

describe('debug syscalls end the entry without a fault', () => {
  it('DebugDumpScheduler, DebugNameThread and DebugHalt raise no UnknownSyscall fault after their work', () => {
    for (const no of [Syscall.DebugDumpScheduler, Syscall.DebugNameThread, Syscall.DebugHalt]) {
      const { sys, t } = booted();
      grant(sys, t, 3, t.tcbSlot);
      writeName(sys, t, [...Buffer.from('n'), 0]);
      syscall(sys, t.tcb, no, { a0: 3 });
      expect([no, sys.faults]).toEqual([no, []]);
    }
  });

  it('DebugNameThread halts on a cptr that does not resolve, and on a read-only IPC buffer (seL4 looks it up as a receiver)', () => {
    const unresolved = booted();
    syscall(unresolved.sys, unresolved.t.tcb, Syscall.DebugNameThread, { a0: 0x100 });
    expect(console(unresolved.sys)).toContain('SysDebugNameThread: cap is not a TCB, halting');
    const { sys, t } = booted();
    grant(sys, t, 3, t.tcbSlot);
    const readOnly = sys.nextSlot++;
    expect(rootInvoke(sys, 2, InvocationLabel.CNodeMint, [readOnly, 32, t.bufferSlot, 32, 0b0010, 0], [2]).error).toBe(0);
    expect(rootInvoke(sys, t.tcbSlot, InvocationLabel.TCBSetIPCBuffer, [0x0010_0000], [readOnly]).error).toBe(0);
    writeName(sys, t, [...Buffer.from('n'), 0]);
    syscall(sys, t.tcb, Syscall.DebugNameThread, { a0: 3 });
    expect(console(sys)).toContain('SysDebugNameThread: Failed to lookup IPC buffer, halting');
    expect(t.tcb.debugName).toBe('');
  });

  it('a name of 480 bytes without a NUL is too long even when the byte after it is not 0', () => {
    const { sys, t, halts } = booted();
    grant(sys, t, 3, t.tcbSlot);
    writeName(sys, t, [...new Array<number>(480).fill(0x61), 0x62, 0, 0, 0]);
    syscall(sys, t.tcb, Syscall.DebugNameThread, { a0: 3 });
    expect(console(sys)).toContain('SysDebugNameThread: Name too long, halting');
    expect(halts()).toBe(1);
  });
});
