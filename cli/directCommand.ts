// Plain command lines without yargs (issue 17, docs/performance.md "start-up … Session 10"): in a
// `machine` of a trivial ELF, yargs building its parser and parsing was ~30 M of the ~100 M
// instructions the CLI adds to a Node start. A command line is plain when it is a command's name
// followed by positional values only (no word that starts with '-', none empty) in the number the
// command's `command` string allows, and the command's builder declares only what is reproduced
// here (positionals and options with a type, a default, a description, `requiresArg`, `choices`,
// `array`; no alias, no required option, no coercion, no check). The handler then gets the object yargs
// would have given it: `_` (the command), each declared default under its name and its camelCase
// name, `$0`, the positionals' values. Every other command line (options, help, version, usage
// errors, other builders) goes to yargs. test/cli/directCommand.test.ts checks the objects
// against yargs' for each command and both kinds of command line.
import type { CommandFactory } from './context.js';

type Command = ReturnType<CommandFactory>;

/** What a builder declared, in its order: positionals (from `.positional`) and options. */
interface Declaration {
  readonly name: string;
  readonly positional: boolean;
  readonly spec: Readonly<Record<string, unknown>>;
}

const OPTION_KEYS = new Set(['type', 'default', 'describe', 'requiresArg', 'choices', 'array']);
const POSITIONAL_KEYS = new Set(['type', 'default', 'describe', 'demandOption', 'array']);
const NAME = /^[a-z]+(?:-[a-z]+)*$/;

/**
 * The handler of `commands` that `argv` names and the arguments yargs would give it, or undefined
 * when the command line is not a plain one of a command whose declarations this reproduces.
 */
export function directCommand(
  argv: readonly string[],
  commands: readonly Command[],
  scriptName: string,
): { readonly handler: Command['handler']; readonly args: Record<string, unknown> } | undefined {
  if (argv.length === 0 || argv.some((word) => word === '' || word.startsWith('-'))) return undefined;
  const command = commands.find((c) => typeof c.command === 'string' && c.command.split(' ')[0] === argv[0]);
  if (command === undefined || typeof command.command !== 'string' || typeof command.builder !== 'function') return undefined;
  const slots = positionalSlots(command.command);
  const declarations = slots && declared(command.builder);
  if (!slots || !declarations) return undefined;
  const values = argv.slice(1);
  const given = new Map<string, string | string[]>();
  for (const slot of slots) {
    if (slot.variadic) {
      if (values.length > 0) given.set(slot.name, values.splice(0));
    } else if (values.length > 0) given.set(slot.name, values.shift()!);
    else if (slot.required) return undefined;
  }
  if (values.length > 0) return undefined;
  const positionals = new Map(declarations.filter((d) => d.positional).map((d) => [d.name, d.spec]));
  for (const slot of slots) {
    const spec = positionals.get(slot.name);
    // A positional the builder does not describe as a string, or an absent one without a default.
    if (spec === undefined || spec.type !== 'string' || Boolean(spec.array) !== slot.variadic) return undefined;
    if (!given.has(slot.name) && !('default' in spec)) return undefined;
  }
  const args: Record<string, unknown> = { _: [argv[0]] };
  for (const { name, spec } of declarations) {
    if (!('default' in spec)) continue;
    args[name] = spec.default;
    args[camelCase(name)] = spec.default;
  }
  args.$0 = scriptName;
  for (const [name, value] of given) args[name] = value;
  return { handler: command.handler, args };
}

interface Slot {
  readonly name: string;
  readonly required: boolean;
  readonly variadic: boolean;
}

/** The positionals of a `command` string (`run <image>`, `validate [files..]`), or undefined for other forms. */
function positionalSlots(command: string): Slot[] | undefined {
  const words = command.split(' ').slice(1);
  const slots: Slot[] = [];
  for (const [i, word] of words.entries()) {
    const m = /^(?:<([a-z]+)>|\[([a-z]+)(\.\.)?\])$/.exec(word);
    if (!m) return undefined;
    const variadic = m[3] !== undefined;
    if (variadic && i !== words.length - 1) return undefined;
    // A required positional after an optional one: left to yargs.
    if (m[1] !== undefined && slots.some((s) => !s.required)) return undefined;
    slots.push({ name: m[1] ?? m[2]!, required: m[1] !== undefined, variadic });
  }
  return slots;
}

/** The builder's declarations, or undefined when it calls anything but `positional`, `option`, `options` and `epilog`. */
function declared(builder: (yargs: never) => unknown): Declaration[] | undefined {
  const declarations: Declaration[] = [];
  let plain = true;
  const add = (name: unknown, spec: unknown, positional: boolean): void => {
    const keys = positional ? POSITIONAL_KEYS : OPTION_KEYS;
    if (typeof name !== 'string' || !NAME.test(name) || typeof spec !== 'object' || spec === null || !Object.keys(spec).every((k) => keys.has(k))) {
      plain = false;
      return;
    }
    const type = (spec as { type?: unknown }).type;
    if (type !== undefined && type !== 'string' && type !== 'number' && type !== 'boolean') plain = false;
    declarations.push({ name, positional, spec: spec as Record<string, unknown> });
  };
  const recorder: object = new Proxy(
    {},
    {
      get: (_target, method) =>
        (...args: unknown[]) => {
          if (method === 'positional') add(args[0], args[1], true);
          else if (method === 'option') add(args[0], args[1], false);
          else if (method === 'options' && typeof args[0] === 'object' && args[0] !== null) {
            for (const [name, spec] of Object.entries(args[0])) add(name, spec, false);
          } else if (method !== 'epilog') plain = false;
          return recorder;
        },
    },
  );
  try {
    builder(recorder as never);
  } catch {
    return undefined;
  }
  return plain ? declarations : undefined;
}

/** yargs' camelCase of a dashed name (`max-instructions` → `maxInstructions`). */
function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
