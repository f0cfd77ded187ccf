// The real inputs the fuzz targets mutate: built example images, ELF fixtures, corpus DTBs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCorpus } from '../../image/fdt/corpus.js';
import { imageHints, sampleImageSeed, type ImageSeed } from '../targets/imageReader.js';

/** The repository root (`main/`), from this file's place in test/fuzz/support/. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every prebuilt ELF of the fixtures: the minimal one, the example systems', the machine tests'. */
export function elfFixtures(): { name: string; bytes: Uint8Array }[] {
  const files = [path.join(repoRoot, 'fixtures/elf/minimal.elf')];
  for (const folder of ['fixtures/systems', 'fixtures/machine']) {
    const root = path.join(repoRoot, folder);
    if (!fs.existsSync(root)) continue;
    for (const dir of fs.readdirSync(root).sort()) {
      const full = path.join(root, dir);
      if (!fs.statSync(full).isDirectory()) continue;
      for (const file of fs.readdirSync(full).sort()) if (file.endsWith('.elf')) files.push(path.join(full, file));
    }
  }
  return files.map((file) => ({ name: path.relative(repoRoot, file), bytes: new Uint8Array(fs.readFileSync(file)) }));
}

/**
 * The sample image, plus the image of `fixtures/systems/hello` built by compiler/build.ts from its
 * prebuilt ELF (skipped, with the reason returned, while the build cannot make it).
 */
export function imageSeeds(): Promise<ImageSeed[]> {
  imageSeedsOnce ??= (async () => {
    const seeds = [sampleImageSeed()];
    const built = await buildExampleImage('hello');
    if (built) seeds.push({ name: 'hello', bytes: built, hints: imageHints(built) });
    return seeds;
  })();
  return imageSeedsOnce;
}
let imageSeedsOnce: Promise<ImageSeed[]> | undefined;

/** The image `kaal-compose build` makes for `fixtures/systems/<name>`, or null when it fails. */
export async function buildExampleImage(name: string): Promise<Uint8Array | null> {
  try {
    const { buildSystem } = await import('../../../compiler/build.js');
    const dir = path.join(repoRoot, 'fixtures/systems', name);
    const result = await buildSystem(undefined, { cwd: dir });
    return result.image ?? null;
  } catch {
    return null;
  }
}

/** The bundled platform's DTB and every corpus tree compiled by dtc (test/image/fdt/corpus.ts). */
export function dtbSeeds(): { name: string; bytes: Uint8Array }[] {
  const corpus = compileCorpus();
  try {
    const bundled = { name: 'kaal-virt-rv32', bytes: new Uint8Array(fs.readFileSync(path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dtb'))) };
    return [bundled, ...corpus.trees.map((t) => ({ name: t.name, bytes: t.dtb }))];
  } finally {
    corpus.cleanup();
  }
}

/** The descriptor files the descriptor fuzz target starts from: the examples and the KC3/KC4 fixtures. */
export function descriptorFiles(): string[] {
  const files: string[] = [];
  const systems = path.join(repoRoot, 'fixtures/systems');
  for (const dir of fs.readdirSync(systems).sort()) {
    const full = path.join(systems, dir);
    if (fs.statSync(full).isDirectory()) for (const f of fs.readdirSync(full).sort()) if (f.endsWith('.system.ts')) files.push(path.join(full, f));
  }
  const diagnostics = path.join(repoRoot, 'fixtures/invalid');
  // The system-check fixtures load; the KC0/KC1 ones beside them are broken on purpose.
  for (const f of fs.readdirSync(diagnostics).sort()) if (/^KC[34]\d{3}-.*\.system\.ts$/.test(f)) files.push(path.join(diagnostics, f));
  return files;
}

/** The platform sources descriptor fixtures name by relative path (copied next to the variants). */
export function descriptorPlatformFiles(): string[] {
  const diagnostics = path.join(repoRoot, 'fixtures/invalid');
  return fs.readdirSync(diagnostics).filter((f) => f.endsWith('.dts') || f.endsWith('.dtb')).map((f) => path.join(diagnostics, f));
}

/** Each descriptor's default export as plain JSON (loaded through compiler/load.ts, i.e. jiti). */
export async function descriptorSeeds(): Promise<{ name: string; value: any }[]> {
  const [{ loadDescriptor }, { nodeHost }] = await Promise.all([import('../../../compiler/load.js'), import('../../../compiler/host.js')]);
  const seeds: { name: string; value: any }[] = [];
  for (const file of descriptorFiles()) {
    const loaded = await loadDescriptor(file, nodeHost, { cwd: path.dirname(file) });
    if (loaded.input !== undefined) seeds.push({ name: path.basename(file, '.system.ts'), value: JSON.parse(JSON.stringify(loaded.input)) });
  }
  return seeds;
}

/** Built images of the example systems the boot target mutates (those the build can make now). */
export async function bootSeeds(names: readonly string[] = ['hello', 'ping-pong', 'fault']): Promise<{ name: string; bytes: Uint8Array }[]> {
  const seeds: { name: string; bytes: Uint8Array }[] = [];
  for (const name of names) {
    const bytes = await buildExampleImage(name);
    if (bytes) seeds.push({ name, bytes });
  }
  return seeds;
}
