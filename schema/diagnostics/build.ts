// KC5xxx: component build (headers, linker scripts, clang/lld).
import { diagnostic } from '../diagnosticDefinition.js';

export const buildDiagnostics = {
} as const;
