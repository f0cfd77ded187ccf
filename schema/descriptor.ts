// The system descriptor language: zod schemas for what users write in `*.system.ts` / `*.json`.
// zod is the source of truth: `SystemDescriptor` (the input type), the JSON Schema printed by
// `kaal-compose schema`, and validation all come from here. Each field's JSDoc is what editors show;
// `.meta({ description })` is what JSON editors show.
import * as z from 'zod';
import { DEFAULT_PLATFORM } from './platforms.js';
import { MAX_CHANNEL_ID } from './abi.js';

export { DEFAULT_PLATFORM } from './platforms.js';

/** Pinned limits of the kernel ABI (DESIGN.md, "Kernel model and ABI"). */
export const MAX_PRIORITY = 254;
export const DEFAULT_PRIORITY = 100;
export const DEFAULT_STACK_SIZE = 0x2000;

/** Names of components, regions, channels, devices: C identifiers after `-` → `_`. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const HEX_OR_DECIMAL = /^(0x[0-9a-fA-F_]+|[0-9_]+)$/;

/** A name usable in C identifiers after `-` → `_` (components, regions, channels). */
const name = (what: string) =>
  z
    .string()
    .regex(NAME_PATTERN, { error: `a ${what} name starts with a letter or '_' and has only letters, digits, '_' and '-'` })
    .max(64);

/**
 * An address or size: a number (`0x1000_0000` in TypeScript) or, for JSON, a string in hex
 * (`"0x1000_0000"`) or decimal. `_` separators are allowed, as Microkit accepts.
 */
export const addressSchema = z
  .union([
    z.number().int().nonnegative(),
    z
      .string()
      .regex(HEX_OR_DECIMAL, { error: "expected a number such as 4096 or '0x1000_0000'" })
      .transform((text) => Number(text.replaceAll('_', ''))),
  ])
  .pipe(z.number().int().nonnegative().max(2 ** 34 - 1, { error: 'beyond the 34-bit Sv32 physical address space' }));

/** Access rights of a mapping: any of `r`, `w`, `x` in that order (`'rw'`, `'rx'`, `'r'`). */
export const permsSchema = z
  .string()
  .regex(/^r?w?x?$/, { error: "permissions are letters from 'rwx' in that order, such as 'rw' or 'rx'" })
  .refine((p) => p.length > 0, { error: 'permissions must not be empty' });

/** How a component's code is obtained. */
export const codeSchema = z
  .strictObject({
    /** C source files, relative to the descriptor; compiled with clang for rv32imac. */
    sources: z.array(z.string().min(1)).min(1).optional().meta({ description: 'C source files, relative to the descriptor' }),
    /** Extra include directories for the C sources, relative to the descriptor. */
    includeDirs: z.array(z.string().min(1)).default([]).meta({ description: 'Extra include directories' }),
    /** Preprocessor definitions (`-DNAME=value`). */
    defines: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.union([z.string(), z.number(), z.boolean()]))
      .default({})
      .meta({ description: 'Preprocessor definitions' }),
    /**
     * A ready RISC-V ELF, relative to the descriptor. With `sources` too, it is the prebuilt result
     * that `build` uses unless asked to rebuild (so building needs no compiler).
     */
    elf: z.string().min(1).optional().meta({ description: 'A ready rv32 ELF (or the prebuilt result of sources)' }),
  })
  .refine((code) => code.sources !== undefined || code.elf !== undefined, {
    error: "give the component's C 'sources', a ready 'elf', or both",
  })
  .meta({ description: "The component's code: C sources, a ready ELF, or both" });

/** The MMIO part of a device grant. */
export const mmioGrantSchema = z
  .strictObject({
    /** Virtual address of the first register window; placed automatically when absent. */
    vaddr: addressSchema.optional().meta({ description: 'Virtual address of the window; automatic when absent' }),
    /** Access rights; device registers are `'rw'` by default. */
    perms: permsSchema.default('rw').meta({ description: "Access rights, default 'rw'" }),
    /** Map the registers cached. Almost always wrong for MMIO (a warning says so). */
    cached: z.boolean().default(false).meta({ description: 'Cached mapping (default false)' }),
    /** Another component may be granted the same registers too. */
    shared: z.boolean().default(false).meta({ description: 'Allow other components to be granted the same registers' }),
    /** Grant only these physical ranges instead of the node's whole `reg`. */
    ranges: z
      .array(z.strictObject({ paddr: addressSchema, size: addressSchema }))
      .min(1)
      .optional()
      .meta({ description: "Physical ranges to grant instead of the node's whole reg" }),
  })
  .meta({ description: 'MMIO grant options' });

/** The interrupt part of a device grant. */
export const irqGrantSchema = z
  .strictObject({
    /** Channel id the interrupt arrives on (`notified(id)`); the first free id when absent. */
    channel: z.number().int().min(0).max(MAX_CHANNEL_ID).optional().meta({ description: 'Channel id for notified()' }),
    /** Grant only these interrupt numbers instead of all of the node's `interrupts`. */
    numbers: z.array(z.number().int().nonnegative()).min(1).optional().meta({ description: 'Interrupt numbers to grant' }),
  })
  .meta({ description: 'IRQ grant options' });

/** A device a component may use: its registers (MMIO) and/or its interrupts. */
export const deviceGrantSchema = z
  .strictObject({
    /**
     * The device-tree node: a path (`/soc/serial@10000000`), an alias or label (`serial0`), or a
     * `compatible` string that matches exactly one enabled node (`ns16550a`).
     */
    device: z.string().min(1).meta({ description: 'Device-tree path, alias/label, or compatible string' }),
    /** Name used in the component's generated header (`KAAL_MMIO_<NAME>_VADDR`); defaults from the node. */
    name: name('device').optional().meta({ description: 'Name in the generated header' }),
    /** Grant the registers: `true` (default) with automatic placement, options, or `false`. */
    mmio: z.union([z.boolean(), mmioGrantSchema]).default(true).meta({ description: 'Grant MMIO (default true)' }),
    /** Grant the interrupts: `true` (default when the node has any), options, or `false`. */
    irq: z.union([z.boolean(), irqGrantSchema]).optional().meta({ description: 'Grant IRQs (default: when the node has any)' }),
  })
  .meta({ description: 'A device grant' });

/** A mapping of a named memory region into a component. */
export const memoryMapSchema = z
  .strictObject({
    /** The `memoryRegions` entry to map. */
    region: name('memory region').meta({ description: 'Name of the memory region' }),
    /** Name in the generated header (`KAAL_REGION_<NAME>_VADDR`); the region's name by default. */
    name: name('mapping').optional().meta({ description: 'Name in the generated header' }),
    /** Virtual address; placed automatically when absent. */
    vaddr: addressSchema.optional().meta({ description: 'Virtual address; automatic when absent' }),
    /** Access rights, `'rw'` by default. */
    perms: permsSchema.default('rw').meta({ description: "Access rights, default 'rw'" }),
    /** Cached mapping, `true` by default. */
    cached: z.boolean().default(true).meta({ description: 'Cached mapping (default true)' }),
  })
  .meta({ description: 'A memory region mapped into this component' });

/** One component (a protection domain): a thread with its own CSpace and VSpace. */
export const componentSchema = z
  .strictObject({
    /** Unique name of the component. */
    name: name('component').meta({ description: 'Unique component name' }),
    /** Scheduling priority, 0 (lowest) to 254; PPCs go only to strictly higher priorities. */
    priority: z
      .number()
      .int()
      .min(0)
      .max(MAX_PRIORITY)
      .default(DEFAULT_PRIORITY)
      .meta({ description: 'Priority 0..254 (default 100)' }),
    /** Stack size in bytes, a multiple of 4 KiB; an unmapped guard page sits below it. */
    stackSize: addressSchema.default(DEFAULT_STACK_SIZE).meta({ description: 'Stack size in bytes (default 0x2000)' }),
    /** The component's code. */
    code: codeSchema,
    /** Devices this component may touch. */
    devices: z.array(deviceGrantSchema).default([]).meta({ description: 'Device grants' }),
    /** Memory regions mapped into this component. */
    memory: z.array(memoryMapSchema).default([]).meta({ description: 'Memory region mappings' }),
    /** A component that receives this one's faults as seL4 fault messages; when absent, the runtime records them. */
    faultHandler: name('component').optional().meta({ description: 'Component receiving fault messages' }),
  })
  .meta({ description: 'A component (protection domain)' });

/** A named block of memory, shared by the components that map it. */
export const memoryRegionSchema = z
  .strictObject({
    /** Unique name of the region. */
    name: name('memory region').meta({ description: 'Unique region name' }),
    /** Size in bytes, a multiple of the page size. */
    size: addressSchema.meta({ description: 'Size in bytes, page multiple' }),
    /** Fixed physical address (for example a device buffer); allocated from RAM when absent. */
    paddr: addressSchema.optional().meta({ description: 'Fixed physical address' }),
  })
  .meta({ description: 'A memory region' });

/** A channel between two components: notifications both ways and/or PPC from `from` to `to`. */
export const channelSchema = z
  .strictObject({
    /** Name in the generated headers (`KAAL_CH_<NAME>`); `<from>_<to>` by default. */
    name: name('channel').optional().meta({ description: 'Name in the generated headers' }),
    /** One end; the caller when `ppc` is set. */
    from: name('component').meta({ description: 'One end (the PPC caller)' }),
    /** The other end; the server when `ppc` is set, and then of strictly higher priority. */
    to: name('component').meta({ description: 'The other end (the PPC server)' }),
    /** Either end may notify the other (default true). */
    notify: z.boolean().default(true).meta({ description: 'Notifications both ways (default true)' }),
    /** `from` may make protected procedure calls to `to` (default false). */
    ppc: z.boolean().default(false).meta({ description: 'PPC from `from` to `to` (default false)' }),
    /** Channel id at the `from` end; the first free id when absent. */
    fromId: z.number().int().min(0).max(MAX_CHANNEL_ID).optional().meta({ description: 'Channel id at the from end' }),
    /** Channel id at the `to` end; the first free id when absent. */
    toId: z.number().int().min(0).max(MAX_CHANNEL_ID).optional().meta({ description: 'Channel id at the to end' }),
  })
  .meta({ description: 'A channel between two components' });

/** A whole system. */
export const systemSchema = z
  .strictObject({
    /** JSON descriptors may name their schema. */
    $schema: z.string().optional(),
    /** Name of the system (goes into the image). */
    name: name('system').meta({ description: 'System name' }),
    /** `'kaal-virt-rv32'` (the bundled QEMU virt, 32-bit) or a `.dtb`/`.dts` path relative to the descriptor. */
    platform: z.string().min(1).default(DEFAULT_PLATFORM).meta({ description: "'kaal-virt-rv32' or a .dtb/.dts path" }),
    /** The components. */
    components: z.array(componentSchema).min(1, { error: 'a system needs at least one component' }),
    /** Named memory regions that components map. */
    memoryRegions: z.array(memoryRegionSchema).default([]).meta({ description: 'Shared memory regions' }),
    /** Channels between components. */
    channels: z.array(channelSchema).default([]).meta({ description: 'Channels' }),
  })
  .meta({ title: 'kaal-compose system descriptor', description: 'A kaal-compose system' });

/** What users write (defaults optional). */
export type SystemDescriptor = z.input<typeof systemSchema>;
export type ComponentDescriptor = z.input<typeof componentSchema>;
/** After schema validation, defaults filled. */
export type ValidatedSystem = z.output<typeof systemSchema>;
export type ValidatedComponent = z.output<typeof componentSchema>;
export type ValidatedDeviceGrant = z.output<typeof deviceGrantSchema>;
export type ValidatedMemoryMap = z.output<typeof memoryMapSchema>;
export type ValidatedChannel = z.output<typeof channelSchema>;
export type ValidatedMemoryRegion = z.output<typeof memoryRegionSchema>;
