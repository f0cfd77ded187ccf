// KC78xx: the bare machine runner (kaal-compose machine).
import { diagnostic } from '../diagnosticDefinition.js';

export const machineDiagnostics = {
} as const;
