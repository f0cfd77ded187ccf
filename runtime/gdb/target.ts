// What the gdb stub sees of a running system: processes (one per component, or one for a bare ELF),
// each with one thread, its registers, its address space (an Sv32 root, or none) and its ELF; memory
// read and written through that address space without touching the TLB or any device. Both runners
// (`run` of an image, `machine` of a bare ELF) describe themselves through this interface.
import type { PhysicalMemory } from '../machine/memory.js';

/** x0..x31, then pc: gdb's RISC-V register numbering (regnum 0..32). */
export const REGISTER_COUNT = 33;
export const PC_REGNUM = 32;

/** One component (or the bare program): a process with a single thread. */
export interface DebugProcess {
  /** 1-based; also its thread id, so thread ids are unique with or without multiprocess. */
  readonly pid: number;
  readonly name: string;
  /** The ELF gdb loads symbols from (qXfer:exec-file), when known. */
  readonly elfPath?: string;
  /** x0..x31 and pc (REGISTER_COUNT values, unsigned). */
  readRegisters(): number[];
  writeRegister(regnum: number, value: number): void;
  /** `satp` of its address space, or 0 for physical addresses. */
  satp(): number;
  /** Its state for `info threads`: running, blocked on which object, faulted, stopped. */
  describe(): string;
}

/** Where the live registers of a thread are: the CPU (it is running a slice) or its TCB. */
export interface CpuOwnership {
  /** The pid whose registers are in the CPU right now, or -1. */
  readonly livePid: number;
}

/** The processes and the RAM behind them. */
export interface DebugTarget {
  readonly processes: readonly DebugProcess[];
  readonly ram: PhysicalMemory;
}

const PAGE = 4096;

/**
 * The physical address of `vaddr` under `satp` (Sv32, read from the page tables in RAM), or -1
 * when unmapped. Any valid leaf counts: the debugger may read what the thread itself may not.
 */
export function debugTranslate(ram: PhysicalMemory, satp: number, vaddr: number): number {
  vaddr >>>= 0;
  if (satp >>> 31 === 0) return vaddr;
  let table = (satp & 0x003f_ffff) * PAGE;
  for (let level = 1; level >= 0; level--) {
    const index = level === 1 ? vaddr >>> 22 : (vaddr >>> 12) & 0x3ff;
    const at = table + index * 4;
    if (!ram.contains(at, 4)) return -1;
    const pte = ram.readU32(at) >>> 0;
    if ((pte & 1) === 0) return -1;
    if ((pte & 0b1110) !== 0) {
      const ppn = pte >>> 10;
      const offsetBits = level === 1 ? 22 : 12;
      return (ppn * PAGE + (vaddr & ((1 << offsetBits) - 1))) >>> 0;
    }
    table = (pte >>> 10) * PAGE;
  }
  return -1;
}

/** Reads `length` bytes at `vaddr` in a process's address space; null if any byte is not RAM. */
export function readProcessMemory(target: DebugTarget, process: DebugProcess, vaddr: number, length: number): Uint8Array | null {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const va = (vaddr + done) >>> 0;
    const chunk = Math.min(length - done, PAGE - (va % PAGE));
    const pa = debugTranslate(target.ram, process.satp(), va);
    if (pa < 0 || !target.ram.contains(pa, chunk)) return done === 0 ? null : out.subarray(0, done);
    out.set(target.ram.readBytes(pa, chunk), done);
    done += chunk;
  }
  return out;
}

/** Writes bytes at `vaddr` in a process's address space (code caches are told); false if not RAM. */
export function writeProcessMemory(target: DebugTarget, process: DebugProcess, vaddr: number, data: Uint8Array): boolean {
  const spans: { pa: number; from: number; length: number }[] = [];
  let done = 0;
  while (done < data.length) {
    const va = (vaddr + done) >>> 0;
    const chunk = Math.min(data.length - done, PAGE - (va % PAGE));
    const pa = debugTranslate(target.ram, process.satp(), va);
    if (pa < 0 || !target.ram.contains(pa, chunk)) return false;
    spans.push({ pa, from: done, length: chunk });
    done += chunk;
  }
  for (const s of spans) target.ram.writeBytes(s.pa, data.subarray(s.from, s.from + s.length));
  return true;
}
