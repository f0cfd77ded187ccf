// KC2xxx: device trees (FDT, DTS) and the platform model.
import { diagnostic } from '../diagnosticDefinition.js';

export const devicetreeDiagnostics = {
} as const;
