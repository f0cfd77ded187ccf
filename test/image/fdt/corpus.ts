// Test helper: compiles every device tree of the shared corpus with dtc into a temp dir, as seL4's
// build does (overlays are concatenated after their base file, as in seL4's config.cmake).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusPath } from '../../helpers/corpus.js';

/** `shared/corpus/dts` beside the repository (test/helpers/corpus.ts). */
export const corpusDir = corpusPath('dts');

export interface CorpusTree {
  /** `rpi4`, `generated/qemu-riscv-virt32`, `spike32+overlay-spike`. */
  readonly name: string;
  /** The DTS sources dtc compiled (concatenated in this order). */
  readonly sources: readonly string[];
  readonly dtbPath: string;
  readonly dtb: Uint8Array;
}

const overlayCombinations: readonly (readonly string[])[] = [
  ['spike32.dts', 'overlays/overlay-spike.dts'],
  ['spike.dts', 'overlays/overlay-spike.dts'],
  ['hifive.dts', 'overlays/overlay-hifive.dts'],
  ['mpfs_icicle.dts', 'overlays/overlay-polarfire.dts'],
  ['generated/qemu-riscv-virt32.dts', 'overlays/overlay-qemu-riscv-virt.dts', 'overlays/overlay-qemu-riscv-virt32.dts'],
];

/** Runs `dtc -q [extraArgs] -I dts -O dtb` on `dtsPath` and returns the blob. */
export function compileWithDtc(dtsPath: string, dtbPath: string, extraArgs: readonly string[] = []): Uint8Array {
  execFileSync('dtc', ['-q', ...extraArgs, '-I', 'dts', '-O', 'dtb', '-o', dtbPath, dtsPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Uint8Array(fs.readFileSync(dtbPath));
}

/** Compiles the whole corpus into a fresh temp dir; call `cleanup` in afterAll. */
export function compileCorpus(): { trees: CorpusTree[]; tempDir: string; cleanup: () => void } {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-fdt-corpus-'));
  const trees: CorpusTree[] = [];
  const bases = [
    ...fs.readdirSync(corpusDir).filter((f) => f.endsWith('.dts')),
    ...fs.readdirSync(path.join(corpusDir, 'generated')).filter((f) => f.endsWith('.dts')).map((f) => `generated/${f}`),
  ].sort();
  const add = (name: string, sources: readonly string[]) => {
    const dtsPath = path.join(tempDir, `${name.replace(/\//g, '_')}.dts`);
    fs.writeFileSync(dtsPath, sources.map((s) => fs.readFileSync(path.join(corpusDir, s), 'utf8')).join('\n'));
    const dtbPath = dtsPath.replace(/\.dts$/, '.dtb');
    trees.push({ name, sources, dtbPath, dtb: compileWithDtc(dtsPath, dtbPath) });
  };
  for (const base of bases) add(base.replace(/\.dts$/, ''), [base]);
  for (const combination of overlayCombinations) {
    add(combination.map((s) => path.basename(s, '.dts')).join('+'), combination);
  }
  return { trees, tempDir, cleanup: () => fs.rmSync(tempDir, { recursive: true, force: true }) };
}

/** Compiles DTS text with dtc in `tempDir` and returns the blob. */
export function compileDtsText(tempDir: string, name: string, text: string, extraArgs: readonly string[] = []): Uint8Array {
  const dtsPath = path.join(tempDir, `${name}.dts`);
  fs.writeFileSync(dtsPath, text);
  return compileWithDtc(dtsPath, path.join(tempDir, `${name}.dtb`), extraArgs);
}
