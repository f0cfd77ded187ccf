// `buildSystem` (compiler/build.ts): prebuilt ELFs without a compiler, rebuilding, reproducibility
// from any directory, atomic output, --emit, and each build diagnostic from a real input.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSystem, layoutChanges } from '../../compiler/build.js';
import { toolVersion } from '../../compiler/toolchain.js';
import { readImage } from '../../image/bootImage/index.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const systems = path.join(repo, 'fixtures/systems');
const clang = (await toolVersion('clang')) !== null && (await toolVersion('ld.lld')) !== null;
const noCompiler = { env: { PATH: '/nonexistent-kaal-path' } };
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-build-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** A copy of an example system in a fresh directory `where` (below the temp dir). */
function copySystem(name: string, where: string): string {
  const dir = path.join(temp, where, name);
  fs.cpSync(path.join(systems, name), dir, { recursive: true });
  return dir;
}

describe('buildSystem', () => {
  it('builds hello from its prebuilt ELF with no compiler on PATH', async () => {
    const result = await buildSystem('fixtures/systems/hello/hello.system.ts', { cwd: repo, toolchain: noCompiler });
    expect(result.diagnostics).toEqual([]);
    expect(result.components.map((c) => [c.name, c.origin, c.file])).toEqual([['hello', 'prebuilt', 'fixtures/systems/hello/hello.elf']]);
    const image = readImage(result.image!);
    expect(image.components.map((c) => [c.name, c.entry])).toEqual([['hello', 0x1_0000]]);
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same SHA-256 from two different directories', async () => {
    const first = copySystem('uart-echo', 'one');
    const second = copySystem('uart-echo', 'two/levels/deeper');
    const a = await buildSystem('uart-echo.system.ts', { cwd: first, toolchain: noCompiler });
    const b = await buildSystem(path.join(second, 'uart-echo.system.ts'), { cwd: os.tmpdir(), toolchain: noCompiler });
    expect(a.diagnostics).toEqual([]);
    expect(a.sha256).toBe(b.sha256);
    expect(Buffer.from(a.image!).includes(Buffer.from(temp))).toBe(false);
  });

  it.skipIf(!clang)('gives the same image with --rebuild as from the prebuilt ELFs', async () => {
    const prebuilt = await buildSystem('fixtures/systems/hello/hello.system.ts', { cwd: repo, toolchain: noCompiler });
    expect([prebuilt.diagnostics, prebuilt.components.map((c) => c.origin)]).toEqual([[], ['prebuilt']]);
    const rebuilt = await buildSystem('fixtures/systems/hello/hello.system.ts', { cwd: repo, rebuild: true });
    expect(rebuilt.diagnostics).toEqual([]);
    expect(rebuilt.components.map((c) => c.origin)).toEqual(['compiled']);
    expect(rebuilt.sha256).toBe(prebuilt.sha256);
  });

  it('writes the output through a temporary file and leaves an old image untouched when the build fails', async () => {
    const dir = copySystem('hello', 'failing');
    const output = path.join(dir, 'hello.img');
    fs.writeFileSync(output, 'the old image');
    fs.writeFileSync(path.join(dir, 'hello.system.ts'), fs.readFileSync(path.join(dir, 'hello.system.ts'), 'utf8').replace('priority: 100', 'priority: 999'));
    const result = await buildSystem('hello.system.ts', { cwd: dir, output: 'hello.img', toolchain: noCompiler });
    expect(result.image).toBeUndefined();
    expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(fs.readFileSync(output, 'utf8')).toBe('the old image');
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('replaces an existing image when the build succeeds', async () => {
    const dir = copySystem('hello', 'succeeding');
    fs.writeFileSync(path.join(dir, 'hello.img'), 'the old image');
    const result = await buildSystem('hello.system.ts', { cwd: dir, output: 'hello.img', toolchain: noCompiler });
    expect(Buffer.from(fs.readFileSync(path.join(dir, 'hello.img'))).equals(Buffer.from(result.image!))).toBe(true);
  });

  it('reports an output that cannot be written as KC0004', async () => {
    const result = await buildSystem('fixtures/systems/hello/hello.system.ts', { cwd: repo, output: path.join(temp, 'no/such/dir/x.img'), toolchain: noCompiler });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['KC0004']);
  });

  it('--emit writes the plan, each header, linker script and ELF, and the DTB and DTS', async () => {
    const emit = path.join(temp, 'emit');
    const result = await buildSystem('fixtures/systems/hello/hello.system.ts', { cwd: repo, emitDir: emit, toolchain: noCompiler });
    expect(result.diagnostics).toEqual([]);
    expect(fs.readdirSync(emit).sort()).toEqual(['gdbinit', 'hello', 'plan.json', 'platform.dtb', 'platform.dts']);
    expect(fs.readdirSync(path.join(emit, 'hello')).sort()).toEqual(['hello.elf', 'hello.ld', 'kaal_system.h']);
    expect(JSON.parse(fs.readFileSync(path.join(emit, 'plan.json'), 'utf8'))).toEqual(result.plan);
    expect(fs.readFileSync(path.join(emit, 'hello/kaal_system.h'), 'utf8')).toMatch(/#define KAAL_MMIO_UART_VADDR 0x[0-9a-f]{8}u/);
    expect(fs.readFileSync(path.join(emit, 'platform.dts'), 'utf8')).toContain('serial@10000000');
  });

  it('reports an --emit directory that cannot be made as KC0004 and writes no image', async () => {
    const blocker = path.join(temp, 'a-file');
    fs.writeFileSync(blocker, '');
    const output = path.join(temp, 'emit-failed.img');
    const result = await buildSystem('fixtures/systems/hello/hello.system.ts', { cwd: repo, output, emitDir: path.join(blocker, 'sub'), toolchain: noCompiler });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['KC0004']);
    expect(fs.existsSync(output)).toBe(false);
  });

  it('asks for clang once (KC0005) when sources must be compiled and no compiler is there', async () => {
    const dir = copySystem('ping-pong', 'no-prebuilt');
    for (const elf of ['client.elf', 'server.elf']) fs.rmSync(path.join(dir, elf));
    const result = await buildSystem('ping-pong.system.ts', { cwd: dir, toolchain: noCompiler });
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['KC0005', "'clang' is needed to build component 'client' and 1 more from C sources but was not found"],
      ['KC0005', "'ld.lld' is needed to build component 'client' and 1 more from C sources but was not found"],
    ]);
  });

  it.skipIf(!clang)('compiles components whose prebuilt ELF is missing', async () => {
    const dir = copySystem('ping-pong', 'missing-one');
    fs.rmSync(path.join(dir, 'server.elf'));
    const result = await buildSystem('ping-pong.system.ts', { cwd: dir });
    expect(result.components.map((c) => [c.name, c.origin])).toEqual([['client', 'prebuilt'], ['server', 'compiled']]);
  });

  it.skipIf(!clang)('reports a C error with the component name (KC5001) and still emits the headers', async () => {
    const dir = copySystem('hello', 'broken-c');
    fs.writeFileSync(path.join(dir, 'hello.c'), '#include <kaal.h>\nvoid init(void) { return 1 }\n');
    const emit = path.join(dir, 'emitted');
    const result = await buildSystem('hello.system.ts', { cwd: dir, rebuild: true, emitDir: emit });
    expect(result.image).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toContain('KC5001');
    expect(result.diagnostics.find((d) => d.code === 'KC5001')!.message).toMatch(/^component 'hello': clang failed on 'hello\.c':\nhello\.c:2:/);
    expect(fs.existsSync(path.join(emit, 'hello/kaal_system.h'))).toBe(true);
  });

  it('reports a given ELF that is missing as KC5004', async () => {
    const dir = path.join(temp, 'elf-only');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'only.system.ts'),
      "import { defineSystem } from 'kaal-compose';\nexport default defineSystem({ name: 'only', components: [{ name: 'a', code: { elf: 'a.elf' } }] });\n",
    );
    const result = await buildSystem('only.system.ts', { cwd: dir, toolchain: noCompiler });
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([['KC5004', "component 'a': cannot read ELF 'a.elf': no such file"]]);
  });

  it('reports a given ELF that is not an ELF with the reader\'s diagnostic, not a stack trace', async () => {
    const dir = path.join(temp, 'bad-elf');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'a.elf'), 'not an elf at all');
    fs.writeFileSync(
      path.join(dir, 'bad.system.ts'),
      "import { defineSystem } from 'kaal-compose';\nexport default defineSystem({ name: 'bad', components: [{ name: 'a', code: { elf: 'a.elf' } }] });\n",
    );
    const result = await buildSystem('bad.system.ts', { cwd: dir, toolchain: noCompiler });
    expect(result.image).toBeUndefined();
    // At the descriptor's `elf` (where the path is fixed), naming the file.
    expect(result.diagnostics.map((d) => [d.code.slice(0, 3), d.file, d.line])).toEqual([['KC6', 'bad.system.ts', 2]]);
    expect(result.diagnostics[0]!.message).toMatch(/^component 'a': ELF 'a\.elf': /);
  });

  it('warns (KC5009) when a prebuilt ELF was compiled against another header', async () => {
    const dir = copySystem('hello', 'stale');
    const descriptor = path.join(dir, 'hello.system.ts');
    fs.writeFileSync(descriptor, fs.readFileSync(descriptor, 'utf8').replace("name: 'uart'", "name: 'console'"));
    const result = await buildSystem('hello.system.ts', { cwd: dir, toolchain: noCompiler });
    expect(result.image).toBeDefined();
    expect(result.diagnostics.map((d) => [d.code, d.severity])).toEqual([['KC5009', 'warning']]);
    expect(result.diagnostics[0]!.message).toMatch(/^component 'hello': prebuilt ELF 'hello\.elf' was compiled against another kaal_system\.h/);
  });

  it('builds despite a check warning, shown at its place in the descriptor', async () => {
    const dir = copySystem('hello', 'warning');
    const descriptor = path.join(dir, 'hello.system.ts');
    fs.writeFileSync(descriptor, fs.readFileSync(descriptor, 'utf8').replace("{ device: '/soc/test@100000', name: 'test' }", "{ device: '/soc/test@100000', name: 'test', mmio: { cached: true } }"));
    const result = await buildSystem('hello.system.ts', { cwd: dir, toolchain: noCompiler });
    expect(result.image).toBeDefined();
    const warnings = result.diagnostics.filter((d) => d.code === 'KC3052');
    expect(warnings.map((d) => [d.severity, d.file, d.line])).toEqual([['warning', 'hello.system.ts', 16]]);
  });

  it('reports no descriptor in the directory as KC0003', async () => {
    const dir = path.join(temp, 'empty');
    fs.mkdirSync(dir, { recursive: true });
    const result = await buildSystem(undefined, { cwd: dir });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['KC0003']);
  });
});

describe('layoutChanges', () => {
  it('reports a header constant that moved between the layout plan and the final plan (KC5006)', () => {
    const before = [{ name: 'a', header: '#define KAAL_HEADER_SHA256 "1"\n#define KAAL_MMIO_UART_VADDR 0x60000000u\n', linkerScript: '' }];
    const after = [{ name: 'a', header: '#define KAAL_HEADER_SHA256 "2"\n#define KAAL_MMIO_UART_VADDR 0x60001000u\n', linkerScript: '' }];
    expect(layoutChanges(before, after).map((d) => [d.code, d.message])).toEqual([
      [
        'KC5006',
        "component 'a': 'KAAL_MMIO_UART_VADDR' moved from '#define KAAL_MMIO_UART_VADDR 0x60000000u' to '#define KAAL_MMIO_UART_VADDR 0x60001000u' once the ELFs were known, but the generated header had fixed it",
      ],
    ]);
    expect(layoutChanges(before, before)).toEqual([]);
  });
});

describe('the image META section', () => {
  it('records the system, the platform and the package version, no path', async () => {
    const { packageVersion } = await import('../../compiler/build.js');
    const result = await buildSystem('fixtures/systems/hello/hello.system.ts', { cwd: repo, toolchain: noCompiler });
    const image = readImage(result.image!);
    expect(image.meta).toMatchObject({ systemName: 'hello', platformName: 'kaal-virt-rv32', toolVersion: packageVersion() });
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
