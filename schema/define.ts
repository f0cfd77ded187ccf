// `defineSystem` / `defineComponent`: identity functions that give descriptors full editor
// completion and docs. They never validate or throw at import time; `validate` does that.
import type { ComponentDescriptor, SystemDescriptor } from './descriptor.js';

/** Declares a system. The default export of a `*.system.ts` file. */
export function defineSystem<const T extends SystemDescriptor>(system: T): T {
  return system;
}

/** Declares a component, for example in its own `*.component.ts` file. */
export function defineComponent<const T extends ComponentDescriptor>(component: T): T {
  return component;
}
