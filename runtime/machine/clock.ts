// Virtual time: the machine's clocks derive from retired instructions, so a run is deterministic.
// `time` (Zicsr) and the devices' timers tick at the device tree's `timebase-frequency`.
import type { Clock } from './devices/device.js';

/**
 * Virtual instructions per second: one retired instruction is 10 ns of virtual time. With QEMU
 * virt's timebase of 10 MHz that is one `time` tick every 10 instructions.
 */
export const DEFAULT_INSTRUCTIONS_PER_SECOND = 100_000_000;
/** QEMU virt's `/cpus/timebase-frequency`. */
export const DEFAULT_TIMEBASE_FREQUENCY = 10_000_000;

export class VirtualClock implements Clock {
  readonly timebaseFrequency: number;
  readonly instructionsPerSecond: number;
  private readonly retired: () => number;

  /** `retired` returns the instructions retired since reset (the CPU's `instret`). */
  constructor(
    retired: () => number,
    timebaseFrequency = DEFAULT_TIMEBASE_FREQUENCY,
    instructionsPerSecond = DEFAULT_INSTRUCTIONS_PER_SECOND,
  ) {
    if (!(timebaseFrequency > 0) || !(instructionsPerSecond > 0)) {
      throw new RangeError('clock frequencies must be positive');
    }
    this.retired = retired;
    this.timebaseFrequency = timebaseFrequency;
    this.instructionsPerSecond = instructionsPerSecond;
  }

  /** Timer ticks after `retired` instructions: floor(retired × timebase / instructions per second). */
  ticksAt(retired: number): number {
    if (this.instructionsPerSecond % this.timebaseFrequency === 0) {
      return Math.floor(retired / (this.instructionsPerSecond / this.timebaseFrequency));
    }
    return Number((BigInt(retired) * BigInt(this.timebaseFrequency)) / BigInt(this.instructionsPerSecond));
  }

  now(): number {
    return this.ticksAt(this.retired());
  }

  nanoseconds(): bigint {
    return (BigInt(this.retired()) * 1_000_000_000n) / BigInt(this.instructionsPerSecond);
  }

  /** Instructions to retire until `ticks` is reached (for scheduling timer interrupts). */
  retiredAtTicks(ticks: number): number {
    return Math.ceil((ticks * this.instructionsPerSecond) / this.timebaseFrequency);
  }
}
