// export --to microkit|capdl|dts|dot|mermaid on the example systems: each output is checked by the
// tool that reads it (XML parser, dtc, Graphviz) and against the plan it came from.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/files.js';
import { loadDescriptor } from '../../../compiler/load.js';
import { nodeHost } from '../../../compiler/host.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { checkDescriptor } from '../../../compiler/check/index.js';
import { planSystem } from '../../../compiler/plan/index.js';
import { exportSystem, type ExportInput } from '../../../compiler/export/index.js';
import { parseXml, type XmlElement } from '../../../compiler/microkit/xmlTree.js';
import { importSdf } from '../../../compiler/microkit/importSdf.js';
import { convertSdfFile } from '../../../compiler/microkit/convertSdfFile.js';
import { corpusPath } from '../../helpers/corpus.js';

const examples = ['hello', 'uart-echo', 'ping-pong', 'timer', 'fault'];

async function planned(file: string): Promise<ExportInput> {
  const loaded = await loadDescriptor(file, nodeHost, { cwd: repoRoot });
  const platform = await loadPlatform(loaded.system!.platform, path.dirname(loaded.absoluteFile));
  const { model, diagnostics } = checkDescriptor(loaded.system!, platform.platform);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const { plan } = planSystem(model, platform.platform, {});
  return { model, plan, tree: platform.tree };
}

function elements(root: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (e.name === name) found.push(e);
    e.children.forEach(walk);
  };
  walk(root);
  return found;
}
const ident = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');
const attr = (e: XmlElement, name: string) => e.attributes.find((a) => a.name === name)?.value;

describe.each(examples)('export of %s', (example) => {
  let input: ExportInput;
  let dir: string;
  beforeAll(async () => {
    input = await planned(path.join(repoRoot, 'fixtures/systems', example, `${example}.system.ts`));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-export-'));
    return () => fs.rmSync(dir, { recursive: true, force: true });
  });

  it('microkit: well-formed SDF with a protection domain per component and the required attributes', () => {
    const parsed = parseXml(exportSystem('microkit', input));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.root.name).toBe('system');
    const pds = elements(parsed.root, 'protection_domain');
    expect(pds.map((pd) => attr(pd, 'name')).sort()).toEqual(input.plan.components.map((c) => c.name).sort());
    for (const pd of pds) {
      const component = input.plan.components.find((c) => c.name === attr(pd, 'name'))!;
      expect(attr(pd, 'priority')).toBe(String(component.tcb.priority));
      expect(pd.children.filter((c) => c.name === 'program_image').map((c) => attr(c, 'path') !== undefined)).toEqual([true]);
      for (const map of pd.children.filter((c) => c.name === 'map')) {
        for (const required of ['mr', 'vaddr', 'perms']) expect(attr(map, required), required).toBeDefined();
      }
      const irqs = pd.children.filter((c) => c.name === 'irq').map((c) => [Number(attr(c, 'irq')), Number(attr(c, 'id'))]);
      expect(irqs).toEqual(component.irqs.map((i) => [i.irq, i.channel]));
    }
    const regions = elements(parsed.root, 'memory_region');
    for (const r of regions) expect(attr(r, 'size')).toMatch(/^0x[0-9a-f]+$/);
    // Every MMIO grant is a fixed-address region at the device's physical address.
    const fixed = regions.map((r) => attr(r, 'phys_addr')).filter(Boolean);
    for (const g of input.plan.grants.filter((g) => g.kind === 'mmio')) expect(fixed).toContain(`0x${g.paddr.toString(16)}`);
    expect(elements(parsed.root, 'channel')).toHaveLength(input.model.channels.length);
  });

  it('capdl: names every object of the plan (but fillers) and every cap of every CNode', () => {
    const text = exportSystem('capdl', input);
    for (const o of input.plan.objects.filter((o) => o.purpose !== 'filler')) {
      expect(text).toMatch(new RegExp(`^  ${ident(o.name)} = `, 'm'));
    }
    for (const c of input.plan.components) {
      const block = new RegExp(`^  ${ident(c.objects.cnode)} \\{\\n((?:    .*\\n)*)  \\}`, 'm').exec(text);
      expect(block, c.objects.cnode).not.toBeNull();
      const slots = block![1]!.trim().split('\n').map((l) => Number(l.trim().split(':')[0]));
      expect(slots).toEqual(c.cspace.map((s) => s.slot));
    }
    for (const c of input.plan.components) for (const i of c.irqs) expect(text).toContain(`  ${i.irq}: irq_${i.irq}\n`);
  });

  it('dts: compiles with dtc and carries a /kaal node per component', () => {
    const file = path.join(dir, `${example}.dts`);
    fs.writeFileSync(file, exportSystem('dts', input));
    const out = execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dts', file], { encoding: 'utf8' });
    for (const c of input.plan.components) expect(out).toContain(`component-${c.name} {`);
    expect(out).toContain('compatible = "kaal,system";');
  });

  it('dot: renders with Graphviz, one node per component', () => {
    const file = path.join(dir, `${example}.dot`);
    const text = exportSystem('dot', input);
    fs.writeFileSync(file, text);
    // Graphviz writes '-' in text as '&#45;'.
    const svg = execFileSync('dot', ['-Tsvg', file], { encoding: 'utf8' }).replaceAll('&#45;', '-');
    expect(svg).toContain('<svg');
    for (const c of input.plan.components) expect(svg).toContain(`>${c.name}</text>`);
    expect((text.match(/ -> /g) ?? []).length).toBe(
      input.model.channels.length + input.plan.grants.length + input.model.memoryRegions.reduce((n, r) => n + input.model.components.filter((c) => c.memory.some((m) => m.region === r.name)).length, 0),
    );
  });

  it('mermaid: a flowchart with every component and channel', () => {
    const text = exportSystem('mermaid', input);
    expect(text.split('\n')[1]).toBe('flowchart LR');
    for (const c of input.plan.components) expect(text).toContain(`["${c.name}<br/>prio ${c.tcb.priority}"]`);
    for (const ch of input.model.channels) expect(text).toContain(`"${ch.name}: `);
  });

  it('is the same text on every run', () => {
    for (const format of ['microkit', 'capdl', 'dts', 'dot', 'mermaid'] as const) {
      expect(exportSystem(format, input)).toBe(exportSystem(format, input));
    }
  });
});

describe('a Microkit example imported and exported again', () => {
  const sdfDir = corpusPath('microkit-sdf');
  it.each(['hello.system', 'hierarchy.system', 'passive_server.system', 'rust.system'])('%s describes the same system', async (name) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-roundtrip-'));
    try {
      const out = path.join(dir, 'imported.system.ts');
      const imported = await convertSdfFile({ file: path.join(sdfDir, name), cwd: dir, outFile: out });
      expect(imported.written).toBe(true);
      const input = await planned(out);
      const exported = exportSystem('microkit', input);
      const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
      const again = importSdf(exported, name, platform, 'kaal-virt-rv32');
      expect(again.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const first = importSdf(fs.readFileSync(path.join(sdfDir, name), 'utf8'), name, platform, 'kaal-virt-rv32').descriptor;
      // Same components (names, priorities, images, fault handlers) and channels; image paths are
      // relative to wherever each descriptor was written, so only their file names are compared.
      const shape = (d: typeof first) => ({
        components: d.components.map((c) => ({ name: c.name, priority: c.priority, faultHandler: c.faultHandler, elf: path.basename((c.code as { elf: string }).elf) })),
        channels: d.channels ?? [],
      });
      expect(shape(again.descriptor)).toEqual(shape(first));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
