// The interface every emulated device implements (QEMU's MemoryRegionOps): register reads and
// writes at an offset inside the device's window, a reset, and interrupt lines wired by machine.ts.

/** Access widths in bytes. */
export type AccessSize = 1 | 2 | 4;

/** An interrupt line from a device to the interrupt controller; level-triggered. */
export interface IrqLine {
  set(level: boolean): void;
}

/** An interrupt line that goes nowhere (a device whose `interrupts` name no known controller). */
export const unconnectedIrqLine: IrqLine = { set() {} };

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

/**
 * One access the device model rejected (QEMU's LOG_GUEST_ERROR): an unknown offset, a
 * read-only or write-only register used the other way, or a width the device does not accept.
 */
export interface GuestError {
  /** Device-tree path of the device. */
  readonly device: string;
  readonly offset: number;
  readonly size: AccessSize;
  readonly write: boolean;
  /** Program counter of the access, when the machine knows it (-1 otherwise). */
  readonly pc: number;
  readonly reason: string;
}

/** Receives guest errors from devices; machine.ts fills in the pc. Never throws. */
export interface GuestErrorLog {
  record(device: string, offset: number, size: AccessSize, write: boolean, reason: string): void;
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
  /**
   * With `poll`: the earliest virtual time (ns) at which `poll` may change the device's state, or
   * null when it cannot until the device is accessed or given host input. The machine runs the CPU
   * across polls that could not change anything (machine.ts); a device with `poll` but without
   * this is polled every interval.
   */
  pollDueNanoseconds?(): bigint | null;
}

/** Everything a device factory gets from machine.ts. */
export interface DeviceContext {
  /** Device-tree path, used in guest errors and sink calls. */
  readonly path: string;
  /** Size of the window (the node's first `reg` size). */
  readonly size: number;
  /** One line per entry of the node's `interrupts`, in order. */
  readonly irqs: readonly IrqLine[];
  readonly clock: Clock;
  readonly sink: HostSink;
  readonly guestErrors: GuestErrorLog;
  /** Cell values of the node's raw properties that some models read (`riscv,ndev`, …). */
  readonly cellProperty?: (name: string) => readonly number[] | undefined;
}

/** Guest errors kept by default; a guest that loops on a bad access must not exhaust host memory. */
export const GUEST_ERROR_LIMIT = 1000;

/** A log that keeps the first `limit` guest errors in order and counts the rest; machine.ts supplies the pc. */
export function createGuestErrorLog(
  pcOf: () => number = () => -1,
  limit = GUEST_ERROR_LIMIT,
): GuestErrorLog & { readonly entries: GuestError[]; readonly dropped: number } {
  const entries: GuestError[] = [];
  let dropped = 0;
  return {
    entries,
    get dropped() {
      return dropped;
    },
    record(device, offset, size, write, reason) {
      if (entries.length >= limit) dropped++;
      else entries.push({ device, offset, size, write, pc: pcOf(), reason });
    },
  };
}

/** True when `size` is one of the widths the device declared. */
export function acceptsSize(device: MmioDevice, size: AccessSize): boolean {
  return device.accessSizes.includes(size);
}
