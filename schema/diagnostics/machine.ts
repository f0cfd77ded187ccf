// KC78xx: the bare machine runner (kaal-compose machine) and building a machine from a platform.
import { diagnostic } from '../diagnosticDefinition.js';

export const machineDiagnostics = {
  machineSegmentOutsideRam: diagnostic(
    'KC7801',
    'error',
    "segment at '{address}' ({size} bytes) does not fit in RAM '{ramBase}'..'{ramEnd}'",
    'link the program for the platform RAM (fixtures/machine/link.ld places it at 0x8000_0000)',
  ),
  machineInstructionLimit: diagnostic(
    'KC7802',
    'error',
    'the program did not finish within {limit} instructions (pc {pc})',
    "raise --max-instructions, or end the program by writing the test device (0x5555 passes, 0x3333 | code << 16 fails)",
  ),
  machineTrap: diagnostic(
    'KC7803',
    'error',
    "the program trapped: {cause} (cause {code}) at pc '{pc}', tval '{tval}'",
    'the bare runner has no trap handler; every exception ends the run',
  ),
  machineResetRequested: diagnostic(
    'KC7804',
    'warning',
    'the program asked for a reset through the test device (0x7777) after {instructions} instructions',
    'the bare runner stops here; QEMU would restart the program',
  ),
  machineDeviceUnmapped: diagnostic(
    'KC7805',
    'warning',
    "device '{path}' at '{base}' cannot be mapped: {reason}",
    'the machine maps devices by 4 KiB page; accesses to it will fault',
  ),
  machineNoRam: diagnostic(
    'KC7806',
    'error',
    'the platform has no RAM (no memory node with a non-empty reg)',
    'add a memory node, as in fixtures/platforms/kaal-virt-rv32.dts',
  ),
  machineEntryNotRamBase: diagnostic(
    'KC7807',
    'warning',
    "entry point '{entry}' is not the start of RAM '{ramBase}'",
    'QEMU -bios none jumps to the start of RAM; put _start first, as fixtures/machine/link.ld does',
  ),
  machineBadOption: diagnostic('KC7808', 'error', "invalid {option} '{value}': {reason}"),
  machineRamLimited: diagnostic(
    'KC7809',
    'warning',
    "RAM at '{base}' of size '{size}' is emulated with its first '{limit}' bytes only",
    "accesses beyond the limit fault; if the program needs them, raise the limit with '--max-ram {size}' (run, check, machine) or createMachine's ramLimit",
  ),
  runUartOverrun: diagnostic(
    'KC7810',
    'warning',
    "the UART '{path}' lost {count} input byte(s) to receiver overrun: they arrived at {baud} baud with its receive buffer (the 16-byte FIFO, or RBR with FIFOs off) full",
    'drain RBR while LSR.DR is set on every interrupt and enable the 16-byte FIFO (FCR); the report counts them in console.input.overruns',
  ),
  runInputEnded: diagnostic(
    'KC7811',
    'note',
    'the console input ended before the deadlock: all {bytes} byte(s) of it were delivered',
    'a serial line has no end of file: a program that reads until an end-of-input byte needs that byte in the input (Ctrl-D, 0x04, for uart-echo)',
  ),
} as const;
