// An output is a regular file or absent (issue 18): every command that writes a file refuses a
// device node, a FIFO, a socket or a directory at the output path with KC0004 and leaves it as it
// was; a symbolic link to a regular file is followed (the link stays, the file it names is
// replaced); a dangling link or a link to anything else is refused.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputTarget, writeFileAtomic } from '../../compiler/host.js';
import { runCli } from '../helpers/cli.js';
import { copyExample, leftoverTempFiles, type ExampleCopy } from './exampleCopy.js';

const isRoot = process.getuid?.() === 0;
// A Microkit system description as small as Microkit's own hello example.
const SDF = '<system><protection_domain name="hello"><program_image path="hello.elf" /></protection_domain></system>\n';

describe('outputs must be regular files or absent', () => {
  let example: ExampleCopy;
  let image: string;
  beforeAll(async () => {
    example = copyExample('hello');
    const built = await runCli(['build', '-o', 'hello.img'], { cwd: example.dir });
    expect(built.stderr).toBe('');
    image = path.join(example.dir, 'hello.img');
    fs.writeFileSync(path.join(example.dir, 'hello.sdf'), SDF);
  }, 180_000);
  afterAll(() => example.cleanup());

  const at = (name: string) => path.join(example.dir, name);
  const fifo = (name: string): string => {
    fs.rmSync(at(name), { force: true, recursive: true });
    execFileSync('mkfifo', [at(name)]);
    return name;
  };
  const expectFifoUntouched = (name: string) => {
    expect(fs.lstatSync(at(name)).isFIFO()).toBe(true);
    expect(leftoverTempFiles(example.dir)).toEqual([]);
  };

  // Every command that writes a file, with a FIFO where its output goes.
  const commands: [string, (out: string) => string[]][] = [
    ['build -o', (out) => ['build', '-o', out]],
    ['build --report', (out) => ['build', '-o', 'with-report.img', '--report', out]],
    ['export -o', (out) => ['export', '--to', 'capdl', '-o', out]],
    ['dt -o', (out) => ['dt', 'kaal-virt-rv32', '-o', out]],
    ['schema -o', (out) => ['schema', '-o', out]],
    ['import-sdf -o', (out) => ['import-sdf', 'hello.sdf', '-o', out]],
    ['run --report', (out) => ['run', 'hello.img', '--report', out]],
  ];
  it.each(commands)('%s onto a FIFO is KC0004, the FIFO stays, nothing else written', async (_name, argv) => {
    const out = fifo('out.fifo');
    const run = await runCli(argv(out), { cwd: example.dir });
    expect(run.stderr).toContain(`error[KC0004]: cannot write '${out}': it is a FIFO; an output must be a regular file or absent`);
    expect(run.code).toBe(1);
    expectFifoUntouched(out);
  }, 180_000);

  it('build --emit with a FIFO where plan.json goes is KC0004 and writes no image', async () => {
    fs.mkdirSync(at('emitted'), { recursive: true });
    fifo('emitted/plan.json');
    fs.rmSync(at('fresh.img'), { force: true });
    const run = await runCli(['build', '--emit', 'emitted', '-o', 'fresh.img'], { cwd: example.dir });
    expect(run.stderr).toContain("error[KC0004]: cannot write 'emitted': it is a FIFO");
    expect(run.code).toBe(1);
    expect(fs.existsSync(at('fresh.img'))).toBe(false);
    expectFifoUntouched('emitted/plan.json');
  }, 180_000);

  it('a socket at the output path is refused', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(at('out.sock'), resolve));
    try {
      const run = await runCli(['dt', 'kaal-virt-rv32', '-o', 'out.sock'], { cwd: example.dir });
      expect(run.stderr).toContain("cannot write 'out.sock': it is a socket");
      expect(run.code).toBe(1);
      expect(fs.lstatSync(at('out.sock')).isSocket()).toBe(true);
    } finally {
      server.close();
    }
  });

  it.runIf(isRoot)('a character device (a copy of /dev/full made with mknod) is refused and stays a device', async () => {
    fs.rmSync(at('full'), { force: true });
    execFileSync('mknod', [at('full'), 'c', '1', '7']);
    const run = await runCli(['build', '-o', 'full'], { cwd: example.dir });
    expect(run.stderr).toContain("error[KC0004]: cannot write 'full': it is a character device; an output must be a regular file or absent");
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('wrote');
    expect(fs.lstatSync(at('full')).isCharacterDevice()).toBe(true);
    expect(leftoverTempFiles(example.dir)).toEqual([]);
  }, 180_000);

  it('a directory is refused before anything is written', () => {
    fs.mkdirSync(at('a-dir'), { recursive: true });
    expect(() => writeFileAtomic(at('a-dir'), 'x')).toThrow('it is a directory; an output must be a regular file or absent');
    expect(leftoverTempFiles(example.dir)).toEqual([]);
  });

  it('a symbolic link to a regular file is followed: the link stays, the file it names gets the output', async () => {
    fs.mkdirSync(at('builds'), { recursive: true });
    fs.writeFileSync(at('builds/v1.img'), 'old');
    fs.rmSync(at('latest.img'), { force: true });
    fs.symlinkSync('builds/v1.img', at('latest.img'));
    expect(outputTarget(at('latest.img'))).toBe(fs.realpathSync(at('builds/v1.img')));
    const run = await runCli(['build', '-o', 'latest.img'], { cwd: example.dir });
    expect(run.code).toBe(0);
    expect(fs.lstatSync(at('latest.img')).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(at('latest.img'))).toBe('builds/v1.img');
    expect(fs.readFileSync(at('builds/v1.img'))).toEqual(fs.readFileSync(image));
    expect(leftoverTempFiles(example.dir)).toEqual([]);
  }, 180_000);

  it('a dangling symbolic link and a link to a FIFO are refused, the links untouched', async () => {
    fs.rmSync(at('dangling'), { force: true });
    fs.symlinkSync('nowhere/at-all.img', at('dangling'));
    const dangling = await runCli(['dt', 'kaal-virt-rv32', '-o', 'dangling'], { cwd: example.dir });
    expect(dangling.stderr).toContain("cannot write 'dangling': it is a symbolic link to 'nowhere/at-all.img', which does not exist");
    expect(dangling.code).toBe(1);
    expect(fs.readlinkSync(at('dangling'))).toBe('nowhere/at-all.img');

    fifo('target.fifo');
    fs.rmSync(at('to-fifo'), { force: true });
    fs.symlinkSync('target.fifo', at('to-fifo'));
    const toFifo = await runCli(['dt', 'kaal-virt-rv32', '-o', 'to-fifo'], { cwd: example.dir });
    expect(toFifo.stderr).toContain("cannot write 'to-fifo': it is a symbolic link to a FIFO");
    expect(toFifo.code).toBe(1);
    expectFifoUntouched('target.fifo');
  });

  it('a regular file is replaced whole, as before', async () => {
    fs.writeFileSync(at('plain.dts'), 'old');
    const run = await runCli(['dt', 'kaal-virt-rv32', '-o', 'plain.dts'], { cwd: example.dir });
    expect(run.code).toBe(0);
    expect(fs.readFileSync(at('plain.dts'), 'utf8')).toMatch(/^\/dts-v1\/;/);
  });
});
