// The gdb remote protocol's commands (gdb manual, "Remote Protocol" → "Packets", "General Query
// Packets", "Stop Reply Packets"), answered for a DebugTarget: every component is a process with
// one thread (multiprocess ids `pPID.TID`, TID = PID), so gdb makes an inferior per component and
// loads each one's ELF from `qXfer:exec-file:read`. Pure: a packet in, a reply and what the
// emulator should do next out; breakpoints and watchpoints are kept here for the debugger to test.
import { fromHex, hexToWord, toHex, wordToHex } from './packets.js';
import { PC_REGNUM, REGISTER_COUNT, readProcessMemory, writeProcessMemory, type DebugProcess, type DebugTarget } from './target.js';

/** What the emulator does after a packet. */
export type SessionAction =
  | { readonly kind: 'reply'; readonly reply: string }
  /** Resume: everything runs; `stepPid` set when one thread is to stop after one instruction. */
  | { readonly kind: 'resume'; readonly stepPid: number | null }
  /** gdb detached: remove every breakpoint and run on undebugged. */
  | { readonly kind: 'detach'; readonly reply: string }
  /** gdb killed the inferior: end the run. */
  | { readonly kind: 'kill'; readonly reply: string | null };

export type WatchKind = 'write' | 'read' | 'access';

export interface Watchpoint {
  readonly pid: number;
  readonly vaddr: number;
  readonly length: number;
  readonly kind: WatchKind;
}

/** Signals in stop replies (gdb's target signal numbers). */
export const Signal = { INT: 2, ILL: 4, TRAP: 5, BUS: 7, SEGV: 11 } as const;

/** Why the target stopped, for `?` and the stop reply. */
export interface StopEvent {
  readonly signal: number;
  readonly pid: number;
  /** `swbreak`, `hwbreak`, or a watchpoint hit. */
  readonly reason?: { readonly kind: 'swbreak' | 'hwbreak' } | { readonly kind: 'watch'; readonly watch: Watchpoint };
}

const REGISTER_NAMES = [
  'zero',
  'ra',
  'sp',
  'gp',
  'tp',
  't0',
  't1',
  't2',
  'fp',
  's1',
  'a0',
  'a1',
  'a2',
  'a3',
  'a4',
  'a5',
  'a6',
  'a7',
  's2',
  's3',
  's4',
  's5',
  's6',
  's7',
  's8',
  's9',
  's10',
  's11',
  't3',
  't4',
  't5',
  't6',
];

/** The RV32 target description gdb asks for (`qXfer:features:read:target.xml`). */
export const TARGET_XML =
  '<?xml version="1.0"?>\n<!DOCTYPE target SYSTEM "gdb-target.dtd">\n<target version="1.0">\n<architecture>riscv:rv32</architecture>\n' +
  '<feature name="org.gnu.gdb.riscv.cpu">\n' +
  REGISTER_NAMES.map((name, i) => {
    const type = name === 'ra' ? 'code_ptr' : name === 'sp' || name === 'gp' || name === 'tp' || name === 'fp' ? 'data_ptr' : 'int';
    return `<reg name="${name}" bitsize="32" type="${type}" regnum="${i}"/>\n`;
  }).join('') +
  `<reg name="pc" bitsize="32" type="code_ptr" regnum="${PC_REGNUM}"/>\n</feature>\n</target>\n`;

const hex = (n: number): string => (n >>> 0).toString(16);
const encodeText = (text: string): string => Buffer.from(text, 'utf8').toString('hex');

/** A thread id as gdb writes it: `pPID.TID`, `PID`, `-1` (all) or `0` (any); null when malformed. */
function parseThreadId(text: string): { pid: number } | 'all' | 'any' | null {
  let body = text;
  if (body.startsWith('p')) {
    const [p, t] = body.slice(1).split('.');
    if (p === '-1') return 'all';
    const pid = parseInt(p ?? '', 16);
    if (!Number.isFinite(pid)) return null;
    if (pid === 0) return t === undefined || t === '0' || t === '-1' ? 'any' : { pid: parseInt(t, 16) };
    return { pid };
  }
  if (body === '-1') return 'all';
  body = body.trim();
  const tid = parseInt(body, 16);
  if (!Number.isFinite(tid)) return null;
  return tid === 0 ? 'any' : { pid: tid };
}

/** Splits an `offset,length` pair of hex numbers. */
function parseRange(text: string): { offset: number; length: number } | null {
  const m = /^([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(text);
  return m ? { offset: parseInt(m[1]!, 16), length: parseInt(m[2]!, 16) } : null;
}

/** One `qXfer` read answer: `m` when more follows, `l` at the end. */
function xferSlice(document: string, offset: number, length: number): string {
  const bytes = Buffer.from(document, 'utf8');
  if (offset >= bytes.length) return 'l';
  const part = bytes.subarray(offset, offset + length);
  return (offset + part.length >= bytes.length ? 'l' : 'm') + part.toString('latin1');
}

/** The protocol state of one gdb connection. */
export class GdbSession {
  noAck = false;
  /** The thread `g`, `m`, `Z` … act on (`Hg`). */
  private generalPid: number;
  /** Breakpoints per process (vaddr set); pid 0 holds those set for every process. */
  readonly breakpoints = new Map<number, Set<number>>();
  readonly watchpoints: Watchpoint[] = [];
  /** Inferiors gdb has detached from one by one (`D;pid`). */
  private readonly detachedPids = new Set<number>();
  /** The last stop, for `?`. */
  lastStop: StopEvent;

  constructor(
    private readonly target: DebugTarget,
    firstStop: StopEvent,
  ) {
    this.lastStop = firstStop;
    this.generalPid = firstStop.pid;
  }

  private process(pid: number): DebugProcess | undefined {
    return this.target.processes.find((p) => p.pid === pid);
  }

  private get general(): DebugProcess | undefined {
    return this.process(this.generalPid) ?? this.target.processes[0];
  }

  /** A stop reply (`T` packet) for an event; also makes its thread the general one, as gdb expects. */
  stopReply(event: StopEvent): string {
    this.lastStop = event;
    this.generalPid = event.pid;
    const id = `p${hex(event.pid)}.${hex(event.pid)}`;
    let extra = '';
    const reason = event.reason;
    if (reason?.kind === 'swbreak' || reason?.kind === 'hwbreak') extra = `${reason.kind}:;`;
    if (reason?.kind === 'watch') {
      const name = reason.watch.kind === 'write' ? 'watch' : reason.watch.kind === 'read' ? 'rwatch' : 'awatch';
      extra = `${name}:${hex(reason.watch.vaddr)};`;
    }
    // Every register goes with the stop (gdb's `n:r` pairs), so gdb's view of the stopped thread is
    // exact even when it believed that thread's process was not resumed (schedule-multiple off).
    const process = this.process(event.pid);
    const registers = process
      ? process
          .readRegisters()
          .map((v, n) => `${n.toString(16).padStart(2, '0')}:${wordToHex(v)};`)
          .join('')
      : '';
    return `T${event.signal.toString(16).padStart(2, '0')}${registers}thread:${id};${extra}`;
  }

  /** Is there a breakpoint at `pc` for process `pid`? */
  hasBreakpoint(pid: number, pc: number): boolean {
    return this.breakpoints.get(pid)?.has(pc) === true || this.breakpoints.get(0)?.has(pc) === true;
  }

  /** True when the emulator must look at every instruction (breakpoints or watchpoints set). */
  get needsInstructionChecks(): boolean {
    for (const set of this.breakpoints.values()) if (set.size > 0) return true;
    return this.watchpoints.length > 0;
  }

  /**
   * `D` detaches everything; `D;pid` (multiprocess) one inferior, and gdb sends one per inferior:
   * the system stays stopped until the last one has gone, so it cannot run off while gdb still
   * holds the others.
   */
  private detachPacket(packet: string): SessionAction {
    const pid = packet.startsWith('D;') ? parseInt(packet.slice(2), 16) : NaN;
    if (Number.isFinite(pid)) {
      this.detachedPids.add(pid);
      this.breakpoints.delete(pid);
      this.watchpoints.splice(0, this.watchpoints.length, ...this.watchpoints.filter((w) => w.pid !== pid));
      if (this.target.processes.some((p) => !this.detachedPids.has(p.pid))) return { kind: 'reply', reply: 'OK' };
    }
    this.clearAll();
    return { kind: 'detach', reply: 'OK' };
  }

  /** Forgets every breakpoint and watchpoint (detach). */
  clearAll(): void {
    this.breakpoints.clear();
    this.watchpoints.length = 0;
  }

  /** Answers one packet. */
  handle(packetBytes: Uint8Array): SessionAction {
    const packet = Buffer.from(packetBytes).toString('latin1');
    const reply = (text: string): SessionAction => ({
      kind: 'reply',
      reply: text,
    });
    const cmd = packet[0] ?? '';
    switch (cmd) {
      case '?':
        return reply(this.stopReply(this.lastStop));
      case '!':
        return reply('OK');
      case 'g':
        return this.readAllRegisters();
      case 'G':
        return this.writeAllRegisters(packet.slice(1));
      case 'p':
        return this.readRegister(packet.slice(1));
      case 'P':
        return this.writeRegister(packet.slice(1));
      case 'm':
        return this.readMemory(packet.slice(1));
      case 'M':
        return this.writeMemory(packet.slice(1), 'hex', packetBytes);
      case 'X':
        return this.writeMemory(packet.slice(1), 'binary', packetBytes);
      case 'H':
        return this.setThread(packet.slice(1));
      case 'T':
        return reply(this.aliveThread(packet.slice(1)) ? 'OK' : 'E01');
      case 'Z':
      case 'z':
        return this.breakpoint(cmd === 'Z', packet.slice(1));
      case 'c':
        return { kind: 'resume', stepPid: null };
      case 's':
        return { kind: 'resume', stepPid: this.general?.pid ?? null };
      case 'D':
        return this.detachPacket(packet);
      case 'k':
        return { kind: 'kill', reply: null };
      case 'q':
        return reply(this.query(packet));
      case 'Q':
        if (packet === 'QStartNoAckMode') {
          this.noAck = true;
          return reply('OK');
        }
        return reply('');
      case 'v':
        return this.vPacket(packet);
      default:
        return reply('');
    }
  }

  private readAllRegisters(): SessionAction {
    const p = this.general;
    if (!p) return { kind: 'reply', reply: 'E01' };
    return { kind: 'reply', reply: p.readRegisters().map(wordToHex).join('') };
  }

  private writeAllRegisters(body: string): SessionAction {
    const p = this.general;
    if (!p || body.length < REGISTER_COUNT * 8) return { kind: 'reply', reply: 'E01' };
    const values: number[] = [];
    for (let i = 0; i < REGISTER_COUNT; i++) {
      const v = hexToWord(body.slice(i * 8, i * 8 + 8));
      if (v === null) return { kind: 'reply', reply: 'E01' };
      values.push(v);
    }
    values.forEach((v, i) => p.writeRegister(i, v));
    return { kind: 'reply', reply: 'OK' };
  }

  private readRegister(body: string): SessionAction {
    const p = this.general;
    const n = parseInt(body, 16);
    if (!p || !Number.isInteger(n) || n < 0) return { kind: 'reply', reply: 'E01' };
    // Registers beyond x0..x31 and pc (CSRs, FPU) do not exist here; gdb shows them as unavailable.
    if (n >= REGISTER_COUNT) return { kind: 'reply', reply: 'xxxxxxxx' };
    return { kind: 'reply', reply: wordToHex(p.readRegisters()[n]!) };
  }

  private writeRegister(body: string): SessionAction {
    const p = this.general;
    const [num, value] = body.split('=');
    const n = parseInt(num ?? '', 16);
    const v = hexToWord(value ?? '');
    if (!p || !Number.isInteger(n) || n < 0 || n >= REGISTER_COUNT || v === null) return { kind: 'reply', reply: 'E01' };
    if (n !== 0) p.writeRegister(n, v);
    return { kind: 'reply', reply: 'OK' };
  }

  private readMemory(body: string): SessionAction {
    const p = this.general;
    const range = parseRange(body);
    if (!p || !range) return { kind: 'reply', reply: 'E01' };
    const bytes = readProcessMemory(this.target, p, range.offset, Math.min(range.length, 0x4000));
    return {
      kind: 'reply',
      reply: bytes === null || bytes.length === 0 ? 'E14' : toHex(bytes),
    };
  }

  private writeMemory(body: string, encoding: 'hex' | 'binary', raw: Uint8Array): SessionAction {
    const p = this.general;
    const colon = body.indexOf(':');
    const range = parseRange(body.slice(0, colon));
    if (!p || colon < 0 || !range) return { kind: 'reply', reply: 'E01' };
    const data = encoding === 'hex' ? fromHex(body.slice(colon + 1)) : raw.subarray(1 + colon + 1);
    if (data === null || data.length !== range.length) return { kind: 'reply', reply: 'E01' };
    if (data.length === 0) return { kind: 'reply', reply: 'OK' };
    return {
      kind: 'reply',
      reply: writeProcessMemory(this.target, p, range.offset, data) ? 'OK' : 'E14',
    };
  }

  private setThread(body: string): SessionAction {
    const op = body[0];
    const id = parseThreadId(body.slice(1));
    if (id === null) return { kind: 'reply', reply: 'E01' };
    if (op === 'g' && typeof id === 'object') {
      if (!this.process(id.pid)) return { kind: 'reply', reply: 'E01' };
      this.generalPid = id.pid;
    }
    return { kind: 'reply', reply: 'OK' };
  }

  private aliveThread(body: string): boolean {
    const id = parseThreadId(body);
    return typeof id === 'object' && id !== null && this.process(id.pid) !== undefined;
  }

  private breakpoint(insert: boolean, body: string): SessionAction {
    const [type, addrText, kindText] = body.split(/[,;]/);
    const vaddr = parseInt(addrText ?? '', 16);
    const length = parseInt(kindText ?? '', 16);
    if (!Number.isFinite(vaddr)) return { kind: 'reply', reply: 'E01' };
    const pid = this.general?.pid ?? 0;
    if (type === '0' || type === '1') {
      const set = this.breakpoints.get(pid) ?? new Set<number>();
      if (insert) set.add(vaddr >>> 0);
      else set.delete(vaddr >>> 0);
      this.breakpoints.set(pid, set);
      return { kind: 'reply', reply: 'OK' };
    }
    if (type === '2' || type === '3' || type === '4') {
      if (!Number.isFinite(length) || length <= 0) return { kind: 'reply', reply: 'E01' };
      const kind: WatchKind = type === '2' ? 'write' : type === '3' ? 'read' : 'access';
      const at = this.watchpoints.findIndex((w) => w.pid === pid && w.vaddr === vaddr >>> 0 && w.length === length && w.kind === kind);
      if (insert && at < 0) this.watchpoints.push({ pid, vaddr: vaddr >>> 0, length, kind });
      if (!insert && at >= 0) this.watchpoints.splice(at, 1);
      return { kind: 'reply', reply: 'OK' };
    }
    return { kind: 'reply', reply: '' };
  }

  private query(packet: string): string {
    if (packet.startsWith('qSupported')) {
      return 'PacketSize=4000;qXfer:features:read+;qXfer:exec-file:read+;multiprocess+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+';
    }
    if (packet === 'qfThreadInfo') return 'm' + this.target.processes.map((p) => `p${hex(p.pid)}.${hex(p.pid)}`).join(',');
    if (packet === 'qsThreadInfo') return 'l';
    if (packet === 'qC') return `QCp${hex(this.lastStop.pid)}.${hex(this.lastStop.pid)}`;
    if (packet.startsWith('qAttached')) return '1';
    if (packet.startsWith('qThreadExtraInfo,')) {
      const id = parseThreadId(packet.slice('qThreadExtraInfo,'.length));
      const p = typeof id === 'object' && id !== null ? this.process(id.pid) : undefined;
      return p ? encodeText(`${p.name}: ${p.describe()}`) : 'E01';
    }
    if (packet.startsWith('qXfer:features:read:target.xml:')) {
      const range = parseRange(packet.slice('qXfer:features:read:target.xml:'.length));
      return range ? xferSlice(TARGET_XML, range.offset, range.length) : 'E01';
    }
    if (packet.startsWith('qXfer:exec-file:read:')) {
      const [annex, rangeText] = packet.slice('qXfer:exec-file:read:'.length).split(':');
      const pid = annex === '' || annex === undefined ? this.general?.pid : parseInt(annex, 16);
      const p = pid === undefined ? undefined : this.process(pid);
      const range = parseRange(rangeText ?? '');
      if (!p?.elfPath || !range) return 'E00';
      return xferSlice(p.elfPath, range.offset, range.length);
    }
    if (packet === 'qSymbol::') return 'OK';
    if (packet.startsWith('qRcmd,')) {
      const command = Buffer.from(packet.slice(6), 'hex').toString('utf8').trim();
      if (command === 'threads' || command === 'components') {
        return encodeText(this.target.processes.map((p) => `${p.pid} ${p.name}: ${p.describe()}\n`).join(''));
      }
      return encodeText(`unknown monitor command '${command}' (try 'monitor components')\n`);
    }
    return '';
  }

  private vPacket(packet: string): SessionAction {
    if (packet === 'vMustReplyEmpty') return { kind: 'reply', reply: '' };
    if (packet === 'vCont?') return { kind: 'reply', reply: 'vCont;c;C;s;S' };
    if (packet.startsWith('vCont;')) {
      let stepPid: number | null = null;
      for (const action of packet.slice(6).split(';')) {
        const [verb, thread] = action.split(':');
        if (verb?.startsWith('s') || verb?.startsWith('S')) {
          const id = thread === undefined ? { pid: this.general?.pid ?? 1 } : parseThreadId(thread);
          if (typeof id === 'object' && id !== null) stepPid = id.pid;
        }
      }
      return { kind: 'resume', stepPid };
    }
    if (packet.startsWith('vKill')) return { kind: 'kill', reply: 'OK' };
    return { kind: 'reply', reply: '' };
  }
}
