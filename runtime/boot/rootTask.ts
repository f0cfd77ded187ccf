// The root task on the emulated CPU: seL4's initial thread, run from the kernel's boot until it
// suspends itself (or faults, or runs too long), its system calls handled by the kernel as any
// thread's. Its console line says how the boot went (roottask/main.c): read back into a diagnostic.
import { createDiagnostic, D, type Diagnostic } from '../../schema/diagnostics.js';
import { Reg } from '../kernel/abi.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Fault } from '../kernel/objects.js';
import { faultFromTrap } from '../kernel/faults.js';
import { isRunnable, schedEnqueue, schedule } from '../kernel/scheduler.js';
import { activateThread, handleSyscall, handleUserFault } from '../kernel/syscall.js';
import { satpFor } from '../kernel/vspace.js';
import type { Machine } from '../machine/machine.js';
import { Cause, causeName } from '../machine/trap.js';

/** Instructions the root task may take before the boot is declared stuck. */
export const ROOT_TASK_MAX_INSTRUCTIONS = 500_000_000;
/** Instructions per call into the CPU (the root task is never preempted: nothing else runs yet). */
const SLICE = 1_000_000;
/**
 * Arrivals at a block start before the root task's code is translated (the CPU's default is 16):
 * it runs most of its code a few dozen times at most, and each block translated costs V8 a parse
 * and a compile (docs/performance.md, "start-up … Session 10"); its loops over many objects are
 * still translated.
 */
const ROOT_TASK_HOT_THRESHOLD = 64;

export interface RootTaskRun {
  /** Instructions it retired. */
  readonly instructions: number;
  /** What it printed with seL4_DebugPutChar. */
  readonly output: string;
  /** Why the boot failed, or empty. */
  readonly diagnostics: readonly Diagnostic[];
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
const SUCCESS = /^kaal: .*: \d+ untypeds as planned, \d+ invocations, 0 failed$/;
const INVOCATION_FAILED = /^kaal: .*: invocation (\d+) (\S+) (.+?): (seL4 error .*)$/;
const UNTYPED_DIFFERS = /^kaal: .*: bootinfo differs from the plan: untyped (\d+) is (.+), the plan expects (.+)$/;

/** The diagnostic of the root task's last line when it is not the boot line. */
function outcomeOf(output: string, where: { file?: string }): Diagnostic[] {
  const lines = output.split('\n').filter((l) => l.length > 0);
  const last = lines[lines.length - 1] ?? '';
  if (SUCCESS.test(last)) return [];
  const untyped = UNTYPED_DIFFERS.exec(last);
  if (untyped) return [createDiagnostic(D.bootUntypedMismatch, { index: Number(untyped[1]), planned: untyped[3]!, actual: untyped[2]! }, where)];
  const failed = INVOCATION_FAILED.exec(last);
  if (failed) {
    const [, index, op, object, error] = failed;
    return [createDiagnostic(D.bootInvocationFailed, { index: Number(index), op: op!, object: object!, error: error! }, { ...where, path: `plan.invocations.${index}` })];
  }
  return [createDiagnostic(D.bootRootTaskStopped, { line: last }, where)];
}

function describeFault(fault: Fault): { fault: string; pc: string; detail: string } {
  switch (fault.type) {
    case 'cap':
      return { fault: `cap fault (${fault.lookup.type})`, pc: hex(fault.pc), detail: ` looking up cptr ${fault.address}` };
    case 'vm':
      return { fault: causeName(fault.cause), pc: hex(fault.pc), detail: ` accessing '${hex(fault.address)}'` };
    case 'userException':
      return { fault: causeName(fault.number), pc: hex(fault.pc), detail: '' };
    case 'unknownSyscall':
      return { fault: `unknown syscall ${fault.syscall | 0}`, pc: hex(fault.pc), detail: '' };
  }
}

/**
 * Runs the kernel's initial thread until it suspends itself. The kernel's hooks stay as the caller
 * set them (its putChar sees every byte the root task prints, its trace every system call).
 */
export function runRootTask(
  kernel: Kernel,
  machine: Machine,
  options: { readonly maxInstructions?: number; readonly file?: string } = {},
): RootTaskRun {
  const where = options.file !== undefined ? { file: options.file } : {};
  const limit = options.maxInstructions ?? ROOT_TASK_MAX_INSTRUCTIONS;
  const cpu = machine.cpu;
  const root = kernel.rootTcb;
  const bytes: number[] = [];
  let fault: Fault | undefined;
  const hooks = kernel.hooks;
  const { putChar, unhandledFault } = hooks;
  hooks.putChar = (byte, thread) => {
    if (thread === root) bytes.push(byte);
    putChar?.(byte, thread);
  };
  hooks.unhandledFault = (thread, f) => {
    if (thread === root) fault = f;
  };

  // create_initial_thread: runnable, and the scheduler's choice.
  root.state = 'running';
  schedEnqueue(kernel, root);
  kernel.action = 'chooseNew';
  schedule(kernel);
  activateThread(kernel);
  const vspace = root.vspaceRoot.cap;
  cpu.setSatp(vspace.kind === 'pageTable' ? satpFor(vspace.obj) : 0);
  const start = cpu.instret;
  let stuck = false;
  const hotThreshold = cpu.setHotThreshold(ROOT_TASK_HOT_THRESHOLD);
  try {
    while (isRunnable(root) && kernel.current === root && !kernel.halted) {
      const used = cpu.instret - start;
      if (used >= limit) {
        stuck = true;
        break;
      }
      cpu.x.set(root.regs);
      cpu.cancelReservation();
      cpu.pc = root.pc;
      const stop = machine.run(Math.min(SLICE, limit - used), {});
      root.regs.set(cpu.x);
      root.regs[0] = 0;
      root.pc = cpu.pc >>> 0;
      root.faultIp = root.pc;
      if (stop.kind !== 'trap') continue;
      if (stop.cause === Cause.EcallFromU) handleSyscall(kernel, root, root.regs[Reg.a7]!);
      else handleUserFault(kernel, root, faultFromTrap(stop.cause, stop.tval, stop.pc));
    }
  } finally {
    cpu.setHotThreshold(hotThreshold);
  }
  hooks.putChar = putChar;
  hooks.unhandledFault = unhandledFault;

  const output = new TextDecoder().decode(Uint8Array.from(bytes));
  const instructions = cpu.instret - start;
  let diagnostics: Diagnostic[];
  if (fault) diagnostics = [createDiagnostic(D.bootRootTaskFaulted, describeFault(fault), where)];
  else if (stuck) diagnostics = [createDiagnostic(D.bootRootTaskLimit, { limit }, where)];
  else diagnostics = outcomeOf(output, where);
  return { instructions, output, diagnostics };
}
