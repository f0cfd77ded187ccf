// The clang/ld.lld driver (compiler/toolchain.ts): flags, determinism, and every way a compile can
// fail turned into a diagnostic with the component's name.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileArguments, compileComponent, toolVersion, type CompileRequest } from '../../compiler/toolchain.js';
import { packageDir } from '../../image/packageFiles.js';
import { COMPONENT_LINK_ADDRESS, emitComponents, headerSha256, renderLinkerScript } from '../../compiler/emit.js';
import { findSymbol, readElf, segmentPerms } from '../../image/elf.js';
import { sampleNames, samplePlan } from './samplePlan.js';

const clangAvailable = (await toolVersion('clang')) !== null && (await toolVersion('ld.lld')) !== null;
const header = emitComponents(samplePlan, (c) => sampleNames[c.name]!).components[1]!.header;
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-toolchain-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** A component directory with the given C files. */
function sources(name: string, files: Record<string, string>): string {
  const dir = path.join(temp, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

const CLIENT_C = `#include <kaal.h>
void init(void) { kaal_printf("client %d\\n", KAAL_CH_SERIAL); kaal_notify(KAAL_CH_SERIAL); }
`;

function request(sourceDir: string, overrides: Partial<CompileRequest> = {}): CompileRequest {
  return {
    component: 'client',
    sourceDir,
    sources: ['client.c'],
    includeDirs: [],
    defines: {},
    header,
    linkerScript: renderLinkerScript('sample', 'client'),
    sdkDir: packageDir('sdk'),
    ...overrides,
  };
}

describe('compileArguments', () => {
  const req = request('/src/app', { defines: { ZED: 1, ALPHA: '"a"', FLAG: true } });
  const args = compileArguments(req, '/src/app/client.c', '/tmp/x/include', '/tmp/x/000-client.c.o');

  it('targets rv32imac/ilp32, freestanding, at -O2', () => {
    expect(args).toEqual(expect.arrayContaining(['--target=riscv32-unknown-elf', '-march=rv32imac', '-mabi=ilp32', '-ffreestanding', '-O2', '-c']));
  });

  it('maps the source directory to . so no absolute path reaches the object', () => {
    expect(args).toContain('-ffile-prefix-map=/src/app=.');
    expect(args).toContain(`-ffile-prefix-map=${packageDir('sdk')}=sdk`);
  });

  it('passes the source by its file name (run in its directory) and the defines sorted', () => {
    expect(args).toContain('client.c');
    expect(args).not.toContain('/src/app/client.c');
    expect(args.filter((a) => a.startsWith('-D'))).toEqual(['-DALPHA="a"', '-DFLAG=1', '-DZED=1']);
  });
});

describe('compileComponent', () => {
  it('reports a missing clang as KC0005 naming the Debian package', async () => {
    const dir = sources('missing-clang', { 'client.c': CLIENT_C });
    const result = await compileComponent(request(dir), { env: { PATH: path.join(temp, 'empty-path') } });
    expect(result.elf).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.code, d.message, d.hint])).toEqual([
      ['KC0005', "'clang' is needed to build component 'client' from C sources but was not found", "install it with 'apt-get install -y clang' (Debian/Ubuntu)"],
    ]);
  });

  it('reports a source that does not exist as KC5003', async () => {
    const dir = sources('no-source', {});
    const result = await compileComponent(request(dir, { sources: ['gone.c'] }));
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([['KC5003', "component 'client': cannot read source 'gone.c': no such file"]]);
  });

  it('reports a tool that cannot be executed as KC5008', async () => {
    const dir = sources('not-executable', { 'client.c': CLIENT_C });
    const fake = path.join(dir, 'fake-clang');
    fs.writeFileSync(fake, 'not a program', { mode: 0o644 });
    const result = await compileComponent(request(dir), { clang: fake });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['KC5008']);
    expect(result.diagnostics[0]!.message).toContain(`'${fake}' could not be run`);
  });

  describe.skipIf(!clangAvailable)('with clang and ld.lld', () => {
    it('reports a missing ld.lld as KC0005 naming the lld package', async () => {
      const dir = sources('missing-lld', { 'client.c': CLIENT_C });
      const result = await compileComponent(request(dir), { lld: 'ld.lld-that-does-not-exist' });
      expect(result.diagnostics.map((d) => [d.code, d.hint])).toEqual([['KC0005', "install it with 'apt-get install -y lld' (Debian/Ubuntu)"]]);
    });

    it('links the SDK and the sources into an ELF at the link address with r-x, r-- and rw- segments', async () => {
      const dir = sources('good', { 'client.c': CLIENT_C });
      const result = await compileComponent(request(dir));
      expect(result.diagnostics).toEqual([]);
      const elf = readElf(result.elf!);
      expect(elf.entry).toBe(COMPONENT_LINK_ADDRESS);
      expect(findSymbol(elf, '_start')?.value).toBe(COMPONENT_LINK_ADDRESS);
      expect(elf.segments.map((s) => segmentPerms(s.flags))).toEqual(['r-x', 'r--', 'rw-']);
      for (const segment of elf.segments) expect(segment.vaddr % 0x1000).toBe(0);
      for (const name of ['init', 'kaal_main', 'kaal_printf', 'strlen']) expect(findSymbol(elf, name), name).toBeDefined();
    });

    it('compiles the header hash into the ELF as kaal_header_sha256', async () => {
      const dir = sources('hash', { 'client.c': CLIENT_C });
      const elf = readElf((await compileComponent(request(dir))).elf!);
      const symbol = findSymbol(elf, 'kaal_header_sha256')!;
      const segment = elf.segments.find((s) => symbol.value >= s.vaddr && symbol.value < s.vaddr + s.memsz)!;
      const bytes = segment.data.subarray(symbol.value - segment.vaddr, symbol.value - segment.vaddr + 16);
      expect(new TextDecoder().decode(bytes)).toBe(headerSha256(header));
    });

    it('gives byte-identical ELFs for the same sources in two different directories', async () => {
      const first = await compileComponent(request(sources('here/a', { 'client.c': CLIENT_C })));
      const second = await compileComponent(request(sources('there/deeper/b', { 'client.c': CLIENT_C })));
      expect(Buffer.from(first.elf!).equals(Buffer.from(second.elf!))).toBe(true);
      expect(Buffer.from(first.elf!).includes(Buffer.from(temp))).toBe(false);
    });

    it('reports a compile error as KC5001 with the component, the file and clang\'s text', async () => {
      const dir = sources('broken', { 'client.c': '#include <kaal.h>\nvoid init(void) { undeclared_thing(); }\n' });
      const result = await compileComponent(request(dir));
      expect(result.elf).toBeUndefined();
      const [error] = result.diagnostics.filter((d) => d.code === 'KC5001');
      expect(error!.message).toMatch(/^component 'client': clang failed on 'client\.c':\n/);
      expect(error!.message).toContain("client.c:2:19: error: implicit declaration of function 'undeclared_thing'");
      expect(error!.message).not.toContain(temp);
    });

    it('reports a link error (no init) as KC5002 with ld.lld\'s text', async () => {
      const dir = sources('no-init', { 'client.c': '#include <kaal.h>\nvoid helper(void) {}\n' });
      const result = await compileComponent(request(dir));
      expect(result.diagnostics.map((d) => d.code)).toEqual(['KC5002']);
      expect(result.diagnostics[0]!.message).toContain('undefined symbol: init');
    });

    it('passes warnings on as KC5007 and still links', async () => {
      const dir = sources('warns', { 'client.c': '#include <kaal.h>\nvoid init(void) { int unused = 1; }\n' });
      const result = await compileComponent(request(dir));
      expect(result.elf).toBeDefined();
      expect(result.diagnostics.map((d) => [d.code, d.severity])).toEqual([['KC5007', 'warning']]);
      expect(result.diagnostics[0]!.message).toContain("unused variable 'unused'");
    });
  });
});
