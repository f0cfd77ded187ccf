// The console UART as `run` and `machine` print it: bytes go to stdout a line (or 4 KiB) at a time,
// so that output appears as the program writes lines without a write call per byte. With `label`,
// each line starts with `[component] `, the component that wrote its first byte.
import type { CliIo } from './context.js';

export interface UartOutput {
  /** A byte the guest wrote; `component` is who was running (labels only). */
  byte(value: number, component?: string): void;
  flush(): void;
}

export function lineBufferedOutput(stdout: CliIo['stdout'], options: { readonly label?: boolean } = {}): UartOutput {
  const pending: number[] = [];
  let atLineStart = true;
  const flush = (): void => {
    if (pending.length === 0) return;
    stdout.write(Uint8Array.from(pending));
    pending.length = 0;
  };
  return {
    byte(value, component) {
      if (options.label && atLineStart) for (const c of new TextEncoder().encode(`[${component ?? 'kernel'}] `)) pending.push(c);
      atLineStart = value === 0x0a;
      pending.push(value);
      if (value === 0x0a || pending.length >= 4096) flush();
    },
    flush,
  };
}
