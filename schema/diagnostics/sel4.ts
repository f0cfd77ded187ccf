// `build --target sel4`: KC51xx, the seL4 kernel given with --kernel and its configuration
// (--kernel-config), checked before anything is planned for it (compiler/sel4/kernelConfig.ts), and
// the flags that go with --target sel4 (cli/commands/build.ts);
// KC68xx, the output ELF read back (image/inspectSel4Image.ts).
import { diagnostic } from '../diagnosticDefinition.js';

const KERNEL_CONFIG_HINT = 'docs/sel4.md lists the kernel configuration --target sel4 needs';

export const sel4Diagnostics = {
  sel4KernelUnreadable: diagnostic('KC5100', 'error', "cannot read the seL4 kernel '{file}': {reason}", "give the kernel's ELF with --kernel <kernel.elf>"),
  sel4Kernel64Bit: diagnostic(
    'KC5101',
    'error',
    "kernel '{file}' is a 64-bit ELF: --target sel4 needs KernelSel4Arch 'riscv32'",
    KERNEL_CONFIG_HINT,
  ),
  sel4KernelWrongArch: diagnostic(
    'KC5102',
    'error',
    "kernel '{file}' is configured with KernelSel4Arch '{arch}' ({evidence}); --target sel4 needs 'riscv32'",
    KERNEL_CONFIG_HINT,
  ),
  sel4KernelMcs: diagnostic(
    'KC5103',
    'error',
    "kernel '{file}' is configured with KernelIsMCS ON ({evidence}); --target sel4 plans for the non-MCS kernel",
    KERNEL_CONFIG_HINT,
  ),
  sel4KernelSmp: diagnostic(
    'KC5104',
    'error',
    "kernel '{file}' is configured for SMP (KernelMaxNumNodes {nodes}; {evidence}); --target sel4 needs KernelMaxNumNodes 1",
    KERNEL_CONFIG_HINT,
  ),
  sel4KernelWrongPlatform: diagnostic(
    'KC5105',
    'error',
    "kernel '{file}' is configured with KernelPlatform '{platform}' ({evidence}); the system's platform needs '{expected}'",
    KERNEL_CONFIG_HINT,
  ),
  sel4KernelFpuMismatch: diagnostic(
    'KC5106',
    'error',
    "kernel configuration '{config}' says HAVE_FPU is {configured}, but the kernel ELF '{file}' uses the '{abi}' float ABI",
    'give the gen_config.json of the build that made this kernel',
  ),
  sel4KernelConfigUnreadable: diagnostic(
    'KC5107',
    'error',
    "cannot read the kernel configuration '{file}': {reason}",
    "give the kernel build's gen_config/kernel/gen_config.json with --kernel-config",
  ),
  sel4KernelNotSel4: diagnostic(
    'KC5108',
    'error',
    "kernel '{file}' does not look like a seL4 kernel: {reason}",
    "give the unstripped kernel.elf of a seL4 build (its symbol table names the kernel's memory and state)",
  ),
  sel4KernelOutsideMemory: diagnostic(
    'KC5109',
    'error',
    "kernel '{file}' loads at '{start}'..'{end}', outside the platform's memory from '{memoryStart}' (a kernel for another KernelPlatform?)",
    KERNEL_CONFIG_HINT,
  ),
  sel4KernelBadWindow: diagnostic(
    'KC5110',
    'error',
    "kernel '{file}': its virtual base '{vbase}' and physical base '{pbase}' differ within a 4 MiB page, so the loader cannot map its window",
    'a seL4 kernel for riscv32 is linked at 0xff800000 plus the 4 MiB offset of its physical base',
  ),
  sel4FlagWithoutTarget: diagnostic(
    'KC5111',
    'error',
    "'{flag}' is only for --target sel4",
    'add --target sel4 to build a boot ELF for a seL4 kernel, or leave {flag} out',
  ),
  sel4KernelNotGiven: diagnostic(
    'KC5112',
    'error',
    '--target sel4 needs the seL4 kernel to build for',
    "give the kernel's ELF with --kernel <kernel.elf>; " + KERNEL_CONFIG_HINT,
  ),
  sel4FlagNotApplicable: diagnostic('KC5113', 'error', "'{flag}' does not apply to --target sel4: {reason}", 'leave {flag} out, or build without --target sel4'),
  sel4KernelDevicesUnknown: diagnostic(
    'KC5114',
    'error',
    "kernel '{file}' maps {count} kernel device frames; the platform's PLIC takes {plic} and the CLINT and the PLIC {both}, so which devices they are is not known (a kernel for another KernelPlatform?)",
    KERNEL_CONFIG_HINT,
  ),
  sel4KernelClintWithIrqs: diagnostic(
    'KC5115',
    'error',
    "kernel '{file}' maps the CLINT among its kernel devices: on riscv32 the PLIC's kernel mapping then wraps to address 0 and the kernel faults at the first IRQControl_Get, which component '{component}' needs for IRQ {irq}",
    "build the kernel with the CLINT removed from the overlay's seL4,kernel-devices (docs/sel4.md, 'Known seL4 issue'); systems without IRQs boot on it as it is",
  ),
  sel4KernelNoPrinting: diagnostic(
    'KC5116',
    'warning',
    "kernel '{file}' is built without KernelPrinting ({evidence}): the root task's boot line and its report of a failed invocation will not appear, and a component that calls seL4_DebugPutChar (kaal_printf without its own kaal_putc, microkit_dbg_puts) is stopped by an unknown-syscall fault",
    'build the kernel with KernelDebugBuild and KernelPrinting ON to see them; components that print through a granted UART work either way',
  ),
  sel4ImageNoHeader: diagnostic(
    'KC6800',
    'error',
    "'{file}' is an ELF but not a --target sel4 image: it has no kaal loader boot header",
    "inspect reads boot images from 'kaal-compose build' and ELFs from 'kaal-compose build --target sel4'",
  ),
} as const;
