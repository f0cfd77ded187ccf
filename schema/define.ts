// `defineSystem` / `defineComponent`: identity functions that give descriptors full editor
// completion and docs. They never validate or throw at import time; `validate` does that.
// Not generic: TypeScript checks an object literal for excess properties only against a declared
// type, never against a type parameter inferred from it, so `defineSystem<const T extends
// SystemDescriptor>(system: T)` accepted `prority`, `colour` or `chanels` (issue 15).
import type { ComponentDescriptor, SystemDescriptor } from './descriptor.js';

/** Declares a system. The default export of a `*.system.ts` file. */
export function defineSystem(system: SystemDescriptor): SystemDescriptor {
  return system;
}

/** Declares a component, for example in its own `*.component.ts` file. */
export function defineComponent(component: ComponentDescriptor): ComponentDescriptor {
  return component;
}
