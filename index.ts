// The public API of the `kaal-compose` package: descriptor helpers and types for `*.system.ts`
// files, and the library functions the CLI commands call.
export { defineSystem, defineComponent } from './schema/define.js';
export type { SystemDescriptor, ComponentDescriptor } from './schema/descriptor.js';
