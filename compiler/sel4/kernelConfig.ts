// The kernel configuration `--target sel4` plans for, from the kernel ELF (image/sel4Kernel.ts)
// and, when given, its build's gen_config.json: refuses a kernel it cannot plan for (64-bit, MCS,
// SMP, another platform, an FPU setting the ELF contradicts) with a diagnostic naming the setting,
// and warns of one without printing (the root task's boot line goes through seL4_DebugPutChar).
// docs/sel4.md lists the configuration it needs.
import { D, createDiagnostic, type Diagnostic } from '../../schema/diagnostics.js';
import { DiagnosticError } from '../../schema/diagnosticDefinition.js';
import { readSel4Kernel, type PhysRegion, type Sel4Kernel } from '../../image/sel4Kernel.js';

/** seL4's name of the platform each of our platforms is (KernelPlatform). */
export const SEL4_PLATFORMS: Readonly<Record<string, string>> = { 'kaal-virt-rv32': 'qemu-riscv-virt' };

/** seL4_TCBBits on RV32: 9 without the FPU, 10 with it (the FPU state lives in the TCB). */
const TCB_BITS_NO_FPU = 9;
const TCB_BITS_FPU = 10;

export interface Sel4KernelConfig {
  /** Where the settings came from. */
  readonly source: 'gen_config.json' | 'kernel ELF';
  readonly fpu: boolean;
  readonly tcbSizeBits: number;
  readonly debug: boolean;
  /** CONFIG_PRINTING: assumed on without gen_config.json when the build is a debug one. */
  readonly printing: boolean;
  readonly numPriorities: number;
  readonly paddrUserDeviceTop: number;
  readonly platform?: string;
  readonly rootCnodeSizeBits?: number;
  readonly maxBootinfoUntypedCaps?: number;
  readonly timerFrequency?: number;
  readonly availableMemory: readonly PhysRegion[];
}

export interface KernelCheckInput {
  readonly kernelFile: string;
  readonly kernelBytes: Uint8Array;
  readonly configFile?: string;
  readonly configText?: string;
  /** Our platform's name (`kaal-virt-rv32`) and where its RAM starts. */
  readonly platform: string;
  readonly memoryStart: number;
}

export interface KernelCheck {
  readonly kernel?: Sel4Kernel;
  readonly config?: Sel4KernelConfig;
  readonly diagnostics: readonly Diagnostic[];
}

const DEFAULT_NUM_PRIORITIES = 256;
const DEFAULT_PADDR_USER_DEVICE_TOP = 2 ** 32;

const hex = (n: number): string => '0x' + (n >>> 0).toString(16);
const MEGAPAGE = 0x40_0000;

/** Reads and checks the kernel (and its gen_config.json); every refusal is reported, not just the first. */
export function checkSel4Kernel(input: KernelCheckInput): KernelCheck {
  const file = input.kernelFile;
  let kernel: Sel4Kernel;
  try {
    kernel = readSel4Kernel(input.kernelBytes, file);
  } catch (error) {
    if (error instanceof DiagnosticError) return { diagnostics: [{ ...error.diagnostic, file }] };
    throw error;
  }
  const diagnostics: Diagnostic[] = [];
  const where = { file };
  let genConfig: Record<string, unknown> | undefined;
  if (input.configText !== undefined) {
    const configFile = input.configFile ?? 'gen_config.json';
    try {
      const parsed: unknown = JSON.parse(input.configText);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
      genConfig = parsed as Record<string, unknown>;
    } catch (error) {
      diagnostics.push(createDiagnostic(D.sel4KernelConfigUnreadable, { file: configFile, reason: (error as Error).message }, { file: configFile }));
      return { kernel, diagnostics };
    }
  }
  const configFile = input.configFile ?? 'gen_config.json';
  const fromConfig = `${configFile}: `;

  // Architecture (64-bit ELFs were refused while reading).
  const arch = genConfig?.SEL4_ARCH;
  if (arch !== undefined && arch !== 'riscv32') diagnostics.push(createDiagnostic(D.sel4KernelWrongArch, { file, arch: String(arch), evidence: `${fromConfig}SEL4_ARCH` }, where));

  // MCS.
  if (genConfig?.KERNEL_MCS === true) diagnostics.push(createDiagnostic(D.sel4KernelMcs, { file, evidence: `${fromConfig}KERNEL_MCS true` }, where));
  else if (kernel.evidence.mcs) diagnostics.push(createDiagnostic(D.sel4KernelMcs, { file, evidence: `its symbol table has '${kernel.evidence.mcs}'` }, where));

  // SMP.
  const nodes = genConfig?.MAX_NUM_NODES;
  if (genConfig !== undefined && (genConfig.ENABLE_SMP_SUPPORT === true || (nodes !== undefined && Number(nodes) > 1))) {
    diagnostics.push(createDiagnostic(D.sel4KernelSmp, { file, nodes: String(nodes ?? '>1'), evidence: `${fromConfig}MAX_NUM_NODES ${String(nodes)}` }, where));
  } else if (kernel.evidence.smp) {
    diagnostics.push(createDiagnostic(D.sel4KernelSmp, { file, nodes: '>1', evidence: `its symbol table has '${kernel.evidence.smp}'` }, where));
  }

  // Platform.
  const expected = SEL4_PLATFORMS[input.platform];
  const platform = genConfig?.PLAT;
  if (platform !== undefined && expected !== undefined && platform !== expected) {
    diagnostics.push(createDiagnostic(D.sel4KernelWrongPlatform, { file, platform: String(platform), evidence: `${fromConfig}PLAT`, expected }, where));
  }
  if (kernel.physStart < input.memoryStart) {
    diagnostics.push(
      createDiagnostic(D.sel4KernelOutsideMemory, { file, start: hex(kernel.physStart), end: hex(kernel.physEnd), memoryStart: hex(input.memoryStart) }, where),
    );
  }
  if (((kernel.physStart ^ kernel.virtStart) & (MEGAPAGE - 1)) !== 0) {
    diagnostics.push(createDiagnostic(D.sel4KernelBadWindow, { file, vbase: hex(kernel.virtStart), pbase: hex(kernel.physStart) }, where));
  }

  // FPU: the float ABI the kernel was compiled for; gen_config.json must agree when given.
  const elfFpu = kernel.floatAbi !== 'soft';
  const configFpu = genConfig?.HAVE_FPU;
  if (typeof configFpu === 'boolean' && configFpu !== elfFpu) {
    diagnostics.push(createDiagnostic(D.sel4KernelFpuMismatch, { config: configFile, configured: String(configFpu), file, abi: kernel.floatAbi }, where));
  }
  if (diagnostics.length > 0) return { kernel, diagnostics };

  const number = (key: string): number | undefined => (genConfig?.[key] === undefined ? undefined : Number(genConfig[key]));
  const rootCnodeSizeBits = number('ROOT_CNODE_SIZE_BITS');
  const maxBootinfoUntypedCaps = number('MAX_NUM_BOOTINFO_UNTYPED_CAPS');
  const timerFrequency = number('TIMER_FREQUENCY');
  const debug = typeof genConfig?.DEBUG_BUILD === 'boolean' ? genConfig.DEBUG_BUILD : kernel.evidence.debug !== undefined;
  const config: Sel4KernelConfig = {
    source: genConfig === undefined ? 'kernel ELF' : 'gen_config.json',
    fpu: elfFpu,
    tcbSizeBits: elfFpu ? TCB_BITS_FPU : TCB_BITS_NO_FPU,
    debug,
    printing: typeof genConfig?.PRINTING === 'boolean' ? genConfig.PRINTING : debug,
    // seL4's defaults for riscv32 (config.cmake) when there is no gen_config.json.
    numPriorities: number('NUM_PRIORITIES') ?? DEFAULT_NUM_PRIORITIES,
    paddrUserDeviceTop: number('PADDR_USER_DEVICE_TOP') ?? DEFAULT_PADDR_USER_DEVICE_TOP,
    ...(typeof platform === 'string' ? { platform } : {}),
    ...(rootCnodeSizeBits !== undefined ? { rootCnodeSizeBits } : {}),
    ...(maxBootinfoUntypedCaps !== undefined ? { maxBootinfoUntypedCaps } : {}),
    ...(timerFrequency !== undefined ? { timerFrequency } : {}),
    availableMemory: kernel.availableMemory,
  };
  if (!config.printing) {
    const evidence = typeof genConfig?.PRINTING === 'boolean' ? `${fromConfig}PRINTING false` : "its symbol table has no 'ksDebugTCBs': not a debug build";
    diagnostics.push(createDiagnostic(D.sel4KernelNoPrinting, { file, evidence }, where));
  }
  return { kernel, config, diagnostics };
}
