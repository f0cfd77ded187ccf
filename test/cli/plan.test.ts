// `kaal-compose plan`: tables or JSON on stdout, diagnostics with positions and exit 1 on bad input.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { repoRoot, ts, useFiles } from '../helpers/files.js';

describe('kaal-compose plan', () => {
  const files = useFiles();

  it('prints each component with its slots, mappings and IRQs, then untyped use', async () => {
    const run = await runCli(['plan', 'fixtures/systems/uart-echo/uart-echo.system.ts'], { cwd: repoRoot });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("component 'uart-driver' (priority 150");
    expect(run.stdout).toMatch(/139 +irq:1 +irq_10/);
    expect(run.stdout).toMatch(/0x60000000\.\.0x60001000 +0x10000000 +rw +no +mmio \/soc\/serial@10000000/);
    expect(run.stdout).toMatch(/10 +1 +139 +0x00000002 +\/soc\/serial@10000000/);
    expect(run.stdout).toContain('untyped memory');
  });

  it('--json prints the plan, the same bytes from another working directory', async () => {
    const first = await runCli(['plan', 'fixtures/systems/ping-pong/ping-pong.system.ts', '--json'], { cwd: repoRoot });
    const second = await runCli(['plan', `${repoRoot}/fixtures/systems/ping-pong/ping-pong.system.ts`, '--json'], { cwd: '/' });
    expect(first.code).toBe(0);
    const plan = JSON.parse(first.stdout);
    expect(plan.formatVersion).toBe(1);
    expect(plan.components.map((c: { name: string }) => c.name)).toEqual(['client', 'server']);
    expect(second.stdout).toBe(first.stdout);
  });

  it('says when a component is planned with the placeholder layout', async () => {
    const dir = files({
      'x.system.ts': ts`export default { name: 'x', components: [{ name: 'a', code: { sources: ['a.c'] } }] };`,
      'a.c': 'void init(void) {}\n',
    });
    const run = await runCli(['plan', 'x.system.ts'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("note[KC0100]: no ELF yet for 'a'");
    expect(run.stdout).toContain('placeholder ELF');
  });

  it("an ELF it cannot read is KC5004 naming the component, at its code.elf", async () => {
    const dir = files({
      'x.system.ts': ts`export default {
  name: 'x',
  components: [{ name: 'a', code: { elf: 'out' } }],
};`,
      'out/keep': '',
    });
    const run = await runCli(['plan', 'x.system.ts'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error[KC5004]: component 'a': cannot read ELF 'out': it is a directory");
    expect(run.stderr).toContain('--> x.system.ts:3:');
  });

  it('a system with check errors exits 1 with positioned diagnostics and no plan', async () => {
    const run = await runCli(['plan', 'fixtures/invalid/KC3060-irq-granted-twice.system.ts'], { cwd: repoRoot });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('error[KC3060]');
    expect(run.stderr).toMatch(/KC3060-irq-granted-twice\.system\.ts:\d+:\d+/);
  });

  it('a planning error (KC4006) is placed in the descriptor', async () => {
    const run = await runCli(['plan', 'fixtures/invalid/KC4006-mapping-overlaps-elf.system.ts'], { cwd: repoRoot });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[KC4006]');
    expect(run.stderr).toMatch(/KC4006-mapping-overlaps-elf\.system\.ts:\d+:\d+/);
  });

  it('a missing descriptor or a broken ELF is a diagnostic with exit 1, never a stack trace', async () => {
    const missing = await runCli(['plan', 'nope.system.ts'], { cwd: repoRoot });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error[KC0002]');
    const dir = files({
      'x.system.ts': ts`export default { name: 'x', components: [{ name: 'a', code: { elf: 'a.elf' } }] };`,
      'a.elf': 'not an elf at all',
    });
    const broken = await runCli(['plan', 'x.system.ts'], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/error\[KC6\d{3}\]/);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });
});
