// Boot cost: the time from the start of a run to the first component instruction (image read,
// machine from the DTB, seL4's boot model, the initial thread, the C root task on the emulated CPU
// executing the plan and loading the segments, the grant proof), for `hello` and a generated
// 100-component system, in-process (bootImage; runImage up to one component instruction) and as a
// whole `check` process, beside `node -e 0`. Build first: npm run build.
// Usage: node bench/boot.mjs [--repeat N]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const at = args.indexOf('--repeat');
const repeat = at >= 0 ? Number(args[at + 1]) : 11;
const launch = path.join(repo, 'dist/cli/launch.js');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const { bootImage } = await import(path.join(repo, 'dist/runtime/boot/index.js'));
const { runImage } = await import(path.join(repo, 'dist/runtime/run.js'));
const { readImage } = await import(path.join(repo, 'dist/image/bootImage/index.js'));
const { emulateBoot, availableMemory, placeBootImages } = await import(path.join(repo, 'dist/image/bootModel.js'));
const { decodeFdt } = await import(path.join(repo, 'dist/image/fdt/index.js'));
const { platformFromFdt } = await import(path.join(repo, 'dist/image/platform.js'));

function cli(cwd, cliArgs) {
  const start = performance.now();
  const result = spawnSync(process.execPath, [launch, ...cliArgs], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`kaal-compose ${cliArgs.join(' ')}: exit ${result.status}: ${result.stderr}`);
  return performance.now() - start;
}

function timeIt(fn) {
  const times = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-boot-'));
try {
  process.stdout.write(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg()[0].toFixed(2)}; median of ${repeat}\n\n`);
  const floor = median(Array.from({ length: repeat }, () => {
    const start = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    return performance.now() - start;
  }));
  process.stdout.write(`floor: node -e 0 ${floor.toFixed(0)} ms\n\n`);
  fs.copyFileSync(path.join(repo, 'fixtures/systems/fault/rogue.elf'), path.join(dir, 'component.elf'));
  const n = 100;
  const name = (i) => `c${String(i).padStart(4, '0')}`;
  const components = Array.from({ length: n }, (_, i) => ({ name: name(i), priority: 100, code: { elf: 'component.elf' } }));
  const channels = Array.from({ length: n - 1 }, (_, i) => ({ name: `link${i}`, from: name(i), to: name(i + 1) }));
  fs.writeFileSync(path.join(dir, 'scale-100.system.json'), JSON.stringify({ name: 'scale-100', components, channels }));
  cli(dir, ['build', 'scale-100.system.json', '-o', 'scale-100.img']);
  cli(path.join(repo, 'fixtures/systems/hello'), ['build', 'hello.system.ts', '-o', path.join(dir, 'hello.img')]);
  process.stdout.write(
    '| system | invocations | root task instructions | boot model (ms) | bootImage in-process (ms) | run to 1st component instruction (ms) | check process (ms) |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n',
  );
  for (const file of ['hello.img', 'scale-100.img']) {
    const bytes = new Uint8Array(fs.readFileSync(path.join(dir, file)));
    const image = readImage(bytes);
    const plan = JSON.parse(image.planJson);
    const platform = platformFromFdt(decodeFdt(image.dtb));
    const config = plan.boot.kernelConfig;
    const placed = placeBootImages(config.kernelImage.end, image.dtb.length);
    const model = timeIt(() =>
      emulateBoot({
        config,
        available: availableMemory(platform.ram),
        dtb: { paddr: placed.dtbPaddr, size: image.dtb.length },
        userImage: { paddr: placed.userImagePaddr, size: plan.boot.userImage.size, vaddr: plan.boot.userImage.vaddr },
      }),
    );
    let rootTaskInstructions = 0;
    const boot = timeIt(() => {
      const r = bootImage(bytes);
      if (!r.ok) throw new Error(`${file}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
      rootTaskInstructions = r.system.rootTask.instructions;
    });
    const firstInstruction = timeIt(() => {
      const r = runImage(bytes, { maxInstructions: 1 });
      if (!r.report) throw new Error(`${file}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
    });
    const check = median(Array.from({ length: repeat }, () => cli(dir, ['check', file])));
    process.stdout.write(
      `| ${file.replace('.img', '')} | ${plan.invocations.length} | ${rootTaskInstructions} | ${model.toFixed(3)} | ${boot.toFixed(1)} | ${firstInstruction.toFixed(1)} | ${check.toFixed(0)} |\n`,
    );
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
