// Reads a component's ELF for `plan` and `build`: its size is checked against the ELF limit before
// it is read (KC0009, raised with --max-input-size, as for every input file), a file that cannot
// be read is KC5004 naming the component, a malformed one the ELF reader's KC65xx (its message
// prefixed with the component and file). Diagnostics point at the component's `code.elf` in the
// descriptor, where the user can fix the path.
import { D, DiagnosticError, createDiagnostic, type Diagnostic } from '../schema/diagnostics.js';
import { INPUT_SIZE_LIMITS } from '../image/inputLimits.js';
import { readElf, type ElfFile } from '../image/elf.js';
import { describeFsError, type Host } from './host.js';

export interface ComponentElfRequest {
  readonly component: string;
  /** The component's dotted path in the descriptor (`components.0`). */
  readonly componentPath: string;
  /** The ELF's absolute path, and the name diagnostics show for it. */
  readonly file: string;
  readonly shown: string;
  /** The descriptor, as the user named it. */
  readonly descriptorFile: string;
  /** The largest ELF accepted, in bytes (default 64 MiB). */
  readonly maxInputSize?: number | undefined;
}

export function readComponentElf(host: Host, request: ComponentElfRequest): { elf: ElfFile; bytes: Uint8Array } | { diagnostic: Diagnostic } {
  const at = { file: request.descriptorFile, path: `${request.componentPath}.code.elf` };
  const limit = request.maxInputSize ?? INPUT_SIZE_LIMITS['ELF program'];
  let bytes: Uint8Array;
  try {
    const size = host.fileSize(request.file);
    if (size > limit) return { diagnostic: createDiagnostic(D.inputTooLarge, { file: request.shown, size, limit, kind: 'an ELF program' }, at) };
    bytes = host.readFile(request.file);
  } catch (error) {
    return { diagnostic: createDiagnostic(D.elfNotReadable, { component: request.component, file: request.shown, reason: describeFsError(error) }, at) };
  }
  try {
    return { elf: readElf(bytes, request.shown), bytes };
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    const { span: _span, line: _line, column: _column, ...rest } = error.diagnostic;
    return { diagnostic: { ...rest, message: `component '${request.component}': ELF '${request.shown}': ${rest.message}`, ...at } };
  }
}
