// KC9xxx: internal errors. Seeing one is a bug in kaal-compose, never in the user's input.
import { diagnostic } from '../diagnosticDefinition.js';

export const internalDiagnostics = {
  internalError: diagnostic(
    'KC9001',
    'error',
    'internal error: {message}',
    'this is a bug in kaal-compose; please report it with the command and inputs that caused it',
  ),
} as const;
