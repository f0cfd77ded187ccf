// Register-level behaviour of the goldfish RTC model (QEMU hw/rtc/goldfish_rtc.c).
import { describe, expect, it } from 'vitest';
import * as R from '../../../../runtime/machine/devices/goldfishRtc.js';
import { createGoldfishRtc } from '../../../../runtime/machine/devices/goldfishRtc.js';
import { harness } from './deviceHarness.js';

describe('goldfish RTC', () => {
  it('counts virtual nanoseconds and latches TIME_HIGH when TIME_LOW is read', () => {
    const h = harness();
    const rtc = createGoldfishRtc(h.context);
    h.clock.ns = 0x1_2345_6789n;
    expect(rtc.read(R.RTC_TIME_LOW, 4)).toBe(0x2345_6789);
    h.clock.ns = 0x2_0000_0000n;
    expect(rtc.read(R.RTC_TIME_HIGH, 4)).toBe(1); // still the latched half
    expect(rtc.read(R.RTC_TIME_LOW, 4)).toBe(0);
    expect(rtc.read(R.RTC_TIME_HIGH, 4)).toBe(2);
  });

  it('starts from the given epoch and moves when the time registers are written', () => {
    const h = harness();
    const rtc = createGoldfishRtc(h.context, { epochNanoseconds: 1_000n });
    expect(rtc.time()).toBe(1_000n);
    rtc.write(R.RTC_TIME_HIGH, 4, 3);
    rtc.write(R.RTC_TIME_LOW, 4, 5);
    h.clock.ns = 10n;
    expect(rtc.time()).toBe(0x3_0000_0005n + 10n);
  });

  it('fires the alarm at its time and interrupts only while IRQ_ENABLED is set', () => {
    const h = harness();
    const rtc = createGoldfishRtc(h.context);
    rtc.write(R.RTC_ALARM_HIGH, 4, 0);
    rtc.write(R.RTC_ALARM_LOW, 4, 500);
    expect(rtc.read(R.RTC_ALARM_STATUS, 4)).toBe(1);
    expect(rtc.read(R.RTC_ALARM_LOW, 4)).toBe(500);
    h.clock.ns = 499n;
    rtc.poll!();
    expect(rtc.alarmsFired).toBe(0);
    h.clock.ns = 500n;
    rtc.poll!();
    expect(rtc.read(R.RTC_ALARM_STATUS, 4)).toBe(0);
    expect(h.lines[0]!.level).toBe(false);
    rtc.write(R.RTC_IRQ_ENABLED, 4, 1);
    expect(h.lines[0]!.level).toBe(true);
    rtc.write(R.RTC_CLEAR_INTERRUPT, 4, 1);
    expect(h.lines[0]!.level).toBe(false);
  });

  it('fires an alarm set in the past at once and cancels one on CLEAR_ALARM', () => {
    const h = harness();
    const rtc = createGoldfishRtc(h.context);
    rtc.write(R.RTC_IRQ_ENABLED, 4, 1);
    h.clock.ns = 100n;
    rtc.write(R.RTC_ALARM_LOW, 4, 50);
    expect(h.lines[0]!.level).toBe(true);
    rtc.write(R.RTC_CLEAR_INTERRUPT, 4, 0);
    rtc.write(R.RTC_ALARM_LOW, 4, 1000);
    rtc.write(R.RTC_CLEAR_ALARM, 4, 0);
    h.clock.ns = 2000n;
    rtc.poll!();
    expect(h.lines[0]!.level).toBe(false);
    expect(rtc.alarmsFired).toBe(1);
  });

  it('records accesses narrower than 4 bytes and unknown offsets', () => {
    const h = harness();
    const rtc = createGoldfishRtc(h.context);
    expect(rtc.read(R.RTC_TIME_LOW, 2)).toBe(0);
    expect(rtc.read(R.RTC_CLEAR_ALARM, 4)).toBe(0);
    rtc.write(0x40, 4, 1);
    expect(h.errors.map((e) => e.offset)).toEqual([R.RTC_TIME_LOW, R.RTC_CLEAR_ALARM, 0x40]);
  });
});
