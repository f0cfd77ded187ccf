// Fuzz target: the RV32IMAC CPU and Sv32 MMU (runtime/machine/cpu.ts, mmu.ts) run random words from
// random registers, paging off or on, on kaal-virt-rv32 with its devices. `run` returns a stop reason,
// never throws; x0 stays 0, pc a 32-bit address; a trap has a RISC-V exception code and a length.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMachine, platformSourceFromDtb, type Machine } from '../../../runtime/machine/machine.js';
import { StopReason } from '../../../runtime/machine/trap.js';
import type { FuzzTarget } from '../support/harness.js';
import type { Prng } from '../support/prng.js';
import { INTERESTING_U32 } from '../support/mutators.js';

const RAM_SIZE = 64 * 1024;
const PAGE = 4096;
const CODE_WORDS = 256;
/** Where the code and data pages appear when paging is on (user addresses). */
const CODE_VA = 0x0040_0000;
const DATA_VA = 0x0040_1000;
const ROOT_PAGE = 8;
const LEAF_PAGE = 9;
const PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_A = 64, PTE_D = 128;
/** RV32 base opcodes (bits 6..0): loads, fence, op-imm, auipc, stores, AMO, op, lui, branches, jalr, jal, system. */
const OPCODES = [0x03, 0x0f, 0x13, 0x17, 0x23, 0x2f, 0x33, 0x37, 0x63, 0x67, 0x6f, 0x73] as const;
/** Exception codes of the privileged spec a user-mode hart can raise. */
const EXCEPTION_CODES = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 15]);
const RUNS = 40;
const BUDGET = 64;

export interface CpuContext {
  readonly machine: Machine;
}

function randomInstruction(rng: Prng): number {
  const choice = rng.below(20);
  if (choice < 7) return rng.u32();
  if (choice < 17) return ((rng.u32() & ~0x7f) | rng.pick(OPCODES)) >>> 0;
  // Two compressed halves (low bits not 0b11).
  const half = () => ((rng.u32() & 0xfffc) | rng.below(3)) & 0xffff;
  return ((half() << 16) | half()) >>> 0;
}

function randomRegister(rng: Prng, machine: Machine, paging: boolean): number {
  const device = rng.pick(machine.devices);
  const base = machine.ram.base;
  const values = [
    rng.u32(),
    base + rng.below(RAM_SIZE),
    device.base + 4 * rng.below(64),
    (paging ? DATA_VA : base + PAGE) + rng.below(PAGE),
    rng.pick(INTERESTING_U32),
  ];
  return rng.pick(values) | 0;
}

/** Paging on: root and leaf tables in RAM mapping code and data, the other entries random. */
function writePageTables(machine: Machine, rng: Prng): void {
  const ram = machine.ram;
  const base = ram.base;
  const ppn = (page: number) => ((base + page * PAGE) >>> 12) << 10;
  const root = base + ROOT_PAGE * PAGE;
  const leaf = base + LEAF_PAGE * PAGE;
  for (let i = 0; i < 1024; i++) {
    if (rng.chance(0.02)) ram.writeU32(root + 4 * i, rng.u32());
    if (rng.chance(0.05)) ram.writeU32(leaf + 4 * i, rng.chance(0.5) ? rng.u32() : (ppn(rng.below(16)) | rng.below(256)) >>> 0);
  }
  ram.writeU32(root + 4 * (CODE_VA >>> 22), (ppn(LEAF_PAGE) | PTE_V) >>> 0);
  ram.writeU32(leaf + 4 * ((CODE_VA >>> 12) & 0x3ff), (ppn(0) | PTE_V | PTE_R | PTE_X | PTE_U | PTE_A) >>> 0);
  ram.writeU32(leaf + 4 * ((DATA_VA >>> 12) & 0x3ff), (ppn(1) | PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D) >>> 0);
  machine.cpu.setSatp((0x8000_0000 | ((base + ROOT_PAGE * PAGE) >>> 12)) >>> 0);
}

/** Back to a clean machine between cases (creating one costs ~40 ms: its TLB arrays). */
function resetMachine(machine: Machine): void {
  machine.ram.bytes.fill(0);
  machine.cpu.x.fill(0);
  machine.cpu.setSatp(0);
  machine.cpu.cancelReservation();
  for (const device of machine.devices) device.device.reset();
}

export function cpuTarget(): FuzzTarget<CpuContext> {
  return {
    name: 'cpu',
    prepare() {
      const dtb = new Uint8Array(fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/platforms/kaal-virt-rv32.dtb')));
      const machine = createMachine(platformSourceFromDtb(dtb), { sink: { uartByte() {}, powerOff() {} }, ramLimit: RAM_SIZE });
      return { machine };
    },
    report: ({ machine }) => `${machine.cpu.instret} instructions retired`,
    generate(rng, { machine }) {
      const paging = rng.chance(0.5);
      return {
        description: `random code, paging ${paging ? 'on' : 'off'}`,
        run() {
          resetMachine(machine);
          const { cpu, ram } = machine;
          for (let i = 0; i < CODE_WORDS; i++) ram.writeU32(ram.base + 4 * i, randomInstruction(rng));
          for (let r = 1; r < 32; r++) cpu.x[r] = randomRegister(rng, machine, paging);
          if (paging) writePageTables(machine, rng);
          const codeStart = paging ? CODE_VA : ram.base;
          cpu.pc = codeStart + 2 * rng.below(16);
          for (let run = 0; run < RUNS; run++) {
            const before = cpu.instret;
            const stop = cpu.run(BUDGET);
            if (stop !== StopReason.Budget && stop !== StopReason.Trap && stop !== StopReason.Stopped) return `run returned '${String(stop)}'`;
            if (cpu.x[0] !== 0) return `x0 is ${cpu.x[0]} after run ${run}`;
            if (!Number.isInteger(cpu.pc) || cpu.pc < 0 || cpu.pc >= 2 ** 32) return `pc is ${cpu.pc}`;
            if (cpu.instret - before > BUDGET || cpu.instret < before) return `instret moved by ${cpu.instret - before} with budget ${BUDGET}`;
            if (stop === StopReason.Trap) {
              if (!EXCEPTION_CODES.has(cpu.cause)) return `trap with cause ${cpu.cause}`;
              if (![0, 2, 4].includes(cpu.trapInsnLength)) return `trap instruction length ${cpu.trapInsnLength}`;
              // Skip the faulting instruction as a kernel would after handling it; back to the code after a fetch fault.
              cpu.pc = cpu.trapInsnLength ? (cpu.pc + cpu.trapInsnLength) >>> 0 : codeStart + 2 * rng.below(CODE_WORDS * 2);
            }
            if (stop === StopReason.Stopped) for (const device of machine.devices) device.device.reset();
          }
        },
      };
    },
  };
}
