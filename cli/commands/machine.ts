// `kaal-compose machine <prog.elf> [--platform kaal-virt-rv32|file.dtb] [--max-instructions N]
// [--stdin file]`: runs a bare-metal ELF (linked at the platform's RAM, paging off) with the UART on
// stdout; exits 0 on pass, the program's code on fail, 3 at the limit, 4 on a trap, 5 on reset.
import type { ArgumentsCamelCase } from 'yargs';
import type { CommandFactory } from '../context.js';
import { printDiagnostics } from '../report/index.js';
import { D, fail } from '../../schema/diagnostics.js';
import { maxInputSizeOption, readInputFile } from '../readInput.js';
import { maxRamOption, maxRamProblem } from '../maxRam.js';
import { lineBufferedOutput } from '../uartOutput.js';
import { DEFAULT_PLATFORM } from '../../schema/platforms.js';
import { gdbOptions, gdbOptionsFrom, type GdbArgs } from '../gdbOption.js';

interface MachineArgs extends GdbArgs {
  readonly program: string;
  readonly platform: string;
  readonly maxInstructions: number;
  readonly stdin?: string;
  readonly maxInputSize?: number;
  readonly maxRam?: number;
}

const EPILOG = [
  'Exit codes: 0 the program wrote 0x5555 to the test device; N its code from 0x3333 | N << 16',
  '(1 when N is 0); 3 the instruction limit; 4 a trap (cause, pc and tval are printed); 5 a reset',
  'request (0x7777); 1 bad input. The same ELF runs under',
  'qemu-system-riscv32 -M virt -bios none -nographic -kernel <prog.elf>.',
].join('\n');

const machineCommand: CommandFactory = (context) => ({
  command: 'machine <program>',
  describe: 'run a bare-metal RISC-V ELF on the emulated machine, UART on stdout',
  builder: (yargs) =>
    yargs
      .positional('program', { type: 'string', demandOption: true, describe: 'an ELF linked for physical addresses (RAM at 0x8000_0000)' })
      .option('platform', { type: 'string', default: DEFAULT_PLATFORM, describe: 'kaal-virt-rv32, or a .dtb/.dts file' })
      .option('max-instructions', { type: 'number', default: 1_000_000_000, describe: 'stop with exit code 3 after this many instructions' })
      .option('stdin', { type: 'string', describe: 'a file whose bytes the UART receives' })
      .option('max-input-size', maxInputSizeOption)
      .option('max-ram', maxRamOption)
      .options(gdbOptions)
      .epilog(EPILOG),
  handler: async (argv: ArgumentsCamelCase) => {
    const args = argv as unknown as MachineArgs;
    const { io } = context;
    const maxInstructions = args.maxInstructions;
    if (!Number.isSafeInteger(maxInstructions) || maxInstructions <= 0) {
      throw fail(D.machineBadOption, { option: '--max-instructions', value: String(maxInstructions), reason: 'must be a positive integer' });
    }
    const ramProblem = args.maxRam === undefined ? undefined : maxRamProblem(args.maxRam);
    if (ramProblem !== undefined) throw fail(D.machineBadOption, { option: '--max-ram', value: String(args.maxRam), reason: ramProblem });
    const gdb = gdbOptionsFrom(args, io, args.program);
    if (gdb === null) throw fail(D.gdbBadAddress, { value: String(args.gdb) });
    const elf = readInputFile(io.cwd, args.program, 'ELF program', args.maxInputSize);
    const stdin = args.stdin === undefined ? undefined : readInputFile(io.cwd, args.stdin, 'stdin file', args.maxInputSize);
    const { loadPlatform } = await import('../../compiler/loadPlatform.js');
    const loaded = await loadPlatform(args.platform, io.cwd, { maxInputSize: args.maxInputSize });
    const { runBare } = await import('../../runtime/bareRunner.js');

    const uart = lineBufferedOutput(io.stdout);
    const result = runBare(elf, {
      platform: { platform: loaded.platform, tree: loaded.tree },
      maxInstructions,
      ...(stdin !== undefined ? { stdin } : {}),
      ...(args.maxRam !== undefined ? { ramLimit: args.maxRam } : {}),
      file: args.program,
      onUartByte: uart.byte,
      ...(gdb !== undefined ? { gdb } : {}),
    });
    uart.flush();
    printDiagnostics(io, result.diagnostics);
    context.exitCode = result.exitCode;
  },
});

export default machineCommand;

