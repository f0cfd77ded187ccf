// KC4xxx: capability planning (untyped, objects, CSpace, VSpace).
import { diagnostic } from '../diagnosticDefinition.js';

export const planDiagnostics = {
} as const;
