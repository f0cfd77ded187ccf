// The boot image writer: a pure function from the plan, untypeds, DTB and component code to the
// bytes of docs/image-format.md. Deterministic: components sorted by name, zero padding, no clock,
// no paths; it refuses any input its own reader would reject.
import { createHash } from 'node:crypto';
import { D, fail } from '../../schema/diagnostics.js';
import type { BootImageInput, BootInfoData, ImageComponent, ImageMeta, SectionKindName } from './types.js';
import { bootInfoFor, bootInfoProblem, encodeBootInfo, encodeUntypedSection, untypedListProblem } from './bootInfo.js';
import { compareNames, componentProblem, encodeComponent, normalizeComponent } from './component.js';
import { dtbProblem } from './dtb.js';
import { encodeMeta, metaProblem } from './meta.js';
import { encodePlan, planProblem } from './plan.js';
import { rootTaskProblem } from './rootTask.js';
import { sealImage } from './seal.js';
import {
  FORMAT_VERSION,
  HEADER_SIZE,
  Header,
  IMAGE_MAGIC,
  SECTION_ALIGNMENT,
  SECTION_ENTRY_SIZE,
  SectionField,
  SectionKind,
  alignUp,
} from './format.js';

interface PendingSection {
  readonly kind: SectionKindName;
  readonly bytes: Uint8Array;
}

/** Packs a boot image. Throws a `DiagnosticError` (KC603x) for input the format cannot hold. */
export function writeImage(input: BootImageInput): Uint8Array {
  const invalid = (reason: string) => fail(D.imageInputInvalid, { reason });

  const untypedProblem = untypedListProblem(input.untyped);
  if (untypedProblem) throw invalid(untypedProblem);
  const bootInfo: BootInfoData = { ...(input.bootInfo ?? bootInfoFor(input.untyped)), untypedList: input.untyped };
  const bootProblem = bootInfoProblem(bootInfo);
  if (bootProblem) throw invalid(`bootinfo: ${bootProblem}`);
  const dtb = dtbProblem(input.dtb);
  if (dtb) throw invalid(`DTB: ${dtb}`);
  const plan = planProblem(input.plan);
  if (plan) throw invalid(plan);
  const rootTask = input.rootTask && rootTaskProblem(input.rootTask);
  if (rootTask) throw invalid(`root task: ${rootTask}`);

  const components = input.components.map(normalizeComponent).sort((a, b) => compareNames(a.name, b.name));
  for (const [i, component] of components.entries()) {
    if (i > 0 && components[i - 1]!.name === component.name) throw invalid(`two components are named '${component.name}'`);
    const problem = componentProblem(component);
    if (problem) throw invalid(`component '${component.name}': ${problem}`);
  }

  const body: PendingSection[] = [
    { kind: 'BOOTINFO', bytes: encodeBootInfo(bootInfo) },
    { kind: 'UNTYPED', bytes: encodeUntypedSection(input.untyped) },
    { kind: 'DTB', bytes: input.dtb },
    { kind: 'PLAN', bytes: encodePlan(input.plan) },
    ...components.map((c: ImageComponent): PendingSection => ({ kind: 'COMPONENT', bytes: encodeComponent(c) })),
    ...(input.rootTask ? [{ kind: 'ROOTTASK' as const, bytes: input.rootTask }] : []),
  ];
  const meta: ImageMeta = {
    systemName: input.meta.systemName,
    toolVersion: input.meta.toolVersion,
    platformName: input.meta.platformName,
    inputsSha256: input.meta.inputsSha256 ?? defaultInputsSha256(body),
  };
  const problem = metaProblem(meta);
  if (problem) throw invalid(`META: ${problem}`);
  return assemble([{ kind: 'META', bytes: encodeMeta(meta) }, ...body]);
}

/**
 * The inputs hash when the builder gives none: SHA-256 over, for each section after META in image
 * order, its kind (u32 LE), its size (u32 LE) and its bytes.
 */
function defaultInputsSha256(sections: readonly PendingSection[]): string {
  const hash = createHash('sha256');
  const word = new DataView(new ArrayBuffer(8));
  for (const section of sections) {
    word.setUint32(0, SectionKind[section.kind], true);
    word.setUint32(4, section.bytes.length, true);
    hash.update(new Uint8Array(word.buffer));
    hash.update(section.bytes);
  }
  return hash.digest('hex');
}

/**
 * Section offsets for sections of the given sizes, in order after the header and the table, each
 * at the next multiple of SECTION_ALIGNMENT; throws KC6032 when the image would not fit in 32 bits.
 */
export function layoutSections(sizes: readonly number[]): { offsets: number[]; totalSize: number } {
  let end = HEADER_SIZE + sizes.length * SECTION_ENTRY_SIZE;
  const offsets: number[] = [];
  for (const size of sizes) {
    const at = alignUp(end, SECTION_ALIGNMENT);
    offsets.push(at);
    end = at + size;
  }
  if (end >= 2 ** 32) throw fail(D.imageTooLarge, { size: end });
  return { offsets, totalSize: end };
}

function assemble(sections: readonly PendingSection[]): Uint8Array {
  const tableOffset = HEADER_SIZE;
  const { offsets, totalSize } = layoutSections(sections.map((s) => s.bytes.length));
  const bytes = new Uint8Array(totalSize);
  const view = new DataView(bytes.buffer);
  bytes.set(IMAGE_MAGIC, Header.magic);
  view.setUint32(Header.formatVersion, FORMAT_VERSION, true);
  view.setUint32(Header.flags, 0, true);
  view.setUint32(Header.headerSize, HEADER_SIZE, true);
  view.setUint32(Header.sectionCount, sections.length, true);
  view.setUint32(Header.sectionTableOffset, tableOffset, true);
  view.setUint32(Header.totalSize, totalSize, true);
  sections.forEach((section, i) => {
    const entry = tableOffset + i * SECTION_ENTRY_SIZE;
    view.setUint32(entry + SectionField.kind, SectionKind[section.kind], true);
    view.setUint32(entry + SectionField.offset, offsets[i]!, true);
    view.setUint32(entry + SectionField.size, section.bytes.length, true);
    view.setUint32(entry + SectionField.alignment, SECTION_ALIGNMENT, true);
    bytes.set(section.bytes, offsets[i]!);
  });
  return sealImage(bytes);
}
