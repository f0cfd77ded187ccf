// `kaal-compose init`: the files of a new project, its name, and the refusal to touch a directory
// that has anything in it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, expect } from 'vitest';
import { initProject, kaalComposeDependency, projectFiles, systemNameFor } from '../../compiler/init.js';
import { repoRoot, useFiles } from '../helpers/files.js';

describe('projectFiles', () => {
  const files = projectFiles('blinky', '^1.2.3');
  const byPath = new Map(files.map((f) => [f.path, f.text]));

  it('makes a descriptor, one C component, a README, package.json, .gitignore and tsconfig.json', () => {
    expect(files.map((f) => f.path)).toEqual(['blinky.system.ts', 'hello.c', 'README.md', 'package.json', '.gitignore', 'tsconfig.json']);
  });

  it('imports defineSystem from kaal-compose and compiles hello.c with the UART and test device granted', () => {
    const descriptor = byPath.get('blinky.system.ts')!;
    expect(descriptor).toContain("import { defineSystem } from 'kaal-compose';");
    expect(descriptor).toContain("name: 'blinky',");
    expect(descriptor).toContain("code: { sources: ['hello.c'] },");
    expect(descriptor).toContain("{ device: 'serial0', name: 'uart', irq: false },");
    expect(descriptor).toContain("{ device: '/soc/test@100000', name: 'test' },");
    const c = byPath.get('hello.c')!;
    expect(c).toContain('#include <kaal.h>');
    expect(c).toContain('KAAL_MMIO_UART_VADDR');
    expect(c).toContain('*(volatile uint32_t *)KAAL_MMIO_TEST_VADDR = TEST_PASS;');
  });

  it('gives package.json the validate, build and run scripts and a devDependency on kaal-compose', () => {
    const manifest = JSON.parse(byPath.get('package.json')!) as { name: string; scripts: Record<string, string>; devDependencies: Record<string, string> };
    expect(manifest.name).toBe('blinky');
    expect(manifest.scripts).toEqual({
      validate: 'kaal-compose validate blinky.system.ts',
      build: 'kaal-compose build blinky.system.ts -o blinky.img --report report.html',
      run: 'kaal-compose run blinky.img',
    });
    expect(manifest.devDependencies).toEqual({ 'kaal-compose': '^1.2.3' });
  });

  it('lower-cases the npm package name but keeps the system name', () => {
    const manifest = JSON.parse(projectFiles('MySystem', '^0.1.0').find((f) => f.path === 'package.json')!.text) as { name: string };
    expect(manifest.name).toBe('mysystem');
  });
});

describe('kaalComposeDependency', () => {
  it('names an installed package by its version range and anything else by its folder', () => {
    expect(kaalComposeDependency('/home/me/proj/node_modules/kaal-compose', '0.1.0')).toBe('^0.1.0');
    expect(kaalComposeDependency('/home/me/src/kaal compose', '0.1.0')).toBe('file:/home/me/src/kaal compose');
    expect(kaalComposeDependency('/home/me/node_modules_old/kaal-compose', '0.1.0')).toBe('file:/home/me/node_modules_old/kaal-compose');
  });

  it('keeps a path JSON-escaped in package.json', () => {
    const manifest = JSON.parse(projectFiles('x', 'file:/a "b"/c').find((f) => f.path === 'package.json')!.text) as { devDependencies: Record<string, string> };
    expect(manifest.devDependencies).toEqual({ 'kaal-compose': 'file:/a "b"/c' });
  });
});

describe('systemNameFor', () => {
  it('keeps a valid directory name and repairs others', () => {
    expect(systemNameFor('uart-echo')).toBe('uart-echo');
    expect(systemNameFor('my system.v2')).toBe('my-system-v2');
    expect(systemNameFor('2024-demo')).toBe('system-2024-demo');
    expect(systemNameFor('...')).toBe('system');
  });
});

describe('initProject', () => {
  const temp = useFiles();

  it('creates a missing directory (and its parents) with the project in it', () => {
    const cwd = temp({});
    const result = initProject({ cwd, dir: 'a/b/demo' });
    expect(result.diagnostics).toEqual([]);
    expect(result.name).toBe('demo');
    expect(fs.readdirSync(path.join(cwd, 'a/b/demo')).sort()).toEqual(['.gitignore', 'README.md', 'demo.system.ts', 'hello.c', 'package.json', 'tsconfig.json']);
  });

  it('makes the project depend on the kaal-compose it runs from (here: this clone, by path)', () => {
    const cwd = temp({});
    initProject({ cwd, dir: 'p' });
    const manifest = JSON.parse(fs.readFileSync(path.join(cwd, 'p/package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(manifest.devDependencies).toEqual({ 'kaal-compose': `file:${path.resolve(repoRoot)}` });
  });

  it('refuses a directory that is not empty with KC0008 naming an entry, and writes nothing', () => {
    const cwd = temp({ 'proj/notes.txt': 'mine' });
    const result = initProject({ cwd, dir: 'proj' });
    expect(result.files).toEqual([]);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: 'KC0008', message: "cannot create a project in 'proj': it is not empty (it has 'notes.txt')" });
    expect(fs.readdirSync(path.join(cwd, 'proj'))).toEqual(['notes.txt']);
  });

  it('refuses a file where the directory should be with KC0004', () => {
    const cwd = temp({ proj: 'a file' });
    const result = initProject({ cwd, dir: 'proj' });
    expect(result.diagnostics[0]).toMatchObject({ code: 'KC0004', message: "cannot write 'proj': not a directory" });
  });

  it('rejects a --name that is not a system name with KC0001', () => {
    const cwd = temp({});
    const result = initProject({ cwd, dir: 'x', name: '9lives' });
    expect(result.diagnostics[0]).toMatchObject({ code: 'KC0001' });
    expect(result.diagnostics[0]!.message).toContain("'9lives' is not a system name");
    expect(fs.existsSync(path.join(cwd, 'x'))).toBe(false);
  });
});
