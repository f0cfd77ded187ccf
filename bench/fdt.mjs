// Benchmark: decode + platform model of the largest corpus tree (tx2.dts, compiled with dtc),
// plus encode and DTS printing. Prints the median ms per tree over N runs. Run after
// `npx tsc -p tsconfig.build.json`: `node bench/fdt.mjs [runs]`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeFdt } from '../dist/image/fdt/decodeFdt.js';
import { encodeFdt } from '../dist/image/fdt/encodeFdt.js';
import { printDts } from '../dist/image/fdt/printDts.js';
import { platformFromFdt } from '../dist/image/platform.js';

const runs = Number(process.argv[2] ?? 200);
const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(here, '../../shared/corpus/dts/tx2.dts');
const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-bench-fdt-'));
let blob;
try {
  const out = path.join(tempDir, 'tx2.dtb');
  execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', out, source]);
  blob = new Uint8Array(fs.readFileSync(out));
} finally {
  fs.rmSync(tempDir, { recursive: true, force: true });
}

function median(fn) {
  for (let i = 0; i < 20; i++) fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const tree = decodeFdt(blob);
const platform = platformFromFdt(tree);
console.log(`tx2.dtb: ${blob.byteLength} bytes, ${platform.devices.length} devices, ${runs} runs (median)`);
console.log(`decode + platform model: ${median(() => platformFromFdt(decodeFdt(blob))).toFixed(3)} ms/tree`);
console.log(`decode only:             ${median(() => decodeFdt(blob)).toFixed(3)} ms/tree`);
console.log(`platform model only:     ${median(() => platformFromFdt(tree)).toFixed(3)} ms/tree`);
console.log(`encode:                  ${median(() => encodeFdt(tree)).toFixed(3)} ms/tree`);
console.log(`print DTS:               ${median(() => printDts(tree)).toFixed(3)} ms/tree`);
