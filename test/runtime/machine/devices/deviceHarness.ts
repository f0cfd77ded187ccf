// Test doubles for device models: a settable virtual clock, a recording host sink and guest-error
// log, and IRQ lines that remember their level.
import type { Clock, DeviceContext, HostSink, IrqLine } from '../../../../runtime/machine/devices/device.js';
import { createGuestErrorLog } from '../../../../runtime/machine/devices/device.js';

export interface Harness {
  readonly context: DeviceContext;
  readonly clock: Clock & { ns: bigint; ticks: number };
  readonly uart: number[];
  readonly powerOffs: { kind: string; code: number }[];
  readonly lines: (IrqLine & { level: boolean; changes: number })[];
  readonly errors: ReturnType<typeof createGuestErrorLog>['entries'];
}

export function recordingLine(): IrqLine & { level: boolean; changes: number } {
  return {
    level: false,
    changes: 0,
    set(level: boolean) {
      if (level !== this.level) this.changes++;
      this.level = level;
    },
  };
}

export function harness(size = 0x1000, irqCount = 1, cells: Record<string, number[]> = {}): Harness {
  const clock = {
    ns: 0n,
    ticks: 0,
    now() {
      return this.ticks;
    },
    nanoseconds() {
      return this.ns;
    },
  };
  const uart: number[] = [];
  const powerOffs: { kind: string; code: number }[] = [];
  const sink: HostSink = {
    uartByte: (_device, byte) => uart.push(byte),
    powerOff: (kind, code) => powerOffs.push({ kind, code }),
  };
  const lines = Array.from({ length: irqCount }, recordingLine);
  const log = createGuestErrorLog(() => 0x8000_0000);
  const context: DeviceContext = {
    path: '/soc/dev@0',
    size,
    irqs: lines,
    clock,
    sink,
    guestErrors: log,
    cellProperty: (name) => cells[name],
  };
  return { context, clock, uart, powerOffs, lines, errors: log.entries };
}
