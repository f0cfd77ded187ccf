// Outputs are written whole or not at all (DESIGN.md "Quality bars", issue 9): a command that fails
// half way leaves an earlier output byte-identical and no `<file>.tmp-<pid>-<random>` behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../compiler/host.js';
import { runCli } from '../helpers/cli.js';
import { copyExample, leftoverTempFiles, repoRoot, type ExampleCopy } from './exampleCopy.js';

const PREVIOUS = new Uint8Array([0x4b, 0x41, 0x41, 0x4c, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4]);

describe('build writes its outputs whole or not at all', () => {
  let example: ExampleCopy;
  let descriptor: string;
  beforeAll(() => {
    example = copyExample('hello');
    descriptor = fs.readFileSync(path.join(example.dir, 'hello.system.ts'), 'utf8');
  });
  afterAll(() => example.cleanup());

  const file = (name: string) => path.join(example.dir, name);
  const restoreDescriptor = () => fs.writeFileSync(file('hello.system.ts'), descriptor);

  it('a descriptor error leaves the previous image byte-identical and writes no --emit files', async () => {
    fs.writeFileSync(file('previous.img'), PREVIOUS);
    fs.writeFileSync(file('hello.system.ts'), descriptor.replace('priority: 100', 'priority: 100, colour: 3'));
    try {
      const run = await runCli(['build', '-o', 'previous.img', '--emit', 'emitted'], { cwd: example.dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('KC1003');
    } finally {
      restoreDescriptor();
    }
    expect(new Uint8Array(fs.readFileSync(file('previous.img')))).toEqual(PREVIOUS);
    expect(fs.existsSync(file('emitted'))).toBe(false);
    expect(leftoverTempFiles(example.dir)).toEqual([]);
  }, 180_000);

  it('a failing compile (--rebuild with a broken C source) leaves the previous image byte-identical', async () => {
    fs.writeFileSync(file('previous.img'), PREVIOUS);
    const source = fs.readFileSync(file('hello.c'), 'utf8');
    fs.writeFileSync(file('hello.c'), source + '\nthis is not C;\n');
    try {
      const run = await runCli(['build', '--rebuild', '-o', 'previous.img'], { cwd: example.dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/error\[KC5\d{3}\]/);
    } finally {
      fs.writeFileSync(file('hello.c'), source);
    }
    expect(new Uint8Array(fs.readFileSync(file('previous.img')))).toEqual(PREVIOUS);
    expect(leftoverTempFiles(example.dir)).toEqual([]);
  }, 180_000);

  it('an output path that is a directory is reported (KC0004), the directory untouched, no temp file left', async () => {
    fs.mkdirSync(file('taken.img/inside'), { recursive: true });
    const run = await runCli(['build', '-o', 'taken.img'], { cwd: example.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('KC0004');
    expect(fs.readdirSync(file('taken.img'))).toEqual(['inside']);
    expect(leftoverTempFiles(example.dir)).toEqual([]);
  }, 180_000);

  it('an output below a regular file is reported (KC0004) and leaves nothing behind', async () => {
    fs.writeFileSync(file('plain'), 'x');
    const run = await runCli(['build', '-o', 'plain/hello.img'], { cwd: example.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('KC0004');
    expect(fs.readFileSync(file('plain'), 'utf8')).toBe('x');
    expect(leftoverTempFiles(example.dir)).toEqual([]);
  }, 180_000);

  it('--report of a failed build is a whole HTML file and the previous image is untouched', async () => {
    fs.writeFileSync(file('previous.img'), PREVIOUS);
    fs.writeFileSync(file('hello.system.ts'), descriptor.replace("device: 'serial0'", "device: '/soc/nothing@0'"));
    try {
      const run = await runCli(['build', '-o', 'previous.img', '--report', 'report.html'], { cwd: example.dir });
      expect(run.code).toBe(1);
    } finally {
      restoreDescriptor();
    }
    expect(new Uint8Array(fs.readFileSync(file('previous.img')))).toEqual(PREVIOUS);
    const report = fs.readFileSync(file('report.html'), 'utf8');
    expect(report.trimEnd().endsWith('</html>')).toBe(true);
    expect(leftoverTempFiles(example.dir)).toEqual([]);
  }, 180_000);
});

describe('dt, schema and run write their outputs whole or not at all', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-atomic-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('dt -o with a malformed DTB leaves the previous output byte-identical', async () => {
    const dtb = new Uint8Array(fs.readFileSync(path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dtb')));
    new DataView(dtb.buffer).setUint32(8, 0xffff_0000, false); // off_dt_struct far outside the blob
    fs.writeFileSync(path.join(dir, 'broken.dtb'), dtb);
    fs.writeFileSync(path.join(dir, 'out.dts'), PREVIOUS);
    const run = await runCli(['dt', 'broken.dtb', '-o', 'out.dts'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error\[KC2\d{3}\]/);
    expect(new Uint8Array(fs.readFileSync(path.join(dir, 'out.dts')))).toEqual(PREVIOUS);
    expect(leftoverTempFiles(dir)).toEqual([]);
  });

  it('dt -o onto a directory is reported and leaves no temp file', async () => {
    fs.mkdirSync(path.join(dir, 'taken.dts/inside'), { recursive: true });
    const run = await runCli(['dt', 'kaal-virt-rv32', '-o', 'taken.dts'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('KC0004');
    expect(fs.readdirSync(path.join(dir, 'taken.dts'))).toEqual(['inside']);
    expect(leftoverTempFiles(dir)).toEqual([]);
  });

  it('schema -o onto a directory is reported and leaves no temp file', async () => {
    fs.mkdirSync(path.join(dir, 'taken.json/inside'), { recursive: true });
    const run = await runCli(['schema', '-o', 'taken.json'], { cwd: dir });
    expect(run.code).not.toBe(0);
    expect(run.code).not.toBe(70);
    expect(fs.readdirSync(path.join(dir, 'taken.json'))).toEqual(['inside']);
    expect(leftoverTempFiles(dir)).toEqual([]);
  });

  it('run --report with an image that does not boot leaves the previous report byte-identical', async () => {
    fs.writeFileSync(path.join(dir, 'short.img'), 'KAALBOOT');
    fs.writeFileSync(path.join(dir, 'report.json'), PREVIOUS);
    const run = await runCli(['run', 'short.img', '--report', 'report.json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[KC6000]');
    expect(new Uint8Array(fs.readFileSync(path.join(dir, 'report.json')))).toEqual(PREVIOUS);
    expect(leftoverTempFiles(dir)).toEqual([]);
  });

  it('writeFileAtomic removes its temp file when the rename fails and keeps the old target', () => {
    const target = path.join(dir, 'atomic-target');
    fs.mkdirSync(path.join(target, 'inside'), { recursive: true });
    expect(() => writeFileAtomic(target, 'new')).toThrow();
    expect(fs.readdirSync(target)).toEqual(['inside']);
    expect(leftoverTempFiles(dir)).toEqual([]);
  });
});
