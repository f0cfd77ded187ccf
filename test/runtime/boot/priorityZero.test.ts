// A thread at priority 0, the lowest seL4 has: planned as 0 (not the default), booted as 0, and run
// by the scheduler like any other; its PPC to a server at priority 1 is allowed (strictly higher).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSystem } from '../../../compiler/build.js';
import { bootImage } from '../../../runtime/boot/index.js';
import { runImage } from '../../../runtime/run.js';
import { repoRoot } from '../exampleImages.js';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-priority-zero-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** ping-pong with the client at `client` and the server at `server`. */
async function pingPong(client: number, server: number) {
  const dir = path.join(temp, `${client}-${server}`);
  fs.cpSync(path.join(repoRoot, 'fixtures/systems/ping-pong'), dir, { recursive: true });
  const file = path.join(dir, 'ping-pong.system.ts');
  const text = fs.readFileSync(file, 'utf8').replace('priority: 100', `priority: ${client}`).replace('priority: 200', `priority: ${server}`);
  fs.writeFileSync(file, text);
  return buildSystem('ping-pong.system.ts', { cwd: dir, toolchain: { env: { PATH: '/nonexistent-kaal-path' } } });
}

describe('a priority-0 thread', () => {
  it('is planned and booted at priority 0 and runs its 1000 calls to a server at priority 1', async () => {
    const built = await pingPong(0, 1);
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const booted = bootImage(built.image!);
    if (!booted.ok) throw new Error(booted.diagnostics.map((d) => d.message).join('\n'));
    expect(booted.system.components.map((c) => [c.plan.name, c.plan.tcb.priority, c.tcb.priority])).toEqual([
      ['client', 0, 0],
      ['server', 1, 1],
    ]);
    const out: number[] = [];
    const r = runImage(built.image!, { maxInstructions: 20_000_000, uartByte: (b) => out.push(b), debugPutChar: (b) => out.push(b) });
    expect(Buffer.from(out).toString('latin1')).toContain('ping-pong: 1000 calls, checksum 0xa1ace1fe\n');
    expect(r.report).toMatchObject({ outcome: 'poweroff', exitCode: 0, violations: [] });
  });

  it('may not call a server at its own priority 0 (KC3030)', async () => {
    const built = await pingPong(0, 0);
    expect(built.image).toBeUndefined();
    expect(built.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['KC3030', "PPC from 'client' (priority 0) to 'server' (priority 0) must go to a strictly higher priority"],
    ]);
  });
});
