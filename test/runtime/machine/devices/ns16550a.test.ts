// Register-level behaviour of the ns16550a model (PC16550D datasheet, QEMU hw/char/serial.c).
import { describe, expect, it } from 'vitest';
import * as U from '../../../../runtime/machine/devices/ns16550a.js';
import { createNs16550a } from '../../../../runtime/machine/devices/ns16550a.js';
import { harness } from './deviceHarness.js';

const bytes = (text: string) => new TextEncoder().encode(text);
/** One 8N1 frame at the default 115200 baud: 10 bits / 115200, in ns rounded up. */
const FRAME_NS = 86_806n;
/** Lets `frames` frame times pass on the harness clock and polls the UART. */
function wait(h: ReturnType<typeof harness>, uart: ReturnType<typeof createNs16550a>, frames: number): void {
  h.clock.ns += FRAME_NS * BigInt(frames);
  uart.poll!();
}

describe('ns16550a', () => {
  it('resets with THR and the transmitter empty, OUT2 set and no interrupt identified', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context);
    expect(uart.read(U.UART_LSR, 1)).toBe(U.UART_LSR_THRE | U.UART_LSR_TEMT);
    expect(uart.read(U.UART_IIR, 1)).toBe(U.UART_IIR_NO_INT);
    expect(uart.read(U.UART_MCR, 1)).toBe(U.UART_MCR_OUT2);
    expect(uart.read(U.UART_MSR, 1)).toBe(U.UART_MSR_DCD | U.UART_MSR_DSR | U.UART_MSR_CTS);
  });

  it('sends a byte written to THR to the host sink', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context);
    for (const b of bytes('hi\n')) uart.write(U.UART_THR, 1, b);
    expect(h.uart).toEqual([0x68, 0x69, 0x0a]);
    expect(uart.transmitted).toBe(3);
  });

  it('routes offsets 0 and 1 to the divisor latches while LCR.DLAB is set', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context);
    expect(uart.read(U.UART_DLL, 1)).toBe(0); // DLAB clear: RBR, empty
    uart.write(U.UART_LCR, 1, U.UART_LCR_DLAB | 0x03);
    expect(uart.read(U.UART_DLL, 1)).toBe(U.UART_RESET_DIVISOR);
    uart.write(U.UART_DLL, 1, 0x01);
    uart.write(U.UART_DLM, 1, 0x02);
    expect(uart.read(U.UART_DLL, 1)).toBe(0x01);
    expect(uart.read(U.UART_DLM, 1)).toBe(0x02);
    expect(h.uart).toEqual([]); // the DLL write did not transmit
    uart.write(U.UART_LCR, 1, 0x03);
    expect(uart.read(U.UART_IER, 1)).toBe(0);
    expect(uart.read(U.UART_LCR, 1)).toBe(0x03);
  });

  it('keeps the scratch register and ignores writes to LSR', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context);
    uart.write(U.UART_SCR, 1, 0xa5);
    uart.write(U.UART_LSR, 1, 0);
    expect(uart.read(U.UART_SCR, 1)).toBe(0xa5);
    expect(uart.read(U.UART_LSR, 1) & U.UART_LSR_THRE).toBe(U.UART_LSR_THRE);
  });

  it('delivers host input through RBR one byte per frame time without the FIFO', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context, bytes('ab'));
    expect(uart.read(U.UART_LSR, 1) & U.UART_LSR_DR).toBe(0); // the first frame has only begun
    h.clock.ns = FRAME_NS - 1n;
    expect(uart.read(U.UART_LSR, 1) & U.UART_LSR_DR).toBe(0);
    h.clock.ns = FRAME_NS;
    expect(uart.read(U.UART_LSR, 1) & U.UART_LSR_DR).toBe(U.UART_LSR_DR);
    expect(uart.read(U.UART_RBR, 1)).toBe(0x61);
    expect(uart.read(U.UART_LSR, 1) & U.UART_LSR_DR).toBe(0);
    expect(uart.pendingInput).toBe(1);
    h.clock.ns = 2n * FRAME_NS; // back to back: the second ends one frame after the first
    expect(uart.read(U.UART_RBR, 1)).toBe(0x62);
    expect(uart.read(U.UART_LSR, 1) & U.UART_LSR_DR).toBe(0);
    expect([uart.pendingInput, uart.overruns]).toEqual([0, 0]);
    expect(uart.nextEventNanoseconds()).toBeNull();
  });

  it('runs the line at 115200 baud 8N1 until the driver writes a divisor, then at clock-frequency / (16 × divisor)', () => {
    const h = harness(0x100, 1, { 'clock-frequency': [3_686_400] }); // QEMU virt
    const uart = createNs16550a(h.context);
    // Registers as QEMU resets them (divisor 12, 5 data bits); the line at the documented default.
    expect([uart.baud, uart.read(U.UART_LCR, 1)]).toEqual([U.UART_DEFAULT_BAUD, 0]);
    uart.pushInput(bytes('p'));
    expect(uart.nextEventNanoseconds()).toBe(FRAME_NS);
    h.clock.ns = FRAME_NS;
    expect(uart.read(U.UART_RBR, 1)).toBe(0x70);
    uart.write(U.UART_LCR, 1, U.UART_LCR_DLAB | 0x03);
    uart.write(U.UART_DLL, 1, 12);
    uart.write(U.UART_LCR, 1, 0x03);
    expect(uart.baud).toBe(19_200);
    uart.pushInput(bytes('q'));
    const frame = 520_834n; // 16 × 12 × 10 bits / 3.6864 MHz = 520 833.3 ns
    expect(uart.nextEventNanoseconds()).toBe(FRAME_NS + frame);
    h.clock.ns = FRAME_NS + frame - 1n;
    expect(uart.read(U.UART_LSR, 1) & U.UART_LSR_DR).toBe(0);
    h.clock.ns = FRAME_NS + frame;
    expect(uart.read(U.UART_RBR, 1)).toBe(0x71);
    uart.write(U.UART_LCR, 1, 0x07); // 8 data bits, 2 stop bits: 11-bit frames
    uart.pushInput(bytes('r'));
    expect(uart.nextEventNanoseconds()).toBe(FRAME_NS + frame + 572_917n);
    uart.reset();
    expect(uart.baud).toBe(U.UART_DEFAULT_BAUD);
  });

  it('takes 1.8432 MHz when the node has no clock-frequency', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context);
    uart.write(U.UART_LCR, 1, U.UART_LCR_DLAB | 0x03);
    uart.write(U.UART_DLL, 1, 1);
    expect(uart.baud).toBe(U.UART_DEFAULT_CLOCK_HZ / 16);
  });

  it('keeps input on the line while the divisor is 0 (no baud clock) and sends it once one is set', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context);
    uart.write(U.UART_LCR, 1, U.UART_LCR_DLAB | 0x03);
    uart.write(U.UART_DLL, 1, 0);
    uart.pushInput(bytes('s'));
    expect([uart.baud, uart.nextEventNanoseconds()]).toEqual([0, null]);
    h.clock.ns = 1_000_000_000n;
    uart.write(U.UART_DLL, 1, 1);
    uart.write(U.UART_LCR, 1, 0x03);
    expect(uart.nextEventNanoseconds()).toBe(1_000_000_000n + FRAME_NS);
  });

  it('loses the unread byte in RBR to the next one with FIFOs off, setting OE and counting an overrun', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context, bytes('ab'));
    wait(h, uart, 2);
    expect(uart.overruns).toBe(1);
    const lsr = uart.read(U.UART_LSR, 1);
    expect(lsr & (U.UART_LSR_OE | U.UART_LSR_DR)).toBe(U.UART_LSR_OE | U.UART_LSR_DR);
    expect(uart.read(U.UART_RBR, 1)).toBe(0x62); // 'a' was destroyed
    expect(uart.read(U.UART_LSR, 1) & U.UART_LSR_OE).toBe(0); // reading LSR cleared OE
  });

  it('raises the received-data interrupt when IER.RDI is set and data is ready', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context);
    uart.write(U.UART_IER, 1, U.UART_IER_RDI);
    expect(h.lines[0]!.level).toBe(false);
    uart.pushInput(bytes('x'));
    expect(h.lines[0]!.level).toBe(false);
    wait(h, uart, 1);
    expect(h.lines[0]!.level).toBe(true);
    expect(uart.read(U.UART_IIR, 1)).toBe(U.UART_IIR_RDI);
    expect(uart.read(U.UART_RBR, 1)).toBe(0x78);
    expect(h.lines[0]!.level).toBe(false);
    expect(uart.read(U.UART_IIR, 1)).toBe(U.UART_IIR_NO_INT);
  });

  it('raises THR empty on enabling IER.THRI and clears it when IIR is read', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context);
    uart.write(U.UART_IER, 1, U.UART_IER_THRI);
    expect(h.lines[0]!.level).toBe(true);
    expect(uart.read(U.UART_IIR, 1)).toBe(U.UART_IIR_THRI);
    expect(h.lines[0]!.level).toBe(false);
    expect(uart.read(U.UART_IIR, 1)).toBe(U.UART_IIR_NO_INT);
    uart.write(U.UART_THR, 1, 0x41); // transmits at once, so THR is empty again
    expect(h.lines[0]!.level).toBe(true);
  });

  it('gives received data priority over THR empty in IIR', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context);
    uart.write(U.UART_IER, 1, U.UART_IER_THRI | U.UART_IER_RDI);
    uart.pushInput(bytes('z'));
    wait(h, uart, 1);
    expect(uart.read(U.UART_IIR, 1)).toBe(U.UART_IIR_RDI);
    uart.read(U.UART_RBR, 1);
    expect(uart.read(U.UART_IIR, 1)).toBe(U.UART_IIR_THRI);
  });

  it('reports an overrun as a line-status interrupt, cleared by reading LSR', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context);
    uart.write(U.UART_IER, 1, U.UART_IER_RLSI);
    uart.write(U.UART_MCR, 1, U.UART_MCR_LOOP);
    uart.write(U.UART_THR, 1, 1);
    uart.write(U.UART_THR, 1, 2); // second byte arrives while RBR is full
    expect(uart.read(U.UART_IIR, 1)).toBe(U.UART_IIR_RLSI);
    expect(uart.read(U.UART_LSR, 1) & U.UART_LSR_OE).toBe(U.UART_LSR_OE);
    expect(uart.read(U.UART_LSR, 1) & U.UART_LSR_OE).toBe(0);
    expect(uart.read(U.UART_IIR, 1)).toBe(U.UART_IIR_NO_INT);
    expect(uart.read(U.UART_RBR, 1)).toBe(2);
    expect(h.uart).toEqual([]); // loopback never reaches the host
  });

  it('keeps 16 bytes in the receive FIFO and loses the 17th and later with OE set, and shows FIFOs enabled in IIR', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context);
    uart.write(U.UART_FCR, 1, U.UART_FCR_FE | 0xc0); // trigger level 14
    expect(uart.read(U.UART_IIR, 1)).toBe(U.UART_IIR_FE | U.UART_IIR_NO_INT);
    uart.pushInput(bytes('0123456789abcdefXYZ'));
    wait(h, uart, 16);
    expect([uart.pendingInput, uart.overruns]).toEqual([3, 0]);
    expect(uart.read(U.UART_LSR, 1) & U.UART_LSR_OE).toBe(0); // exactly full: nothing lost yet
    wait(h, uart, 1);
    expect([uart.pendingInput, uart.overruns]).toEqual([2, 1]);
    expect(uart.read(U.UART_LSR, 1) & U.UART_LSR_OE).toBe(U.UART_LSR_OE);
    expect(uart.read(U.UART_LSR, 1) & U.UART_LSR_OE).toBe(0);
    let read = '';
    while (uart.read(U.UART_LSR, 1) & U.UART_LSR_DR) read += String.fromCharCode(uart.read(U.UART_RBR, 1));
    expect(read).toBe('0123456789abcdef'); // 'X' was lost; 'Y' and 'Z' are still on the line
    wait(h, uart, 2);
    expect(String.fromCharCode(uart.read(U.UART_RBR, 1), uart.read(U.UART_RBR, 1))).toBe('YZ');
    expect(uart.overruns).toBe(1);
  });

  it('holds host input back while in loopback (the receiver is cut off from the line)', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context);
    uart.write(U.UART_MCR, 1, U.UART_MCR_LOOP);
    uart.pushInput(bytes('k'));
    wait(h, uart, 3);
    expect([uart.read(U.UART_LSR, 1) & U.UART_LSR_DR, uart.pendingInput, uart.nextEventNanoseconds()]).toEqual([0, 1, null]);
    uart.write(U.UART_MCR, 1, 0);
    wait(h, uart, 1);
    expect(uart.read(U.UART_RBR, 1)).toBe(0x6b);
  });

  it('raises the data interrupt only at the FIFO trigger level, then a timeout below it', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context);
    uart.write(U.UART_FCR, 1, U.UART_FCR_FE | 0x40); // trigger level 4
    uart.write(U.UART_IER, 1, U.UART_IER_RDI);
    uart.pushInput(bytes('abc'));
    wait(h, uart, 3);
    expect(h.lines[0]!.level).toBe(false);
    expect(uart.nextEventNanoseconds()).toBe(7n * FRAME_NS); // the timeout: four frames after the last byte
    h.clock.ns = 10_000_000n; // far beyond four character times
    uart.poll!();
    expect(uart.read(U.UART_IIR, 1)).toBe(U.UART_IIR_FE | U.UART_IIR_CTI);
    expect(h.lines[0]!.level).toBe(true);
    uart.pushInput(bytes('d'));
    wait(h, uart, 1);
    expect(uart.read(U.UART_RBR, 1)).toBe(0x61); // reading clears the timeout
    expect(uart.read(U.UART_IIR, 1)).toBe(U.UART_IIR_FE | U.UART_IIR_NO_INT);
  });

  it('clears the receive FIFO on FCR.RFR', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context);
    uart.write(U.UART_FCR, 1, U.UART_FCR_FE);
    uart.pushInput(bytes('abc'));
    wait(h, uart, 3);
    expect(uart.read(U.UART_LSR, 1) & U.UART_LSR_DR).toBe(U.UART_LSR_DR);
    uart.write(U.UART_FCR, 1, U.UART_FCR_FE | U.UART_FCR_RFR);
    expect(uart.read(U.UART_LSR, 1) & U.UART_LSR_DR).toBe(0);
  });

  it('reflects MCR outputs on MSR in loopback mode', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context);
    uart.write(U.UART_MCR, 1, U.UART_MCR_LOOP | U.UART_MCR_RTS | U.UART_MCR_DTR);
    expect(uart.read(U.UART_MSR, 1)).toBe(U.UART_MSR_CTS | U.UART_MSR_DSR);
  });

  it('uses the low byte of wider accesses and mirrors registers every 8 bytes', () => {
    const h = harness(0x100);
    const uart = createNs16550a(h.context);
    uart.write(U.UART_SCR, 4, 0x1234_5677);
    expect(uart.read(U.UART_SCR + 8, 4)).toBe(0x77);
  });
});
