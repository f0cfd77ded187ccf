// export --to microkit|capdl|dts|dot|mermaid on the example systems: each output is checked by the
// tool that reads it (XML parser, dtc, Graphviz) and against the plan it came from; export → import-sdf
// keeps every name, for the examples and the Microkit corpus (../shared/corpus/microkit-sdf).
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
import { systemSchema, type SystemDescriptor } from '../../../schema/descriptor.js';
import type { SystemModel } from '../../../compiler/resolvePlatform.js';
import type { Platform } from '../../../image/platformModel.js';

const examples = ['hello', 'uart-echo', 'ping-pong', 'timer', 'fault', 'microkit-echo'];

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

/** Every name a system gives its header constants: components, channels, device grants, regions and their mappings. */
function names(model: SystemModel) {
  return {
    components: model.components.map((c) => c.name).sort(),
    channels: model.channels.map((ch) => `${ch.from}:${ch.fromId} -> ${ch.to}:${ch.toId} '${ch.name}'`).sort(),
    devices: model.components.flatMap((c) => c.devices.map((d) => `${c.name} ${d.node?.path} '${d.name}'`)).sort(),
    regions: model.memoryRegions.map((r) => r.name).sort(),
    mappings: model.components.flatMap((c) => c.memory.map((m) => `${c.name} ${m.region} '${m.name}'`)).sort(),
  };
}

/** The model of an imported descriptor on kaal-virt-rv32 (import-sdf's output, validated as `build` would). */
function modelOf(descriptor: SystemDescriptor, platform: Platform): SystemModel {
  const parsed = systemSchema.safeParse(descriptor);
  expect(parsed.error?.issues ?? []).toEqual([]);
  const { model, diagnostics } = checkDescriptor(parsed.data!, platform);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return model;
}

describe('export --to microkit, then import-sdf: every name survives', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = (await loadPlatform('kaal-virt-rv32', repoRoot)).platform;
  });

  it.each(examples)('%s: component, channel, device, region and mapping names are those of the descriptor', async (example) => {
    const input = await planned(path.join(repoRoot, 'fixtures/systems', example, `${example}.system.ts`));
    const back = importSdf(exportSystem('microkit', input), `${example}.system`, platform, 'kaal-virt-rv32');
    expect(back.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // Nothing the export wrote is dropped on the way back.
    expect(back.diagnostics.map((d) => d.code)).not.toContain('KC8011');
    expect(names(modelOf(back.descriptor, platform))).toEqual(names(input.model));
  });

  it('the examples name their channels and devices (so the test above compares given names, not defaults)', async () => {
    const echo = await planned(path.join(repoRoot, 'fixtures/systems/uart-echo/uart-echo.system.ts'));
    expect(names(echo.model).channels).toEqual(["uart-driver:0 -> client:0 'serial'"]);
    expect(names(echo.model).devices).toEqual(["uart-driver /soc/serial@10000000 'uart'", "uart-driver /soc/test@100000 'test'"]);
  });

  const sdfDir = corpusPath('microkit-sdf');
  const corpus = fs.readdirSync(sdfDir).filter((f) => f.endsWith('.system')).sort();
  /** Corpus systems that cannot be expressed on kaal-virt-rv32 at all (each import is refused with the reason). */
  const refused: Record<string, string> = {
    'arm_smc.system': 'KC8010',
    'bootinfo.system': 'KC8010',
    'cap_sharing.system': 'KC8010',
    'domains.system': 'KC8010',
    'ethernet.system': 'KC8012',
    'mr_prefill.system': 'KC8010',
    'setvar.system': 'KC8012',
    'timer.system': 'KC8012',
    'x86_64_iommu_dma_test.system': 'KC8012',
    'x86_64_ioport.system': 'KC8010',
  };

  it('covers the whole Microkit corpus', () => {
    expect(corpus.length).toBe(14);
    expect(corpus.filter((f) => !(f in refused))).toEqual(['hello.system', 'hierarchy.system', 'passive_server.system', 'rust.system']);
  });

  it.each(corpus)('%s: imported, planned, exported and imported again keeps every name (or the first import is refused)', async (name) => {
    const first = importSdf(fs.readFileSync(path.join(sdfDir, name), 'utf8'), name, platform, 'kaal-virt-rv32');
    const errors = first.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    if (name in refused) {
      expect(errors).toContain(refused[name]);
      return;
    }
    expect(errors).toEqual([]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-roundtrip-'));
    try {
      const out = path.join(dir, 'imported.system.ts');
      const imported = await convertSdfFile({ file: path.join(sdfDir, name), cwd: dir, outFile: out });
      expect(imported.written).toBe(true);
      const input = await planned(out);
      const again = importSdf(exportSystem('microkit', input), name, platform, 'kaal-virt-rv32');
      expect(again.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(names(modelOf(again.descriptor, platform))).toEqual(names(modelOf(first.descriptor, platform)));
      // Same priorities, images and fault handlers too; image paths are relative to wherever each
      // descriptor was written, so only their file names are compared.
      const shape = (d: SystemDescriptor) =>
        d.components.map((c) => ({ name: c.name, priority: c.priority, faultHandler: c.faultHandler, elf: path.basename((c.code as { elf: string }).elf) }));
      expect(shape(again.descriptor)).toEqual(shape(first.descriptor));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
