// Process exit codes of every command (documented in the README).
export const ExitCode = {
  /** Success. */
  ok: 0,
  /** The input had errors (diagnostics were printed). */
  inputErrors: 1,
  /** The command line was wrong. */
  usage: 2,
  /** A bug in kaal-compose (KC9xxx). */
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Codes that mean the command line did not say what to do (a bad option value, several descriptors
 * and none named, flags that do not go with the --target).
 */
const usageCodes: ReadonlySet<string> = new Set(['KC0001', 'KC0007', 'KC5111', 'KC5112', 'KC5113']);

/** The exit code of a command that failed with `diagnostics`: usage (2) when one is a usage error, else input errors (1). */
export function failureExitCode(diagnostics: readonly { readonly code: string }[]): ExitCode {
  return diagnostics.some((d) => usageCodes.has(d.code)) ? ExitCode.usage : ExitCode.inputErrors;
}
