// `kaal-compose build --target sel4 --kernel kernel.elf -o sys.elf` through `main`: the flags that
// go with the target (KC5111–KC5113, exit 2), a kernel that is missing or not seL4 (KC5100,
// KC5108, exit 1, nothing written), and on a synthetic seL4-shaped kernel the ELF written, what
// the command says about it, and `inspect` of it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { kernelLikeElf } from '../helpers/sel4Sample.js';
import { repoRoot } from '../helpers/files.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-cli-sel4-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const kernel = path.join(dir, 'kernel.elf');
fs.writeFileSync(kernel, kernelLikeElf(0x8022_0000));
const hello = 'fixtures/systems/hello/hello.system.ts';
const cli = (args: string[]) => runCli(['build', hello, ...args], { cwd: repoRoot, env: { PATH: '/nonexistent-kaal-path', NO_COLOR: '1' } });

describe('kaal-compose build --target sel4: flags', () => {
  it('--kernel and --kernel-config without --target sel4 are KC5111, exit 2, nothing written', async () => {
    const output = path.join(dir, 'bundled.img');
    const { code, stderr, stdout } = await cli(['--kernel', kernel, '--kernel-config', 'gen_config.json', '-o', output]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("error[KC5111]: '--kernel' is only for --target sel4");
    expect(stderr).toContain("error[KC5111]: '--kernel-config' is only for --target sel4");
    expect(stderr).toContain('hint: add --target sel4 to build a boot ELF for a seL4 kernel, or leave --kernel out');
    expect(fs.existsSync(output)).toBe(false);
  });

  it('--target bundled with --kernel is KC5111 too', async () => {
    const { code, stderr } = await cli(['--target', 'bundled', '--kernel', kernel, '-o', path.join(dir, 'b.img')]);
    expect(code).toBe(2);
    expect(stderr).toContain('KC5111');
  });

  it('--target sel4 without --kernel is KC5112, exit 2', async () => {
    const { code, stderr } = await cli(['--target', 'sel4', '-o', path.join(dir, 'no-kernel.elf')]);
    expect(code).toBe(2);
    expect(stderr).toContain('error[KC5112]: --target sel4 needs the seL4 kernel to build for');
    expect(stderr).toContain("give the kernel's ELF with --kernel <kernel.elf>");
  });

  it('--sign-key and --emit do not apply to --target sel4 (KC5113), each named', async () => {
    const { code, stderr } = await cli(['--target', 'sel4', '--kernel', kernel, '--sign-key', 'key.pem', '--emit', 'out', '-o', path.join(dir, 's.elf')]);
    expect(code).toBe(2);
    expect(stderr).toContain("error[KC5113]: '--sign-key' does not apply to --target sel4: the boot ELF carries no kaal-compose signature");
    expect(stderr).toContain("error[KC5113]: '--emit' does not apply to --target sel4");
  });

  it('an unknown --target is a usage error', async () => {
    const { code, stderr } = await cli(['--target', 'sel5', '-o', path.join(dir, 'x.elf')]);
    expect(code).toBe(2);
    expect(stderr).toContain('sel5');
  });

  it('--format json gives the flag problems as JSON', async () => {
    const { code, stdout } = await cli(['--target', 'sel4', '--format', 'json', '-o', path.join(dir, 'j.elf')]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout).diagnostics.map((d: { code: string }) => d.code)).toEqual(['KC5112']);
  });
});

describe('kaal-compose build --target sel4: the kernel', () => {
  it('a missing kernel is KC5100, exit 1, and an old output stays as it was', async () => {
    const output = path.join(dir, 'old.elf');
    fs.writeFileSync(output, 'old');
    const { code, stderr } = await cli(['--target', 'sel4', '--kernel', path.join(dir, 'none.elf'), '-o', output]);
    expect(code).toBe(1);
    expect(stderr).toContain(`error[KC5100]: cannot read the seL4 kernel '${path.join(dir, 'none.elf')}': no such file`);
    expect(fs.readFileSync(output, 'utf8')).toBe('old');
  });

  it('an ELF that is not a seL4 kernel is KC5108', async () => {
    const { code, stderr } = await cli(['--target', 'sel4', '--kernel', 'fixtures/systems/hello/hello.elf', '-o', path.join(dir, 'h.elf')]);
    expect(code).toBe(1);
    expect(stderr).toContain('error[KC5108]');
  });
});

describe('kaal-compose build --target sel4: the ELF', () => {
  it('writes the boot ELF, says how to boot it, and inspect describes it', async () => {
    const output = path.join(dir, 'hello.elf');
    const { code, stdout, stderr } = await cli(['--target', 'sel4', '--kernel', kernel, '-o', output]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const size = fs.statSync(output).size;
    expect(stdout).toMatch(new RegExp(`^wrote ${output.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${size} bytes, seL4 boot ELF, 1 component, sha256 [0-9a-f]{64}\\n`));
    expect(stdout).toContain(`boot it with: qemu-system-riscv32 -machine virt -m 2G -nographic -bios none -kernel ${output}\n`);
    const inspected = await runCli(['inspect', output], { cwd: dir });
    expect(inspected.code).toBe(0);
    expect(inspected.stdout).toContain(`seL4 boot ELF (--target sel4), ${size} bytes\n`);
    expect(inspected.stdout).toContain('  kernel     0x80200000 (virtual 0xffa00000), entry 0xffa00000');
  });
});
