// Translated blocks (runtime/machine/blockCache.ts) must be invisible: the same registers, memory,
// instret and traps as the interpreter alone, and stale code dropped on every kind of write to it.
import { describe, expect, it } from 'vitest';
import { Bus } from '../../../runtime/machine/bus.js';
import { Rv32Cpu } from '../../../runtime/machine/cpu.js';
import { PhysicalMemory } from '../../../runtime/machine/memory.js';
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, SATP_MODE_SV32 } from '../../../runtime/machine/mmu.js';
import { StopReason } from '../../../runtime/machine/trap.js';
import * as A from './asm.js';
import { CODE, DATA, RAM_BASE, c, place, type Half } from './harness.js';

const { a0, a1, a2, t0, t1, t2, s0, s1, zero } = A;
/** Enough passes over a loop for its blocks to be translated (the threshold is 16 arrivals). */
const HOT = 60;

function machine(translate: boolean, ramSize = 1 << 20) {
  const ram = new PhysicalMemory(RAM_BASE, ramSize);
  const bus = new Bus();
  bus.attachRam(ram);
  const cpu = new Rv32Cpu(bus, { translate });
  cpu.pc = CODE;
  return { ram, bus, cpu };
}

/** Runs to a stop that is not the budget, in `run(step)` calls; returns that stop. */
function runToStop(cpu: Rv32Cpu, step: number, limit = 1_000_000): StopReason {
  for (let total = 0; total < limit; total += step) {
    const stop = cpu.run(step);
    if (stop !== StopReason.Budget) return stop;
  }
  throw new Error('program did not stop');
}

/** A deterministic pseudo-random sequence (xorshift32). */
function random(seed: number) {
  let state = seed | 1;
  return (bound: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % bound;
  };
}

/** Registers random code may write: not x0, s0 (data base) or s1 (loop counter). */
const WRITABLE = [1, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31];
const READABLE = [0, s0, ...WRITABLE];

/** A loop body of `count` random RV32IMC instructions over registers and the data area at s0. */
function randomBody(next: (bound: number) => number, count: number): (number | Half)[] {
  const pick = <T>(list: readonly T[]): T => list[next(list.length)]!;
  const ops = [A.add, A.sub, A.sll, A.slt, A.sltu, A.xor, A.srl, A.sra, A.or, A.and, A.mul, A.mulh, A.mulhsu, A.mulhu, A.div, A.divu, A.rem, A.remu];
  const immOps = [A.addi, A.slti, A.sltiu, A.xori, A.ori, A.andi];
  const shifts = [A.slli, A.srli, A.srai];
  const loads = [A.lb, A.lh, A.lw, A.lbu, A.lhu];
  const stores = [A.sb, A.sh, A.sw];
  const body: (number | Half)[] = [];
  for (let i = 0; i < count; i++) {
    const rd = next(8) === 0 ? zero : pick(WRITABLE);
    switch (next(9)) {
      case 0:
      case 1:
        body.push(pick(ops)(rd, pick(READABLE), pick(READABLE)));
        break;
      case 2:
        body.push(pick(immOps)(rd, pick(READABLE), next(4096) - 2048));
        break;
      case 3:
        body.push(pick(shifts)(rd, pick(READABLE), next(32)));
        break;
      case 4:
        body.push(next(2) === 0 ? A.lui(rd, next(1 << 20)) : A.auipc(rd, next(1 << 20)));
        break;
      case 5:
        // Offsets around s0, some misaligned (those take the interpreter's slow path).
        body.push(pick(loads)(rd, s0, next(128) - 64));
        break;
      case 6:
        body.push(pick(stores)(pick(READABLE), s0, next(128) - 64));
        break;
      case 7:
        // A forward branch over the next instruction ends a block either way.
        body.push([A.beq, A.bne, A.blt, A.bge, A.bltu, A.bgeu][next(6)]!(pick(READABLE), pick(READABLE), 8));
        body.push(A.addi(pick(WRITABLE), pick(READABLE), next(64)));
        break;
      default:
        // Compressed forms: c.addi rd, 1 (rd ≠ 0) and c.mv rd, rs.
        if (next(2) === 0) body.push(c(0x0001 | (pick(WRITABLE) << 7) | (1 << 2)));
        else body.push(c(0x8002 | (pick(WRITABLE) << 7) | (pick(WRITABLE) << 2)));
        break;
    }
  }
  return body;
}

function byteLength(program: readonly (number | Half)[]): number {
  return program.reduce<number>((sum, item) => sum + (typeof item === 'number' ? 4 : 2), 0);
}

/** Places `body` in a loop run `passes` times, then ecall; sets random registers from `seed`. */
function prepare(m: ReturnType<typeof machine>, body: readonly (number | Half)[], seed: number, passes = HOT) {
  const loop = [...body, A.addi(s1, s1, -1)];
  place(m.ram, CODE, [...loop, A.bne(s1, zero, -byteLength(loop)), A.ecall()]);
  const next = random(seed);
  for (const r of WRITABLE) m.cpu.x[r] = next(2) === 0 ? next(1 << 16) - (1 << 15) : (next(1 << 16) << 16) | next(1 << 16);
  m.cpu.x[s0] = DATA + 128;
  m.cpu.x[s1] = passes;
  for (let i = 0; i < 256; i += 4) m.ram.writeU32(DATA + i, (next(1 << 16) << 16) | next(1 << 16));
}

function snapshot(m: ReturnType<typeof machine>, stop: StopReason) {
  return {
    stop,
    pc: m.cpu.pc,
    cause: m.cpu.cause,
    tval: m.cpu.tval,
    instret: m.cpu.instret,
    x: [...m.cpu.x],
    data: [...m.ram.readBytes(DATA, 256)],
  };
}

describe('translated blocks against the interpreter', () => {
  it('random RV32IMC loops leave the same registers, memory, pc and instret', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const body = randomBody(random(seed * 7919), 4 + (seed % 20));
      const results = [true, false].map((translate) => {
        const m = machine(translate);
        prepare(m, body, seed);
        return snapshot(m, runToStop(m.cpu, 100_000));
      });
      expect(results[0]!.stop).toBe(StopReason.Trap);
      expect(results[0]!.cause).toBe(8);
      expect(results[0], `seed ${seed}`).toEqual(results[1]);
    }
  });

  it('every budget size stops at exactly the same instruction as stepping one at a time', () => {
    const body = randomBody(random(4242), 24);
    const reference = machine(false);
    prepare(reference, body, 4242);
    const expected = snapshot(reference, runToStop(reference.cpu, 1));
    for (const step of [1, 3, 7, 64, 1024]) {
      const m = machine(true);
      prepare(m, body, 4242);
      let stop: StopReason = StopReason.Budget;
      for (let retired = 0; stop === StopReason.Budget; retired += step) {
        stop = m.cpu.run(step);
        if (stop === StopReason.Budget) expect(m.cpu.instret).toBe(retired + step);
      }
      expect(snapshot(m, stop), `step ${step}`).toEqual(expected);
    }
  });

  it('a block that loops to its own start stops inside the budget at every budget size', () => {
    // 3 instructions per pass: a0 counts passes, a1 counts down from 100 000.
    const program = [A.addi(a0, a0, 1), A.addi(a1, a1, -1), A.bne(a1, zero, -8), A.ecall()];
    for (const budget of [1, 2, 3, 4, 5, 100, 1000, 1024, 4099]) {
      const m = machine(true);
      place(m.ram, CODE, program);
      m.cpu.x[a1] = 100_000;
      for (let slice = 1; slice <= 40; slice++) {
        expect(m.cpu.run(budget)).toBe(StopReason.Budget);
        expect(m.cpu.instret).toBe(slice * budget);
        const passes = Math.floor(m.cpu.instret / 3);
        const inPass = m.cpu.instret % 3;
        expect(m.cpu.x[a0]).toBe(passes + (inPass > 0 ? 1 : 0));
        expect(m.cpu.x[a1]).toBe(100_000 - passes - (inPass > 1 ? 1 : 0));
        expect(m.cpu.pc).toBe(CODE + 4 * inPass);
      }
    }
  });

  it('auipc + jalr (a call to a known address) loops and calls exactly as the interpreter does', () => {
    // A loop closed by auipc t0 / jalr ra back to its start, an auipc into x0 and a jalr through
    // a register rewritten after its auipc (target not known), then a call into a function.
    const program = [
      A.addi(a0, a0, 1), // 0
      A.addi(a1, a1, -1), // 4
      A.beq(a1, zero, 16), // 8 → 24
      A.auipc(zero, 1), // 12: no effect; x0 stays 0
      A.auipc(t0, 0), // 16: t0 = CODE + 16
      A.jalr(1, t0, -16), // 20 → CODE, ra = CODE + 24
      A.auipc(t1, 0), // 24: t1 = CODE + 24
      A.addi(t1, t1, 12), // 28: t1 = CODE + 36, no longer the auipc value
      A.jalr(1, t1, 0), // 32 → 36
      A.auipc(t0, 0), // 36
      A.jalr(1, t0, 12), // 40 → 48, ra = CODE + 44
      A.ecall(), // 44
      A.addi(a2, a2, 3), // 48
      A.jalr(zero, 1, 0), // 52 → 44
    ];
    const results = [true, false].map((translate) => {
      const m = machine(translate);
      place(m.ram, CODE, program);
      m.cpu.x[a1] = 200;
      return snapshot(m, runToStop(m.cpu, 7));
    });
    expect(results[0]).toMatchObject({ stop: StopReason.Trap, pc: CODE + 44, cause: 8, instret: 199 * 6 + 3 + 3 + 2 + 2 });
    expect(results[0]!.x[a0]).toBe(200);
    expect(results[0]!.x[a2]).toBe(3);
    expect(results[0]!.x[1]).toBe((CODE + 44) | 0);
    expect(results[0]).toEqual(results[1]);
  });

  it('a jalr through a register written after its auipc jumps to the register value in a hot block', () => {
    const program = [
      A.addi(a0, a0, 1), // 0
      A.auipc(t1, 0), // 4: t1 = CODE + 4
      A.addi(t1, t1, 12), // 8: t1 = CODE + 16
      A.jalr(1, t1, 0), // 12 → 16 (CODE + 4 if the auipc value were used)
      A.addi(a1, a1, -1), // 16
      A.bne(a1, zero, -20), // 20 → 0
      A.ecall(), // 24
    ];
    const results = [true, false].map((translate) => {
      const m = machine(translate);
      place(m.ram, CODE, program);
      m.cpu.x[a1] = 200;
      return snapshot(m, runToStop(m.cpu, 1024));
    });
    expect(results[0]).toMatchObject({ stop: StopReason.Trap, pc: CODE + 24, cause: 8, instret: 200 * 6 });
    expect(results[0]!.x[a0]).toBe(200);
    expect(results[0]).toEqual(results[1]);
  });

  it('a load fault inside a hot block reports the load pc, cause 5, the address and the retired count', () => {
    // Walks a pointer up by 4 KiB per pass until it leaves the 1 MiB of RAM.
    const program = [A.lw(a1, t0, 0), A.addi(a0, a0, 1), A.add(t0, t0, t1), A.jal(zero, -12)];
    const results = [true, false].map((translate) => {
      const m = machine(translate);
      place(m.ram, CODE, program);
      m.cpu.x[t0] = RAM_BASE;
      m.cpu.x[t1] = 4096;
      return snapshot(m, runToStop(m.cpu, 1000));
    });
    expect(results[0]).toMatchObject({ stop: StopReason.Trap, pc: CODE, cause: 5, tval: RAM_BASE + (1 << 20), instret: 256 * 4 });
    expect(results[0]!.x[a0]).toBe(256);
    expect(results[0]).toEqual(results[1]);
  });

  it('a chain of blocks on a page, exits before and after a register is first written, and a jump to the next page', () => {
    // Blocks without a loop of their own: 0–8 (ends at a jal), 16–24 (a taken branch leaves before
    // a0 is written, a misaligned lw after it and before a1 is), 28–44, and a jal to the next page,
    // whose block loops back to CODE. Every budget size is compared with the interpreter.
    const { a3, a4, a5 } = A;
    const program = [
      A.xori(a2, a2, 1), // 0
      A.add(t2, s0, a2), // 4: t2 misaligned when a2 = 1
      A.jal(zero, 8), // 8 → 16
      A.ecall(), // 12: not reached
      A.beq(a3, a2, 12), // 16 → 28 when a2 = 0
      A.addi(a0, a5, 7), // 20: a0 written before it is read
      A.lw(a1, t2, 0), // 24: the slow path when misaligned
      A.add(a4, a4, a1), // 28
      A.add(a5, a5, a0), // 32
      A.slli(a0, a0, 1), // 36
      A.addi(s1, s1, -1), // 40
      A.jal(zero, 4096 - 44), // 44 → CODE + 4096
    ];
    const nextPage = [A.beq(s1, zero, 8), A.jal(zero, -4100), A.ecall()];
    const setUp = (translate: boolean) => {
      const m = machine(translate);
      place(m.ram, CODE, program);
      place(m.ram, CODE + 4096, nextPage);
      for (let i = 0; i < 16; i += 4) m.ram.writeU32(DATA + i, 0x01020304 * (i + 1));
      m.cpu.x[s0] = DATA;
      m.cpu.x[s1] = 300;
      m.cpu.x[a0] = 11;
      m.cpu.x[a1] = 13;
      return m;
    };
    const reference = setUp(false);
    const expected = snapshot(reference, runToStop(reference.cpu, 1));
    expect(expected).toMatchObject({ stop: StopReason.Trap, cause: 8, pc: CODE + 4104 });
    for (const step of [1, 2, 3, 5, 7, 13, 64, 1000, 100_000]) {
      const m = setUp(true);
      let stop: StopReason = StopReason.Budget;
      for (let retired = 0; stop === StopReason.Budget; retired += step) {
        stop = m.cpu.run(step);
        if (stop === StopReason.Budget) expect(m.cpu.instret).toBe(retired + step);
      }
      expect(snapshot(m, stop), `step ${step}`).toEqual(expected);
    }
  });
});

describe('groups of loads and stores through one base register', () => {
  // A row of stores then loads off t0 (one TLB lookup, alignment and code-line check for each row),
  // t0 walking up by t1 per pass: across a page boundary inside RAM, misaligned when t1 is odd, and
  // off the end of RAM, where the last store of a row faults. Compared with the interpreter at
  // several budget sizes, registers, the walked memory, pc, cause and tval.
  const { a3, a4 } = A;
  const RAM_SIZE = 1 << 17;
  const program = [
    A.sw(a0, t0, 0),
    A.addi(a0, a0, 3),
    A.sw(a0, t0, 4),
    A.sw(a3, t0, 8),
    A.lw(a1, t0, 0),
    A.lw(a2, t0, 8),
    A.add(a4, a4, a1),
    A.lw(t2, t0, 4),
    A.add(a4, a4, t2),
    A.add(a4, a4, a2),
    A.add(t0, t0, t1),
    A.addi(s1, s1, -1),
    A.bne(s1, zero, -48),
    A.ecall(),
  ];
  const walk = RAM_BASE + RAM_SIZE - 4096 - 400;
  function setUp(translate: boolean, stride: number) {
    const m = machine(translate, RAM_SIZE);
    place(m.ram, CODE, program);
    m.cpu.x[t0] = walk;
    m.cpu.x[t1] = stride;
    m.cpu.x[s1] = 10_000;
    m.cpu.x[a0] = 5;
    m.cpu.x[a3] = 0x1234_5678;
    return m;
  }
  const view = (m: ReturnType<typeof machine>, stop: StopReason) => ({ ...snapshot(m, stop), walked: [...m.ram.readBytes(walk, RAM_BASE + RAM_SIZE - walk)] });
  for (const stride of [4, 2, 1]) {
    it(`stride ${stride}: the same registers, memory, pc, instret and fault as the interpreter`, () => {
      const reference = setUp(false, stride);
      const expected = view(reference, runToStop(reference.cpu, 100_000));
      expect(expected).toMatchObject({ stop: StopReason.Trap, cause: 7, tval: RAM_BASE + RAM_SIZE });
      for (const step of [1, 7, 64, 1000, 100_000]) {
        const m = setUp(true, stride);
        expect(view(m, runToStop(m.cpu, step)), `step ${step}`).toEqual(expected);
      }
    });
  }
});

describe('a hot loop whose single load and store alternate between two pages', () => {
  it('reads and writes each page the base register points to in every pass (no stale page)', () => {
    // A loop block caches each single access's page across passes: t0 flips between two pages.
    const program = [A.lw(a1, t0, 0), A.add(a0, a0, a1), A.sb(a0, t0, 9), A.xor(t0, t0, t1), A.addi(s1, s1, -1), A.bne(s1, zero, -20), A.ecall()];
    const setUp = (translate: boolean) => {
      const m = machine(translate);
      place(m.ram, CODE, program);
      m.ram.writeU32(DATA, 5);
      m.ram.writeU32(DATA + 4096, 7);
      m.cpu.x[t0] = DATA;
      m.cpu.x[t1] = 4096;
      m.cpu.x[s1] = 301;
      return m;
    };
    const view = (m: ReturnType<typeof machine>, stop: StopReason) => ({ ...snapshot(m, stop), other: [...m.ram.readBytes(DATA + 4096, 16)] });
    const reference = setUp(false);
    const expected = view(reference, runToStop(reference.cpu, 100_000));
    expect(expected.x[a0]).toBe(151 * 5 + 150 * 7);
    for (const step of [1000, 100_000]) {
      const m = setUp(true);
      expect(view(m, runToStop(m.cpu, step)), `step ${step}`).toEqual(expected);
    }
  });
});

describe('a load and a store back through one base register (one group, both TLBs)', () => {
  it('faults at the store on a page that is readable but not writable, as the interpreter does', () => {
    // VA 0x6000 read-write, 0x7000 read-only and already in the read TLB (the lw at 0): the group's
    // check must look at the write TLB too, or the hot loop would store into the read-only page.
    const results = [true, false].map((translate) => {
      const m = machine(translate, 8 << 20);
      const root = RAM_BASE + 0x10_0000;
      const leaf = RAM_BASE + 0x10_1000;
      const pte = (pa: number, flags: number) => (((pa >>> 12) << 10) | flags) >>> 0;
      m.ram.writeU32(root, pte(leaf, PTE_V));
      m.ram.writeU32(leaf + 1 * 4, pte(CODE, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A));
      m.ram.writeU32(leaf + 6 * 4, pte(DATA, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D));
      m.ram.writeU32(leaf + 7 * 4, pte(DATA + 0x1000, PTE_V | PTE_R | PTE_U | PTE_A));
      place(m.ram, CODE, [A.lw(t2, s0, 0), A.lw(a1, t0, 0), A.addi(a1, a1, 1), A.sw(a1, t0, 0), A.add(t0, t0, t1), A.addi(s1, s1, -1), A.bne(s1, zero, -20), A.ecall()]);
      m.cpu.setSatp(SATP_MODE_SV32 | (root >>> 12));
      m.cpu.pc = 0x1000;
      m.cpu.x[s0] = 0x7000;
      m.cpu.x[t0] = 0x7000 - 800;
      m.cpu.x[t1] = 4;
      m.cpu.x[s1] = 1000;
      const stop = runToStop(m.cpu, 1024);
      return { ...snapshot(m, stop), readOnly: [...m.ram.readBytes(DATA + 0x1000, 16)] };
    });
    expect(results[1]).toMatchObject({ stop: StopReason.Trap, cause: 15, tval: 0x7000, pc: 0x100c });
    expect(results[0]).toEqual(results[1]);
  });
});

describe('ecalls reached by a chain of translated blocks', () => {
  // Two "threads" on two pages, each calling ecall in a hot loop; the hook is a small kernel that
  // saves and loads all registers, switches threads, returns budgets from a random sequence (0:
  // run ends with StopReason.Ecall; some shorter than the next block; one odd pc) and at last
  // rewrites B's ecall into ebreak through PhysicalMemory (its mark must be dropped). Every hook
  // call and the end must be the same with translation (runChain takes the ecalls) as without.
  const threadA = [A.addi(a0, a0, 1), A.ecall(), A.addi(s1, s1, -1), A.bne(s1, zero, -12), A.ecall()];
  const threadB = [A.add(a1, a1, a0), A.xori(a2, a1, 5), A.ecall(), A.jal(zero, -12)];
  const B_CODE = CODE + 0x2000;
  // With `swap` the hook points `cpu.x` at the next thread's own array instead of copying (as
  // the kernel's run loop does): the chain's blocks and the interpreter must both use the new
  // array; a third thread then runs A's code with registers of its own (blocks are shared).
  function run(translate: boolean, seed: number, step: number, swap = false, threads = 2) {
    const m = machine(translate);
    place(m.ram, CODE, threadA);
    place(m.ram, B_CODE, threadB);
    const cpu = m.cpu;
    const regs = Array.from({ length: threads }, () => new Int32Array(32));
    const pcs = [CODE, B_CODE, CODE].slice(0, threads);
    regs[0]![s1] = 2000;
    if (threads === 3) regs[2]![s1] = 1500;
    if (swap) cpu.x = regs[0]!;
    else cpu.x.set(regs[0]!);
    let current = 0;
    const next = random(seed);
    const log: number[][] = [];
    let oddPcGiven = false;
    cpu.ecallHook = () => {
      log.push([cpu.pc, cpu.instret, cpu.cause, cpu.tval, cpu.trapInsnLength, current, ...cpu.x]);
      if (!swap) regs[current]!.set(cpu.x);
      pcs[current] = cpu.pc + 4;
      if (next(3) !== 0) current = threads === 2 ? 1 - current : (current + 1 + next(2)) % 3;
      if (log.length === 500) m.ram.writeU32(B_CODE + 8, A.ebreak());
      if (swap) cpu.x = regs[current]!;
      else cpu.x.set(regs[current]!);
      cpu.pc = pcs[current]!;
      if (log.length === 300 && !oddPcGiven) {
        oddPcGiven = true;
        cpu.pc += 1;
      }
      const roll = next(10);
      return roll === 0 ? 0 : roll === 1 ? 1 + next(3) : 4 + next(60);
    };
    const stops: number[][] = [];
    for (let i = 0; i < 100_000; i++) {
      const stop = cpu.run(step);
      // Every stop, the budget's too: a run must end where its budget (or the hook's) does.
      stops.push([stop, cpu.pc, cpu.instret, cpu.cause, cpu.tval]);
      if (stop === StopReason.Budget || stop === StopReason.Ecall) continue;
      if (stop === StopReason.Trap && cpu.cause === 0) {
        // The odd pc: the "kernel" puts it right and goes on.
        cpu.pc -= 1;
        continue;
      }
      break;
    }
    return { log, stops, end: snapshot(m, StopReason.Trap) };
  }
  it('go to the hook as from the interpreter: pc, instret, trap fields, registers, budgets, and a rewritten ecall', () => {
    for (const [seed, step] of [
      [1, 1000],
      [2, 37],
      [3, 5],
      [4, 100_000],
    ] as const) {
      const expected = run(false, seed, step);
      expect(expected.log.length).toBeGreaterThanOrEqual(500);
      expect(expected.stops.at(-1)![3], 'ends at the ebreak').toBe(3);
      expect(run(true, seed, step), `seed ${seed} step ${step}`).toEqual(expected);
    }
  });
  it('run on the array the hook points cpu.x at, translated or not', () => {
    for (const [seed, step] of [
      [5, 1000],
      [6, 37],
      [7, 100_000],
    ] as const) {
      const expected = run(false, seed, step, false, 3);
      expect(expected.log.length).toBeGreaterThanOrEqual(500);
      expect(new Set(expected.log.map((entry) => entry[5])).size, 'all three threads ran').toBe(3);
      expect(run(false, seed, step, true, 3), `interpreted, seed ${seed} step ${step}`).toEqual(expected);
      expect(run(true, seed, step, true, 3), `translated, seed ${seed} step ${step}`).toEqual(expected);
    }
  });
});

describe('translated blocks are dropped when their code is written', () => {
  /** a0 += k with k taken from the addi at CODE + 4, which the loop patches to k + 1 each pass. */
  function patchingLoop(patch: readonly number[]) {
    return [
      A.auipc(t0, 0), // t0 = CODE
      A.addi(a0, a0, 1), // patched: its immediate grows by one per pass
      ...patch,
      A.fenceI(),
      A.addi(a1, a1, -1),
      A.bne(a1, zero, -(4 * (patch.length + 3))),
      A.ecall(),
    ];
  }

  const patches: Record<string, readonly number[]> = {
    'a store (fast path)': [A.lw(t2, t0, 4), A.add(t2, t2, a2), A.sw(t2, t0, 4)],
    'a group of two stores (one code-line check)': [A.lw(t2, t0, 4), A.add(t2, t2, a2), A.sw(t2, t0, 4), A.sw(t2, t0, 4)],
    'an AMO': [A.addi(t1, t0, 4), A.amoaddW(zero, a2, t1)],
    'a misaligned store pair (slow path)': [
      A.lw(t2, t0, 4), A.add(t2, t2, a2), A.srli(t1, t2, 8), A.sb(t2, t0, 4), A.sh(t1, t0, 5), A.srli(t1, t1, 16), A.sb(t1, t0, 7),
    ],
  };
  for (const [how, patch] of Object.entries(patches)) {
    it(`code rewritten by ${how} and fence.i runs in its new form (hot, every pass)`, () => {
      const m = machine(true);
      place(m.ram, CODE, patchingLoop(patch));
      m.cpu.x[a1] = 1000;
      m.cpu.x[a2] = 1 << 20; // +1 in the I-immediate
      expect(runToStop(m.cpu, 1024)).toBe(StopReason.Trap);
      expect(m.cpu.cause).toBe(8);
      expect(m.cpu.x[a0]).toBe((1000 * 1001) / 2);
    });
  }

  it('an instruction rewritten once after its loop ran hot takes effect after fence.i', () => {
    // Counts 100 passes with addi a0, a0, 1; then patches it to addi a0, a0, 2 and counts again.
    const m = machine(true);
    place(m.ram, CODE, [
      A.addi(a1, zero, 100),
      A.addi(a0, a0, 1),
      A.addi(a1, a1, -1),
      A.bne(a1, zero, -8),
      A.bne(s1, zero, 24),
      A.addi(s1, zero, 1),
      A.auipc(t0, 0),
      A.sw(t1, t0, -20),
      A.fenceI(),
      A.jal(zero, -36),
      A.ecall(),
    ]);
    m.cpu.x[t1] = A.addi(a0, a0, 2);
    expect(runToStop(m.cpu, 1024)).toBe(StopReason.Trap);
    expect(m.cpu.pc).toBe(CODE + 40);
    expect(m.cpu.x[a0]).toBe(300);
  });

  it('a PhysicalMemory write between runs (kernel, ELF loader) replaces translated code', () => {
    const m = machine(true);
    place(m.ram, CODE, [A.addi(a0, a0, 1), A.addi(a1, a1, -1), A.bne(a1, zero, -8), A.ecall()]);
    m.cpu.x[a1] = 100;
    expect(runToStop(m.cpu, 1024)).toBe(StopReason.Trap);
    expect(m.cpu.x[a0]).toBe(100);
    for (const write of [
      () => m.ram.writeU32(CODE, A.addi(a0, a0, 5)),
      () => m.ram.writeBytes(CODE, new Uint8Array(new Uint32Array([A.addi(a0, a0, 5)]).buffer)),
    ]) {
      m.ram.writeU32(CODE, A.addi(a0, a0, 1));
      m.cpu.x[a0] = 0;
      m.cpu.x[a1] = 100;
      m.cpu.pc = CODE;
      runToStop(m.cpu, 1024);
      expect(m.cpu.x[a0]).toBe(100);
      write();
      m.cpu.x[a0] = 0;
      m.cpu.x[a1] = 100;
      m.cpu.pc = CODE;
      expect(runToStop(m.cpu, 1024)).toBe(StopReason.Trap);
      expect(m.cpu.x[a0]).toBe(500);
    }
    m.ram.fill(CODE, 4);
    m.cpu.pc = CODE;
    expect(m.cpu.run(10)).toBe(StopReason.Trap);
    expect(m.cpu.cause).toBe(2);
  });

  it('code reached through a jal in a hot loop is replaced when written', () => {
    // The loop: addi, jal over two ecalls, then addi a0 and the bne back.
    const m = machine(true);
    place(m.ram, CODE, [A.addi(a1, a1, -1), A.jal(2, 12), A.ecall(), A.ecall(), A.addi(a0, a0, 1), A.bne(a1, zero, -20), A.ecall()]);
    for (const [increment, expected] of [[1, 100], [5, 500]] as const) {
      m.ram.writeU32(CODE + 16, A.addi(a0, a0, increment));
      m.cpu.x[a0] = 0;
      m.cpu.x[a1] = 100;
      m.cpu.pc = CODE;
      expect(runToStop(m.cpu, 1024)).toBe(StopReason.Trap);
      expect(m.cpu.pc).toBe(CODE + 24);
      expect(m.cpu.x[a0]).toBe(expected);
      expect(m.cpu.x[2]).toBe((CODE + 8) | 0);
    }
  });

  it('one physical page mapped at two virtual addresses gives each mapping its own pc values', () => {
    const m = machine(true, 8 << 20);
    const root = RAM_BASE + 0x10_0000;
    const leaf = RAM_BASE + 0x10_1000;
    const pte = (pa: number, flags: number) => (((pa >>> 12) << 10) | flags) >>> 0;
    const urx = PTE_V | PTE_R | PTE_X | PTE_U | PTE_A;
    m.ram.writeU32(root, pte(leaf, PTE_V));
    m.ram.writeU32(leaf + 1 * 4, pte(CODE, urx));
    m.ram.writeU32(leaf + 5 * 4, pte(CODE, urx));
    m.ram.writeU32(leaf + 6 * 4, pte(DATA, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D));
    // a2 = pc of the auipc, ra = return address of a jal over one instruction.
    place(m.ram, CODE, [A.auipc(a2, 0), A.jal(1, 8), A.ecall(), A.addi(a1, a1, -1), A.bne(a1, zero, -16), A.ecall()]);
    m.cpu.setSatp(SATP_MODE_SV32 | (root >>> 12));
    for (const base of [0x1000, 0x5000, 0x1000]) {
      m.cpu.pc = base;
      m.cpu.x[a1] = 100;
      expect(runToStop(m.cpu, 1024)).toBe(StopReason.Trap);
      expect(m.cpu.pc).toBe(base + 20);
      expect(m.cpu.x[a2]).toBe(base);
      expect(m.cpu.x[1]).toBe(base + 8);
    }
  });
});

describe('the hot threshold (Rv32Cpu.setHotThreshold)', () => {
  /** Whether the block start at CODE has a translated block after the loop at CODE ran `passes` times. */
  function translatedAfter(passes: number, threshold?: number) {
    const m = machine(true);
    const previous = threshold === undefined ? undefined : m.cpu.setHotThreshold(threshold);
    // The loop's start is reached once per pass: a0 counts passes, a1 counts down.
    place(m.ram, CODE, [A.addi(a0, a0, 1), A.addi(a1, a1, -1), A.bne(a1, zero, -8), A.ecall()]);
    m.cpu.x[a1] = passes;
    const stop = runToStop(m.cpu, 100_000);
    const cache = (m.cpu as unknown as { blockCache: { pages: ({ lengths: Int16Array } | null)[] } }).blockCache;
    return { stop, a0: m.cpu.x[a0], instret: m.cpu.instret, previous, translated: (cache.pages[0]?.lengths[0] ?? 0) > 0 };
  }

  it('translates a start at 16 arrivals by default, at the threshold set, with the same results', () => {
    expect(translatedAfter(15).translated).toBe(false);
    expect(translatedAfter(17).translated).toBe(true);
    const slower = translatedAfter(40, 64);
    expect(slower).toMatchObject({ translated: false, previous: 16, a0: 40, instret: 40 * 3, stop: StopReason.Trap });
    expect(translatedAfter(70, 64)).toMatchObject({ translated: true, a0: 70, instret: 70 * 3 });
    expect(translatedAfter(300, 255)).toMatchObject({ translated: true, a0: 300, instret: 300 * 3 });
    expect(translatedAfter(3, 1).translated).toBe(true);
  });

  it('applies to a CPU that has run, returns the previous value and refuses values outside 1 to 255', () => {
    const m = machine(true);
    m.cpu.run(0);
    expect(m.cpu.setHotThreshold(100)).toBe(16);
    expect(m.cpu.setHotThreshold(16)).toBe(100);
    for (const bad of [0, 256, 1.5, Number.NaN]) expect(() => m.cpu.setHotThreshold(bad)).toThrow(RangeError);
    expect(m.cpu.setHotThreshold(16)).toBe(16);
  });
});
