// The HTML report (issue 8): every component, grant and diagnostic is on the page, the page needs
// nothing from the network, and the same input gives the same bytes.
import { describe, it, expect, beforeAll } from 'vitest';
import { renderHtmlReport } from '../../../compiler/report/index.js';
import { createDiagnostic, D } from '../../../schema/diagnostics.js';
import { planFile, exampleSystems, type PlannedFile } from '../plan/planFile.js';
import { hexAddress } from '../../../compiler/report/html.js';

const warning = createDiagnostic(D.cannotWriteOutput, { file: 'out/<weird> & "name".bin', reason: 'permission denied' }, { file: 'a.system.ts', line: 3, column: 5 });

describe('renderHtmlReport', () => {
  let planned: PlannedFile;
  let html: string;
  beforeAll(async () => {
    planned = await planFile('fixtures/systems/uart-echo/uart-echo.system.ts');
    html = renderHtmlReport({ model: planned.model, plan: planned.plan, platform: planned.platform, diagnostics: [warning] });
  });

  it('is one HTML document with the system name in its title', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>uart-echo — kaal-compose report</title>');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('loads nothing from outside the file: no URLs, no src, no scripts, no stylesheets', () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\bsrc\s*=/i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/@import|url\((?!#)/);
  });

  it('draws the memory map and the channel graph as inline SVG', () => {
    expect(html).toMatch(/<svg class="memmap"[^>]*aria-label="physical memory map">/);
    expect(html).toMatch(/<svg class="graph"[^>]*aria-label="channel graph">/);
    // Both channel ends and both devices are nodes of the graph.
    for (const id of ['c_uart-driver', 'c_client', 'd__soc_serial_10000000', 'd__soc_test_100000', 'r_rx_ring', 'r_tx_ring']) {
      expect(html).toContain(`id="${id.replace(/-/g, '_')}"`);
    }
    expect(html).toContain('serial (notify)');
  });

  it('has a section with the VSpace and CSpace of every component', () => {
    for (const c of planned.plan.components) {
      expect(html).toContain(`<div class="component" id="component-${c.name}">`);
      for (const slot of c.cspace) expect(html).toContain(`<td class="mono">${slot.object}</td>`);
      for (const m of c.vspace) expect(html).toContain(hexAddress(m.paddr).slice(0, 7));
    }
  });

  it('lists every grant with its device, physical and virtual address', () => {
    const rows = html.split('\n').filter((l) => l.startsWith('<tr class="grant">'));
    expect(rows).toHaveLength(planned.plan.grants.length);
    expect(html).toContain('<td class="mono">/soc/serial@10000000</td><td class="mono">0x1000_0000</td><td class="num">4 KiB</td><td class="mono">0x6000_0000</td><td>rw, uncached</td>');
    expect(html).toContain('<td>IRQ 10 on channel 1</td>');
  });

  it('shows every object of the plan in the object table and the map names the device regions', () => {
    for (const o of planned.plan.objects) expect(html).toContain(`<td class="mono">${o.name}</td>`);
    expect(html).toContain('rtc@101000 (not granted)');
    expect(html).toContain('kernel device plic@c000000');
    expect(html).toContain('MMIO serial@10000000');
    expect(html).toContain('uart-driver rw @0x6000_0000');
    expect(html).toContain('kernel reserved (no untyped)');
  });

  it('shows each diagnostic with its code and location, escaped', () => {
    expect(html).toContain('<td class="mono">KC0004</td>');
    expect(html).toContain('cannot write &#39;out/&lt;weird&gt; &amp; &quot;name&quot;.bin&#39;: permission denied');
    expect(html).toContain('a.system.ts:3:5');
    expect(html).toContain('Diagnostics (1)');
  });

  it('gives the same bytes for the same input', async () => {
    const again = await planFile('fixtures/systems/uart-echo/uart-echo.system.ts');
    const second = renderHtmlReport({ model: again.model, plan: again.plan, platform: again.platform, diagnostics: [warning] });
    expect(second).toBe(html);
  });

  it('renders every example system with all its components, grants and channels', async () => {
    for (const file of exampleSystems) {
      const p = await planFile(file);
      const page = renderHtmlReport({ model: p.model, plan: p.plan, platform: p.platform, diagnostics: p.diagnostics });
      for (const c of p.plan.components) expect(page, file).toContain(`id="component-${c.name}"`);
      for (const ch of p.model.channels) expect(page, file).toContain(`${ch.name} (`);
      const grantRows = page.split('\n').filter((l) => l.startsWith('<tr class="grant">'));
      expect(grantRows, file).toHaveLength(p.plan.grants.length);
      expect(page, file).toContain('No errors or warnings.');
    }
  });

  it('without a plan shows the diagnostics and says the build stopped', () => {
    const page = renderHtmlReport({ model: null, plan: null, platform: null, diagnostics: [warning], title: 'broken.system.ts' });
    expect(page).toContain('<h1>broken.system.ts</h1>');
    expect(page).toContain('no plan: the build stopped before planning');
    expect(page).toContain('<td class="mono">KC0004</td>');
    expect(page).not.toContain('<svg');
  });
});
