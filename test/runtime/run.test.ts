// The examples run from their images under the kernel: expected output, report contents, violations,
// limit and deadlock outcomes, and identical output/report/trace across two runs.
import { describe, it, expect } from 'vitest';
import { runImage, startSystem, type RunImageOptions } from '../../runtime/run.js';
import { bootImage } from '../../runtime/boot/index.js';
import fs from 'node:fs';
import path from 'node:path';
import { findSymbol, readElf } from '../../image/elf.js';
import { readImage } from '../../image/bootImage/index.js';
import type { Plan } from '../../schema/plan.generated.js';
import { exampleImage, repoRoot, withCode } from './exampleImages.js';

function run(bytes: Uint8Array, options: RunImageOptions = {}) {
  const out: number[] = [];
  const trace: string[] = [];
  const result = runImage(bytes, { maxInstructions: 20_000_000, uartByte: (b) => out.push(b), debugPutChar: (b) => out.push(b), trace: (l) => trace.push(l), ...options });
  return { ...result, output: Buffer.from(out).toString('latin1'), trace };
}

describe('kaal-compose run: the examples under the kernel', () => {
  it('hello prints through its UART grant and powers off with code 0', async () => {
    const r = run(await exampleImage('hello'));
    expect(r.output).toBe("hello, world from 'hello' of system 'hello'\n");
    expect(r.exitCode).toBe(0);
    expect(r.report).toMatchObject({ outcome: 'poweroff', exitCode: 0, violations: [] });
    expect(Object.keys(r.report!)).toEqual(expect.arrayContaining(['outcome', 'exitCode', 'instructions', 'components', 'grants', 'violations']));
    const uart = r.report!.grants.find((g) => g.device === '/soc/serial@10000000')!;
    expect(uart).toMatchObject({ component: 'hello', kind: 'mmio', paddr: '0x10000000', size: 4096, irq: null, deliveries: 0, acks: 0 });
    // One THR write per character; the LSR is polled before each.
    expect(uart.writes).toBe(r.output.length);
    expect(uart.reads).toBeGreaterThanOrEqual(r.output.length);
    expect(r.report!.grants.find((g) => g.device === '/soc/test@100000')!.writes).toBe(1);
  });

  it('uart-echo answers the lines given on stdin in upper case, then Ctrl-D powers off', async () => {
    const r = run(await exampleImage('uart-echo'), { stdin: Buffer.from('hello there\nsecond line\n\x04') });
    expect(r.output).toContain('HELLO THERE\nSECOND LINE\n');
    expect(r.report!.outcome).toBe('poweroff');
    const irq = r.report!.grants.find((g) => g.kind === 'irq')!;
    expect(irq).toMatchObject({ component: 'uart-driver', irq: 10 });
    expect(irq.deliveries).toBeGreaterThan(0);
    expect(irq.acks).toBe(irq.deliveries);
  });

  it('uart-echo answers every line of an 8 400-byte input: the UART paces it at 115200 baud and the driver keeps up', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, '0')} ${'abcdefghijklmnopqrstuvwxyz'.repeat(3)}`.slice(0, 83) + '\n');
    const input = lines.join('');
    expect(input.length).toBe(8400);
    const r = run(await exampleImage('uart-echo'), { stdin: Buffer.from(input + '\x04'), maxInstructions: 50_000_000, trace: undefined });
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain(input.toUpperCase());
    expect(r.report!.console.input).toEqual({ bytes: 8401, unread: 0, overruns: 0 });
    expect(r.diagnostics.map((d) => d.code)).not.toContain('KC7810');
    // 8 401 frames of 86.8 µs passed in virtual time, mostly idle (idle time retires no instruction).
    expect(r.report!.instructions).toBeLessThan(8401 * 8681);
  });

  it('input to a UART nobody reads overruns: the bytes are lost, counted in the report and warned about (KC7810)', async () => {
    // timer's components never read the console UART; its run lasts long enough for 75 frames.
    const r = run(await exampleImage('timer'), { stdin: Buffer.from('x'.repeat(300)) });
    expect(r.exitCode).toBe(0);
    const { bytes, unread, overruns } = r.report!.console.input;
    expect(bytes).toBe(300);
    expect(overruns).toBeGreaterThan(0);
    // Every byte that arrived but one (still in RBR) was lost.
    expect(bytes - unread - overruns).toBe(1);
    const warning = r.diagnostics.find((d) => d.code === 'KC7810')!;
    expect(warning.severity).toBe('warning');
    expect(warning.message).toBe(`the UART '/soc/serial@10000000' lost ${overruns} input byte(s) to receiver overrun: they arrived at 115200 baud with its receive buffer (the 16-byte FIFO, or RBR with FIFOs off) full`);
  });

  it('uart-echo without Ctrl-D deadlocks, naming who waits on what', async () => {
    const r = run(await exampleImage('uart-echo'), { stdin: Buffer.from('abc\n') });
    expect(r.output).toContain('ABC\n');
    expect(r.exitCode).toBe(6);
    expect(r.report!.outcome).toBe('deadlock');
    expect([...r.report!.deadlock].sort()).toEqual(["'client' waits on notification 'ntfn_client'", "'uart-driver' waits on notification 'ntfn_uart-driver'"]);
    expect(r.diagnostics.map((d) => d.code)).toContain('KC7041');
  });

  it('ping-pong completes its calls and prints the checksum', async () => {
    const r = run(await exampleImage('ping-pong'));
    expect(r.output).toContain('ping-pong: 1000 calls, checksum 0xa1ace1fe\n');
    expect(r.exitCode).toBe(0);
  });

  it('timer delivers the alarms in deadline order', async () => {
    const r = run(await exampleImage('timer'));
    const alarms = r.output.split('\n').filter((l) => l.includes('alarm'));
    expect(alarms).toEqual([
      'client-a: alarm 1 of 3',
      'client-b: alarm 1 of 3',
      'client-a: alarm 2 of 3',
      'client-b: alarm 2 of 3',
      'client-a: alarm 3 of 3',
      'client-b: alarm 3 of 3',
    ]);
    expect(r.output).toContain('rtc-driver: both clients done');
    const irq = r.report!.grants.find((g) => g.kind === 'irq')!;
    expect(irq.deliveries).toBeGreaterThanOrEqual(3);
    expect(r.exitCode).toBe(0);
  });

  it('fault reports one violation with pc, address and device while the survivor finishes', async () => {
    const r = run(await exampleImage('fault'));
    expect(r.output).toContain('survivor: still running\n');
    expect(r.output).not.toContain('never printed');
    // The right pc: the store instruction inside rogue's init (read from its ELF).
    const elf = readElf(fs.readFileSync(path.join(repoRoot, 'fixtures/systems/fault/rogue.elf')));
    const init = findSymbol(elf, 'init')!;
    const pc = Number(r.report!.violations[0]!.pc);
    expect(pc).toBeGreaterThanOrEqual(init.value);
    expect(pc).toBeLessThan(init.value + init.size);
    const text = elf.segments.find((s) => pc >= s.vaddr && pc < s.vaddr + s.filesz)!;
    const insn = new DataView(text.data.buffer, text.data.byteOffset).getUint32(pc - text.vaddr, true);
    expect(insn & 0x7f).toBe(0x23);
    expect(r.report!.violations).toEqual([
      { component: 'rogue', pc: r.report!.violations[0]!.pc, address: '0x10000000', access: 'write', device: '/soc/serial@10000000' },
    ]);
    const rogue = r.report!.components.find((c) => c.name === 'rogue')!;
    expect(rogue.state).toBe('faulted');
    expect(rogue.faults).toHaveLength(1);
    expect(rogue.faults[0]).toMatchObject({ type: 'vm', pc: r.report!.violations[0]!.pc, address: '0x10000000' });
    expect(r.exitCode).toBe(0);
    expect(run(await exampleImage('fault'), { failOnFault: true }).exitCode).toBe(4);
  });

  it('stops at the instruction limit with exit code 3', async () => {
    const r = run(await exampleImage('ping-pong'), { maxInstructions: 5000 });
    expect(r.report!.outcome).toBe('limit');
    expect(r.exitCode).toBe(3);
    expect(r.report!.instructions).toBeGreaterThanOrEqual(5000);
    expect(r.diagnostics.map((d) => d.code)).toContain('KC7040');
  });

  it('two runs of the same image and input give identical output, report and trace', async () => {
    const image = await exampleImage('timer');
    const a = run(image);
    const b = run(image);
    expect(a.output).toBe(b.output);
    expect(JSON.stringify(a.report)).toBe(JSON.stringify(b.report));
    expect(a.trace).toEqual(b.trace);
    expect(a.trace.some((l) => / interrupt 11$/.test(l))).toBe(true);
    expect(a.trace.some((l) => /syscall Call/.test(l))).toBe(true);
  });

  it('a failing power-off exits 7 whatever its code (3 would be the limit); a reset request exits 5', async () => {
    const hello = await exampleImage('hello');
    const plan = readImage(hello).plan as unknown as Plan;
    const vaddr = plan.grants.find((g) => g.device === '/soc/test@100000')!.vaddr;
    expect(vaddr).toBe(0x6000_1000);
    // lui t0, 0x60001; lui t1, 0x93; addi t1, t1, 0x333; sw t1, 0(t0); j .   (0x3333 | 9 << 16: fail, code 9)
    const fail = run(withCode(hello, 'hello', [0x600012b7, 0x00093337, 0x33330313, 0x0062a023, 0x0000006f]));
    expect(fail.exitCode).toBe(7);
    expect(fail.report).toMatchObject({ outcome: 'poweroff', exitCode: 7, powerOff: { kind: 'fail', code: 9 } });
    expect(fail.diagnostics.map((d) => d.code)).toEqual(['KC7043']);
    // Codes that were exit codes of other outcomes before: 3 (limit), 1 (bad image), 0 (was 1 too).
    // lui t1, 0x33; addi t1, t1, 0x333 (0x3333 | 3 << 16); lui t1, 0x3; addi t1, t1, 0x333 (code 0)
    for (const [hi, code] of [[0x00033337, 3], [0x00013337, 1], [0x00003337, 0]] as const) {
      const failed = run(withCode(hello, 'hello', [0x600012b7, hi, 0x33330313, 0x0062a023, 0x0000006f]));
      expect([failed.exitCode, failed.report!.powerOff]).toEqual([7, { kind: 'fail', code }]);
    }
    // lui t1, 0x7; addi t1, t1, 0x777 (0x7777: reset)
    const reset = run(withCode(hello, 'hello', [0x600012b7, 0x00007337, 0x77730313, 0x0062a023, 0x0000006f]));
    expect(reset.exitCode).toBe(5);
  });

  it('system calls handled inside the CPU loop give what the outer loop gives: output, trace, report, instructions', async () => {
    const cases: [string, RunImageOptions][] = [
      ['hello', {}],
      ['ping-pong', {}],
      ['ping-pong', { timeSlice: 37 }],
      ['ping-pong', { maxInstructions: 5000 }],
      ['timer', {}],
      ['uart-echo', { stdin: Buffer.from('hello there\nsecond line\n\x04') }],
      ['uart-echo', { stdin: Buffer.from('abc\n') }],
      ['fault', {}],
      ['microkit-echo', { stdin: Buffer.from('typed\n') }],
    ];
    for (const [name, options] of cases) {
      const image = await exampleImage(name);
      for (const trace of [true, false]) {
        const lines: string[] = [];
        const with_ = { ...options, ...(trace ? { trace: (l: string) => lines.push(l) } : { trace: undefined }) };
        const inLoop = run(image, with_);
        const inLoopTrace = lines.splice(0);
        const outer = run(image, { ...with_, syscallsInCpuLoop: false });
        expect(inLoop.output, name).toBe(outer.output);
        expect(JSON.stringify(inLoop.report), name).toBe(JSON.stringify(outer.report));
        expect(inLoopTrace, name).toEqual(lines);
        expect(inLoop.exitCode, name).toBe(outer.exitCode);
      }
    }
  }, 60_000);

  it('a run advanced one slice at a time ends as a run to the end, in the CPU loop or not: kernel state, registers, instret', async () => {
    const image = await exampleImage('ping-pong');
    const calls: number[] = [];
    const state = (inLoop: boolean, slices: number) => {
      const booted = bootImage(image, {});
      if (!booted.ok) throw new Error('boot');
      const { kernel, machine } = booted.system;
      const run = machine.run;
      let machineRuns = 0;
      machine.run = (budget, options) => {
        machineRuns++;
        return run(budget, options);
      };
      const running = startSystem(booted.system, { syscallsInCpuLoop: inLoop, maxInstructions: 20_000_000 });
      let turns = 0;
      while (running.advance(slices) === 'running') turns++;
      const result = running.result();
      calls.push(machineRuns);
      return {
        turns,
        outcome: result.outcome,
        instructions: result.instructions,
        instret: machine.cpu.instret,
        threads: kernel.threads.map((t) => [t.name, t.state, t.pc, t.faultIp, t.timeSlice, [...t.regs]]),
      };
    };
    const reference = state(false, Number.POSITIVE_INFINITY);
    expect(reference.outcome).toBe('poweroff');
    expect(state(true, Number.POSITIVE_INFINITY)).toEqual(reference);
    const stepped = state(false, 1);
    expect(stepped.turns).toBeGreaterThan(100);
    expect(state(true, 1)).toEqual(stepped);
    expect({ ...stepped, turns: 0 }).toEqual({ ...reference, turns: 0 });
    // In the CPU loop a run to the end enters the machine far less often; one slice at a time, as often.
    expect(calls[1]! * 4).toBeLessThan(calls[0]!);
    expect(calls[3]).toBe(calls[2]);
  });

  it('a refused boot runs nothing and exits 1', async () => {
    const r = run(new Uint8Array(100));
    expect(r.exitCode).toBe(1);
    expect(r.report).toBeUndefined();
    expect(r.output).toBe('');
  });
});
