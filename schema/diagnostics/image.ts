// KC6xxx: binary formats: the boot image (KC60xx) and ELF (KC65xx).
import { diagnostic } from '../diagnosticDefinition.js';

export const imageDiagnostics = {
} as const;
