// `kaal-compose/api` is the library behind the commands: a tool can build an example, prove its
// grants and run it without the CLI, and the package root stays the light descriptor helpers.
import { describe, expect, it } from 'vitest';
import * as api from '../api.js';
import * as root from '../index.js';
import { repoRoot } from './helpers/files.js';

describe('the library entry point', () => {
  it('builds, checks and runs the hello example without the CLI', async () => {
    const built = await api.buildSystem('fixtures/systems/hello/hello.system.ts', { cwd: repoRoot });
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const image = built.image!;
    expect(api.readImage(image).components.map((c) => c.name)).toEqual(['hello']);
    expect(api.checkImage(image).exitCode).toBe(0);
    let uart = '';
    const ran = api.runImage(image, { uartByte: (b) => void (uart += String.fromCharCode(b)) });
    expect(ran.exitCode).toBe(0);
    expect(uart).toContain("hello, world from 'hello'");
  });

  it('keeps the package root to the descriptor helpers', () => {
    expect(Object.keys(root).sort()).toEqual(['defineComponent', 'defineSystem']);
  });
});
