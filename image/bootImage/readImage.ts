// The boot image reader: checks the header, the section table, every offset, size, alignment,
// checksum and the SHA-256, then each section's inside, before returning anything
// (docs/image-format.md). Nothing is allocated from a size that was not checked against the file.
import { D, fail, type DiagnosticLocation } from '../../schema/diagnostics.js';
import { crc32 } from '../crc32.js';
import type { BootImage, ImageComponent, SectionEntry, SectionKindName } from './types.js';
import { bootInfoProblem, decodeBootInfo, decodeUntypedSection, untypedListProblem, untypedMismatch } from './bootInfo.js';
import { compareNames, decodeComponent } from './component.js';
import { dtbProblem } from './dtb.js';
import { decodeMeta, hexOf } from './meta.js';
import { decodePlan } from './plan.js';
import { rootTaskProblem } from './rootTask.js';
import { imageSha256 } from './seal.js';
import { readSignature, splitSignature } from './signature.js';
import {
  FORMAT_VERSION,
  HEADER_SIZE,
  Header,
  IMAGE_MAGIC,
  SECTION_ENTRY_SIZE,
  SECTION_KIND_NAMES,
  SHA256_SIZE,
  SectionField,
  hex,
  hex8,
} from './format.js';

const SINGLE_SECTIONS: readonly SectionKindName[] = ['META', 'BOOTINFO', 'UNTYPED', 'DTB', 'PLAN'];

/**
 * Reads and checks a boot image, and its signature trailer when one follows it (KC670x). Throws a
 * `DiagnosticError` (KC60xx) naming what is wrong and where.
 */
export function readImage(input: Uint8Array, file?: string): BootImage {
  const where: DiagnosticLocation = file === undefined ? {} : { file };
  const { image: bytes, trailer } = splitSignature(input);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = bytes.length;

  // Header.
  const magicLength = Math.min(size, IMAGE_MAGIC.length);
  if (magicLength === 0 || !IMAGE_MAGIC.subarray(0, magicLength).every((b, i) => bytes[i] === b)) {
    const magic = Array.from(bytes.subarray(0, IMAGE_MAGIC.length), (b) =>
      b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`,
    ).join('');
    throw fail(D.imageBadMagic, { magic }, where);
  }
  if (size < HEADER_SIZE) throw fail(D.imageTruncated, { size, headerSize: HEADER_SIZE }, where);
  const formatVersion = view.getUint32(Header.formatVersion, true);
  if (formatVersion !== FORMAT_VERSION) {
    throw fail(D.imageUnsupportedVersion, { version: formatVersion, supported: FORMAT_VERSION }, where);
  }
  const headerSize = view.getUint32(Header.headerSize, true);
  if (headerSize !== HEADER_SIZE) {
    throw fail(D.imageBadHeaderField, { field: 'headerSize', value: headerSize, expected: `'${HEADER_SIZE}'` }, where);
  }
  const flags = view.getUint32(Header.flags, true);
  if (flags !== 0) {
    throw fail(D.imageBadHeaderField, { field: 'flags', value: hex(flags), expected: "'0' (version 1 defines no flags)" }, where);
  }
  const totalSize = view.getUint32(Header.totalSize, true);
  if (totalSize !== size) throw fail(D.imageSizeMismatch, { declared: totalSize, size }, where);

  // Section table.
  const count = view.getUint32(Header.sectionCount, true);
  const tableOffset = view.getUint32(Header.sectionTableOffset, true);
  const tableEnd = tableOffset + count * SECTION_ENTRY_SIZE;
  if (tableOffset < HEADER_SIZE || tableEnd > size) {
    throw fail(
      D.imageSectionTableOutOfBounds,
      { start: hex(tableOffset), end: hex(tableEnd), count, headerEnd: hex(HEADER_SIZE), size: hex(size) },
      where,
    );
  }
  const sections: SectionEntry[] = [];
  for (let index = 0; index < count; index++) {
    const entry = tableOffset + index * SECTION_ENTRY_SIZE;
    const kindValue = view.getUint32(entry + SectionField.kind, true);
    const kind = SECTION_KIND_NAMES[kindValue];
    if (kind === undefined) {
      throw fail(D.imageUnknownSectionKind, { index, entryOffset: hex(entry), kind: kindValue }, where);
    }
    const offset = view.getUint32(entry + SectionField.offset, true);
    const sectionSize = view.getUint32(entry + SectionField.size, true);
    const alignment = view.getUint32(entry + SectionField.alignment, true);
    const bad = (reason: string) => fail(D.imageBadSectionEntry, { kind, index, offset: hex(offset), reason }, where);
    if (view.getUint32(entry + SectionField.reserved, true) !== 0) throw bad('the reserved word of its table entry is not zero');
    if (alignment === 0 || (alignment & (alignment - 1)) !== 0) throw bad(`alignment '${alignment}' is not a power of two`);
    if (offset % alignment !== 0) throw bad(`the offset is not a multiple of its alignment '${alignment}'`);
    if (offset + sectionSize > size) {
      throw fail(
        D.imageSectionOutOfBounds,
        { kind, index, start: hex(offset), end: hex(offset + sectionSize), size: hex(size) },
        where,
      );
    }
    sections.push({ kind, offset, size: sectionSize, alignment, crc32: view.getUint32(entry + SectionField.crc32, true) });
  }
  checkNoOverlap(sections, tableOffset, tableEnd, where);
  for (const kind of SINGLE_SECTIONS) {
    const found = sections.filter((s) => s.kind === kind);
    if (found.length === 0) throw fail(D.imageSectionMissing, { kind }, where);
    if (found.length > 1) {
      throw fail(D.imageSectionDuplicated, { kind, count: found.length, offsets: found.map((s) => `'${hex(s.offset)}'`).join(', ') }, where);
    }
  }
  const rootTasks = sections.filter((s) => s.kind === 'ROOTTASK');
  if (rootTasks.length > 1) {
    throw fail(D.imageSectionDuplicated, { kind: 'ROOTTASK', count: rootTasks.length, offsets: rootTasks.map((s) => `'${hex(s.offset)}'`).join(', ') }, where);
  }

  // Checksums: each section's CRC-32 first (it names the section), then the SHA-256 of the whole.
  sections.forEach((section, index) => {
    const actual = crc32(bytes.subarray(section.offset, section.offset + section.size));
    if (actual !== section.crc32) {
      throw fail(
        D.imageSectionChecksumMismatch,
        { kind: section.kind, index, offset: hex(section.offset), actual: hex8(actual), expected: hex8(section.crc32) },
        where,
      );
    }
  });
  const sha256 = hexOf(bytes.subarray(Header.sha256, Header.sha256 + SHA256_SIZE));
  const actualSha = hexOf(imageSha256(bytes));
  if (actualSha !== sha256) throw fail(D.imageHashMismatch, { actual: actualSha, expected: sha256 }, where);
  const signature = trailer && readSignature(trailer, bytes.subarray(Header.sha256, Header.sha256 + SHA256_SIZE), where);

  // Each section's inside.
  const only = (kind: SectionKindName) => sections.find((s) => s.kind === kind)!;
  const contents = (section: SectionEntry) => bytes.subarray(section.offset, section.offset + section.size);

  const metaSection = only('META');
  const meta = decodeMeta(contents(metaSection));
  if ('problem' in meta) throw fail(D.imageSectionMalformed, { kind: 'META', offset: hex(metaSection.offset), reason: meta.problem }, where);

  const untypedSection = only('UNTYPED');
  const untyped = decodeUntypedSection(contents(untypedSection));
  if ('problem' in untyped) {
    throw fail(D.imageSectionMalformed, { kind: 'UNTYPED', offset: hex(untypedSection.offset), reason: untyped.problem }, where);
  }
  const untypedProblem = untypedListProblem(untyped.value);
  if (untypedProblem) throw fail(D.imageBadUntyped, { kind: 'UNTYPED', offset: hex(untypedSection.offset), reason: untypedProblem }, where);

  const bootInfoSection = only('BOOTINFO');
  const inconsistent = (reason: string) => fail(D.imageBootInfoInconsistent, { offset: hex(bootInfoSection.offset), reason }, where);
  const bootInfo = decodeBootInfo(contents(bootInfoSection));
  if ('problem' in bootInfo) throw inconsistent(bootInfo.problem);
  const bootProblem = bootInfoProblem(bootInfo.value) ?? untypedMismatch(bootInfo.value.untypedList, untyped.value);
  if (bootProblem) throw inconsistent(bootProblem);

  const dtbSection = only('DTB');
  const dtb = contents(dtbSection);
  const dtbIssue = dtbProblem(dtb);
  if (dtbIssue) throw fail(D.imageDtbInvalid, { offset: hex(dtbSection.offset), reason: dtbIssue }, where);

  const planSection = only('PLAN');
  const plan = decodePlan(contents(planSection));
  if ('problem' in plan) throw fail(D.imagePlanInvalid, { offset: hex(planSection.offset), reason: plan.problem }, where);

  const components: ImageComponent[] = [];
  for (const [index, section] of sections.filter((s) => s.kind === 'COMPONENT').entries()) {
    const malformed = (name: string, reason: string) =>
      fail(D.imageComponentMalformed, { index, name, offset: hex(section.offset), reason }, where);
    const decoded = decodeComponent(contents(section));
    if ('problem' in decoded) throw malformed(decoded.name ?? '?', decoded.problem);
    const previous = components[components.length - 1];
    if (previous !== undefined && compareNames(previous.name, decoded.value.name) >= 0) {
      throw malformed(decoded.value.name, `components must be in strictly increasing name order, but it follows '${previous.name}'`);
    }
    components.push(decoded.value);
  }

  const rootTaskSection = rootTasks[0];
  const rootTask = rootTaskSection && contents(rootTaskSection);
  const rootTaskIssue = rootTask && rootTaskProblem(rootTask);
  if (rootTaskIssue) throw fail(D.imageRootTaskMalformed, { offset: hex(rootTaskSection!.offset), reason: rootTaskIssue }, where);

  return {
    formatVersion,
    flags,
    totalSize,
    sha256,
    sections,
    meta: meta.value,
    bootInfo: bootInfo.value,
    untyped: untyped.value,
    dtb,
    planJson: plan.value.json,
    plan: plan.value.plan,
    components,
    ...(rootTask ? { rootTask } : {}),
    ...(signature ? { signature } : {}),
  };
}

/** Sections may not overlap each other, the header or the section table. */
function checkNoOverlap(sections: readonly SectionEntry[], tableOffset: number, tableEnd: number, where: DiagnosticLocation): void {
  const regions = [
    { name: 'the header', start: 0, end: HEADER_SIZE },
    { name: 'the section table', start: tableOffset, end: tableEnd },
    ...sections.map((s, i) => ({ name: `${s.kind} section ${i}`, start: s.offset, end: s.offset + s.size })),
  ]
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < regions.length; i++) {
    const a = regions[i - 1]!;
    const b = regions[i]!;
    if (b.start < a.end) {
      throw fail(
        D.imageSectionsOverlap,
        { first: a.name, firstStart: hex(a.start), firstEnd: hex(a.end), second: b.name, secondStart: hex(b.start), secondEnd: hex(b.end) },
        where,
      );
    }
  }
}
