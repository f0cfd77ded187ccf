// The SiFive test finisher (`sifive,test0`/`sifive,test1`), as QEMU hw/misc/sifive_test.c: a
// 32-bit write to offset 0 of 0x5555 passes, 0x3333 | code << 16 fails with `code`, 0x7777 resets.
import type { AccessSize, DeviceContext, MmioDevice } from './device.js';

export const FINISHER_REGISTER = 0x0;
export const FINISHER_STATUS_MASK = 0xffff;
export const FINISHER_CODE_SHIFT = 16;
export const FINISHER_FAIL = 0x3333;
export const FINISHER_PASS = 0x5555;
export const FINISHER_RESET = 0x7777;

export function createSifiveTest(context: DeviceContext): MmioDevice {
  return {
    kind: 'sifive,test0',
    size: context.size,
    // QEMU sifive_test_ops: .valid.min_access_size = 2, .max_access_size = 4.
    accessSizes: [2, 4] as const,
    read(offset: number, size: AccessSize): number {
      if (size === 1) context.guestErrors.record(context.path, offset, size, false, 'the test device accepts 2- and 4-byte accesses only');
      return 0;
    },
    write(offset: number, size: AccessSize, value: number): void {
      if (offset === FINISHER_REGISTER && size !== 1) {
        const status = value & FINISHER_STATUS_MASK;
        const code = (value >>> FINISHER_CODE_SHIFT) & 0xffff;
        if (status === FINISHER_PASS) return context.sink.powerOff('pass', 0);
        if (status === FINISHER_FAIL) return context.sink.powerOff('fail', size === 2 ? 0 : code);
        if (status === FINISHER_RESET) return context.sink.powerOff('reset', 0);
      }
      context.guestErrors.record(context.path, offset, size, true, `unknown test device command 0x${(value >>> 0).toString(16)}`);
    },
    reset(): void {},
  };
}
