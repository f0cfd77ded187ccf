// Test harness: a CPU with 1 MiB of RAM at 0x8000_0000 (paging off) running hand-encoded code.
import { Bus } from '../../../runtime/machine/bus.js';
import { Rv32Cpu } from '../../../runtime/machine/cpu.js';
import { PhysicalMemory } from '../../../runtime/machine/memory.js';
import { StopReason } from '../../../runtime/machine/trap.js';
import { ecall } from './asm.js';

export const RAM_BASE = 0x8000_0000;
export const CODE = RAM_BASE;
/** A scratch data area inside RAM, away from the code. */
export const DATA = RAM_BASE + 0x1_0000;

/** A 16-bit instruction in a program (others are 32-bit words). */
export interface Half {
  half: number;
}
export const c = (half: number): Half => ({ half });

export function makeMachine(ramSize = 1 << 20) {
  const ram = new PhysicalMemory(RAM_BASE, ramSize);
  const bus = new Bus();
  bus.attachRam(ram);
  const cpu = new Rv32Cpu(bus);
  cpu.pc = CODE;
  return { ram, bus, cpu };
}

/** Writes a program at `address`; returns the address after it. */
export function place(ram: PhysicalMemory, address: number, program: readonly (number | Half)[]): number {
  for (const item of program) {
    if (typeof item === 'number') {
      ram.writeU32(address, item);
      address += 4;
    } else {
      ram.writeU16(address, item.half);
      address += 2;
    }
  }
  return address;
}

/**
 * Runs `program` followed by `ecall` from CODE with the given registers; expects it to end at
 * that ecall and returns the machine.
 */
export function execute(program: readonly (number | Half)[], registers: Readonly<Record<number, number>> = {}) {
  const machine = makeMachine();
  const end = place(machine.ram, CODE, [...program, ecall()]);
  for (const [reg, value] of Object.entries(registers)) machine.cpu.x[Number(reg)] = value;
  const stop = machine.cpu.run(10_000);
  if (stop !== StopReason.Trap || machine.cpu.cause !== 8 || machine.cpu.pc !== end - 4) {
    throw new Error(`program did not reach its final ecall: stop ${stop}, cause ${machine.cpu.cause}, pc 0x${machine.cpu.pc.toString(16)}`);
  }
  return machine;
}

/** Runs `program` (no ecall appended) for up to `budget` instructions; returns the stop reason. */
export function start(program: readonly (number | Half)[], registers: Readonly<Record<number, number>> = {}, budget = 10_000) {
  const machine = makeMachine();
  place(machine.ram, CODE, program);
  for (const [reg, value] of Object.entries(registers)) machine.cpu.x[Number(reg)] = value;
  const stop = machine.cpu.run(budget);
  return { ...machine, stop };
}
