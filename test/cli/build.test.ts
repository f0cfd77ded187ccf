// `kaal-compose build` run in-process through `main`: exit codes, output, progress on a terminal.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { toolVersion } from '../../compiler/toolchain.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-cli-build-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));
const clang = (await toolVersion('clang')) !== null && (await toolVersion('ld.lld')) !== null;

async function run(args: string[], options: { tty?: boolean; cwd?: string; path?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string | Uint8Array) => void (stdout += String(s)) },
    stderr: { isTTY: options.tty ?? false, write: (s: string | Uint8Array) => void (stderr += String(s)) },
    cwd: options.cwd ?? repo,
    env: { PATH: options.path ?? '/nonexistent-kaal-path', NO_COLOR: '1' },
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('kaal-compose build', () => {
  it('writes the image from prebuilt ELFs without a compiler and says where, how big and its hash', async () => {
    const output = path.join(temp, 'hello.img');
    const { code, stdout, stderr } = await run(['build', 'fixtures/systems/hello/hello.system.ts', '-o', output]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const size = fs.statSync(output).size;
    expect(stdout).toMatch(new RegExp(`^wrote ${output.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${size} bytes, 1 component, sha256 [0-9a-f]{64}\\n$`));
  });

  it('shows each component and where its code came from on a terminal', async () => {
    const { code, stderr } = await run(['build', 'fixtures/systems/ping-pong/ping-pong.system.ts', '-o', path.join(temp, 'pp.img')], { tty: true });
    expect(code).toBe(0);
    expect(stderr).toBe(
      '  [1/2] client: prebuilt (fixtures/systems/ping-pong/client.elf)\n  [2/2] server: prebuilt (fixtures/systems/ping-pong/server.elf)\n',
    );
  });

  it.skipIf(!clang)('shows each component as it is compiled with --rebuild, and gives the same image', async () => {
    const prebuilt = await run(['build', 'fixtures/systems/hello/hello.system.ts', '-o', path.join(temp, 'a.img')]);
    const rebuilt = await run(['build', 'fixtures/systems/hello/hello.system.ts', '-o', path.join(temp, 'b.img'), '--rebuild'], {
      tty: true,
      path: process.env.PATH ?? '',
    });
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stderr).toBe('compiling C sources…\n  [1/1] hello: compiled from C\n');
    expect(fs.readFileSync(path.join(temp, 'b.img')).equals(fs.readFileSync(path.join(temp, 'a.img')))).toBe(true);
    expect(prebuilt.stdout.split('sha256 ')[1]).toBe(rebuilt.stdout.split('sha256 ')[1]);
  });

  it('exits 1 naming the package to install when C must be compiled and clang is missing', async () => {
    const { code, stderr } = await run(['build', 'fixtures/systems/hello/hello.system.ts', '-o', path.join(temp, 'x.img'), '--rebuild']);
    expect(code).toBe(1);
    expect(stderr).toContain("error[KC0005]: 'clang' is needed to build component 'hello' from C sources but was not found");
    expect(stderr).toContain("install it with 'apt-get install -y clang'");
    expect(fs.existsSync(path.join(temp, 'x.img'))).toBe(false);
  });

  it('exits 1 with the descriptor problem for an invalid system', async () => {
    const dir = path.join(temp, 'invalid');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'bad.system.ts'), "import { defineSystem } from 'kaal-compose';\nexport default defineSystem({ name: 'bad', components: [] });\n");
    const { code, stderr } = await run(['build', '-o', 'bad.img'], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toMatch(/error\[KC1\d{3}\]/);
    expect(stderr).toContain('bad.system.ts');
  });

  it('exits 2 without -o', async () => {
    const { code, stderr } = await run(['build', 'fixtures/systems/hello/hello.system.ts']);
    expect(code).toBe(2);
    expect(stderr).toContain("error[KC0001]: missing required argument 'output'");
  });
});
