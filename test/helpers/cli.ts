// Test helper: runs `main` in-process with captured stdout/stderr (STYLE.md §4).
import { main } from '../../cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(
  argv: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined>; tty?: boolean },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const isTTY = options.tty ?? false;
  // Commands may write bytes (UART output): decode them as a terminal would.
  const text = (chunk: string | Uint8Array) => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  const code = await main(argv, {
    stdout: { write: (s) => void (stdout += text(s)), isTTY },
    stderr: { write: (s) => void (stderr += text(s)), isTTY },
    cwd: options.cwd,
    env: options.env ?? {},
  });
  return { code, stdout, stderr };
}
