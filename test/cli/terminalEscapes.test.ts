// No terminal injection (issue 18): names from an image or a device tree reach the terminal as
// visible escapes — in inspect's text and JSON, run's KC7042 warning and trace, check, dt's DTS,
// the diagnostic renderer and plan's tables — never as escape sequences, BEL, NUL or bidi controls.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../image/bootImage/index.js';
import { decodeFdt } from '../../image/fdt/decodeFdt.js';
import { encodeFdt } from '../../image/fdt/encodeFdt.js';
import type { FdtNode } from '../../image/fdt/fdtTree.js';
import { renderText } from '../../cli/report/text.js';
import { formatPlan } from '../../cli/commands/plan.js';
import { createDiagnostic, D } from '../../schema/diagnostics.js';
import { escapeJsonText, escapeTerminalText } from '../../schema/terminalText.js';
import type { Plan } from '../../schema/plan.generated.js';
import { runCli } from '../helpers/cli.js';
import { exampleImage, repoRoot, rewriteImage } from '../runtime/exampleImages.js';

/** Sets the window title, clears the screen, rings the bell, reverses the text, a NUL and a C1 CSI. */
const HOSTILE = 'x\x1b]0;pwned\x07\x1b[2J\u202eevil\u2066\0\x9b31m\x7f\ny';
const HOSTILE_SHOWN = 'x\\x1b]0;pwned\\x07\\x1b[2J\\u202eevil\\u2066\\x00\\x9b31m\\x7f\\ny';

/** Device-tree names are bytes (Latin-1 here) ending at a NUL: HOSTILE without NUL and the bidi characters. */
const DT_HOSTILE = 'x\x1b]0;pwned\x07\x1b[2J\x9b31m\x7f\ny';
const DT_SHOWN = 'x\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\x7f\\ny';

/** Any character a terminal would act on rather than show (tab, newline and the renderers' own ESC aside). */
const RAW = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('escapeTerminalText', () => {
  it('escapes every C0 control, DEL, C1 and the bidi marks, embeddings, overrides and isolates', () => {
    const unsafe = [
      ...Array.from({ length: 0x20 }, (_, i) => i),
      0x7f,
      ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i),
      0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x2028, 0x2029,
    ];
    for (const code of unsafe) {
      const shown = escapeTerminalText(String.fromCharCode(code));
      expect(shown).toMatch(/^\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[tnr])$/);
    }
    expect(escapeTerminalText('\x1b[31m')).toBe('\\x1b[31m');
    expect(escapeTerminalText('\t\n\r')).toBe('\\t\\n\\r');
    expect(escapeTerminalText('\u202e')).toBe('\\u202e');
    expect(escapeTerminalText('\0')).toBe('\\x00');
  });

  it('leaves printable text, other Unicode and backslashes alone', () => {
    const text = "uart-driver /soc/serial@10000000 'ü' → 数 \\ \u00a0 \u200b";
    expect(escapeTerminalText(text)).toBe(text);
    expect(escapeTerminalText(String.fromCharCode(0x1f) + ' ' + String.fromCharCode(0xa0))).toBe('\\x1f \u00a0');
  });

  it('escapeJsonText keeps the JSON value and its layout, escapes what JSON.stringify leaves raw', () => {
    const json = JSON.stringify({ name: HOSTILE }, null, 2);
    expect(json).toMatch(/\u202e/);
    const safe = escapeJsonText(json);
    expect(safe).not.toMatch(RAW);
    expect(safe.split('\n')).toHaveLength(3);
    expect(JSON.parse(safe)).toEqual({ name: HOSTILE });
  });
});

/** The `fault` image with the faulting component, the system and the platform renamed HOSTILE, resealed. */
function hostileImage(bytes: Uint8Array): Uint8Array {
  const image = readImage(bytes);
  const planJson = image.planJson.replaceAll('"rogue"', JSON.stringify(HOSTILE));
  expect(planJson).not.toBe(image.planJson);
  return rewriteImage(image, {
    meta: { ...image.meta, systemName: HOSTILE, platformName: HOSTILE },
    plan: JSON.parse(planJson) as Plan,
    components: image.components.map((c) => ({
      name: c.name === 'rogue' ? HOSTILE : c.name,
      entry: c.entry,
      segments: c.segments.map((s) => ({ vaddr: s.vaddr, memsz: s.memsz, flags: s.flags, data: s.data })),
      symbols: c.symbols.map((s) => ({ ...s, name: s.name === 'main' ? HOSTILE : s.name })),
    })),
  });
}

describe('hostile names in a real sealed image', () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-escapes-'));
    fs.writeFileSync(path.join(dir, 'hostile.img'), hostileImage(await exampleImage('fault')));
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('inspect shows the names escaped, nothing raw on stdout', async () => {
    const run = await runCli(['inspect', 'hostile.img'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(RAW);
    expect(run.stdout).not.toContain('\x1b');
    expect(run.stdout).toContain(`  system    ${HOSTILE_SHOWN}`);
    expect(run.stdout).toContain(`  platform  ${HOSTILE_SHOWN}`);
    expect(run.stdout).toContain(`  ${HOSTILE_SHOWN}  entry 0x`);
  });

  it('inspect --json escapes the bidi and C1 characters JSON.stringify would leave raw, same value', async () => {
    const run = await runCli(['inspect', 'hostile.img', '--json'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(RAW);
    expect((JSON.parse(run.stdout) as { meta: { systemName: string } }).meta.systemName).toBe(HOSTILE);
  });

  it("run's KC7042 warning names the faulting component escaped, on a terminal with colour too", async () => {
    for (const tty of [false, true]) {
      const run = await runCli(['run', 'hostile.img'], { cwd: dir, tty });
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('KC7042');
      expect(run.stderr).toContain(`component '${HOSTILE_SHOWN}' stopped by a`);
      // The only ESC on stderr is the renderer's own colour (ESC '[' digits 'm').
      expect(run.stderr.replace(/\x1b\[[0-9;]*m/g, '')).not.toMatch(/[\x1b\x07\0\u202e\u2066\x9b\x7f]/);
    }
  }, 60_000);

  it('run --trace escapes the names in the trace lines', async () => {
    const run = await runCli(['run', 'hostile.img', '--trace', '--max-instructions', '200000'], { cwd: dir });
    expect(run.stderr).toContain(HOSTILE_SHOWN);
    expect(run.stderr).not.toMatch(RAW);
  }, 60_000);
});

describe('the text renderers', () => {
  it('the diagnostic renderer escapes message, file, hint and the code frame, keeping the caret under the span', () => {
    const source = `name: '\x1b[2J${HOSTILE.slice(0, 3)}', oops\n`;
    const d = createDiagnostic(D.cannotWriteOutput, { file: HOSTILE, reason: 'r' }, { file: 'a\x07.ts', span: { start: source.indexOf('oops'), length: 4 } });
    const text = renderText([d], { format: 'text', color: false, sourceOf: () => source });
    expect(text).not.toMatch(RAW);
    expect(text).toContain(`cannot write '${HOSTILE_SHOWN}'`);
    expect(text).toContain('--> a\\x07.ts:1:');
    const lines = text.split('\n');
    const frame = lines.findIndex((l) => l.includes('oops'));
    expect(lines[frame]).toContain("name: '\\x1b[2Jx\\x1b]', oops");
    expect(lines[frame + 1]!.indexOf('^^^^')).toBe(lines[frame]!.indexOf('oops'));
  });

  it('plan text escapes names in headings and tables', async () => {
    const planJson = readImage(await exampleImage('hello')).planJson.replaceAll('"hello"', JSON.stringify(HOSTILE)).replaceAll('/soc/serial@10000000', `/soc/${JSON.stringify(HOSTILE).slice(1, -1)}`);
    const plan = JSON.parse(planJson) as Plan;
    const text = formatPlan(plan);
    expect(text).not.toMatch(RAW);
    expect(text).not.toContain('\x1b');
    expect(text).toContain(`plan of '${HOSTILE_SHOWN}'`);
    expect(text).toContain(`component '${HOSTILE_SHOWN}'`);
    expect(text).toContain(`mmio /soc/${HOSTILE_SHOWN}`);
  });

  it('dt prints a hostile node and property name escaped', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-escapes-dt-'));
    try {
      const tree = decodeFdt(new Uint8Array(fs.readFileSync(path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dtb'))));
      const soc = tree.root.children.find((c) => c.name === 'soc')!;
      (soc.children as FdtNode[]).push({ name: `evil${DT_HOSTILE}@0`, properties: [{ name: `p${DT_HOSTILE}`, value: new Uint8Array([0, 0, 0, 1]) }], children: [] });
      fs.writeFileSync(path.join(dir, 'evil.dtb'), encodeFdt(tree));
      const run = await runCli(['dt', 'evil.dtb'], { cwd: dir });
      expect(run.code).toBe(0);
      expect(run.stdout).not.toMatch(RAW);
      expect(run.stdout).not.toContain('\x1b');
      expect(run.stdout).toContain(`evil${DT_SHOWN}@0 {`);
      expect(run.stdout).toContain(`p${DT_SHOWN} = <0x1>;`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
