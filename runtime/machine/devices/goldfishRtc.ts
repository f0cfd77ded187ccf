// The Goldfish real-time clock (`google,goldfish-rtc`), per the Android emulator's GOLDFISH-VIRTUAL-
// HARDWARE.TXT and QEMU hw/rtc/goldfish_rtc.c: a 64-bit nanosecond counter (reading TIME_LOW latches
// TIME_HIGH), a one-shot alarm, and an interrupt gated by IRQ_ENABLED. Time is virtual nanoseconds.
import type { AccessSize, DeviceContext, MmioDevice } from './device.js';

export const RTC_TIME_LOW = 0x00;
export const RTC_TIME_HIGH = 0x04;
export const RTC_ALARM_LOW = 0x08;
export const RTC_ALARM_HIGH = 0x0c;
export const RTC_IRQ_ENABLED = 0x10;
export const RTC_CLEAR_ALARM = 0x14;
export const RTC_ALARM_STATUS = 0x18;
export const RTC_CLEAR_INTERRUPT = 0x1c;

const LOW_32 = 0xffff_ffffn;

export interface GoldfishRtcOptions {
  /** Nanoseconds the counter shows at reset; QEMU uses the host's wall clock, we default to 0. */
  readonly epochNanoseconds?: bigint;
}

export interface GoldfishRtc extends MmioDevice {
  /** The counter value now, in nanoseconds. */
  time(): bigint;
  readonly alarmsFired: number;
}

export function createGoldfishRtc(context: DeviceContext, options: GoldfishRtcOptions = {}): GoldfishRtc {
  const irq = context.irqs[0];
  const epoch = options.epochNanoseconds ?? 0n;
  /** Counter minus virtual time; TIME_LOW/HIGH writes move it. */
  let tickOffset = epoch;
  let alarmNext = 0n;
  let alarmRunning = false;
  let irqPending = false;
  let irqEnabled = false;
  let timeHigh = 0;
  let alarmsFired = 0;

  const count = (): bigint => tickOffset + context.clock.nanoseconds();

  function update(): void {
    irq?.set(irqPending && irqEnabled);
  }

  function raiseAlarm(): void {
    alarmRunning = false;
    irqPending = true;
    alarmsFired++;
    update();
  }

  // goldfish_rtc_set_alarm: an alarm already in the past fires at once.
  function setAlarm(): void {
    if (alarmNext <= count()) {
      alarmRunning = false;
      raiseAlarm();
    } else {
      alarmRunning = true;
    }
  }

  function setCount(value: bigint): void {
    tickOffset += value - count();
  }

  return {
    kind: 'google,goldfish-rtc',
    size: context.size,
    accessSizes: [4] as const,
    get alarmsFired() {
      return alarmsFired;
    },
    time: count,
    read(offset: number, size: AccessSize): number {
      if (size !== 4) {
        context.guestErrors.record(context.path, offset, size, false, 'the RTC accepts 4-byte accesses only');
        return 0;
      }
      switch (offset) {
        case RTC_TIME_LOW: {
          const now = count();
          timeHigh = Number((now >> 32n) & LOW_32);
          return Number(now & LOW_32);
        }
        case RTC_TIME_HIGH:
          return timeHigh;
        case RTC_ALARM_LOW:
          return Number(alarmNext & LOW_32);
        case RTC_ALARM_HIGH:
          return Number((alarmNext >> 32n) & LOW_32);
        case RTC_IRQ_ENABLED:
          return irqEnabled ? 1 : 0;
        case RTC_ALARM_STATUS:
          return alarmRunning ? 1 : 0;
        default:
          context.guestErrors.record(context.path, offset, size, false, 'no readable RTC register at this offset');
          return 0;
      }
    },
    write(offset: number, size: AccessSize, value: number): void {
      if (size !== 4) {
        context.guestErrors.record(context.path, offset, size, true, 'the RTC accepts 4-byte accesses only');
        return;
      }
      const word = BigInt(value >>> 0);
      switch (offset) {
        case RTC_TIME_LOW:
          setCount((count() & ~LOW_32) | word);
          return;
        case RTC_TIME_HIGH:
          setCount((count() & LOW_32) | (word << 32n));
          return;
        case RTC_ALARM_LOW:
          // Writing the low half arms the alarm (QEMU: ALARM_HIGH must be written first).
          alarmNext = (alarmNext & ~LOW_32) | word;
          setAlarm();
          return;
        case RTC_ALARM_HIGH:
          alarmNext = (alarmNext & LOW_32) | (word << 32n);
          return;
        case RTC_IRQ_ENABLED:
          irqEnabled = (value & 1) !== 0;
          update();
          return;
        case RTC_CLEAR_ALARM:
          alarmRunning = false;
          return;
        case RTC_CLEAR_INTERRUPT:
          irqPending = false;
          update();
          return;
        default:
          context.guestErrors.record(context.path, offset, size, true, 'no writable RTC register at this offset');
      }
    },
    reset(): void {
      tickOffset = epoch;
      alarmNext = 0n;
      alarmRunning = false;
      irqPending = false;
      irqEnabled = false;
      timeHigh = 0;
      alarmsFired = 0;
      update();
    },
    poll(): void {
      if (alarmRunning && count() >= alarmNext) raiseAlarm();
    },
    pollDueNanoseconds(): bigint | null {
      // count() = tickOffset + virtual ns, so the alarm is due once the virtual ns reach this.
      return alarmRunning ? alarmNext - tickOffset : null;
    },
  };
}
