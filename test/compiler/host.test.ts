// compiler/host.ts: atomic writes leave the old content or the new, and no temporary files.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryHost, nodeHost, writeFileAtomic } from '../../compiler/host.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-host-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces a file with the new content and leaves no temporary file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'out.json');
    fs.writeFileSync(file, 'old');
    writeFileAtomic(file, 'new');
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.readdirSync(dir)).toEqual(['out.json']);
  });

  it('writes bytes as they are', () => {
    const file = path.join(tempDir(), 'out.bin');
    writeFileAtomic(file, new Uint8Array([0, 255, 7]));
    expect([...fs.readFileSync(file)]).toEqual([0, 255, 7]);
  });

  it('removes the temporary file when the rename fails', () => {
    const dir = tempDir();
    // A non-empty directory cannot be replaced by a file: the rename fails after the temp write.
    const target = path.join(dir, 'taken');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep'), 'x');
    expect(() => writeFileAtomic(target, 'data')).toThrow();
    expect(fs.readdirSync(dir)).toEqual(['taken']);
  });

  it('throws a Node error when the directory does not exist', () => {
    const missing = path.join(tempDir(), 'no', 'such', 'dir', 'f.txt');
    expect(() => writeFileAtomic(missing, 'x')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});

describe('nodeHost', () => {
  it('reads text and bytes and tells whether files exist', () => {
    const file = path.join(tempDir(), 'a.txt');
    nodeHost.writeFileAtomic(file, 'héllo');
    expect(nodeHost.readText(file)).toBe('héllo');
    expect(nodeHost.readFile(file).length).toBe(6);
    expect(nodeHost.exists(file)).toBe(true);
    expect(nodeHost.exists(file + '.no')).toBe(false);
  });
});

describe('memoryHost', () => {
  it('serves the files it was given, resolved against its root', () => {
    const host = memoryHost({ 'sys/a.json': '{"name":"a"}' }, '/root');
    expect(host.readText('/root/sys/a.json')).toBe('{"name":"a"}');
    expect(host.exists('/root/sys')).toBe(true);
    expect(host.exists('/root/other')).toBe(false);
  });

  it('throws ENOENT like the real file system for a missing file', () => {
    const host = memoryHost();
    expect(() => host.readText('/nope')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('keeps what is written', () => {
    const host = memoryHost({}, '/r');
    host.writeFileAtomic('/r/out.txt', 'done');
    expect(host.readText('out.txt')).toBe('done');
    expect(new TextDecoder().decode(host.files.get('/r/out.txt'))).toBe('done');
  });
});
