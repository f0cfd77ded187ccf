// KC1xxx: the descriptor and its schema.
import { diagnostic } from '../diagnosticDefinition.js';

export const descriptorDiagnostics = {
} as const;
