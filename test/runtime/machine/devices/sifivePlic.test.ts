// Register-level behaviour of the PLIC model (RISC-V PLIC spec 1.0.0, QEMU hw/intc/sifive_plic.c).
import { describe, expect, it } from 'vitest';
import * as P from '../../../../runtime/machine/devices/sifivePlic.js';
import { createSifivePlic } from '../../../../runtime/machine/devices/sifivePlic.js';
import { createNs16550a, UART_IER, UART_IER_RDI, UART_RBR } from '../../../../runtime/machine/devices/ns16550a.js';
import { harness, recordingLine } from './deviceHarness.js';

const enableOffset = (context: number) => P.PLIC_ENABLE_BASE + context * P.PLIC_ENABLE_STRIDE;
const thresholdOffset = (context: number) => P.PLIC_CONTEXT_BASE + context * P.PLIC_CONTEXT_STRIDE;
const claimOffset = (context: number) => thresholdOffset(context) + P.PLIC_CONTEXT_CLAIM;

function plic(outputs = [recordingLine(), recordingLine()]) {
  const h = harness(0x60_0000, 0);
  const device = createSifivePlic(h.context, { ndev: 95, contexts: [P.IRQ_M_EXT, P.IRQ_S_EXT], outputs });
  return { h, device, outputs };
}

describe('sifive PLIC', () => {
  it('keeps priorities per source at 4 × id, limited to 3 bits', () => {
    const { device } = plic();
    device.write(4 * 10, 4, 5);
    device.write(4 * 11, 4, 0xf);
    expect(device.read(4 * 10, 4)).toBe(5);
    expect(device.read(4 * 11, 4)).toBe(7);
  });

  it('claims nothing while a pending source is not enabled for the context', () => {
    const { device } = plic();
    device.write(4 * 10, 4, 1);
    device.line(10).set(true);
    expect(device.read(P.PLIC_PENDING_BASE, 4)).toBe(1 << 10);
    expect(device.read(claimOffset(1), 4)).toBe(0);
    expect(device.interruptPending(1)).toBe(false);
  });

  it('claims the highest-priority source above the threshold, ties to the lowest id', () => {
    const { device, outputs } = plic();
    for (const source of [3, 10, 11, 40]) device.write(4 * source, 4, source === 40 ? 6 : source === 3 ? 2 : 6);
    device.write(enableOffset(1), 4, (1 << 3) | (1 << 10) | (1 << 11));
    device.write(enableOffset(1) + 4, 4, 1 << (40 - 32));
    for (const source of [3, 10, 11, 40]) device.line(source).set(true);
    expect(outputs[1]!.level).toBe(true);
    expect(outputs[0]!.level).toBe(false);
    expect(device.read(claimOffset(1), 4)).toBe(10);
    expect(device.read(claimOffset(1), 4)).toBe(11);
    expect(device.read(claimOffset(1), 4)).toBe(40);
    device.write(thresholdOffset(1), 4, 2);
    expect(device.read(claimOffset(1), 4)).toBe(0); // source 3 has priority 2, not above 2
    expect(outputs[1]!.level).toBe(false);
    device.write(thresholdOffset(1), 4, 1);
    expect(device.read(claimOffset(1), 4)).toBe(3);
  });

  it('never claims a source of priority 0', () => {
    const { device } = plic();
    device.write(enableOffset(0), 4, 1 << 5);
    device.line(5).set(true);
    expect(device.read(claimOffset(0), 4)).toBe(0);
  });

  it('makes a completed source pending again while its line is still high', () => {
    const { device } = plic();
    device.write(4 * 7, 4, 1);
    device.write(enableOffset(0), 4, 1 << 7);
    device.line(7).set(true);
    expect(device.read(claimOffset(0), 4)).toBe(7);
    expect(device.read(P.PLIC_PENDING_BASE, 4)).toBe(0);
    expect(device.read(claimOffset(0), 4)).toBe(0); // claimed: not offered twice
    device.write(claimOffset(0), 4, 7);
    expect(device.read(P.PLIC_PENDING_BASE, 4)).toBe(1 << 7);
    expect(device.read(claimOffset(0), 4)).toBe(7);
    device.line(7).set(false);
    device.write(claimOffset(0), 4, 7);
    expect(device.read(P.PLIC_PENDING_BASE, 4)).toBe(0);
    expect(device.claims[7]).toBe(2);
    expect(device.completions[7]).toBe(2);
  });

  it('ignores the completion of a source not enabled for the context', () => {
    const { device } = plic();
    device.write(4 * 7, 4, 1);
    device.write(enableOffset(0), 4, 1 << 7);
    device.line(7).set(true);
    expect(device.read(claimOffset(0), 4)).toBe(7);
    device.write(claimOffset(1), 4, 7); // context 1 does not have 7 enabled
    expect(device.completions[7]).toBe(0);
    device.write(claimOffset(0), 4, 7);
    expect(device.completions[7]).toBe(1);
  });

  it('keeps a pending bit after the line drops, until a claim (QEMU 7.2 gateway)', () => {
    const { device } = plic();
    device.write(4 * 9, 4, 1);
    device.write(enableOffset(0), 4, 1 << 9);
    device.line(9).set(true);
    device.line(9).set(false);
    expect(device.read(P.PLIC_PENDING_BASE, 4)).toBe(1 << 9);
    expect(device.read(claimOffset(0), 4)).toBe(9);
    expect(device.read(P.PLIC_PENDING_BASE, 4)).toBe(0);
  });

  it('reads enable words back as written, as QEMU does', () => {
    const { device } = plic();
    device.write(enableOffset(1), 4, 0xffff_ffff);
    expect(device.read(enableOffset(1), 4) >>> 0).toBe(0xffff_ffff);
    device.line(0).set(true); // source 0 does not exist: never pending, never claimed
    expect(device.read(P.PLIC_PENDING_BASE, 4)).toBe(0);
    expect(device.read(claimOffset(1), 4)).toBe(0);
  });

  it('records writes to pending bits, unknown offsets and byte accesses as guest errors', () => {
    const { h, device } = plic();
    device.write(P.PLIC_PENDING_BASE, 4, 1);
    expect(device.read(0x1f_0000, 4)).toBe(0);
    expect(device.read(4, 1)).toBe(0);
    expect(device.read(claimOffset(2), 4)).toBe(0); // only two contexts
    expect(h.errors.map((e) => [e.offset, e.write, e.pc])).toEqual([
      [P.PLIC_PENDING_BASE, true, 0x8000_0000],
      [0x1f_0000, false, 0x8000_0000],
      [4, false, 0x8000_0000],
      [claimOffset(2), false, 0x8000_0000],
    ]);
  });

  it('carries a UART receive interrupt to a claim and back to idle after completion', () => {
    const { device, outputs } = plic();
    const u = harness(0x100);
    const uart = createNs16550a({ ...u.context, irqs: [device.line(10)] });
    device.write(4 * 10, 4, 1);
    device.write(enableOffset(1), 4, 1 << 10);
    uart.write(UART_IER, 1, UART_IER_RDI);
    uart.pushInput(new Uint8Array([0x21]));
    u.clock.ns = 86_806n; // one frame at 115200 baud later
    uart.poll!();
    expect(outputs[1]!.level).toBe(true);
    expect(device.read(claimOffset(1), 4)).toBe(10);
    expect(uart.read(UART_RBR, 1)).toBe(0x21);
    device.write(claimOffset(1), 4, 10);
    expect(device.interruptPending(1)).toBe(false);
    expect(device.read(P.PLIC_PENDING_BASE, 4)).toBe(0);
  });
});
