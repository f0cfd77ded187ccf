// The platform model: what the planner and the machine need to know about a board, computed from
// its decoded device tree by `image/platform.ts`. Plain data; addresses are CPU physical, as numbers
// (safe integers: every board in the corpus fits in 2^53).
import type { Diagnostic } from '../schema/diagnostics.js';

/** A physical address range. */
export interface AddressRange {
  readonly base: number;
  readonly size: number;
}

/** One device-tree node that has `reg` or `interrupts`. */
export interface PlatformDevice {
  /** Full path, `/soc/serial@10000000`. */
  readonly path: string;
  /** Node name with unit address, `serial@10000000`. */
  readonly name: string;
  /** Labels (`uart0`) of the node in the source, when the blob kept them (`__symbols__`). */
  readonly labels: readonly string[];
  /** Aliases (`/aliases` entries) that name this node. */
  readonly aliases: readonly string[];
  readonly compatible: readonly string[];
  /** `okay` when the property is absent; `disabled`, `reserved`, `fail`, … as written. */
  readonly status: string;
  /** `reg` translated through every parent `ranges` to CPU physical addresses. */
  readonly reg: readonly AddressRange[];
  /**
   * Why `reg` is not the whole property (the KC22xx warning's message: a length that is not whole
   * entries, an entry that does not translate or lies past 2^53), or null when it is.
   */
  readonly regProblem: string | null;
  /** The controller's interrupt numbers (PLIC: the source id; GIC: SPI + 32, PPI + 16). */
  readonly interrupts: readonly number[];
  /** Path of the interrupt controller these interrupts go to, or null. */
  readonly interruptParent: string | null;
  /** Has the `interrupt-controller` property. */
  readonly isInterruptController: boolean;
  /**
   * Every resolved interrupt with its controller, in specifier order: differs from
   * `interrupts` + `interruptParent` only for `interrupts-extended` naming several controllers.
   */
  readonly interruptTargets: readonly InterruptTarget[];
  /** The node's `phandle` (or `linux,phandle`), or null. */
  readonly phandle: number | null;
}

/** One resolved interrupt: the controller's path and its interrupt number there. */
export interface InterruptTarget {
  readonly controller: string;
  readonly interrupt: number;
}

/**
 * A node that is not a device: the root, a CPU (or another node addressed on a bus without
 * memory-mapped addresses, `#size-cells = <0>`), RAM, reserved memory, or a node with neither
 * `reg` nor `interrupts` (buses, `/chosen`, `/aliases`).
 */
export type OtherNodeKind = 'root' | 'cpu' | 'unmappedBus' | 'memory' | 'reservedMemory' | 'noResources';

export interface Platform {
  readonly model: string | null;
  readonly compatible: readonly string[];
  /** `memory` nodes' `reg`, sorted by base. */
  readonly memory: readonly AddressRange[];
  /** `/reserved-memory` children and the blob's memory reservation block, sorted by base. */
  readonly reserved: readonly AddressRange[];
  /** Usable RAM: `memory` minus `reserved`, sorted, merged. */
  readonly ram: readonly AddressRange[];
  /** Every node with `reg` or `interrupts`, sorted by path (memory nodes excluded). */
  readonly devices: readonly PlatformDevice[];
  /** `/aliases`: alias → path. */
  readonly aliases: Readonly<Record<string, string>>;
  /** `/chosen/stdout-path` resolved to a node path (options after ':' dropped), or null. */
  readonly stdoutPath: string | null;
  /** `/cpus/timebase-frequency` (or of the first cpu), in Hz, or null. */
  readonly timebaseFrequency: number | null;
  /** Labels from `/__symbols__` (blobs compiled with `dtc -@`): label → path. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Every other node of the tree (not in `devices`) by path, with what it is: so that a grant of
   * `/`, `/cpus/cpu@0` or `/memory@80000000` can say why it cannot be granted.
   */
  readonly otherNodes: Readonly<Record<string, OtherNodeKind>>;
  /**
   * Warnings about parts of the tree the model could not use (KC22xx): a `reg` that does not
   * translate, interrupts behind an `interrupt-map` nexus, properties of the wrong length.
   */
  readonly diagnostics: readonly Diagnostic[];
}
