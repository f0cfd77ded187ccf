// docs/descriptor.md: every field of a system descriptor, generated from the JSON Schema that zod
// gives (schema/descriptorJsonSchema.ts), so the reference cannot drift from what `validate`
// accepts; test/schema/generatedFiles.test.ts fails when the committed copy is stale.
type JsonSchema = {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
};

/** A short type: `string`, `integer 0..254`, `'rw' | 'r'`, `object[]`, alternatives with `|`. */
function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return [...new Set(alternatives.map(typeOf))].join(' \\| ');
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
  const type = Array.isArray(schema.type) ? schema.type.join(' \\| ') : (schema.type ?? 'any');
  if (type === 'integer' && schema.minimum !== undefined && schema.maximum !== undefined && schema.maximum < 2 ** 32) return `integer ${schema.minimum}..${schema.maximum}`;
  return type as string;
}

/** The object schemas a field leads to (through arrays and alternatives). */
function objectsUnder(schema: JsonSchema): JsonSchema[] {
  if (schema.properties) return [schema];
  if (schema.items) return objectsUnder(schema.items);
  return (schema.anyOf ?? schema.oneOf ?? []).flatMap(objectsUnder);
}

function rows(schema: JsonSchema, prefix: string, out: string[]): void {
  const required = new Set(schema.required ?? []);
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    if (name === '$schema') continue;
    const isArray = field.type === 'array';
    const path = `${prefix}${name}${isArray ? '[]' : ''}`;
    const description = (field.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
    const defaultText = field.default !== undefined ? ` (default \`${JSON.stringify(field.default)}\`)` : '';
    out.push(`| \`${path}\` | ${typeOf(field)} | ${required.has(name) ? 'yes' : ''} | ${description}${defaultText} |`);
    for (const object of objectsUnder(field)) rows(object, `${path}.`, out);
  }
}

export function renderDescriptorReference(schema: JsonSchema): string {
  const out = [
    '# System descriptor reference',
    '',
    '<!-- Generated from the zod schema (schema/descriptor.ts, through its JSON Schema) by `npm run docs:diagnostics`; do not edit by hand. -->',
    '',
    'Every field of a `defineSystem({...})` descriptor (or a JSON descriptor), as `kaal-compose validate`',
    'checks it. `a[].b` is the field `b` of each element of the array `a`. Numbers may also be written',
    "as strings (`'0x1000_0000'`) where the type says `string`. `npx kaal-compose schema` prints the",
    'JSON Schema this page is made from.',
    '',
    '| field | type | required | what |',
    '| --- | --- | --- | --- |',
  ];
  rows(schema, '', out);
  return out.join('\n') + '\n';
}
