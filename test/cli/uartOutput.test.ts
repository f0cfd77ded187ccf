// cli/uartOutput.ts: UART bytes reach stdout at each newline, every 4 KiB, and on flush; never a
// write per byte and never an empty write.
import { describe, expect, it } from 'vitest';
import { lineBufferedOutput } from '../../cli/uartOutput.js';

function recorder() {
  const writes: string[] = [];
  return { writes, stdout: { write: (chunk: string | Uint8Array) => void writes.push(Buffer.from(chunk as Uint8Array).toString('latin1')) } };
}

describe('lineBufferedOutput', () => {
  it('writes a line when its newline arrives, and the rest on flush', () => {
    const { writes, stdout } = recorder();
    const uart = lineBufferedOutput(stdout);
    for (const c of 'hi\nthere') uart.byte(c.charCodeAt(0));
    expect(writes).toEqual(['hi\n']);
    uart.flush();
    uart.flush();
    expect(writes).toEqual(['hi\n', 'there']);
  });

  it('with label, starts each line with the component that wrote its first byte', () => {
    const { writes, stdout } = recorder();
    const uart = lineBufferedOutput(stdout, { label: true });
    for (const c of 'one\n') uart.byte(c.charCodeAt(0), 'a');
    for (const c of 'two') uart.byte(c.charCodeAt(0), 'b');
    uart.byte(0x0a, 'a');
    uart.byte(0x21);
    uart.flush();
    expect(writes.join('')).toBe('[a] one\n[b] two\n[kernel] !');
  });

  it('writes 4 KiB at a time when no newline comes', () => {
    const { writes, stdout } = recorder();
    const uart = lineBufferedOutput(stdout);
    for (let i = 0; i < 4096 * 2 + 10; i++) uart.byte(0x41);
    expect(writes.map((w) => w.length)).toEqual([4096, 4096]);
    uart.flush();
    expect(writes.map((w) => w.length)).toEqual([4096, 4096, 10]);
  });
});
