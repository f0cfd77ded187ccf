// Reads the files given with --kernel and --kernel-config and checks them (kernelConfig.ts):
// the I/O edge of the kernel checks, so a missing or unreadable file is a diagnostic (KC5100,
// KC5107), never a stack trace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { D, createDiagnostic } from '../../schema/diagnostics.js';
import { checkSel4Kernel, type KernelCheck } from './kernelConfig.js';

export interface LoadKernelOptions {
  readonly cwd: string;
  readonly kernel: string;
  readonly kernelConfig?: string;
  readonly platform: string;
  readonly memoryStart: number;
}

const reason = (error: unknown) => ((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message);

export function loadSel4Kernel(options: LoadKernelOptions): KernelCheck {
  let kernelBytes: Uint8Array;
  try {
    kernelBytes = new Uint8Array(fs.readFileSync(path.resolve(options.cwd, options.kernel)));
  } catch (error) {
    return { diagnostics: [createDiagnostic(D.sel4KernelUnreadable, { file: options.kernel, reason: reason(error) }, { file: options.kernel })] };
  }
  let configText: string | undefined;
  if (options.kernelConfig !== undefined) {
    try {
      configText = fs.readFileSync(path.resolve(options.cwd, options.kernelConfig), 'utf8');
    } catch (error) {
      return { diagnostics: [createDiagnostic(D.sel4KernelConfigUnreadable, { file: options.kernelConfig, reason: reason(error) }, { file: options.kernelConfig })] };
    }
  }
  return checkSel4Kernel({
    kernelFile: options.kernel,
    kernelBytes,
    ...(options.kernelConfig !== undefined && configText !== undefined ? { configFile: options.kernelConfig, configText } : {}),
    platform: options.platform,
    memoryStart: options.memoryStart,
  });
}
