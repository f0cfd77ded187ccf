// Fault containment (issue 9): a component that faults, loops forever, floods a channel or
// exhausts its stack never stops the kernel or another component, and the run result says what
// happened. Runs real images through the runtime (runtime/boot, runtime/run.ts).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSystem } from '../../compiler/build.js';
import { bootImage } from '../../runtime/boot/index.js';
import { runSystem, type RunResult } from '../../runtime/run.js';
import { copyExample, repoRoot, type ExampleCopy } from './exampleCopy.js';

interface Observed {
  readonly result: RunResult;
  readonly debug: string;
  readonly uart: string;
  readonly trace: readonly string[];
  /** Each component's lowest stack address, from the booted plan. */
  readonly stackBottom: ReadonlyMap<string, number>;
}

/** Builds the system in `dir`, boots its image and runs it, collecting debug output, UART and trace. */
async function buildAndRun(dir: string, maxInstructions = 20_000_000): Promise<Observed> {
  const built = await buildSystem(undefined, { cwd: dir });
  expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return runImage(built.image!, maxInstructions);
}

function runImage(image: Uint8Array, maxInstructions: number): Observed {
  let uart = '';
  let debug = '';
  const trace: string[] = [];
  const booted = bootImage(image, { sink: { uartByte: (_device, byte) => void (uart += String.fromCharCode(byte)) } });
  if (!booted.ok) throw new Error(`boot refused: ${booted.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  const result = runSystem(booted.system, {
    maxInstructions,
    debugPutChar: (byte) => void (debug += String.fromCharCode(byte)),
    trace: (line) => void trace.push(line),
  });
  const stackBottom = new Map(booted.system.plan.components.map((c) => [c.name, c.tcb.stackBottom]));
  return { result, debug, uart, trace, stackBottom };
}

describe('a faulting component is contained', () => {
  it('fixtures/systems/fault: rogue is stopped with a named violation, survivor runs on and powers off', async () => {
    const { result, debug, uart } = await buildAndRun(path.join(repoRoot, 'fixtures/systems/fault'));
    expect(result.outcome).toBe('poweroff');
    expect(result.powerOffCode).toBe(0);
    expect(result.faults.get('rogue')?.map((f) => f.type)).toEqual(['vm']);
    expect(result.faults.get('survivor') ?? []).toEqual([]);
    expect(result.violations).toEqual([
      expect.objectContaining({ component: 'rogue', address: '0x10000000', access: 'write', device: '/soc/serial@10000000' }),
    ]);
    expect(result.diagnostics.map((d) => d.code)).toContain('KC7042');
    expect(debug).toContain('rogue: writing to the UART I was not granted');
    expect(debug).not.toContain('never printed');
    expect(uart).toContain('survivor: still running');
  }, 240_000);
});

/** Four components at one priority: three misbehave, `worker` powers off after three notifications. */
const MISBEHAVING_SYSTEM: Record<string, string> = {
  'containment.system.ts': `import { defineSystem } from 'kaal-compose';
export default defineSystem({
  name: 'containment',
  components: [
    { name: 'spinner', priority: 100, code: { sources: ['spinner.c'] } },
    { name: 'flooder', priority: 100, code: { sources: ['flooder.c'] } },
    { name: 'recurser', priority: 100, code: { sources: ['recurser.c'] } },
    { name: 'worker', priority: 100, code: { sources: ['worker.c'] }, devices: [{ device: '/soc/test@100000', name: 'test' }] },
  ],
  channels: [{ name: 'flood', from: 'flooder', to: 'worker' }],
});
`,
  'spinner.c': `#include <kaal.h>
void init(void) { kaal_dbg_puts("spinner: spinning forever\\n"); for (;;) { __asm__ volatile(""); } }
`,
  'flooder.c': `#include <kaal.h>
void init(void) { kaal_dbg_puts("flooder: flooding\\n"); for (;;) kaal_notify(KAAL_CH_FLOOD); }
`,
  'recurser.c': `#include <kaal.h>
static unsigned deeper(unsigned n) { volatile char pad[512]; pad[0] = (char)n; return deeper(n + 1) + pad[0]; }
void init(void) { kaal_dbg_puts("recurser: recursing\\n"); deeper(0); }
`,
  'worker.c': `#include <kaal.h>
static unsigned seen;
void init(void) { kaal_dbg_puts("worker: up\\n"); }
void notified(kaal_channel ch)
{
    if (ch != KAAL_CH_FLOOD) return;
    if (++seen == 3) {
        kaal_dbg_puts("worker: three notifications, powering off\\n");
        *(volatile uint32_t *)KAAL_MMIO_TEST_VADDR = 0x5555;
    }
}
`,
};

describe('spinning, flooding and stack exhaustion are contained', () => {
  let example: ExampleCopy;
  let observed: Observed;
  beforeAll(async () => {
    // A temp dir with node_modules linked (copyExample), holding the system above.
    example = copyExample('hello', 'containment');
    for (const file of fs.readdirSync(example.dir)) fs.rmSync(path.join(example.dir, file));
    for (const [name, text] of Object.entries(MISBEHAVING_SYSTEM)) fs.writeFileSync(path.join(example.dir, name), text);
    observed = await buildAndRun(example.dir);
  }, 240_000);
  afterAll(() => example.cleanup());

  it('the well-behaved component still runs and powers the machine off', () => {
    expect(observed.result.outcome).toBe('poweroff');
    expect(observed.result.powerOffCode).toBe(0);
    expect(observed.debug).toContain('worker: three notifications, powering off');
  });

  it('a stack overflow faults only the recursing component, and the result names it', () => {
    expect(observed.result.faults.get('recurser')?.map((f) => f.type)).toEqual(['vm']);
    // The fault is the write just below its own stack (the unmapped guard page), not anywhere else.
    const address = Number(observed.result.faults.get('recurser')![0]!.address);
    const bottom = observed.stackBottom.get('recurser')!;
    expect(address).toBeGreaterThanOrEqual(bottom - 0x1000);
    expect(address).toBeLessThan(bottom);
    for (const name of ['spinner', 'flooder', 'worker']) expect(observed.result.faults.get(name) ?? [], name).toEqual([]);
  });

  it('the spinning and the flooding components ran but did not starve the others', () => {
    expect(observed.debug).toContain('spinner: spinning forever');
    expect(observed.debug).toContain('flooder: flooding');
    expect(observed.result.instructions).toBeLessThan(20_000_000);
  });
});

describe('the instruction limit ends a run that never powers off', () => {
  it('a system whose only component spins ends with outcome limit at the limit', async () => {
    const example = copyExample('hello', 'spin-only');
    try {
      for (const file of fs.readdirSync(example.dir)) fs.rmSync(path.join(example.dir, file));
      fs.writeFileSync(
        path.join(example.dir, 'spin.system.ts'),
        `import { defineSystem } from 'kaal-compose';\nexport default defineSystem({ name: 'spin', components: [{ name: 'spinner', priority: 100, code: { sources: ['spinner.c'] } }] });\n`,
      );
      fs.writeFileSync(path.join(example.dir, 'spinner.c'), MISBEHAVING_SYSTEM['spinner.c']!);
      const { result } = await buildAndRun(example.dir, 200_000);
      expect(result.outcome).toBe('limit');
      expect(result.instructions).toBeGreaterThanOrEqual(200_000);
      expect(result.instructions).toBeLessThan(200_000 + 20_000);
    } finally {
      example.cleanup();
    }
  }, 240_000);
});
