// KC3xxx: static checks of a system against its platform.
import { diagnostic } from '../diagnosticDefinition.js';

export const checksDiagnostics = {
} as const;
