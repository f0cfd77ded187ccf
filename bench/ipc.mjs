// Kernel benchmark (dist/, build first: npx tsc -p tsconfig.build.json): PPC round trips per second
// (the ping-pong example: 1000 seL4_Call/ReplyRecv round trips between two components), notification
// signal+wait pairs per second through the kernel's syscall path, and instructions per second of a
// CPU-bound component (hello's code replaced by a tight loop) under the full kernel. Usage:
//   node bench/ipc.mjs [--repeat N]
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSystem } from '../dist/compiler/build.js';
import { readImage, writeImage } from '../dist/image/bootImage/index.js';
import { bootImage } from '../dist/runtime/boot/index.js';
import { runSystem } from '../dist/runtime/run.js';
import { Syscall, Reg, encodeMessageInfo } from '../dist/runtime/kernel/abi.js';
import { handleSyscall } from '../dist/runtime/kernel/syscall.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const at = args.indexOf('--repeat');
const repeat = at >= 0 ? Number(args[at + 1]) : 5;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function image(name) {
  const r = await buildSystem(path.join(repo, 'fixtures/systems', name, `${name}.system.ts`), { cwd: repo });
  if (!r.image) throw new Error(`${name} did not build`);
  return r.image;
}

function boot(bytes) {
  const r = bootImage(bytes, {});
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.system;
}

// 1. PPC round trips: run ping-pong to power-off, count Call syscalls of the client.
const pingPong = await image('ping-pong');
const ppc = [];
let ppcInstructions = 0;
for (let i = 0; i < repeat; i++) {
  const system = boot(pingPong);
  let calls = 0;
  system.kernel.hooks.trace = undefined;
  const start = performance.now();
  const result = runSystem(system, {
    trace: (line) => {
      if (line.includes('syscall Call')) calls++;
    },
  });
  const ms = performance.now() - start;
  if (result.outcome !== 'poweroff') throw new Error(`ping-pong ended with ${result.outcome}`);
  ppcInstructions = result.instructions;
  ppc.push({ ms, calls });
}
// Without the trace hook (the trace formats a line per event).
const ppcFast = [];
for (let i = 0; i < repeat; i++) {
  const system = boot(pingPong);
  const start = performance.now();
  runSystem(system, {});
  ppcFast.push(performance.now() - start);
}
const calls = ppc[0].calls;

// 2. Notifications: two threads of the hello VSpace layout, signal + wait through handleSyscall.
const hello = await image('hello');
const system = boot(hello);
const { kernel } = system;
const tcb = system.components[0].tcb;
const rounds = 200_000;
const ntfnTimes = [];
for (let i = 0; i < repeat; i++) {
  const start = performance.now();
  for (let n = 0; n < rounds; n++) {
    kernel.current = tcb;
    kernel.action = 'resume';
    tcb.state = 'running';
    tcb.regs[Reg.a0] = 1; // slot 1: its own notification (input)
    tcb.regs[Reg.a1] = encodeMessageInfo(0, 0, 0, 0);
    handleSyscall(kernel, tcb, Syscall.Send);
    tcb.regs[Reg.a0] = 1;
    handleSyscall(kernel, tcb, Syscall.NBRecv);
  }
  ntfnTimes.push(performance.now() - start);
}

// 3. A CPU-bound component: hello's entry page becomes `addi a0, a0, 1; j .-4`.
const base = readImage(hello);
const loop = new Uint8Array(4096);
new DataView(loop.buffer).setUint32(0, 0x00150513, true);
new DataView(loop.buffer).setUint32(4, 0xffdff06f, true);
const spin = writeImage({
  meta: base.meta,
  untyped: base.untyped,
  bootInfo: base.bootInfo,
  dtb: base.dtb,
  plan: JSON.parse(base.planJson),
  components: base.components.map((c) => ({
    name: c.name,
    entry: c.entry,
    segments: c.segments.map((s) => ({ vaddr: s.vaddr, memsz: s.memsz, flags: s.flags, data: s.vaddr === c.entry ? loop : s.data })),
    symbols: c.symbols,
  })),
});
const budget = 50_000_000;
const cpuTimes = [];
for (let i = 0; i < repeat; i++) {
  const s = boot(spin);
  const start = performance.now();
  const result = runSystem(s, { maxInstructions: budget });
  cpuTimes.push(performance.now() - start);
  if (result.outcome !== 'limit') throw new Error(`spin ended with ${result.outcome}`);
}

const perSecond = (count, ms) => Math.round((count * 1000) / ms).toLocaleString('en-US');
process.stdout.write(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg()[0].toFixed(2)}; median of ${repeat}\n\n`);
process.stdout.write('| measure | count | median wall (ms) | per second |\n| --- | ---: | ---: | ---: |\n');
process.stdout.write(`| PPC round trips (ping-pong, no trace) | ${calls} | ${median(ppcFast).toFixed(1)} | ${perSecond(calls, median(ppcFast))} |\n`);
process.stdout.write(`| PPC round trips (ping-pong, --trace hook) | ${calls} | ${median(ppc.map((p) => p.ms)).toFixed(1)} | ${perSecond(calls, median(ppc.map((p) => p.ms)))} |\n`);
process.stdout.write(`| ping-pong guest instructions | ${ppcInstructions} | ${median(ppcFast).toFixed(1)} | ${perSecond(ppcInstructions, median(ppcFast))} |\n`);
process.stdout.write(`| notification signal + poll (kernel path) | ${rounds} | ${median(ntfnTimes).toFixed(1)} | ${perSecond(rounds, median(ntfnTimes))} |\n`);
process.stdout.write(`| CPU-bound component, instructions | ${budget} | ${median(cpuTimes).toFixed(1)} | ${perSecond(budget, median(cpuTimes))} |\n`);
