// `build --report` looked at as a person would: the report of an example system is rendered by
// headless Chromium (Debian `chromium`) to a PNG, which must exist, have the window's size and show
// the page (header band, text, pictures), not a blank or an error page. Skipped without chromium.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { describe, it, expect, afterAll } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/files.js';
import { decodePng } from './png.js';

/** The chromium executable on PATH (or $CHROMIUM), or null. */
function findChromium(): string | null {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const file = path.join(dir, name);
      if (fs.existsSync(file)) return file;
    }
  }
  return null;
}

const chromium = findChromium();
if (!chromium) console.warn('test/report/chromium.test.ts: skipped, chromium not found (apt-get install -y chromium)');

const WIDTH = 1400;
const HEIGHT = 2000;

describe.skipIf(!chromium)('the HTML report in headless Chromium', () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kc-report-')));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('renders the uart-echo report to a non-blank screenshot', async () => {
    const descriptor = path.join(repoRoot, 'fixtures/systems/uart-echo/uart-echo.system.ts');
    const built = await runCli(['build', descriptor, '-o', 'uart-echo.img', '--report', 'report.html'], { cwd: dir });
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(built.stdout).toContain('wrote report.html');
    const png = path.join(dir, 'report.png');
    await execa(
      chromium!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${path.join(dir, 'profile')}`,
        `--screenshot=${png}`,
        `--window-size=${WIDTH},${HEIGHT}`,
        `file://${path.join(dir, 'report.html')}`,
      ],
      { timeout: 90_000, reject: false, stdin: 'ignore' },
    );
    expect(fs.existsSync(png)).toBe(true);
    const image = decodePng(fs.readFileSync(png));
    expect([image.width, image.height]).toEqual([WIDTH, HEIGHT]);
    // The header band is drawn in the report's dark blue.
    expect(image.pixel(5, 5)).toBe('#1d3557');
    // Not blank: many colours (text, component colours, the graph), and ink on the lower half too.
    const colours = new Set<string>();
    let inkBelowHeader = 0;
    for (let y = 100; y < HEIGHT; y += 7) {
      for (let x = 0; x < WIDTH; x += 7) {
        const p = image.pixel(x, y);
        colours.add(p);
        if (p !== '#ffffff' && p !== '#f8f9fa') inkBelowHeader += 1;
      }
    }
    expect(colours.size).toBeGreaterThan(40);
    expect(inkBelowHeader).toBeGreaterThan(2000);
    // The component colours of the legend and map are on the page.
    expect(colours).toContain('#8ecae6');
    expect(colours).toContain('#b5e48c');
  });
});
