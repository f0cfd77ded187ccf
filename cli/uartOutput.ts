// The console UART as `run` and `machine` print it: bytes go to stdout a line (or 4 KiB) at a time,
// so that output appears as the program writes lines without a write call per byte.
import type { CliIo } from './context.js';

export function lineBufferedOutput(stdout: CliIo['stdout']): { byte(value: number): void; flush(): void } {
  const pending: number[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    stdout.write(Uint8Array.from(pending));
    pending.length = 0;
  };
  return {
    byte(value) {
      pending.push(value);
      if (value === 0x0a || pending.length >= 4096) flush();
    },
    flush,
  };
}
