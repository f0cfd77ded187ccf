// The gdb stub's protocol without a socket: RSP framing, and every command answered for a really
// booted ping-pong system (registers from the TCBs, memory through each component's VSpace,
// breakpoints and watchpoints per process, the target description, each component's ELF).
import { describe, it, expect, beforeAll } from 'vitest';
import { bootImage, type BootedSystem } from '../../../runtime/boot/index.js';
import { framePacket, fromHex, hexToWord, RspReader, wordToHex } from '../../../runtime/gdb/packets.js';
import { GdbSession, Signal, TARGET_XML } from '../../../runtime/gdb/session.js';
import { debugTranslate } from '../../../runtime/gdb/target.js';
import { systemDebugTarget } from '../../../runtime/gdb/systemTarget.js';
import { exampleImage } from '../exampleImages.js';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
const packet = (s: string): Uint8Array => Buffer.from(s, 'latin1');

describe('RSP framing', () => {
  it('frames with a modulo-256 checksum and escapes #$}*', () => {
    expect(text(framePacket('OK'))).toBe('$OK#9a');
    expect(text(framePacket('a#b'))).toBe(`$a}\x03b#${((0x61 + 0x7d + 0x03 + 0x62) & 0xff).toString(16)}`);
  });

  it('reads packets, acks, interrupts and bad checksums from one stream, across chunks', () => {
    const reader = new RspReader();
    const framed = text(framePacket('m1000,4'));
    const first = reader.feed(packet('+' + framed.slice(0, 4)));
    const rest = reader.feed(packet(framed.slice(4) + '\x03-$g#00'));
    expect(first).toEqual([{ kind: 'ack' }]);
    expect(rest.map((e) => e.kind)).toEqual(['packet', 'interrupt', 'nack', 'bad']);
    expect(rest[0]!.kind === 'packet' && text(rest[0]!.data)).toBe('m1000,4');
  });

  it('undoes escapes in binary data (X packets)', () => {
    const reader = new RspReader();
    const [event] = reader.feed(framePacket(Uint8Array.of(0x58, 0x23, 0x7d, 0x00)));
    expect(event).toEqual({ kind: 'packet', data: Uint8Array.of(0x58, 0x23, 0x7d, 0x00) });
  });

  it('converts register words little-endian', () => {
    expect(wordToHex(0x10000)).toBe('00000100');
    expect(hexToWord('00000100')).toBe(0x10000);
    expect(hexToWord('0000010')).toBeNull();
    expect(fromHex('zz')).toBeNull();
  });
});

describe('GdbSession over a booted system', () => {
  let system: BootedSystem;
  let session: GdbSession;
  const ask = (s: string): string => {
    const action = session.handle(packet(s));
    if (action.kind !== 'reply') throw new Error(`${s}: ${action.kind}`);
    return action.reply;
  };

  beforeAll(async () => {
    const booted = bootImage(await exampleImage('ping-pong'));
    if (!booted.ok) throw new Error('ping-pong did not boot');
    system = booted.system;
    const target = systemDebugTarget(system, { livePid: -1 }, (t) => `state ${t.state}`, '/nonexistent');
    session = new GdbSession(target, { signal: Signal.TRAP, pid: 1 });
  });

  it('announces what it supports and lists one thread per component', () => {
    const supported = ask('qSupported:multiprocess+;swbreak+');
    for (const feature of ['multiprocess+', 'qXfer:features:read+', 'qXfer:exec-file:read+', 'swbreak+']) expect(supported).toContain(feature);
    const names = system.components.map((c) => c.plan.name);
    expect(ask('qfThreadInfo')).toBe('m' + names.map((_, i) => `p${i + 1}.${i + 1}`).join(','));
    expect(ask('qsThreadInfo')).toBe('l');
    expect(Buffer.from(ask('qThreadExtraInfo,p2.2'), 'hex').toString()).toBe(`${names[1]}: state ${system.components[1]!.tcb.state}`);
    expect(ask('qThreadExtraInfo,p9.9')).toBe('E01');
    expect(ask('T2')).toBe('OK');
    expect(ask('Tp3.3')).toBe('E01');
  });

  it('reports the stop with every register and the thread', () => {
    const reply = ask('?');
    const pc = system.components[0]!.tcb.pc;
    expect(reply.startsWith('T05')).toBe(true);
    expect(reply).toContain(`20:${wordToHex(pc)};`);
    expect(reply).toContain('thread:p1.1;');
  });

  it('reads and writes registers of the selected thread (from its TCB)', () => {
    expect(ask('Hgp2.2')).toBe('OK');
    const tcb = system.components[1]!.tcb;
    const g = ask('g');
    expect(g).toHaveLength(33 * 8);
    expect(hexToWord(g.slice(32 * 8))).toBe(tcb.pc >>> 0);
    expect(hexToWord(g.slice(2 * 8, 3 * 8))).toBe(tcb.regs[2]! >>> 0);
    expect(ask('p20')).toBe(wordToHex(tcb.pc));
    expect(ask('p41')).toBe('xxxxxxxx');
    const oldA0 = tcb.regs[10]!;
    expect(ask(`Pa=${wordToHex(0x1234)}`)).toBe('OK');
    expect(tcb.regs[10]).toBe(0x1234);
    tcb.regs[10] = oldA0;
    expect(ask(`P0=${wordToHex(7)}`)).toBe('OK');
    expect(hexToWord(ask('p0'))).toBe(0);
    expect(ask('P21=00000000')).toBe('E01');
    expect(ask('Hgp7.7')).toBe('E01');
  });

  it('reads memory through the selected component’s VSpace, and writes it', () => {
    ask('Hgp1.1');
    const component = system.components[0]!;
    const code = component.plan.vspace.find((m) => m.purpose === 'elf' && m.perms.includes('x'))!;
    const satp = (0x8000_0000 | (component.vspace.asid << 22) | (component.vspace.paddr / 4096)) >>> 0;
    const paddr = debugTranslate(system.machine.ram, satp, code.vaddr);
    expect(paddr).toBe(Number(code.paddr));
    expect(ask(`m${code.vaddr.toString(16)},8`)).toBe(Buffer.from(system.machine.ram.readBytes(paddr, 8)).toString('hex'));
    // Unmapped: gdb sees an error, not zeros.
    expect(ask('m0,4')).toBe('E14');
    const data = code.vaddr + 0x10;
    const saved = ask(`m${data.toString(16)},2`);
    expect(ask(`M${data.toString(16)},2:beef`)).toBe('OK');
    expect(ask(`m${data.toString(16)},2`)).toBe('beef');
    expect(text(Uint8Array.from(system.machine.ram.readBytes(paddr + 0x10, 2)))).toBe('\xbe\xef');
    const x = Buffer.concat([Buffer.from(`X${data.toString(16)},2:`, 'latin1'), Buffer.from(saved, 'hex')]);
    expect(session.handle(x)).toEqual({ kind: 'reply', reply: 'OK' });
    expect(ask(`m${data.toString(16)},2`)).toBe(saved);
    expect(ask(`M${data.toString(16)},2:be`)).toBe('E01');
  });

  it('keeps breakpoints and watchpoints per process', () => {
    ask('Hgp2.2');
    expect(ask('Z0,10100,2')).toBe('OK');
    expect(session.hasBreakpoint(2, 0x10100)).toBe(true);
    expect(session.hasBreakpoint(1, 0x10100)).toBe(false);
    expect(session.needsInstructionChecks).toBe(true);
    expect(ask('z0,10100,2')).toBe('OK');
    expect(session.hasBreakpoint(2, 0x10100)).toBe(false);
    expect(session.needsInstructionChecks).toBe(false);
    expect(ask('Z2,40000000,4')).toBe('OK');
    expect(ask('Z3,40000000,4')).toBe('OK');
    expect(session.watchpoints).toEqual([
      { pid: 2, vaddr: 0x40000000, length: 4, kind: 'write' },
      { pid: 2, vaddr: 0x40000000, length: 4, kind: 'read' },
    ]);
    expect(ask('Z4,40000000,0')).toBe('E01');
    expect(ask('z2,40000000,4')).toBe('OK');
    expect(ask('z3,40000000,4')).toBe('OK');
    expect(session.watchpoints).toEqual([]);
  });

  it('gives the RV32 target description in pieces and each component’s ELF', () => {
    const first = ask('qXfer:features:read:target.xml:0,40');
    expect(first.startsWith('m')).toBe(true);
    let xml = first.slice(1);
    let offset = 0x40;
    for (;;) {
      const part = ask(`qXfer:features:read:target.xml:${offset.toString(16)},400`);
      xml += part.slice(1);
      offset += 0x400;
      if (part.startsWith('l')) break;
    }
    expect(xml).toBe(TARGET_XML);
    expect(xml).toContain('<architecture>riscv:rv32</architecture>');
    expect(xml.match(/<reg /g)).toHaveLength(33);
    // No ELF in the (nonexistent) symbols directory: gdb is told there is none.
    expect(ask('qXfer:exec-file:read:1:0,100')).toBe('E00');
  });

  it('turns resume, step, detach and kill packets into actions', () => {
    ask('Hgp1.1');
    expect(session.handle(packet('c'))).toEqual({ kind: 'resume', stepPid: null });
    expect(session.handle(packet('s'))).toEqual({ kind: 'resume', stepPid: 1 });
    expect(session.handle(packet('vCont;s:p2.2;c'))).toEqual({ kind: 'resume', stepPid: 2 });
    expect(session.handle(packet('vCont;c'))).toEqual({ kind: 'resume', stepPid: null });
    expect(ask('vCont?')).toBe('vCont;c;C;s;S');
    expect(session.handle(packet('vKill;1'))).toEqual({ kind: 'kill', reply: 'OK' });
    ask('Z0,10000,2');
    expect(session.handle(packet('D'))).toEqual({ kind: 'detach', reply: 'OK' });
    // gdb detaches multiprocess inferiors one by one: the system stays stopped until the last.
    ask('Hgp1.1');
    ask('Z0,10000,2');
    expect(session.handle(packet('D;1'))).toEqual({ kind: 'reply', reply: 'OK' });
    expect(session.hasBreakpoint(1, 0x10000)).toBe(false);
    expect(session.handle(packet('D;2'))).toEqual({ kind: 'detach', reply: 'OK' });
    expect(session.needsInstructionChecks).toBe(false);
    expect(ask('QStartNoAckMode')).toBe('OK');
    expect(session.noAck).toBe(true);
    expect(ask('qUnknownThing')).toBe('');
    const monitor = Buffer.from(ask(`qRcmd,${Buffer.from('components').toString('hex')}`), 'hex').toString();
    expect(monitor).toBe(system.components.map((c, i) => `${i + 1} ${c.plan.name}: state ${c.tcb.state}\n`).join(''));
  });
});
