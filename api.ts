// `kaal-compose/api`: the library behind every command, for tools that drive kaal-compose from
// code. Kept apart from the package root, which descriptors import and must stay light.
export * from './compiler/index.js';
export { readImage, writeImage } from './image/bootImage/index.js';
export type { BootImage, BootImageInput } from './image/bootImage/index.js';
export { readElf } from './image/elf.js';
export { decodeFdt, encodeFdt, printDts } from './image/fdt/index.js';
export { platformFromFdt, findDevice } from './image/platform.js';
export type { Platform, PlatformDevice } from './image/platformModel.js';
export { bootImage } from './runtime/boot/index.js';
export { runImage, checkImage, runSystem, type RunResult } from './runtime/run.js';
export { runBare } from './runtime/bareRunner.js';
export type { Plan } from './schema/plan.js';
export type { Diagnostic } from './schema/diagnostics.js';
