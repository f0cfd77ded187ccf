// cli/directCommand.ts: a plain command line gives its handler what yargs (main's own parser,
// cli/main.ts `cliParser`) gives it; any other command line, or a builder it cannot reproduce, is
// left to yargs.
import { describe, expect, it } from 'vitest';
import { directCommand } from '../../cli/directCommand.js';
import { cliParser } from '../../cli/main.js';
import { commandFactories } from '../../cli/commands/index.js';
import type { CliIo, CommandContext, CommandFactory } from '../../cli/context.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/files.js';

const io: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: repoRoot, env: {} };

/** The commands with every handler replaced by one that keeps what it was given. */
function recordingCommands(): { commands: ReturnType<CommandFactory>[]; calls: unknown[] } {
  const context: CommandContext = { io, exitCode: 0 };
  const calls: unknown[] = [];
  const commands = (commandFactories as readonly CommandFactory[]).map((factory) => ({
    ...factory(context),
    handler: (args: unknown) => void calls.push(args),
  }));
  return { commands, calls };
}

/** What main's yargs parser gives the handler for `argv` (undefined when it runs none). */
async function throughYargs(argv: string[]): Promise<Record<string, unknown> | undefined> {
  const { commands, calls } = recordingCommands();
  try {
    await cliParser(argv, commands, io).parseAsync(argv, {}, () => {});
  } catch {
    return undefined;
  }
  return calls[0] as Record<string, unknown> | undefined;
}

function direct(argv: string[]): Record<string, unknown> | undefined {
  return directCommand(argv, recordingCommands().commands, 'kaal-compose')?.args;
}

describe('directCommand', () => {
  const plain: string[][] = [
    ['machine', 'fixtures/machine/elf/fib.elf'],
    ['machine', '123'],
    ['machine', 'true'],
    ['run', 'hello.img'],
    ['run', '0x10'],
    ['check', 'a.img'],
    ['inspect', 'a.img'],
    ['plan', 'a.system.ts'],
    ['init', 'new-project'],
    ['validate'],
    ['validate', 'a.system.ts'],
    ['validate', 'a.system.ts', 'b/**/*.system.ts', '7'],
  ];
  for (const argv of plain) {
    it(`'${argv.join(' ')}' gives the handler yargs' arguments, in yargs' key order`, async () => {
      const expected = await throughYargs(argv);
      const got = direct(argv);
      expect(expected).toBeDefined();
      expect(got).toEqual(expected);
      expect(Object.keys(got!)).toEqual(Object.keys(expected!));
    });
  }

  const notPlain: string[][] = [
    [],
    ['machine'],
    ['machine', 'a.elf', 'b.elf'],
    ['machine', 'a.elf', '--max-instructions', '10'],
    ['machine', '--help'],
    ['run', '-'],
    ['run', ''],
    ['validate', '--format', 'json'],
    ['validate', 'a.ts', '--'],
    ['frobnicate', 'x'],
    ['machin', 'a.elf'],
    ['help'],
    // builders with an alias or a required option
    ['schema'],
    ['build', 's.system.ts'],
    ['dt', 'kaal-virt-rv32'],
    ['export', 'a.system.ts'],
    ['import-sdf', 'a.system'],
    // an optional positional without a default, left out
    ['plan'],
    ['init'],
  ];
  for (const argv of notPlain) {
    it(`'${argv.join(' ')}' is left to yargs`, () => {
      expect(direct(argv)).toBeUndefined();
    });
  }

  it('leaves a command to yargs when its builder calls anything else, or declares an alias or a required option', () => {
    const command = (builder: (y: never) => unknown) =>
      [{ command: 'x <file>', describe: '', builder, handler: () => {} }] as unknown as ReturnType<CommandFactory>[];
    const file = { type: 'string', demandOption: true } as const;
    type Y = { positional(n: string, s: object): Y; option(n: string, s: object): Y; check(f: () => boolean): Y };
    expect(directCommand(['x', 'a'], command((y: Y) => y.positional('file', file)), '$')).toBeDefined();
    expect(directCommand(['x', 'a'], command((y: Y) => y.positional('file', file).check(() => true)), '$')).toBeUndefined();
    expect(directCommand(['x', 'a'], command((y: Y) => y.positional('file', file).option('o', { type: 'string', alias: 'out' })), '$')).toBeUndefined();
    expect(directCommand(['x', 'a'], command((y: Y) => y.positional('file', file).option('out', { type: 'string', demandOption: true })), '$')).toBeUndefined();
    expect(directCommand(['x', 'a'], command((y: Y) => y.positional('file', { type: 'number' })), '$')).toBeUndefined();
    expect(directCommand(['x', 'a'], command((y: Y) => y.positional('file', { ...file, coerce: String })), '$')).toBeUndefined();
    expect(directCommand(['x', 'a'], command((y: Y) => y.option('max-n', { type: 'number', default: 3 })), '$')).toBeUndefined();
    expect(directCommand(['x', 'a'], command(() => { throw new Error('no'); }), '$')).toBeUndefined();
  });

  it("runs the handler's errors and exit codes as through yargs", async () => {
    // A missing ELF: the handler throws a DiagnosticError (KC0002, exit 1) with or without yargs.
    const plainRun = await runCli(['machine', 'fixtures/machine/elf/missing.elf'], { cwd: repoRoot });
    const yargsRun = await runCli(['machine', 'fixtures/machine/elf/missing.elf', '--platform', 'kaal-virt-rv32'], { cwd: repoRoot });
    expect(plainRun.code).toBe(1);
    expect(plainRun).toEqual(yargsRun);
    const ran = await runCli(['machine', 'fixtures/machine/elf/fib.elf'], { cwd: repoRoot });
    const ranThroughYargs = await runCli(['machine', 'fixtures/machine/elf/fib.elf', '--max-instructions', '1000000000'], { cwd: repoRoot });
    expect(ran).toEqual(ranThroughYargs);
  });
});
