// KC3xxx: static checks of a system against its platform (compiler/resolvePlatform.ts, compiler/check/).
// 30xx names and references, 302x channels, 303x priorities, 304x–305x devices and MMIO, 306x IRQs,
// 307x memory and address spaces. Codes are stable: never renumber.
import { diagnostic } from '../diagnosticDefinition.js';

export const checksDiagnostics = {
  // Names and references (compiler/check/names.ts).
  duplicateComponentName: diagnostic('KC3001', 'error', "component name '{name}' is used twice (components {first} and {second})", 'give every component a unique name'),
  duplicateRegionName: diagnostic('KC3002', 'error', "memory region name '{name}' is used twice (memoryRegions {first} and {second})", 'give every memory region a unique name'),
  duplicateChannelName: diagnostic('KC3003', 'error', "'{component}' has two channels named '{name}'", "channel names become 'KAAL_CH_<NAME>' in the component's header: set a distinct 'name' on one of them"),
  unknownChannelComponent: diagnostic('KC3004', 'error', "channel '{channel}' names unknown component '{name}'", 'known components: {known}'),
  unknownRegion: diagnostic('KC3005', 'error', "'{component}' maps unknown memory region '{name}'", "declare it in 'memoryRegions' (known: {known})"),
  unknownFaultHandler: diagnostic('KC3006', 'error', "fault handler '{name}' of '{component}' is not a component", 'known components: {known}'),
  faultHandlerCycle: diagnostic('KC3007', 'error', "fault handlers form a cycle: {cycle}", 'a fault handler must not (transitively) be handled by the component it handles'),
  duplicateDeviceName: diagnostic('KC3008', 'error', "'{component}' has two device grants named '{name}'", "header names 'KAAL_MMIO_<NAME>_*' must be unique: set 'name' on one of them"),
  duplicateMappingName: diagnostic('KC3009', 'error', "'{component}' has two memory mappings named '{name}'", "set a distinct 'name' on one of them"),

  // Channels (compiler/check/channels.ts).
  channelToItself: diagnostic('KC3020', 'error', "channel '{channel}' connects '{component}' to itself", 'a channel joins two different components'),
  channelIdInUse: diagnostic('KC3021', 'error', "channel id {id} of '{component}' is used twice: by {first} and by {second}", 'notifications and interrupts share one notification word: give each channel end and IRQ of a component its own id'),
  channelIdsExhausted: diagnostic('KC3022', 'error', "'{component}' needs more than {max} channel ids (badge bits 0..26) for its channels and interrupts", 'split the component or merge channels'),
  channelWithoutCapability: diagnostic('KC3023', 'warning', "channel '{channel}' between '{from}' and '{to}' has neither 'notify' nor 'ppc'", "set 'notify: true' or 'ppc: true', or remove the channel"),

  // Priorities (compiler/check/priorities.ts).
  ppcToLowerPriority: diagnostic('KC3030', 'error', "PPC from '{from}' (priority {fromPriority}) to '{to}' (priority {toPriority}) must go to a strictly higher priority", "raise the priority of '{to}' above {fromPriority} or lower '{from}'"),
  ppcCycle: diagnostic('KC3031', 'error', 'protected procedure calls form a cycle: {cycle}', 'PPCs go only to strictly higher priorities, so calls cannot go round: remove one of the channels'),

  // Devices and MMIO (compiler/resolvePlatform.ts, compiler/check/mmio.ts).
  deviceNotFound: diagnostic('KC3040', 'error', "device '{ref}' of '{component}' is not in the device tree", "name it by path ('/soc/serial@10000000'), alias, label or a compatible string; 'kaal-compose dt' lists the nodes"),
  deviceAmbiguous: diagnostic('KC3041', 'error', "device '{ref}' of '{component}' matches {count} nodes: {paths}", 'name the node by its path'),
  deviceDisabled: diagnostic('KC3042', 'error', "device '{path}' granted to '{component}' has status '{status}'", "enable the node in the device tree or remove the grant"),
  deviceHasNoReg: diagnostic('KC3043', 'error', "'{component}' asks for the registers of '{path}', which has no 'reg'", "set 'mmio: false' or give 'ranges'"),
  deviceHasNoInterrupts: diagnostic('KC3044', 'error', "'{component}' asks for an IRQ of '{path}', which has no 'interrupts'", "set 'irq: false' or give 'numbers'"),
  mmioRangeOutsideDevice: diagnostic('KC3045', 'error', "range {start}..{end} granted to '{component}' is outside the registers of '{path}' ({reg})", "grant a part of the node's 'reg'"),
  mmioRangeNotAligned: diagnostic('KC3046', 'error', "range {start}..{end} granted to '{component}' is not page aligned", 'MMIO is mapped in 4 KiB pages: start and size must be multiples of 0x1000'),
  mmioPageSharedWithDevice: diagnostic('KC3047', 'error', "mapping the registers of '{path}' for '{component}' exposes '{other}' in the same page {page}", 'the two devices share a 4 KiB page: grant both to the same component or neither'),
  mmioGrantedTwice: diagnostic('KC3048', 'error', "registers of {devices} ({start}..{end}) are granted to both '{first}' and '{second}'", "set 'shared: true' on both grants if sharing is intended"),
  kernelOwnedDevice: diagnostic('KC3049', 'error', "'{component}' is granted '{path}', which the kernel owns ({role})", 'the kernel drives the interrupt controller and timer: remove the grant'),
  mmioExecutable: diagnostic('KC3050', 'error', "registers of '{path}' are mapped executable in '{component}'", "drop 'x' from the MMIO perms"),
  writeWithoutRead: diagnostic('KC3051', 'error', "perms '{perms}' of {what} in '{component}' allow writing without reading", "use 'rw' (write-only mappings do not exist on RISC-V)"),
  mmioCached: diagnostic('KC3052', 'warning', "registers of '{path}' are mapped cached in '{component}'", "remove 'cached: true': device registers must be uncached"),
  mmioIrqSplit: diagnostic('KC3053', 'warning', "registers of '{path}' go to '{mmioOwner}' but its IRQ {irq} goes to '{irqOwner}'", 'a driver usually needs both: grant them to the same component'),
  irqWithoutMmio: diagnostic('KC3054', 'warning', "'{component}' receives IRQ {irq} of '{path}' but no component may touch its registers", 'an interrupt that nobody can acknowledge at the device keeps firing: grant the MMIO too'),
  physicalOverlap: diagnostic('KC3055', 'error', "memory region '{name}' ({start}..{end}) overlaps {other}", 'move the region to free physical memory'),
  deviceGrantedTwiceToComponent: diagnostic('KC3056', 'error', "'{component}' is granted '{path}' twice (devices {first} and {second})", 'merge the two grants'),

  // IRQs (compiler/check/irq.ts).
  irqGrantedTwice: diagnostic('KC3060', 'error', "IRQ {irq} is granted to both '{first}' and '{second}'", 'an interrupt has one handler: remove one of the grants'),
  irqNotOfDevice: diagnostic('KC3061', 'error', "IRQ {irq} granted to '{component}' is not an interrupt of '{path}' (it has {interrupts})", "name one of the node's interrupts"),

  // Memory and address spaces (compiler/check/memory.ts).
  regionSizeNotPageMultiple: diagnostic('KC3070', 'error', "memory region '{name}' has size {size}, not a multiple of 0x1000", 'round the size up to a multiple of the page size'),
  regionPaddrNotAligned: diagnostic('KC3071', 'error', "memory region '{name}' has paddr {paddr}, not page aligned", 'use a multiple of 0x1000'),
  regionNeverMapped: diagnostic('KC3072', 'warning', "memory region '{name}' is declared but no component maps it", 'map it or remove it'),
  stackSizeNotPageMultiple: diagnostic('KC3073', 'error', "stack size {size} of '{component}' is not a multiple of 0x1000", 'round it up to a multiple of 4 KiB'),
  stackSizeOutOfRange: diagnostic('KC3074', 'error', "stack size {size} of '{component}' is outside {min}..{max}", 'stacks are 4 KiB to 16 MiB'),
  vaddrNotAligned: diagnostic('KC3075', 'error', "vaddr {vaddr} of {what} in '{component}' is not page aligned", 'use a multiple of 0x1000'),
  vaddrBeyondUserTop: diagnostic('KC3076', 'error', "{what} in '{component}' at {start}..{end} reaches beyond the user address space (ends at {top})", 'place it lower'),
  virtualOverlap: diagnostic('KC3077', 'error', "in '{component}', {what} at {start}..{end} overlaps {other} at {otherStart}..{otherEnd}", 'move one of them'),
  regionEmpty: diagnostic('KC3078', 'error', "memory region '{name}' has size 0", 'give it at least one page (0x1000)'),
  sharedRegionWritableExecutable: diagnostic('KC3079', 'warning', "'{component}' maps shared region '{name}' writable and executable", 'a component writing code another executes crosses isolation: drop w or x'),
  grantOfNothing: diagnostic('KC3100', 'error', "'{component}' is granted '{device}' with neither MMIO nor IRQ ('mmio: false, irq: false')", 'remove the grant, or grant its registers or its interrupt'),
  vaddrInNullPage: diagnostic('KC3101', 'error', "{what} in '{component}' is mapped at {vaddr}, in the first page", 'page 0 stays unmapped so that a null pointer faults: place it at 0x1000 or above'),
  mmioRangeEmpty: diagnostic('KC3102', 'error', "the MMIO range at {start} granted to '{component}' has size 0 and maps nothing", 'give its size in bytes (a multiple of 0x1000), or remove it'),
  mmioRangeRepeated: diagnostic('KC3103', 'error', "the MMIO range {start}..{end} is granted to '{component}' twice in one grant (ranges {first} and {second})", 'remove one of them'),
  nodeNotADevice: diagnostic('KC3110', 'error', "device {ref} of '{component}' is {what}, not a device that can be granted", '{why}'),
  regionNeitherRamNorDevice: diagnostic('KC3111', 'error', "memory region '{name}' ({start}..{end}) is neither in RAM nor the registers of a device: nothing answers there", "RAM is {ram}: place it there, or leave out 'paddr' and the planner places it"),
  grantOfIncompleteReg: diagnostic('KC3112', 'error', "'{component}' is granted the registers of '{path}', whose 'reg' was not read whole ({problem}): only {reg} would be mapped", "fix the node's 'reg' in the device tree, or give the registers as 'mmio.ranges'"),
} as const;
