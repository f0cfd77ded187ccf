// The JSON Schema (draft 2020-12) of a descriptor as users write it (zod's input side, so defaults
// are optional), generated from schema/descriptor.ts. `kaal-compose schema` prints it;
// schema/descriptor.schema.json is the committed copy that JSON descriptors name in `$schema`.
import * as z from 'zod';
import { systemSchema } from './descriptor.js';

/** Where the committed copy lives, relative to the package root. */
export const DESCRIPTOR_SCHEMA_FILE = 'schema/descriptor.schema.json';

export function descriptorJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(systemSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
}

/** The schema as the committed file holds it: two-space indented, ending in a newline. */
export function descriptorJsonSchemaText(): string {
  return JSON.stringify(descriptorJsonSchema(), null, 2) + '\n';
}
