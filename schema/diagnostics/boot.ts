// KC7xxx: boot, grant verification and the run (KC70xx-KC77xx; KC78xx is machine.ts).
import { diagnostic } from '../diagnosticDefinition.js';

export const bootDiagnostics = {
} as const;
