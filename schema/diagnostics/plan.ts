// KC4xxx: capability planning (compiler/plan/: untyped, objects, CSpace, VSpace, invocations).
// Codes are stable: never renumber.
import { diagnostic } from '../diagnosticDefinition.js';

export const planDiagnostics = {
  fixedObjectOutsideUntyped: diagnostic('KC4001', 'error', "{what} at {start}..{end} is not inside any untyped the kernel hands out", 'untypeds cover RAM {ram} and device memory below 0x1_0000_0000'),
  fixedObjectInKernelMemory: diagnostic('KC4002', 'error', "{what} at {start}..{end} overlaps the kernel's image {kernelStart}..{kernelEnd}", 'choose a physical address outside the kernel image'),
  outOfUntypedMemory: diagnostic('KC4003', 'error', "out of RAM untyped: {what} ({bytes} bytes) do not fit in the {ram} bytes of RAM untyped", 'reduce stacks and memory regions, or use a platform with more RAM'),
  rootSlotsExhausted: diagnostic('KC4004', 'error', 'the plan needs {slots} root CNode slots, more than 2^{maxBits}', 'split the system'),
  asidsExhausted: diagnostic('KC4005', 'error', 'the system has {count} components but RV32 seL4 has {max} ASIDs for them', 'at most {max} components can have their own address space'),
  mappingOverlapsElf: diagnostic('KC4006', 'error', "in '{component}', {what} at {start}..{end} overlaps ELF segment {segment} at {segmentStart}..{segmentEnd}", 'move the mapping or link the program elsewhere'),
  elfSegmentOutsideUserSpace: diagnostic('KC4007', 'error', "ELF segment {segment} of '{component}' at {start}..{end} is outside {low}..{high}", 'link the program between the first page and the stack area'),
  automaticAreaFull: diagnostic('KC4008', 'error', "the automatic {area} area of '{component}' ({start}..{end}) cannot hold {what} ({size} bytes)", "give 'vaddr' explicitly or make it smaller"),
  bootModelRefused: diagnostic('KC4100', 'error', 'seL4 would not boot this image: {reason}', 'the kernel configuration, the platform memory and the root task image must leave room for the boot (docs/boot.md)'),
} as const;
