// The RISC-V PLIC (`sifive,plic-1.0.0`, `riscv,plic0`) per the PLIC spec 1.0.0 and QEMU 7.2
// sifive_plic.c: priorities, pending, per-context enables and thresholds, claim/complete. A rising line
// latches pending until claimed (falling does not clear it, as QEMU 7.2); completion re-pends a high line.
import type { AccessSize, DeviceContext, IrqLine, MmioDevice } from './device.js';

// Register windows (PLIC spec §3, QEMU virt.h VIRT_PLIC_*).
export const PLIC_PRIORITY_BASE = 0x0000; // 4 bytes per source; source 0 does not exist
export const PLIC_PENDING_BASE = 0x1000; // one bit per source
export const PLIC_ENABLE_BASE = 0x2000;
export const PLIC_ENABLE_STRIDE = 0x80; // per context
export const PLIC_CONTEXT_BASE = 0x20_0000;
export const PLIC_CONTEXT_STRIDE = 0x1000; // per context
export const PLIC_CONTEXT_THRESHOLD = 0x0;
export const PLIC_CONTEXT_CLAIM = 0x4;
/** QEMU virt: VIRT_IRQCHIP_NUM_PRIO_BITS = 3, priorities 0..7. */
export const PLIC_DEFAULT_MAX_PRIORITY = 7;
/** QEMU virt's `riscv,ndev` when the node does not say. */
export const PLIC_DEFAULT_NDEV = 95;
/** Machine-mode and supervisor-mode external interrupt numbers in `interrupts-extended`. */
export const IRQ_M_EXT = 11;
export const IRQ_S_EXT = 9;

export interface PlicOptions {
  /** `riscv,ndev`: the highest source id. */
  readonly ndev: number;
  /** One entry per context: the hart-local interrupt the context drives (11 = M, 9 = S). */
  readonly contexts: readonly number[];
  /** Highest priority; priority registers keep the bits below the next power of two (WARL). */
  readonly maxPriority?: number;
  /** Per-context output lines (the harts' external-interrupt pins), optional. */
  readonly outputs?: readonly IrqLine[];
}

export interface SifivePlic extends MmioDevice {
  readonly ndev: number;
  readonly contextCount: number;
  /** The hart-local interrupt number each context drives (from `interrupts-extended`). */
  readonly contextTargets: readonly number[];
  /** The input line of `source` (1..ndev); devices' IrqLines are these. */
  line(source: number): IrqLine;
  /** The source a claim by `context` would return now, 0 if none (does not claim). */
  highestPending(context: number): number;
  /** True when `context` has a pending, enabled source above its threshold. */
  interruptPending(context: number): boolean;
  /** Claims for `context` as a read of its claim register would. */
  claim(context: number): number;
  /** Completes `source` for `context` as a write of its claim register would. */
  complete(context: number, source: number): void;
  /** Counters: claims that returned a source and completions accepted, per source. */
  readonly claims: Uint32Array;
  readonly completions: Uint32Array;
}

export function createSifivePlic(context: DeviceContext, options: PlicOptions): SifivePlic {
  const ndev = options.ndev;
  const contextCount = options.contexts.length;
  const maxPriority = options.maxPriority ?? PLIC_DEFAULT_MAX_PRIORITY;
  const words = (ndev + 1 + 31) >>> 5;
  const priority = new Uint32Array(ndev + 1);
  const pending = new Uint32Array(words);
  const claimed = new Uint32Array(words);
  const level = new Uint32Array(words);
  const enable = new Uint32Array(contextCount * words);
  const threshold = new Uint32Array(contextCount);
  const outputLevel = new Array<boolean>(contextCount).fill(false);
  const claims = new Uint32Array(ndev + 1);
  const completions = new Uint32Array(ndev + 1);
  // Priority registers are WARL: with 2^n - 1 levels keep n bits (QEMU: value % (max + 1)).
  const priorityIsPowerOfTwoMinusOne = ((maxPriority + 1) & maxPriority) === 0;
  const bad = (offset: number, size: AccessSize, write: boolean, reason: string): void =>
    context.guestErrors.record(context.path, offset, size, write, reason);

  function legalPriority(value: number, current: number): number {
    if (priorityIsPowerOfTwoMinusOne) return (value >>> 0) % (maxPriority + 1);
    return value >>> 0 <= maxPriority ? value : current;
  }

  function isSet(bits: Uint32Array, source: number): boolean {
    return (bits[source >>> 5]! & (1 << (source & 31))) !== 0;
  }
  function setBit(bits: Uint32Array, source: number, on: boolean): void {
    if (on) bits[source >>> 5]! |= 1 << (source & 31);
    else bits[source >>> 5]! &= ~(1 << (source & 31));
  }

  function highestPending(target: number): number {
    if (target < 0 || target >= contextCount) return 0;
    let best = 0;
    let bestPriority = threshold[target]!;
    for (let word = 0; word < words; word++) {
      const candidates = pending[word]! & ~claimed[word]! & enable[target * words + word]!;
      if (candidates === 0) continue;
      for (let bit = 0; bit < 32; bit++) {
        if ((candidates & (1 << bit)) === 0) continue;
        const source = (word << 5) | bit;
        // Strictly greater: ties go to the lowest id (PLIC spec §7, QEMU sifive_plic_claimed).
        if (priority[source]! > bestPriority) {
          best = source;
          bestPriority = priority[source]!;
        }
      }
    }
    return best;
  }

  function update(): void {
    for (let target = 0; target < contextCount; target++) {
      const high = highestPending(target) !== 0;
      if (high !== outputLevel[target]) {
        outputLevel[target] = high;
        options.outputs?.[target]?.set(high);
      }
    }
  }

  function claim(target: number): number {
    const source = highestPending(target);
    if (source !== 0) {
      setBit(pending, source, false);
      setBit(claimed, source, true);
      claims[source]!++;
    }
    update();
    return source;
  }

  function complete(target: number, source: number): void {
    // Completing a source not enabled for the context is ignored (PLIC spec §9).
    if (source <= 0 || source > ndev || target < 0 || target >= contextCount) return;
    if (!isSet(enable.subarray(target * words, (target + 1) * words), source)) return;
    if (!isSet(claimed, source)) return;
    setBit(claimed, source, false);
    completions[source]!++;
    if (isSet(level, source)) setBit(pending, source, true);
    update();
  }

  const lines: IrqLine[] = [];
  for (let source = 0; source <= ndev; source++) {
    lines.push({
      set(high: boolean) {
        if (source === 0) return;
        setBit(level, source, high);
        if (!high) return;
        setBit(pending, source, true);
        update();
      },
    });
  }

  const enableEnd = PLIC_ENABLE_BASE + contextCount * PLIC_ENABLE_STRIDE;
  const contextEnd = PLIC_CONTEXT_BASE + contextCount * PLIC_CONTEXT_STRIDE;

  return {
    kind: 'sifive,plic-1.0.0',
    size: context.size,
    accessSizes: [4] as const,
    ndev,
    contextCount,
    contextTargets: options.contexts,
    claims,
    completions,
    line(source: number): IrqLine {
      return lines[source] ?? { set() {} };
    },
    highestPending,
    // update() follows every change of the state highestPending reads, so the level is current.
    interruptPending: (target) => outputLevel[target] === true,
    claim,
    complete,
    read(offset: number, size: AccessSize): number {
      if (size !== 4 || (offset & 3) !== 0) {
        bad(offset, size, false, 'the PLIC accepts aligned 4-byte accesses only');
        return 0;
      }
      if (offset < PLIC_PENDING_BASE) {
        const source = (offset - PLIC_PRIORITY_BASE) >>> 2;
        if (source >= 1 && source <= ndev) return priority[source]!;
      } else if (offset < PLIC_ENABLE_BASE) {
        const word = (offset - PLIC_PENDING_BASE) >>> 2;
        if (word < words) return pending[word]! >>> 0;
      } else if (offset < enableEnd) {
        const target = Math.floor((offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE);
        const word = ((offset - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE) >>> 2;
        if (word < words) return enable[target * words + word]! >>> 0;
      } else if (offset >= PLIC_CONTEXT_BASE && offset < contextEnd) {
        const target = Math.floor((offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
        const register = (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
        if (register === PLIC_CONTEXT_THRESHOLD) return threshold[target]!;
        // Reading the claim register claims (QEMU sifive_plic_read).
        if (register === PLIC_CONTEXT_CLAIM) return claim(target);
      }
      bad(offset, size, false, 'no PLIC register at this offset');
      return 0;
    },
    write(offset: number, size: AccessSize, value: number): void {
      if (size !== 4 || (offset & 3) !== 0) {
        bad(offset, size, true, 'the PLIC accepts aligned 4-byte accesses only');
        return;
      }
      if (offset < PLIC_PENDING_BASE) {
        const source = (offset - PLIC_PRIORITY_BASE) >>> 2;
        if (source >= 1 && source <= ndev) {
          priority[source] = legalPriority(value, priority[source]!);
          update();
          return;
        }
      } else if (offset < PLIC_ENABLE_BASE) {
        // Pending bits are read-only (QEMU: "invalid pending write").
        bad(offset, size, true, 'PLIC pending bits are read-only');
        return;
      } else if (offset < enableEnd) {
        const target = Math.floor((offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE);
        const word = ((offset - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE) >>> 2;
        if (word < words) {
          // Stored as written, as QEMU does (the spec hardwires source 0; claims never return it).
          enable[target * words + word] = value;
          update();
          return;
        }
      } else if (offset >= PLIC_CONTEXT_BASE && offset < contextEnd) {
        const target = Math.floor((offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
        const register = (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
        if (register === PLIC_CONTEXT_THRESHOLD) {
          threshold[target] = legalPriority(value, threshold[target]!);
          update();
          return;
        }
        if (register === PLIC_CONTEXT_CLAIM) {
          complete(target, value >>> 0);
          return;
        }
      }
      bad(offset, size, true, 'no PLIC register at this offset');
    },
    reset(): void {
      priority.fill(0);
      pending.fill(0);
      claimed.fill(0);
      enable.fill(0);
      threshold.fill(0);
      // Lines keep their levels: a device that is still asserting stays pending.
      for (let word = 0; word < words; word++) pending[word] = level[word]!;
      update();
    },
  };
}
