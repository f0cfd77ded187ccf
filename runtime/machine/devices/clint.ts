// The core-local interruptor (`sifive,clint0`, `riscv,clint0`), per the SiFive CLINT memory map and
// QEMU hw/intc/riscv_aclint.c: per-hart msip and mtimecmp, and mtime counting the DT's timebase.
// The harts' M-mode software/timer pins are exposed as state (the kernel polls them), not wired.
import type { AccessSize, DeviceContext, MmioDevice } from './device.js';

export const CLINT_MSIP_BASE = 0x0000; // 4 bytes per hart, bit 0
export const CLINT_MTIMECMP_BASE = 0x4000; // 8 bytes per hart
export const CLINT_MTIME = 0xbff8; // 8 bytes

const LOW_32 = 0xffff_ffffn;

export interface Clint extends MmioDevice {
  readonly harts: number;
  /** mtime now, in timebase ticks. */
  mtime(): bigint;
  mtimecmp(hart: number): bigint;
  /** MTIP: mtime >= mtimecmp. */
  timerPending(hart: number): boolean;
  /** MSIP: bit 0 of the hart's msip register. */
  softwarePending(hart: number): boolean;
}

export function createClint(context: DeviceContext, harts: number): Clint {
  const msip = new Uint8Array(harts);
  // QEMU leaves mtimecmp at 0 after reset (the ACLINT spec says "unknown").
  const mtimecmp = new Array<bigint>(harts).fill(0n);
  /** mtime minus clock ticks; writes to mtime move it. */
  let timeOffset = 0n;

  const mtime = (): bigint => (BigInt(context.clock.now()) + timeOffset) & 0xffff_ffff_ffff_ffffn;
  const bad = (offset: number, size: AccessSize, write: boolean, reason: string): void =>
    context.guestErrors.record(context.path, offset, size, write, reason);

  return {
    kind: 'sifive,clint0',
    size: context.size,
    accessSizes: [4] as const,
    harts,
    mtime,
    mtimecmp: (hart) => mtimecmp[hart] ?? 0n,
    timerPending: (hart) => hart < harts && mtime() >= mtimecmp[hart]!,
    softwarePending: (hart) => msip[hart] === 1,
    read(offset: number, size: AccessSize): number {
      if (size !== 4 || (offset & 3) !== 0) {
        bad(offset, size, false, 'the CLINT accepts aligned 4-byte accesses only');
        return 0;
      }
      if (offset < CLINT_MSIP_BASE + 4 * harts) return msip[offset >>> 2]!;
      if (offset >= CLINT_MTIMECMP_BASE && offset < CLINT_MTIMECMP_BASE + 8 * harts) {
        const value = mtimecmp[(offset - CLINT_MTIMECMP_BASE) >>> 3]!;
        return Number(offset & 4 ? (value >> 32n) & LOW_32 : value & LOW_32);
      }
      if (offset === CLINT_MTIME) return Number(mtime() & LOW_32);
      if (offset === CLINT_MTIME + 4) return Number(mtime() >> 32n);
      bad(offset, size, false, 'no CLINT register at this offset');
      return 0;
    },
    write(offset: number, size: AccessSize, value: number): void {
      if (size !== 4 || (offset & 3) !== 0) {
        bad(offset, size, true, 'the CLINT accepts aligned 4-byte accesses only');
        return;
      }
      const word = BigInt(value >>> 0);
      if (offset < CLINT_MSIP_BASE + 4 * harts) {
        msip[offset >>> 2] = value & 1;
        return;
      }
      if (offset >= CLINT_MTIMECMP_BASE && offset < CLINT_MTIMECMP_BASE + 8 * harts) {
        const hart = (offset - CLINT_MTIMECMP_BASE) >>> 3;
        const old = mtimecmp[hart]!;
        mtimecmp[hart] = offset & 4 ? (old & LOW_32) | (word << 32n) : (old & ~LOW_32) | word;
        return;
      }
      if (offset === CLINT_MTIME || offset === CLINT_MTIME + 4) {
        const now = mtime();
        const next = offset === CLINT_MTIME ? (now & ~LOW_32) | word : (now & LOW_32) | (word << 32n);
        timeOffset += next - now;
        return;
      }
      bad(offset, size, true, 'no CLINT register at this offset');
    },
    reset(): void {
      msip.fill(0);
      mtimecmp.fill(0n);
      timeOffset = 0n;
    },
  };
}
