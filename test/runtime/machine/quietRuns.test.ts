// Machine.run lets the CPU run across poll points at which no device can change state (one cpu.run
// over many poll intervals, blocks not cut at each one): the runs must be the same, instruction for
// instruction, as polling after every interval. The reference is a SliceRunner calling cpu.run once
// per interval, the old path. A guest reads the CLINT, RTC and UART between hot loops of varying
// length, echoes input, arms RTC alarms and makes system calls, while the host feeds the UART.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMachine, type Machine, type MachineStop, type RunOptions, type SliceRunner } from '../../../runtime/machine/machine.js';
import { UART_IER, UART_IER_RDI, UART_LSR, UART_LSR_DR, UART_RBR } from '../../../runtime/machine/devices/ns16550a.js';
import { PLIC_ENABLE_BASE } from '../../../runtime/machine/devices/sifivePlic.js';
import { RTC_CLEAR_INTERRUPT } from '../../../runtime/machine/devices/goldfishRtc.js';
import { Cause } from '../../../runtime/machine/trap.js';
import {
  a0, a1, a6, a7, add, addi, andi, bne, beq, ecall, jal, lbu, lui, lw, mul, s0, s1, sb, slli, srli, sw, t0, t1, t2, xor, zero,
} from './asm.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bundledDtb = fs.readFileSync(path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dtb'));
const BASE = 0x8000_0000;

/** Between inner loops of 1..16384 passes (LCG-chosen): mtime, RTC time, UART in and out, at times an alarm and an ecall. */
const program = [
  lui(s0, 0x200c), addi(s0, s0, -8), // CLINT mtime
  lui(s1, 0x10000), // UART
  lui(a7, 0x101), // RTC
  lui(a1, 0x41c65), addi(a1, a1, -0x193), // 1103515245
  addi(a0, zero, 99),
  addi(t2, zero, 0x41),
  sw(t2, a7, 0x10), // RTC IRQ_ENABLED (bit 0)
  sb(t2, s1, 2), // UART FCR: FIFO on, interrupt at 4 bytes (fewer wait for the character timeout)
  // loop (10):
  mul(a0, a0, a1), addi(a0, a0, 123),
  srli(t0, a0, 18), addi(t0, t0, 1),
  // inner (14):
  addi(t0, t0, -1), xor(a6, a6, t0), add(a6, a6, a0), bne(t0, zero, -12),
  lw(t1, s0, 0), add(a6, a6, t1),
  lw(t1, a7, 0), add(a6, a6, t1),
  lbu(t2, s1, 5), andi(t2, t2, 1), beq(t2, zero, 12),
  lbu(t2, s1, 0), add(a6, a6, t2),
  sb(a6, s1, 0), // (27) THR
  srli(t2, a0, 28), bne(t2, zero, 28),
  srli(t2, a0, 4), andi(t2, t2, 0x7ff), slli(t2, t2, 5), add(t2, t2, t1), // 0..65 µs from then
  sw(zero, a7, 0xc), sw(t2, a7, 8), // the alarm
  andi(t2, a0, 0x300), bne(t2, zero, 8), // an ecall, independent of the alarm
  ecall(),
  jal(zero, (10 - 39) * 4),
];

const ECALL_BUDGET = 3000;
const plainSlices: SliceRunner = { runSlice: (cpu, slice) => cpu.run(slice) };

interface Driven {
  readonly uart: number[];
  readonly events: (string | number)[];
  readonly x: number[];
  readonly pc: number;
  readonly instret: number;
  /** Calls of cpu.run (not compared). */
  readonly cpuRuns: number;
}

/**
 * Runs `total` instructions in runs of `chunk`, handling interrupts (PLIC context 0) and ecalls as a
 * kernel would; `mode` 'reference' polls every interval, 'hook' handles ecalls inside the run.
 */
function drive(mode: 'reference' | 'quiet' | 'hook', pollInterval: number, chunk: number, total: number): Driven {
  const uart: number[] = [];
  let pushes = 0;
  // The host answers some output bytes with input, from inside the guest's store to THR.
  const answer = (b: number): void => {
    if ((b & 3) === 0 && pushes++ < 40) machine.uart!.pushInput(new TextEncoder().encode('more!'));
  };
  const machine: Machine = createMachine(bundledDtb, {
    sink: { uartByte: (_d, b) => (uart.push(b), answer(b)), powerOff: () => {} },
    stdin: new TextEncoder().encode('quiet runs'),
    pollInterval,
    rtcEpochNanoseconds: 1_000_000n,
  });
  const { cpu, plic } = machine;
  program.forEach((word, i) => machine.ram.writeU32(BASE + 4 * i, word));
  cpu.pc = BASE;
  plic!.write(4 * 10, 4, 1);
  plic!.write(4 * 11, 4, 1);
  plic!.write(PLIC_ENABLE_BASE, 4, (1 << 10) | (1 << 11));
  machine.uart!.write(UART_IER, 1, UART_IER_RDI);
  const events: (string | number)[] = [];
  const onEcall = (): void => {
    events.push('ecall', cpu.instret);
    cpu.pc = (cpu.pc + 4) >>> 0;
  };
  const options: RunOptions =
    mode === 'reference'
      ? { interruptContext: 0, sliceRunner: plainSlices }
      : mode === 'hook'
        ? { interruptContext: 0, ecall: () => (onEcall(), ECALL_BUDGET) }
        : { interruptContext: 0 };
  let cpuRuns = 0;
  const run = cpu.run.bind(cpu);
  cpu.run = (budget, quantum) => (cpuRuns++, run(budget, quantum));
  let next = chunk;
  // The run after an ecall trap stands for the rest of the hook's run: it is run even past `total`.
  while (cpu.instret < total || next === ECALL_BUDGET) {
    const stop: MachineStop = machine.run(next, options);
    next = chunk;
    if (stop.kind === 'trap') {
      expect(stop.cause).toBe(Cause.EcallFromU);
      onEcall();
      next = ECALL_BUDGET;
    } else if (stop.kind === 'ecall') {
      next = ECALL_BUDGET; // the hook's run, stopped at once for a pending interrupt
    } else if (stop.kind === 'interrupt') {
      const source = plic!.claim(0);
      events.push('irq', source, cpu.instret);
      if (source === 10) {
        while (machine.uart!.read(UART_LSR, 1) & UART_LSR_DR) events.push(machine.uart!.read(UART_RBR, 1));
      } else if (source === 11) {
        machine.rtc!.write(RTC_CLEAR_INTERRUPT, 4, 1);
      }
      plic!.complete(0, source);
    } else {
      expect(stop.kind).toBe('budget');
    }
  }
  return { uart, events, x: [...cpu.x], pc: cpu.pc, instret: cpu.instret, cpuRuns };
}

describe('Machine.run across quiet poll points', () => {
  it.each([
    [1024, 5000],
    [1024, 100_000],
    [100, 7777],
    [7, 4099],
    [1, 300],
  ])('is the same as polling every interval (poll interval %i, runs of %i)', (pollInterval, chunk) => {
    const total = pollInterval === 1 ? 700_000 : 1_500_000;
    const reference = drive('reference', pollInterval, chunk, total);
    // The guest saw time, input and alarms: the comparison is not of an idle loop.
    expect(reference.events.filter((e) => e === 'irq').length).toBeGreaterThan(pollInterval === 1 ? 2 : 8);
    expect(reference.events).toContain('ecall');
    expect(reference.uart.length).toBeGreaterThan(10);
    const same = ({ cpuRuns: _, ...run }: Driven) => run;
    const quiet = drive('quiet', pollInterval, chunk, total);
    expect(same(quiet)).toEqual(same(reference));
    expect(same(drive('hook', pollInterval, chunk, total))).toEqual(same(reference));
    // The CPU did run across poll points (the reference enters cpu.run once per poll interval).
    if (chunk > pollInterval) expect(quiet.cpuRuns).toBeLessThan(reference.cpuRuns / 2);
  });
});
