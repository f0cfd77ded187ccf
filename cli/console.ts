// The interactive console of `run` when stdin is a terminal: the terminal in raw mode, each key
// sent to the console UART as typed (Ctrl-C and Ctrl-D too, as over a serial line), and QEMU's
// `-serial mon:stdio` escapes: Ctrl-A x quits, Ctrl-A Ctrl-A sends a Ctrl-A, Ctrl-A h lists them.
// The terminal is put back on every way out: the run's end, an exception, SIGINT/SIGTERM/SIGHUP
// (then the process dies of that signal, as it would have), and process exit.
import type { LiveConsole } from '../runtime/run.js';
import type { OutputStream } from './context.js';

/** The escape key, Ctrl-A (QEMU's default). */
export const ESCAPE = 0x01;

export const CONSOLE_HELP = [
  'C-a x    quit (the run ends with outcome quit, exit code 8)',
  'C-a h    show this help',
  'C-a C-a  send C-a to the UART',
].join('\n');

/** What a chunk of typed bytes means: bytes for the UART, and whether the user asked to quit or for help. */
export interface EscapeResult {
  readonly input: Uint8Array;
  readonly quit: boolean;
  readonly help: boolean;
}

/** Splits typed bytes into UART input and console commands; an escape split across chunks waits for its key. */
export function createEscapeDecoder(): (chunk: Uint8Array) => EscapeResult {
  let escaped = false;
  return (chunk) => {
    const input: number[] = [];
    let quit = false;
    let help = false;
    for (const byte of chunk) {
      if (quit) break;
      if (!escaped) {
        if (byte === ESCAPE) escaped = true;
        else input.push(byte);
        continue;
      }
      escaped = false;
      if (byte === ESCAPE) input.push(ESCAPE);
      else if (byte === 0x78 /* x */) quit = true;
      else if (byte === 0x68 /* h */ || byte === 0x3f /* ? */) help = true;
      // Any other key after C-a is dropped, as QEMU does.
    }
    return { input: Uint8Array.from(input), quit, help };
  };
}

/** The part of a tty.ReadStream the console uses. */
export interface TerminalInput {
  setRawMode(raw: boolean): unknown;
  readonly isRaw?: boolean;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  removeAllListeners(event: 'data' | 'end' | 'close'): unknown;
  resume(): unknown;
  pause(): unknown;
}

/** The process, as far as the console needs it. */
export type ConsoleProcess = Pick<NodeJS.Process, 'pid' | 'on' | 'removeListener' | 'kill'>;

const FATAL_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** A LiveConsole on a terminal; `stderr` gets the one-line banner and the help. */
export function terminalConsole(terminal: TerminalInput, stderr: OutputStream, host: ConsoleProcess = process): LiveConsole {
  let raw = false;
  const restore = (): void => {
    if (!raw) return;
    raw = false;
    terminal.setRawMode(false);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    restore();
    detach();
    // Die of the signal, as without a console (the default action runs once no listener is left).
    host.kill(host.pid, signal);
  };
  const detach = (): void => {
    for (const signal of FATAL_SIGNALS) host.removeListener(signal, onSignal);
    host.removeListener('exit', restore);
    terminal.removeAllListeners('data');
    terminal.removeAllListeners('end');
    terminal.removeAllListeners('close');
    terminal.pause();
  };
  return {
    start(onInput, onQuit) {
      const decode = createEscapeDecoder();
      host.on('exit', restore);
      for (const signal of FATAL_SIGNALS) host.on(signal, onSignal);
      terminal.setRawMode(true);
      raw = true;
      stderr.write('kaal-compose: console on the UART (C-a x quits, C-a h for help)\n');
      terminal.on('data', (chunk) => {
        const typed = decode(chunk);
        if (typed.input.length > 0) onInput(typed.input);
        if (typed.help) stderr.write(CONSOLE_HELP + '\n');
        if (typed.quit) onQuit();
      });
      terminal.on('end', onQuit);
      terminal.on('close', onQuit);
      terminal.resume();
    },
    stop() {
      restore();
      detach();
    },
  };
}
