// The interface every emulated device implements (QEMU's MemoryRegionOps): register reads and
// writes at an offset inside the device's window, a reset, and interrupt lines wired by machine.ts.

/** Access widths in bytes. */
export type AccessSize = 1 | 2 | 4;

/** An interrupt line from a device to the interrupt controller; level-triggered. */
export interface IrqLine {
  set(level: boolean): void;
}

/** Where a device's effects on the host go (UART bytes, power-off); tests pass their own. */
export interface HostSink {
  /** A byte the guest wrote to a UART. */
  uartByte(device: string, byte: number): void;
  /** The guest asked the machine to stop (sifive test device). */
  powerOff(kind: 'pass' | 'fail' | 'reset', code: number): void;
}

/** Virtual time, derived from retired instructions. */
export interface Clock {
  /** Timer ticks at the device tree's timebase-frequency since reset. */
  now(): number;
  /** Nanoseconds of virtual time since reset (goldfish RTC counts these). */
  nanoseconds(): bigint;
}

export interface MmioDevice {
  /** The `compatible` string this model implements. */
  readonly kind: string;
  /** Size of the register window in bytes. */
  readonly size: number;
  /** Access sizes the device accepts; others are recorded as bad accesses and read 0. */
  readonly accessSizes: readonly AccessSize[];
  read(offset: number, size: AccessSize): number;
  write(offset: number, size: AccessSize, value: number): void;
  reset(): void;
  /** Called every N retired instructions: advance timers, raise interrupts. */
  poll?(): void;
}
