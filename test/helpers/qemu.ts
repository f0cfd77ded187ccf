// Boots an ELF under `qemu-system-riscv32 -machine virt -m 2G -nographic -bios none` for the
// --target sel4 tests: console input from `input`, killed after `timeoutMs` so no test hangs.
import { spawnSync } from 'node:child_process';

export const QEMU = 'qemu-system-riscv32';
export const haveQemu = spawnSync(QEMU, ['--version'], { stdio: 'ignore' }).status === 0;

export interface QemuRun {
  /** The console output, with the UART's CR LF turned into LF. */
  readonly output: string;
  /** QEMU's exit status; null when it was killed at the timeout. */
  readonly status: number | null;
  readonly timedOut: boolean;
}

export function bootUnderQemu(elf: string, options: { input?: string; timeoutMs?: number } = {}): QemuRun {
  const result = spawnSync(QEMU, ['-machine', 'virt', '-m', '2G', '-nographic', '-bios', 'none', '-kernel', elf], {
    input: options.input ?? '',
    timeout: options.timeoutMs ?? 30_000,
    killSignal: 'SIGKILL',
    encoding: 'latin1',
  });
  return {
    output: (result.stdout ?? '').replace(/\r\n/g, '\n'),
    status: result.status,
    timedOut: result.signal === 'SIGKILL',
  };
}
