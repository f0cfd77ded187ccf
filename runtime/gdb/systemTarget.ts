// The two runners as gdb targets: a booted system, where every component is a process whose thread
// is its TCB (registers from the CPU while it is on it, else from the TCB; memory through its own
// VSpace), and a bare ELF on the machine (one process, physical or the program's own satp).
import path from 'node:path';
import fs from 'node:fs';
import type { BootedSystem } from '../boot/index.js';
import type { TcbObject } from '../kernel/objects.js';
import { satpFor } from '../kernel/vspace.js';
import type { Rv32Cpu } from '../machine/cpu.js';
import type { PhysicalMemory } from '../machine/memory.js';
import { PC_REGNUM, type CpuOwnership, type DebugProcess, type DebugTarget } from './target.js';

/**
 * The ELF of a component in a `build --emit` directory (`<dir>/<component>/<component>.elf`), as an
 * absolute path, when it is there.
 */
export function emittedElfPath(symbolsDir: string | undefined, component: string): string | undefined {
  if (symbolsDir === undefined) return undefined;
  const file = path.resolve(symbolsDir, component, `${component}.elf`);
  return fs.existsSync(file) ? file : undefined;
}

class ComponentProcess implements DebugProcess {
  readonly elfPath?: string;

  constructor(
    readonly pid: number,
    readonly name: string,
    private readonly tcb: TcbObject,
    private readonly cpu: Rv32Cpu,
    private readonly owner: CpuOwnership,
    private readonly describeThread: (t: TcbObject) => string,
    elfPath: string | undefined,
  ) {
    if (elfPath !== undefined) this.elfPath = elfPath;
  }

  private get live(): boolean {
    return this.owner.livePid === this.pid;
  }

  readRegisters(): number[] {
    const regs = this.live ? this.cpu.x : this.tcb.regs;
    const values = Array.from(regs, (v) => v >>> 0);
    values[0] = 0;
    values[PC_REGNUM] = (this.live ? this.cpu.pc : this.tcb.pc) >>> 0;
    return values;
  }

  writeRegister(regnum: number, value: number): void {
    if (regnum === 0) return;
    if (regnum === PC_REGNUM) {
      if (this.live) this.cpu.pc = value >>> 0;
      this.tcb.pc = value >>> 0;
      return;
    }
    if (this.live) this.cpu.x[regnum] = value | 0;
    this.tcb.regs[regnum] = value | 0;
  }

  satp(): number {
    const cap = this.tcb.vspaceRoot.cap;
    return cap.kind === 'pageTable' ? satpFor(cap.obj) : 0;
  }

  describe(): string {
    return this.describeThread(this.tcb);
  }
}

/** A booted system's components as gdb processes (pid = plan order + 1). */
export function systemDebugTarget(
  system: BootedSystem,
  owner: CpuOwnership,
  describeThread: (t: TcbObject) => string,
  symbolsDir?: string,
): DebugTarget {
  const processes = system.components.map(
    (c, i) =>
      new ComponentProcess(i + 1, c.plan.name, c.tcb, system.machine.cpu, owner, describeThread, emittedElfPath(symbolsDir, c.plan.name)),
  );
  return { processes, ram: system.machine.ram };
}

/** A bare program on the machine: one process, always on the CPU. */
export function bareDebugTarget(cpu: Rv32Cpu, ram: PhysicalMemory, name: string, elfPath?: string): DebugTarget {
  const process: DebugProcess = {
    pid: 1,
    name,
    ...(elfPath !== undefined ? { elfPath } : {}),
    readRegisters: () => {
      const values = Array.from(cpu.x, (v) => v >>> 0);
      values[0] = 0;
      values[PC_REGNUM] = cpu.pc >>> 0;
      return values;
    },
    writeRegister: (regnum, value) => {
      if (regnum === PC_REGNUM) cpu.pc = value >>> 0;
      else if (regnum !== 0) cpu.x[regnum] = value | 0;
    },
    satp: () => cpu.mmu.satp,
    describe: () => 'running',
  };
  return { processes: [process], ram };
}
