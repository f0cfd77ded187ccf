// The debugger inside a run: the machine hands it every slice of instructions (`SliceRunner`), and
// while gdb has breakpoints, watchpoints or a step pending it executes them one at a time, looking
// at each pc and each load/store address first. A stop is served from right there: the stop reply
// goes out and packets are answered synchronously until gdb resumes, so nothing of the run's state
// needs saving and a debugged run retires exactly the instructions of an undebugged one (the
// interpreter runs one instruction as a translated block would; device polls stay where they were).
import type { Rv32Cpu } from '../machine/cpu.js';
import type { SliceRunner } from '../machine/machine.js';
import { ACCESS_LOAD, ACCESS_STORE } from '../machine/mmu.js';
import { expandRvc } from '../machine/rvc.js';
import { Cause, StopReason } from '../machine/trap.js';
import type { GdbConnection } from './connection.js';
import { framePacket, RspReader } from './packets.js';
import { GdbSession, Signal, type StopEvent, type Watchpoint } from './session.js';
import { debugTranslate, type CpuOwnership, type DebugTarget } from './target.js';

/** Instructions between two looks at the socket (Ctrl-C) while single-stepping. */
const POLL_EVERY = 4096;

/** The load or store an instruction is about to make: virtual address, size, direction. */
interface MemoryAccess {
  readonly vaddr: number;
  readonly size: number;
  readonly store: boolean;
  readonly load: boolean;
}

/** Decodes the data access of a 32-bit (or expanded 16-bit) instruction (RV32I loads/stores, A). */
function memoryAccessOf(insn: number, x: Int32Array): MemoryAccess | null {
  const opcode = insn & 0x7f;
  const funct3 = (insn >>> 12) & 7;
  const rs1 = (insn >>> 15) & 31;
  const base = rs1 === 0 ? 0 : x[rs1]!;
  if (opcode === 0x03)
    return {
      vaddr: (base + (insn >> 20)) >>> 0,
      size: 1 << (funct3 & 3),
      load: true,
      store: false,
    };
  if (opcode === 0x23) {
    const imm = ((insn >> 25) << 5) | ((insn >>> 7) & 31);
    return {
      vaddr: (base + imm) >>> 0,
      size: 1 << (funct3 & 3),
      load: false,
      store: true,
    };
  }
  if (opcode === 0x2f) {
    const funct5 = insn >>> 27;
    // LR reads, SC writes, every AMO does both.
    return {
      vaddr: base >>> 0,
      size: 4,
      load: funct5 !== 0b00011,
      store: funct5 !== 0b00010,
    };
  }
  return null;
}

/** The gdb signal for a trap the thread took. */
function signalOf(cause: number): number {
  switch (cause) {
    case Cause.IllegalInstruction:
      return Signal.ILL;
    case Cause.Breakpoint:
      return Signal.TRAP;
    case Cause.InstructionMisaligned:
    case Cause.LoadMisaligned:
    case Cause.StoreMisaligned:
      return Signal.BUS;
    default:
      return Signal.SEGV;
  }
}

export interface GdbDebuggerOptions {
  /** Stop before the first instruction and wait for gdb (`--gdb-wait`). */
  readonly waitForClient?: boolean;
}

/** One debugging session over a run; hand it to `machine.run` and tell it whose thread runs. */
export class GdbDebugger implements SliceRunner, CpuOwnership {
  private readonly reader = new RspReader();
  private session: GdbSession;
  private readonly packets: Uint8Array[] = [];
  private interruptRequested = false;
  /** The process whose thread is on the CPU (set by the run loop). */
  private onCpu = 1;
  private stepPid: number | null = null;
  /** The stepped thread trapped into the kernel: its step ends when it next runs. */
  private stepTrapped = false;
  /** A thread resumed from a breakpoint executes that instruction without stopping again. */
  private skip: { pid: number; pc: number } | null = null;
  private attached = false;
  /** Watchpoints hit by another component already told on the console. */
  private readonly toldForeignWatch = new Set<Watchpoint>();
  /** True while a slice runs: the current thread's registers are in the CPU, not its TCB. */
  private inSlice = false;
  /** gdb asked to kill: the run ends. */
  killed = false;

  private readonly target: DebugTarget;

  /** `describe` builds the target; it is given this debugger to ask whose registers the CPU holds. */
  constructor(
    private readonly connection: GdbConnection,
    describe: (owner: CpuOwnership) => DebugTarget,
    private readonly options: GdbDebuggerOptions = {},
  ) {
    this.target = describe(this);
    this.session = new GdbSession(this.target, {
      signal: Signal.TRAP,
      pid: this.firstPid,
    });
  }

  private get firstPid(): number {
    return this.target.processes[0]?.pid ?? 1;
  }

  /** Before the first instruction: with `waitForClient`, waits for gdb and serves it until it resumes. */
  start(): void {
    if (!this.options.waitForClient) return;
    this.connection.waitForClient();
    this.attach({ signal: Signal.TRAP, pid: this.firstPid });
  }

  /** The run loop says whose thread it is about to run (pid of its process). */
  enter(pid: number): void {
    this.onCpu = pid;
  }

  /** Which process's thread the CPU holds now. */
  get currentPid(): number {
    return this.onCpu;
  }

  private get checking(): boolean {
    return this.attached && (this.interruptRequested || this.stepPid !== null || this.session.needsInstructionChecks);
  }

  /** The pid whose registers the CPU holds right now (during a slice), or -1. */
  get livePid(): number {
    return this.inSlice ? this.onCpu : -1;
  }

  runSlice(cpu: Rv32Cpu, slice: number): StopReason {
    this.inSlice = true;
    try {
      return this.runChecked(cpu, slice);
    } finally {
      this.inSlice = false;
    }
  }

  private runChecked(cpu: Rv32Cpu, slice: number): StopReason {
    this.poll();
    if (this.killed) return StopReason.Stopped;
    if (!this.checking || this.onCpu < 1) return cpu.run(slice);
    for (let done = 0; done < slice;) {
      if (done % POLL_EVERY === POLL_EVERY - 1) this.poll();
      if (this.shouldStopBefore(cpu)) {
        if (this.killed) return StopReason.Stopped;
        if (!this.checking) return cpu.run(slice - done);
      }
      const reason = cpu.run(1);
      if (reason === StopReason.Trap) {
        if (this.stepPid === this.onCpu) this.stepTrapped = true;
        return reason;
      }
      done++;
      if (this.skip?.pid === this.onCpu) this.skip = null;
      if (this.stepPid === this.onCpu) this.stop({ signal: Signal.TRAP, pid: this.onCpu });
      if (this.killed || reason === StopReason.Stopped) return StopReason.Stopped;
      if (!this.checking) return done < slice ? cpu.run(slice - done) : StopReason.Budget;
    }
    return StopReason.Budget;
  }

  /** A breakpoint at pc, a step that ended in the kernel, or a Ctrl-C: stop before the instruction. */
  private shouldStopBefore(cpu: Rv32Cpu): boolean {
    const pid = this.onCpu;
    const pc = cpu.pc >>> 0;
    if (this.stepTrapped && this.stepPid === pid) {
      this.stop({ signal: Signal.TRAP, pid });
      return true;
    }
    if (this.interruptRequested) {
      this.stop({ signal: Signal.INT, pid });
      return true;
    }
    if (this.skip !== null && this.skip.pid === pid && this.skip.pc === pc) return false;
    if (this.session.hasBreakpoint(pid, pc)) {
      this.stop({ signal: Signal.TRAP, pid, reason: { kind: 'swbreak' } });
      return true;
    }
    const watch = this.watchHit(cpu);
    if (watch !== null) {
      this.stop({ signal: Signal.TRAP, pid, reason: { kind: 'watch', watch } });
      return true;
    }
    return false;
  }

  /**
   * The watchpoint the instruction at pc is about to trigger, if any: one set in this process whose
   * physical bytes the access overlaps. It is reported before the access, as RISC-V debug triggers
   * fire and as gdb expects on RISC-V (it steps the instruction itself, then compares values). gdb
   * checks a watchpoint only in the inferior it was set in, so an access by another component to
   * the same shared word is only told on the console, once per watchpoint.
   */
  private watchHit(cpu: Rv32Cpu): Watchpoint | null {
    const watches = this.session.watchpoints;
    if (watches.length === 0) return null;
    const raw = cpu.peekInstruction();
    if (raw === undefined) return null;
    const insn = (raw & 3) === 3 ? raw : expandRvc(raw & 0xffff);
    const access = memoryAccessOf(insn, cpu.x);
    if (access === null) return null;
    const paddr = cpu.mmu.translate(access.vaddr, access.store ? ACCESS_STORE : ACCESS_LOAD);
    if (paddr < 0) return null;
    for (const w of watches) {
      if (w.kind === 'write' && !access.store) continue;
      if (w.kind === 'read' && !access.load) continue;
      const owner = this.target.processes.find((p) => p.pid === w.pid) ?? this.target.processes[0];
      const wStart = owner ? debugTranslate(this.target.ram, owner.satp(), w.vaddr) : w.vaddr;
      if (wStart < 0 || !(paddr < wStart + w.length && wStart < paddr + access.size)) continue;
      if (w.pid === this.onCpu) return w;
      if (!this.toldForeignWatch.has(w)) {
        this.toldForeignWatch.add(w);
        const writer = this.target.processes.find((p) => p.pid === this.onCpu)?.name ?? `process ${this.onCpu}`;
        const watcher = owner?.name ?? `process ${w.pid}`;
        this.console(
          `'${writer}' (inferior ${this.onCpu}) accessed the word watched at 0x${w.vaddr.toString(16)} in '${watcher}' (pc 0x${(cpu.pc >>> 0).toString(16)}); ` +
            `gdb stops only for the inferior a watchpoint was set in: select inferior ${this.onCpu} and watch there\n`,
        );
      }
    }
    return null;
  }

  /** A thread took a fault (page fault, illegal instruction …): gdb sees it before the kernel does. */
  fault(pid: number, cause: number, text: string): void {
    if (!this.attached) this.poll();
    if (!this.attached) return;
    if (this.stepPid === pid) this.stepTrapped = false;
    this.console(`${text}\n`);
    this.stop({ signal: signalOf(cause), pid });
  }

  /** The run has ended: gdb is told the process exited, and the socket closes. */
  finish(exitCode: number): void {
    if (this.attached) {
      this.send(`W${(exitCode & 0xff).toString(16).padStart(2, '0')};process:${this.session.lastStop.pid.toString(16)}`);
    } else {
      // gdb detached and is hanging up: let it finish before the socket goes.
      this.connection.waitForClose(2000);
    }
    this.connection.close();
  }

  /** Reads what has arrived: notes a new client (and stops for it) or a Ctrl-C. */
  private poll(): void {
    if (!this.attached) {
      if (!this.connection.pollConnect()) return;
      this.attach({ signal: Signal.TRAP, pid: this.onCpu });
      return;
    }
    const bytes = this.connection.receive(0);
    if (bytes === null) {
      this.detach();
      return;
    }
    this.take(bytes);
  }

  private attach(first: StopEvent): void {
    this.attached = true;
    this.session = new GdbSession(this.target, first);
    this.serve(first, false);
  }

  private detach(): void {
    this.attached = false;
    this.stepPid = null;
    this.stepTrapped = false;
    this.session.clearAll();
  }

  private take(bytes: Uint8Array): void {
    for (const event of this.reader.feed(bytes)) {
      if (event.kind === 'interrupt') this.interruptRequested = true;
      else if (event.kind === 'packet') {
        if (!this.session.noAck) this.connection.send(Uint8Array.of(0x2b));
        this.packets.push(event.data);
      } else if (event.kind === 'bad' && !this.session.noAck) this.connection.send(Uint8Array.of(0x2d));
    }
  }

  private send(text: string): void {
    this.connection.send(framePacket(text));
  }

  /** `O` packets: text gdb prints on its console while the target runs. */
  private console(text: string): void {
    this.send('O' + Buffer.from(text, 'utf8').toString('hex'));
  }

  private stop(event: StopEvent): void {
    this.stepPid = null;
    this.stepTrapped = false;
    this.interruptRequested = false;
    this.serve(event, true);
  }

  /** Sends the stop reply (unless gdb is to ask with `?`), then answers packets until gdb resumes. */
  private serve(event: StopEvent, announce: boolean): void {
    if (announce) this.send(this.session.stopReply(event));
    else this.session.lastStop = event;
    for (;;) {
      const packet = this.packets.shift();
      if (packet === undefined) {
        const bytes = this.connection.receive(Infinity);
        if (bytes === null) {
          this.detach();
          return;
        }
        this.take(bytes);
        continue;
      }
      const action = this.session.handle(packet);
      switch (action.kind) {
        case 'reply':
          this.send(action.reply);
          break;
        case 'resume': {
          this.stepPid = action.stepPid;
          this.stepTrapped = false;
          const pid = this.session.lastStop.pid;
          const process = this.target.processes.find((p) => p.pid === pid);
          this.skip = process ? { pid, pc: process.readRegisters()[32]! } : null;
          this.interruptRequested = false;
          return;
        }
        case 'detach':
          this.send(action.reply);
          this.detach();
          return;
        case 'kill':
          if (action.reply !== null) this.send(action.reply);
          this.killed = true;
          this.detach();
          return;
      }
    }
  }
}
