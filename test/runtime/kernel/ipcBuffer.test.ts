// lookupIpcBuffer (seL4's lookupIPCBuffer): which frame caps give a thread a usable IPC buffer. A
// receiver needs a read-write frame, a sender one it may read; a device frame, a kernel-only one,
// or a buffer that does not leave 512 bytes of RAM gives none (-1), and long messages then carry
// only what fits in registers.
import { describe, expect, it } from 'vitest';
import { lookupIpcBuffer } from '../../../runtime/kernel/ipc.js';
import type { Cap, FrameObject } from '../../../runtime/kernel/objects.js';
import { IPC_BUFFER_VADDR, RAM_BASE, RAM_BITS, bootTestKernel, createThread } from './fixture.js';

function threadWithBuffer() {
  const sys = bootTestKernel();
  const t = createThread(sys, 't');
  const cap = t.tcb.bufferFrame.cap;
  if (cap.kind !== 'frame') throw new Error('no buffer frame');
  const give = (changes: Partial<{ read: boolean; write: boolean; obj: FrameObject }>): void => {
    t.tcb.bufferFrame.cap = { ...cap, ...changes } as Cap;
  };
  return { sys, t, cap, give };
}

describe('lookupIpcBuffer', () => {
  it('gives a receiver its buffer only through a read-write frame cap, a sender through any it may read', () => {
    const { sys, t, cap, give } = threadWithBuffer();
    const rights: [read: boolean, write: boolean, receiver: boolean, sender: boolean][] = [
      [true, true, true, true],
      [true, false, false, true],
      [false, false, false, false],
      [false, true, true, true],
    ];
    for (const [read, write, receiver, sender] of rights) {
      give({ read, write });
      expect([read, write, lookupIpcBuffer(sys.kernel, t.tcb, true)]).toEqual([read, write, receiver ? cap.obj.paddr : -1]);
      expect([read, write, lookupIpcBuffer(sys.kernel, t.tcb, false)]).toEqual([read, write, sender ? cap.obj.paddr : -1]);
    }
  });

  it('gives none through a device frame', () => {
    const { sys, t, cap, give } = threadWithBuffer();
    give({ obj: { ...cap.obj, isDevice: true } });
    expect(lookupIpcBuffer(sys.kernel, t.tcb, true)).toBe(-1);
    expect(lookupIpcBuffer(sys.kernel, t.tcb, false)).toBe(-1);
  });

  it('finds the buffer at its offset inside the frame, whatever the page bits of its address', () => {
    const { sys, t, cap } = threadWithBuffer();
    t.tcb.ipcBuffer = IPC_BUFFER_VADDR + 0x200;
    expect(lookupIpcBuffer(sys.kernel, t.tcb, true)).toBe(cap.obj.paddr + 0x200);
    t.tcb.ipcBuffer = 0x7fff_f200;
    expect(lookupIpcBuffer(sys.kernel, t.tcb, false)).toBe(cap.obj.paddr + 0x200);
  });

  it('needs 512 bytes of RAM from the buffer on: exactly 512 before the end of RAM is usable, 508 is not', () => {
    const { sys, t, cap, give } = threadWithBuffer();
    const lastPage = RAM_BASE + 2 ** RAM_BITS - 4096;
    give({ obj: { ...cap.obj, paddr: lastPage } });
    t.tcb.ipcBuffer = IPC_BUFFER_VADDR + 4096 - 512;
    expect(lookupIpcBuffer(sys.kernel, t.tcb, true)).toBe(lastPage + 4096 - 512);
    t.tcb.ipcBuffer = IPC_BUFFER_VADDR + 4096 - 508;
    expect(lookupIpcBuffer(sys.kernel, t.tcb, true)).toBe(-1);
  });
});
