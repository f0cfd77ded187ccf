// A machine built from the bundled platform DTB: RAM, device models by compatible, IRQ wiring into
// the PLIC, polling, stops, and the handling of unknown or unmappable device nodes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMachine, type Machine } from '../../../runtime/machine/machine.js';
import { decodeFdt, encodeFdt, type FdtNode } from '../../../image/fdt/index.js';
import { DiagnosticError } from '../../../schema/diagnostics.js';
import { UART_IER, UART_IER_RDI, UART_LSR, UART_LSR_DR, UART_RBR } from '../../../runtime/machine/devices/ns16550a.js';
import { PLIC_CONTEXT_BASE, PLIC_CONTEXT_CLAIM, PLIC_CONTEXT_STRIDE, PLIC_ENABLE_BASE, PLIC_ENABLE_STRIDE } from '../../../runtime/machine/devices/sifivePlic.js';
import { corpusPath } from '../../helpers/corpus.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bundledDtb = fs.readFileSync(path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dtb'));

// RV32I encoders for the few instructions these tests place in RAM by hand.
const lui = (rd: number, imm20: number) => ((imm20 << 12) | (rd << 7) | 0x37) >>> 0;
const addi = (rd: number, rs1: number, imm: number) => (((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13) >>> 0;
const sb = (rs2: number, rs1: number, imm: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | ((imm & 0x1f) << 7) | 0x23) >>> 0;
const sw = (rs2: number, rs1: number, imm: number) => (sb(rs2, rs1, imm) | (2 << 12)) >>> 0;
const lw = (rd: number, rs1: number, imm: number) => (((imm & 0xfff) << 20) | (rs1 << 15) | (2 << 12) | (rd << 7) | 0x03) >>> 0;
const jalSelf = 0x0000_006f; // j .
/** One 8N1 frame at 115200 baud (86 806 ns, rounded up) in instructions of 10 ns. */
const FRAME_INSTRUCTIONS = 8681;
const T0 = 5;
const T1 = 6;

function recordingMachine(options: { stdin?: Uint8Array; dtb?: Uint8Array; pollInterval?: number } = {}) {
  const uart: number[] = [];
  const powerOffs: { kind: string; code: number }[] = [];
  const machine = createMachine(options.dtb ?? bundledDtb, {
    sink: { uartByte: (_d, b) => uart.push(b), powerOff: (kind, code) => powerOffs.push({ kind, code }) },
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.pollInterval ? { pollInterval: options.pollInterval } : {}),
  });
  return { machine, uart, powerOffs };
}

function load(machine: Machine, words: readonly number[]): void {
  words.forEach((word, i) => machine.ram.writeU32(0x8000_0000 + 4 * i, word));
  machine.cpu.pc = 0x8000_0000;
}

const cells = (...values: number[]) => {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v));
  return bytes;
};
const text = (s: string) => new TextEncoder().encode(s + '\0');

/** The bundled DTB with extra nodes under /soc. */
function dtbWith(...nodes: FdtNode[]): Uint8Array {
  const tree = decodeFdt(bundledDtb);
  const root = tree.root;
  const soc = root.children.find((c) => c.name === 'soc')!;
  const newSoc: FdtNode = { ...soc, children: [...soc.children, ...nodes] };
  return encodeFdt({ ...tree, root: { ...root, children: root.children.map((c) => (c === soc ? newSoc : c)) } });
}

describe('createMachine from kaal-virt-rv32', () => {
  it('maps 128 MiB of RAM at 0x8000_0000 and a model for every device, by address', () => {
    const { machine } = recordingMachine();
    expect([machine.ram.base, machine.ram.size]).toEqual([0x8000_0000, 0x800_0000]);
    expect(machine.devices.map((d) => [d.path, d.model, d.base, d.size])).toEqual([
      ['/soc/test@100000', 'sifive,test1', 0x10_0000, 0x1000],
      ['/soc/rtc@101000', 'google,goldfish-rtc', 0x10_1000, 0x1000],
      ['/soc/clint@2000000', 'sifive,clint0', 0x200_0000, 0x1_0000],
      ['/soc/plic@c000000', 'sifive,plic-1.0.0', 0xc00_0000, 0x60_0000],
      ['/soc/serial@10000000', 'ns16550a', 0x1000_0000, 0x100],
    ]);
    expect(machine.diagnostics).toEqual([]);
    expect(machine.clock.timebaseFrequency).toBe(10_000_000);
  });

  it('takes the PLIC contexts from interrupts-extended and its sources from riscv,ndev', () => {
    const { machine } = recordingMachine();
    expect(machine.plic?.contextCount).toBe(2);
    expect(machine.plic?.contextTargets).toEqual([11, 9]);
    expect(machine.plic?.ndev).toBe(95);
    expect(machine.clint?.harts).toBe(1);
  });

  it('wires the UART to PLIC source 10 and the RTC to source 11', () => {
    const { machine } = recordingMachine();
    const byPath = Object.fromEntries(machine.devices.map((d) => [d.path, d.interrupts]));
    expect(byPath['/soc/serial@10000000']).toEqual([10]);
    expect(byPath['/soc/rtc@101000']).toEqual([11]);
    const plic = machine.plic!;
    plic.write(4 * 10, 4, 1);
    plic.write(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE, 4, 1 << 10);
    machine.uart!.write(UART_IER, 1, UART_IER_RDI);
    expect(machine.externalInterruptPending(1)).toBe(false);
    machine.uart!.pushInput(new Uint8Array([0x41]));
    expect(machine.externalInterruptPending(1)).toBe(false); // the byte is still on the line
    load(machine, [jalSelf]);
    machine.run(FRAME_INSTRUCTIONS);
    expect(machine.externalInterruptPending(1)).toBe(true);
    expect(machine.externalInterruptPending(0)).toBe(false); // context 0 has nothing enabled
    expect(plic.read(PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE + PLIC_CONTEXT_CLAIM, 4)).toBe(10);
    expect(machine.uart!.read(UART_RBR, 1)).toBe(0x41);
    plic.write(PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE + PLIC_CONTEXT_CLAIM, 4, 10);
    expect(machine.externalInterruptPending(1)).toBe(false);
  });

  it('runs code that stores to the UART, and sends the bytes to the sink', () => {
    const { machine, uart } = recordingMachine();
    load(machine, [lui(T0, 0x10000), addi(T1, 0, 0x4b), sb(T1, T0, 0), addi(T1, 0, 0x43), sb(T1, T0, 0), jalSelf]);
    expect(machine.run(100)).toEqual({ kind: 'budget' });
    expect(uart).toEqual([0x4b, 0x43]);
    expect(machine.cpu.instret).toBe(100);
    expect(machine.deviceAt(0x1000_0005)?.region.writes).toBe(2);
  });

  it('records a write of an unknown command to the test device as a guest error and runs on', () => {
    const { machine, powerOffs } = recordingMachine();
    load(machine, [lui(T0, 0x100), addi(T1, 0, 0x123), sw(T1, T0, 0), jalSelf]);
    expect(machine.run(50)).toEqual({ kind: 'budget' });
    // The pc is the storing instruction's (the third word).
    expect(machine.guestErrors.map((e) => [e.device, e.offset, e.size, e.write, e.pc])).toEqual([
      ['/soc/test@100000', 0, 4, true, 0x8000_0008],
    ]);
    expect(powerOffs).toEqual([]);
    expect(machine.powerOff).toBeNull();
  });

  it('stops with poweroff right after the instruction that writes the test device', () => {
    const { machine, powerOffs } = recordingMachine();
    // t1 = 0x2a3000 + 0x333 = 42 << 16 | 0x3333: fail with code 42
    load(machine, [lui(T0, 0x100), lui(T1, 0x2a3), addi(T1, T1, 0x333), sw(T1, T0, 0), jalSelf]);
    expect(machine.run(1000)).toEqual({ kind: 'poweroff', power: 'fail', code: 42 });
    expect(machine.cpu.instret).toBe(4);
    expect(powerOffs).toEqual([{ kind: 'fail', code: 42 }]);
    expect(machine.powerOff).toEqual({ power: 'fail', code: 42 });
  });

  it('hands ecalls to RunOptions.ecall inside the run, which goes on as a new run with the budget it returns', () => {
    const { machine } = recordingMachine({ pollInterval: 16 });
    const ecall = 0x0000_0073;
    // 0-16: five addi; 20: ecall; 24: j . — the ecall, handled, resumes after it with a budget of 40.
    const program = [addi(T0, T0, 1), addi(T0, T0, 1), addi(T0, T0, 1), addi(T0, T0, 1), addi(T0, T0, 1), ecall, jalSelf];
    load(machine, program);
    const seen: number[] = [];
    const resume = (budget: number) => () => {
      seen.push(machine.cpu.instret);
      machine.cpu.pc += 4;
      return budget;
    };
    expect(machine.run(1000, { ecall: resume(40) })).toEqual({ kind: 'budget' });
    expect([seen, machine.cpu.instret, machine.cpu.x[T0]]).toEqual([[5], 45, 5]);
    // Returning 0 ends the run at once.
    load(machine, program);
    expect(machine.run(1000, { ecall: resume(0) })).toEqual({ kind: 'ecall' });
    expect([machine.cpu.instret, machine.cpu.pc]).toEqual([50, 0x8000_0018]);
    // The poll interval counts from the ecall, as for a new run: a UART frame begun at the ecall
    // raises its interrupt at the first poll after it ends, 16 × 543 instructions on.
    const plic = machine.plic!;
    plic.write(4 * 10, 4, 3);
    plic.write(PLIC_ENABLE_BASE, 4, 1 << 10);
    machine.uart!.write(UART_IER, 1, UART_IER_RDI);
    load(machine, program);
    const stop = machine.run(20_000, {
      interruptContext: 0,
      ecall: () => {
        machine.uart!.pushInput(new Uint8Array([0x0a]));
        return resume(20_000)();
      },
    });
    expect(stop).toEqual({ kind: 'interrupt', context: 0 });
    expect(machine.cpu.instret).toBe(55 + 16 * 543);
    // An interrupt pending after the ecall ends the run instead of going on (the next run stops for it).
    plic.write(PLIC_ENABLE_BASE, 4, 0);
    load(machine, program);
    const enabling = resume(40);
    const ended = machine.run(1000, {
      interruptContext: 0,
      ecall: () => {
        plic.write(PLIC_ENABLE_BASE, 4, 1 << 10);
        return enabling();
      },
    });
    expect(ended).toEqual({ kind: 'ecall' });
    expect(machine.cpu.pc).toBe(0x8000_0018);
    expect(machine.run(1000, { interruptContext: 0 })).toEqual({ kind: 'interrupt', context: 0 });
    // Without the option an ecall is a trap, and no hook is left on the CPU after a run.
    load(machine, program);
    expect(machine.run(100)).toEqual({ kind: 'trap', cause: 8, tval: 0, pc: 0x8000_0014, insnLength: 4 });
    expect(machine.cpu.ecallHook).toBeUndefined();
  });

  it('reports a trap with cause, pc and tval, for an access to an unmapped address', () => {
    const { machine } = recordingMachine();
    load(machine, [lui(T0, 0x40000), lw(T1, T0, 8)]);
    expect(machine.run(10)).toEqual({ kind: 'trap', cause: 5, tval: 0x4000_0008, pc: 0x8000_0004, insnLength: 4 });
  });

  it('stops for an interrupt pending at the watched PLIC context once devices are polled', () => {
    const { machine } = recordingMachine({ pollInterval: 16 });
    const plic = machine.plic!;
    plic.write(4 * 10, 4, 3);
    plic.write(PLIC_ENABLE_BASE, 4, 1 << 10);
    machine.uart!.write(UART_IER, 1, UART_IER_RDI);
    load(machine, [jalSelf]);
    expect(machine.run(64, { interruptContext: 0 })).toEqual({ kind: 'budget' });
    machine.uart!.pushInput(new Uint8Array([0x0a]));
    expect(machine.run(FRAME_INSTRUCTIONS + 64, { interruptContext: 0 })).toEqual({ kind: 'interrupt', context: 0 });
    // Stopped at the first poll after the frame ended (8 680.6 instructions after it began).
    expect(machine.cpu.instret).toBe(64 + Math.ceil((FRAME_INSTRUCTIONS - 1) / 16) * 16);
  });

  it('raises the RTC alarm at PLIC source 11 when virtual time reaches it', () => {
    const { machine } = recordingMachine({ pollInterval: 100 });
    const plic = machine.plic!;
    plic.write(4 * 11, 4, 1);
    plic.write(PLIC_ENABLE_BASE, 4, 1 << 11);
    const rtc = machine.rtc!;
    rtc.write(0x10, 4, 1); // IRQ_ENABLED
    rtc.write(0x08, 4, 50_000); // ALARM_LOW: 50 µs = 5000 instructions
    load(machine, [jalSelf]);
    expect(machine.run(4900, { interruptContext: 0 })).toEqual({ kind: 'budget' });
    expect(machine.run(1000, { interruptContext: 0 })).toEqual({ kind: 'interrupt', context: 0 });
    expect(machine.cpu.instret).toBe(5000);
    expect(plic.claim(0)).toBe(11);
  });

  it('lets time pass while idle until the RTC alarm interrupts, counted in instret as idle', () => {
    const { machine } = recordingMachine({ pollInterval: 100 });
    const plic = machine.plic!;
    plic.write(4 * 11, 4, 1);
    plic.write(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE, 4, 1 << 11);
    machine.rtc!.write(0x10, 4, 1);
    machine.rtc!.write(0x08, 4, 1_000_000); // 1 ms = 100 000 instructions' worth
    expect(machine.idle(1_000_000, { interruptContext: 1 })).toEqual({ kind: 'interrupt', context: 1 });
    expect(machine.idleInstructions).toBe(100_000);
    expect(machine.cpu.instret).toBe(100_000);
    expect(machine.rtc!.time()).toBe(1_000_000n);
    expect(machine.clint!.mtime()).toBe(10_000n);
    load(machine, [0xc010_2373 /* rdtime t1 */, jalSelf]);
    machine.run(1);
    expect(machine.cpu.x[T1]).toBe(10_000); // the time CSR agrees with the CLINT
  });

  it('feeds stdin to the console UART at 115200 baud until the driver programs the divisor', () => {
    const { machine } = recordingMachine({ stdin: new TextEncoder().encode('ok') });
    expect(machine.uart!.baud).toBe(115_200);
    load(machine, [jalSelf]);
    machine.run(FRAME_INSTRUCTIONS - 1);
    expect(machine.uart!.read(UART_LSR, 1) & UART_LSR_DR).toBe(0);
    machine.run(1);
    expect(machine.uart!.read(UART_RBR, 1)).toBe(0x6f);
    machine.run(FRAME_INSTRUCTIONS);
    expect(machine.uart!.read(UART_RBR, 1)).toBe(0x6b);
    expect(machine.uart!.overruns).toBe(0);
  });

  it('advances the RTC with retired instructions (10 ns each at the default rate)', () => {
    const { machine } = recordingMachine();
    load(machine, [jalSelf]);
    machine.run(1000);
    expect(machine.rtc!.time()).toBe(10_000n);
    expect(machine.clint!.mtime()).toBe(100n);
  });
});

describe('createMachine with other device trees', () => {
  it('records a byte access to a 4-byte-only device with the pc, reading 0', () => {
    const { machine } = recordingMachine();
    load(machine, [lui(T0, 0x101), addi(T1, 0, 7), 0x0002_c303 /* lbu t1, 0(t0) */, jalSelf]);
    machine.run(10);
    expect(machine.cpu.x[T1]).toBe(0);
    expect(machine.guestErrors.map((e) => [e.device, e.offset, e.size, e.write, e.pc])).toEqual([
      ['/soc/rtc@101000', 0, 1, false, 0x8000_0008],
    ]);
    expect(machine.deviceAt(0x10_1000)?.region.badAccesses).toBe(1);
  });

  it('maps a node without a model as an inert region that counts accesses', () => {
    const virtio: FdtNode = {
      name: 'virtio_mmio@10001000',
      properties: [
        { name: 'reg', value: cells(0, 0x1000_1000, 0, 0x1000) },
        { name: 'compatible', value: text('virtio,mmio') },
      ],
      children: [],
    };
    const { machine } = recordingMachine({ dtb: dtbWith(virtio) });
    const inert = machine.deviceAt(0x1000_1000)!;
    expect([inert.model, inert.device.kind]).toEqual([null, 'virtio,mmio']);
    load(machine, [lui(T0, 0x10001), lw(T1, T0, 0), sw(T1, T0, 4), jalSelf]);
    machine.run(10);
    expect([inert.region.reads, inert.region.writes]).toEqual([1, 1]);
    expect(machine.cpu.x[T1]).toBe(0);
  });

  it('warns about a device it cannot map by page and builds the rest', () => {
    const odd: FdtNode = {
      name: 'odd@10000800',
      properties: [
        { name: 'reg', value: cells(0, 0x3000_0800, 0, 0x100) },
        { name: 'compatible', value: text('vendor,odd') },
      ],
      children: [],
    };
    const { machine } = recordingMachine({ dtb: dtbWith(odd) });
    expect(machine.diagnostics.map((d) => [d.code, d.severity])).toEqual([['KC7805', 'warning']]);
    expect(machine.diagnostics[0]!.message).toContain("device '/soc/odd@10000800' at '0x30000800' cannot be mapped");
    expect(machine.devices).toHaveLength(5);
  });

  it("builds QEMU's own virt DTB: RAM capped with KC7809, virtio and flash inert, the same models", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-machine-virt-'));
    try {
      const dts = corpusPath('dts/generated/qemu-riscv-virt32.dts');
      const dtbPath = path.join(dir, 'virt.dtb');
      execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', dtbPath, dts]);
      const { machine } = recordingMachine({ dtb: fs.readFileSync(dtbPath) });
      expect(machine.diagnostics.map((d) => d.code)).toEqual(['KC7809']);
      expect(machine.ram.size).toBe(256 * 1024 * 1024);
      const models = machine.devices.filter((d) => d.model !== null).map((d) => [d.base, d.model]);
      expect(models).toEqual([
        [0x10_0000, 'sifive,test1'],
        [0x10_1000, 'google,goldfish-rtc'],
        [0x200_0000, 'sifive,clint0'],
        [0xc00_0000, 'sifive,plic-1.0.0'],
        [0x1000_0000, 'ns16550a'],
      ]);
      const inert = machine.devices.filter((d) => d.model === null).map((d) => d.device.kind);
      expect(inert.filter((k) => k === 'virtio,mmio')).toHaveLength(8);
      expect(inert).toContain('cfi-flash');
      expect(inert).toContain('qemu,fw-cfg-mmio');
      expect(machine.deviceAt(0x1000_0000)?.interrupts).toEqual([10]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a platform without memory with KC7806', () => {
    const tree = decodeFdt(bundledDtb);
    const dtb = encodeFdt({ ...tree, root: { ...tree.root, children: tree.root.children.filter((c) => !c.name.startsWith('memory')) } });
    let error: unknown;
    try {
      recordingMachine({ dtb });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DiagnosticError);
    expect((error as DiagnosticError).diagnostic.code).toBe('KC7806');
  });

  it('rejects a malformed DTB with a KC2xxx diagnostic, not a crash', () => {
    expect(() => recordingMachine({ dtb: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) })).toThrow(DiagnosticError);
  });
});
