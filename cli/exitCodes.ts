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
