// The system rules of image/systemRules.ts called directly (compiler/check and the boot's plan rules
// word their own diagnostics from them): kernel-driven devices, W^X, windows exposing another
// device, the MMIO sweep, IRQ holders and the PPC rules with Tarjan's cycles, each at its bound.
import { describe, expect, it } from 'vitest';
import type { PlatformDevice } from '../../image/platformModel.js';
import { deviceSharingWindow, irqConflicts, kernelRole, mmioConflicts, overlaps, ppcProblems, writableAndExecutable, type HeldWindow } from '../../image/systemRules.js';

const device = (path: string, reg: { base: number; size: number }[], extra: Partial<PlatformDevice> = {}): PlatformDevice =>
  ({ path, reg, compatible: [], interrupts: [], isInterruptController: false, status: 'okay', ...extra }) as unknown as PlatformDevice;

describe('kernelRole, overlaps and writableAndExecutable', () => {
  it('names the interrupt controller first, then each timer compatible, else null', () => {
    expect(kernelRole(device('/a', [], { isInterruptController: true, compatible: ['riscv,clint0'] }))).toBe('interrupt controller');
    for (const c of ['riscv,clint0', 'sifive,clint0', 'riscv,aclint-mtimer', 'riscv,aclint-mswi']) {
      expect(kernelRole(device('/a', [], { compatible: ['x', c] }))).toBe('timer');
    }
    expect(kernelRole(device('/a', [], { compatible: ['ns16550a'] }))).toBeNull();
  });

  it('takes half-open ranges: touching is no overlap', () => {
    expect([overlaps(0, 16, 16, 16), overlaps(16, 16, 0, 16), overlaps(0, 17, 16, 16), overlaps(16, 16, 0, 17), overlaps(4, 1, 0, 16)]).toEqual([false, false, true, true, true]);
  });

  it('is W^X by the letters w and x', () => {
    expect(['rw', 'rx', 'wx', 'rwx', 'x', 'w', ''].map(writableAndExecutable)).toEqual([false, false, true, true, false, false, false]);
  });
});

describe('deviceSharingWindow', () => {
  const uart = device('/soc/serial@10000000', [{ base: 0x1000_0000, size: 0x100 }]);
  it('finds the first other device with registers in the window, not the device itself or its ancestors', () => {
    const other = device('/soc/other@10000800', [{ base: 0x2000_0000, size: 4 }, { base: 0x1000_0800, size: 4 }]);
    const second = device('/soc/second@10000900', [{ base: 0x1000_0900, size: 4 }]);
    const bus = device('/soc', [{ base: 0, size: 0x8000_0000 }]);
    expect(deviceSharingWindow([bus, uart, other, second], uart, 0x1000_0000, 0x1000)).toBe(other);
    expect(deviceSharingWindow([uart, bus], uart, 0x1000_0000, 0x1000)).toBeUndefined();
    // A sibling whose path only starts like the device's is not an ancestor.
    const prefix = device('/soc/serial@1000000', [{ base: 0x1000_0000, size: 0x1000 }]);
    expect(deviceSharingWindow([prefix, uart], uart, 0x1000_0000, 0x1000)).toBe(prefix);
    expect(deviceSharingWindow([device('/so', [{ base: 0, size: 0x8000_0000 }]), uart], uart, 0x1000_0000, 0x1000)?.path).toBe('/so');
    // Registers starting at the window's end are outside it.
    expect(deviceSharingWindow([device('/n', [{ base: 0x1000_1000, size: 4 }]), uart], uart, 0x1000_0000, 0x1000)).toBeUndefined();
  });
});

type W = HeldWindow & { readonly id: string };
const w = (id: string, base: number, end: number, component: string, shared = false): W => ({ id, base, end, component, shared });
const pairs = (windows: readonly W[]) => mmioConflicts(windows).map(([a, b]) => `${a.id}-${b.id}`);

describe('mmioConflicts', () => {
  it('pairs overlapping windows of different components in sweep order, earlier first', () => {
    expect(pairs([w('b', 0x2000, 0x3000, 'y'), w('a', 0x1000, 0x3000, 'x')])).toEqual(['a-b']);
    // The same base: the shorter window first.
    expect(pairs([w('long', 0x1000, 0x3000, 'x'), w('short', 0x1000, 0x2000, 'y')])).toEqual(['short-long']);
    expect(pairs([w('a', 0x1000, 0x2000, 'x'), w('b', 0x2000, 0x3000, 'y')])).toEqual([]);
    expect(pairs([w('a', 0x1000, 0x3000, 'x'), w('b', 0x2000, 0x3000, 'x')])).toEqual([]);
  });

  it('closes the windows that end before the next base, keeping the longer ones open', () => {
    const list = [w('a', 0x0, 0x1000, 'x'), w('long', 0x0, 0x9000, 'y'), w('c', 0x2000, 0x3000, 'z'), w('d', 0x4000, 0x5000, 'x')];
    expect(pairs(list)).toEqual(['a-long', 'long-c', 'long-d']);
    // After a close the open windows' earliest end is the next to close at: b ends where d starts.
    expect(pairs([w('a', 0x0, 0x1000, 'x'), w('b', 0x0, 0x3000, 'y'), w('c', 0x2000, 0x9000, 'z'), w('d', 0x3000, 0x4000, 'v')])).toEqual(['a-b', 'b-c', 'c-d']);
    // A window starting exactly where the open ones end meets none of them.
    expect(pairs([w('a', 0x0, 0x1000, 'x'), w('b', 0x0, 0x1000, 'x'), w('c', 0x1000, 0x2000, 'y')])).toEqual([]);
  });

  it('lets shared windows meet shared ones only, and counts the exclusive ones still open', () => {
    expect(pairs([w('a', 0, 0x1000, 'x', true), w('b', 0, 0x1000, 'y', true), w('c', 0, 0x1000, 'z', true)])).toEqual([]);
    expect(pairs([w('a', 0, 0x1000, 'x', true), w('b', 0, 0x1000, 'y')])).toEqual(['a-b']);
    expect(pairs([w('a', 0, 0x1000, 'x'), w('b', 0, 0x1000, 'y', true), w('c', 0, 0x1000, 'z', true)])).toEqual(['a-b', 'a-c']);
    // The exclusive window closed before the shared ones arrive: they meet only each other.
    expect(pairs([w('a', 0, 0x1000, 'x'), w('b', 0x1000, 0x2000, 'y', true), w('c', 0x1000, 0x2000, 'z', true)])).toEqual([]);
    // The exclusive window is still open after a shorter one closes.
    expect(pairs([w('a', 0, 0x1000, 'q', true), w('b', 0, 0x3000, 'x'), w('c', 0x1000, 0x2000, 'z', true)])).toEqual(['a-b', 'b-c']);
  });
});

describe('irqConflicts', () => {
  it('gives every later claim with the first holder', () => {
    const claims = [
      { irq: 10, component: 'a' },
      { irq: 11, component: 'b' },
      { irq: 10, component: 'c' },
      { irq: 10, component: 'd' },
    ];
    expect(irqConflicts(claims)).toEqual([
      { claim: claims[2], first: 'a' },
      { claim: claims[3], first: 'a' },
    ]);
    expect(irqConflicts([])).toEqual([]);
  });
});

describe('ppcProblems', () => {
  const priority = (entries: Record<string, number>) => new Map(Object.entries(entries));
  const e = (from: string, to: string, id = `${from}>${to}`) => ({ from, to, id });
  const show = (problems: ReturnType<typeof ppcProblems<ReturnType<typeof e>>>) =>
    problems.map((p) => (p.kind === 'cycle' ? `cycle ${p.edge.id}: ${p.cycle.join(' ')}` : `${p.edge.id} ${p.fromPriority}>=${p.toPriority}`));

  it('needs a strictly higher priority, and skips edges to itself or to an unknown component', () => {
    expect(show(ppcProblems(priority({ a: 1, b: 2, c: 2 }), [e('a', 'b'), e('b', 'c')]))).toEqual(['b>c 2>=2']);
    expect(show(ppcProblems(priority({ a: 1, b: 2 }), [e('a', 'b'), e('b', 'a')]))).toEqual(['cycle a>b: a b a']);
    expect(show(ppcProblems(priority({ a: 3, b: 2 }), [e('a', 'b')]))).toEqual(['a>b 3>=2']);
    expect(show(ppcProblems(priority({ a: 2, b: 2 }), [e('a', 'b')]))).toEqual(['a>b 2>=2']);
    expect(show(ppcProblems(priority({ a: 1, b: 2 }), [e('a', 'b')]))).toEqual([]);
    expect(show(ppcProblems(priority({ a: 1 }), [e('a', 'a'), e('a', 'z'), e('z', 'a')]))).toEqual([]);
  });

  it('reports each cycle once, at its first edge, as the names around it', () => {
    const edges = [e('x', 'a'), e('a', 'b'), e('b', 'c'), e('c', 'a'), e('b', 'a'), e('p', 'q'), e('q', 'p')];
    expect(show(ppcProblems(priority({ x: 0, a: 1, b: 2, c: 3, p: 5, q: 6 }), edges))).toEqual(['cycle a>b: a b c a', 'cycle p>q: p q p']);
    // Two cycles through one component are one strongly connected component: one report.
    expect(show(ppcProblems(priority({ a: 1, b: 2, c: 3 }), [e('a', 'b'), e('b', 'a'), e('a', 'c'), e('c', 'a')]))).toEqual(['cycle a>b: a b a']);
  });

  it('does not join a component reaching a finished cycle to its caller (a cross edge is no back edge)', () => {
    const edges = [e('r', 'a'), e('a', 'b'), e('b', 'a'), e('r', 'c'), e('c', 'a')];
    expect(show(ppcProblems(priority({ r: 0, a: 1, b: 2, c: 3 }), edges))).toEqual(['cycle a>b: a b a', 'c>a 3>=1']);
  });

  it('follows the cycle inside its component, not out of it or back over names it has', () => {
    // From b the first edge leaves the cycle (d is in none), from c the first goes back to b (named already): a b c a.
    const edges = [e('a', 'b'), e('b', 'd'), e('b', 'c'), e('c', 'b'), e('c', 'a')];
    expect(show(ppcProblems(priority({ a: 1, b: 2, c: 3, d: 4 }), edges))).toEqual(['cycle a>b: a b c a']);
    // A chain into a cycle: the chain's edges are judged by priority.
    expect(show(ppcProblems(priority({ s: 9, a: 1, b: 2 }), [e('s', 'a'), e('a', 'b'), e('b', 'a')]))).toEqual(['s>a 9>=1', 'cycle a>b: a b a']);
  });

  it('handles a chain of 20 000 calls without overflowing the stack, and a cycle around 1000', () => {
    const chain = (n: number) => {
      const names = Array.from({ length: n }, (_, i) => `c${i}`);
      return { names, priority: new Map(names.map((name, i) => [name, i])), edges: names.slice(1).map((name, i) => e(names[i]!, name)) };
    };
    const long = chain(20_000);
    expect(ppcProblems(long.priority, long.edges)).toEqual([]);
    // Describing a cycle walks it edge by edge (quadratic), so this one is shorter.
    const ring = chain(1000);
    const cycle = ppcProblems(ring.priority, [...ring.edges, e(ring.names[999]!, ring.names[0]!)]);
    expect(cycle).toHaveLength(1);
    expect(cycle[0]!.kind === 'cycle' && cycle[0]!.cycle.length).toBe(1001);
  });
});
