// The plan contract: types generated from `plan.schema.json` plus the pinned layout constants the
// planner, the C-header templates and the kernel share (docs/plan.md, docs/slot-layout.md).
import type { Invocation, Plan } from './plan.generated.js';

export type * from './plan.generated.js';

export const PLAN_FORMAT_VERSION = 1;

/**
 * Every component's virtual address space (Sv32, user space below seL4_UserTop = 0x8000_0000).
 * ELF segments sit at their link addresses (the generated linker scripts start at `codeBase`);
 * the automatic areas grow upwards from their bases; stack and IPC buffer sit at the top with an
 * unmapped guard page below each.
 */
export const VSpaceLayout = {
  /** Where generated linker scripts place `.text`. */
  codeBase: 0x0001_0000,
  /** Shared memory regions without a vaddr, in descriptor order. */
  regionBase: 0x4000_0000,
  /** MMIO windows without a vaddr, in descriptor order. */
  mmioBase: 0x6000_0000,
  /** Lowest address a stack may reach (its guard page included). */
  stackAreaBase: 0x7000_0000,
  /** The IPC buffer page: the top user page. */
  ipcBuffer: 0x7fff_f000,
  /** Stack top: one unmapped guard page below the IPC buffer. */
  stackTop: 0x7fff_e000,
  /** seL4_UserTop on RV32: nothing may be mapped at or above it. */
  userTop: 0x8000_0000,
} as const;

/** The root CNode is at least seL4's default (KernelRootCNodeSizeBits = 12), larger when needed. */
export const MIN_ROOT_CNODE_BITS = 12;
export const MAX_ROOT_CNODE_BITS = 27;

/** ELF segment info the planner needs for a component (`readElf` gives it, or a placeholder). */
export interface ElfSegmentInfo {
  readonly vaddr: number;
  readonly memsz: number;
  /** PF_X 1, PF_W 2, PF_R 4 (ELF program header flags). */
  readonly flags: number;
}

export interface ComponentElfInfo {
  readonly entry: number;
  readonly segments: readonly ElfSegmentInfo[];
  /** True when this is the documented placeholder layout, not a real ELF. */
  readonly placeholder: boolean;
}

/**
 * The layout a component without an ELF is planned with: 16 KiB of text at `codeBase` and 16 KiB
 * of data after it. The build feeds the real ELF; only then is the plan final.
 */
export function placeholderElf(): ComponentElfInfo {
  return {
    entry: VSpaceLayout.codeBase,
    segments: [
      { vaddr: VSpaceLayout.codeBase, memsz: 0x4000, flags: 0b101 },
      { vaddr: VSpaceLayout.codeBase + 0x4000, memsz: 0x4000, flags: 0b110 },
    ],
    placeholder: true,
  };
}

/** Invocations of one kind, typed. */
export function invocationsOf<Op extends Invocation['op']>(plan: Plan, op: Op): Extract<Invocation, { op: Op }>[] {
  return plan.invocations.filter((i): i is Extract<Invocation, { op: Op }> => i.op === op);
}
