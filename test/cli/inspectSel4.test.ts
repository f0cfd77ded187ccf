// `kaal-compose inspect` on a --target sel4 ELF: says what it is (loader, seL4 entry arguments,
// regions) and what it is not; an ELF without the loader's boot header is refused with KC6800.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSel4Image } from '../../compiler/sel4/image.js';
import { readPrebuiltLoader } from '../../compiler/sel4/loader.js';
import { runCli } from '../helpers/cli.js';
import { kernelLike, rootTask } from '../helpers/sel4Sample.js';
import { repoRoot } from '../helpers/files.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-inspect-sel4-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const dtb = new Uint8Array(fs.readFileSync(path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dtb')));
const { elf, layout } = buildSel4Image({
  loader: readPrebuiltLoader(),
  kernel: kernelLike(0x8022_0000),
  dtb,
  rootTask,
  devices: { uartBase: 0x1000_0000, clintBase: 0x200_0000, finisherBase: 0x10_0000 },
});
fs.writeFileSync(path.join(dir, 'sys.elf'), elf);

describe('kaal-compose inspect of a --target sel4 ELF', () => {
  it('shows the loader, the arguments seL4 is entered with and each region, and what the file is not', async () => {
    const { code, stdout, stderr } = await runCli(['inspect', 'sys.elf'], { cwd: dir });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`seL4 boot ELF (--target sel4), ${elf.length} bytes\n`);
    expect(stdout).toContain('  run with  qemu-system-riscv32 -machine virt -m 2G -nographic -bios none -kernel sys.elf\n');
    expect(stdout).toContain('  console ns16550a 0x10000000, timer CLINT 0x02000000, power-off 0x00100000\n');
    expect(stdout).toContain('  kernel     0x80200000 (virtual 0xffa00000), entry 0xffa00000, 131072 bytes\n');
    expect(stdout).toContain(`  root task  0x80221000..0x80223000, pv_offset 0x80211000, entry 0x00010000\n`);
    expect(stdout).toContain(`  dtb        0x80220000, ${dtb.length} bytes, model 'kaal-virt-rv32'\n`);
    expect(stdout).toContain(
      [
        'regions the loader places (3):',
        '  kernel     0x80200000  from 0x80223000  filesz      512  memsz   131072',
        `  dtb        0x80220000  from 0x80224000  filesz     ${dtb.length}  memsz     ${dtb.length}`,
        '  root task  0x80221000  from 0x80225000  filesz     4129  memsz     8192',
      ].join('\n'),
    );
    expect(stdout).toContain("not a kaal-compose boot image: it boots on seL4 under QEMU or a board, 'kaal-compose run' cannot run it");
    expect(layout.rootTask.start).toBe(0x8022_1000);
  });

  it('--json has the same facts as fields', async () => {
    const { code, stdout } = await runCli(['inspect', 'sys.elf', '--json'], { cwd: dir });
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(Object.keys(summary)).toEqual(['kind', 'totalSize', 'sha256', 'runWith', 'loader', 'kernel', 'rootTask', 'dtb', 'devices', 'regions', 'not']);
    expect(summary.kind).toBe('sel4-elf');
    expect(summary.loader.entry).toBe('0x80000000');
    expect(summary.rootTask).toEqual({ paddr: '0x80221000', end: '0x80223000', pvOffset: '0x80211000', entry: '0x00010000' });
    expect(summary.regions.map((r: { name: string }) => r.name)).toEqual(['kernel', 'dtb', 'root task']);
  });

  it('an ELF that is not a --target sel4 image is refused with KC6800', async () => {
    const { code, stderr } = await runCli(['inspect', path.join(repoRoot, 'fixtures/systems/hello/hello.elf')], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toContain('error[KC6800]');
    expect(stderr).toContain('is an ELF but not a --target sel4 image: it has no kaal loader boot header');
  });
});
