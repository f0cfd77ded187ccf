// A COMPONENT section: entry point, page-aligned loadable segments with their bytes, and the symbols
// the boot needs, with the component's name and symbol names in a string area (docs/image-format.md).
import { D, fail } from '../../schema/diagnostics.js';
import type { ComponentInput, ImageComponent, ImageSegment, ImageSymbol, SegmentInput } from './types.js';
import type { Decoded } from './bootInfo.js';
import { decodeUtf8 } from './meta.js';
import { PF_X } from '../elf.js';
import {
  ADDRESS_SPACE_END,
  COMPONENT_HEADER_SIZE,
  COMPONENT_SEGMENT_SIZE,
  COMPONENT_SYMBOL_SIZE,
  ComponentField,
  PAGE_SIZE,
  SEGMENT_DATA_ALIGNMENT,
  SegmentField,
  SymbolField,
  alignUp,
  hex,
  isWord,
} from './format.js';

const ALL_PERMS = 7;
const utf8 = new TextEncoder();

/** Orders names by their UTF-8 bytes, the order the image stores components and symbols in. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(utf8.encode(a), utf8.encode(b));
}

/**
 * Widens segments to whole pages: vaddr rounded down, end rounded up, the bytes shifted by the
 * difference. Empty segments are dropped. Two segments that would share a page are rejected:
 * a page has one set of permissions.
 */
export function pageAlignSegments(component: string, segments: readonly SegmentInput[]): ImageSegment[] {
  const sorted = segments.filter((s) => s.memsz > 0).sort((a, b) => a.vaddr - b.vaddr);
  const result: ImageSegment[] = [];
  for (const [i, segment] of sorted.entries()) {
    if (segment.data.length > segment.memsz) {
      const reason = `component '${component}': segment at '${hex(segment.vaddr)}' has ${segment.data.length} bytes of data but memsz ${segment.memsz}`;
      throw fail(D.imageInputInvalid, { reason });
    }
    const start = Math.floor(segment.vaddr / PAGE_SIZE) * PAGE_SIZE;
    const end = alignUp(segment.vaddr + segment.memsz, PAGE_SIZE);
    const last = result[result.length - 1];
    if (last !== undefined && start < last.vaddr + last.memsz) {
      throw fail(D.imageSegmentsSharePage, {
        component,
        first: hex(sorted[i - 1]!.vaddr),
        second: hex(segment.vaddr),
        page: hex(start),
      });
    }
    const lead = segment.vaddr - start;
    let data = segment.data;
    if (lead > 0 && data.length > 0) {
      data = new Uint8Array(lead + segment.data.length);
      data.set(segment.data, lead);
    }
    result.push({ vaddr: start, memsz: end - start, flags: segment.flags, data });
  }
  return result;
}

/** The component as the image stores it: page-aligned segments, symbols sorted by name. */
export function normalizeComponent(input: ComponentInput): ImageComponent {
  return {
    name: input.name,
    entry: input.entry,
    segments: pageAlignSegments(input.name, input.segments),
    symbols: [...(input.symbols ?? [])].sort((a, b) => compareNames(a.name, b.name)),
  };
}


/** Why a component cannot be loaded as the format requires, or undefined. */
export function componentProblem(component: ImageComponent): string | undefined {
  if (component.name.length === 0) return 'the name is empty';
  if (!isWord(component.entry)) return `entry '${component.entry}' is not a 32-bit word`;
  if (component.segments.length === 0) return 'it has no loadable segment';
  let previousEnd = 0;
  for (const [index, s] of component.segments.entries()) {
    const what = `segment ${index} (vaddr '${hex(s.vaddr)}', memsz '${hex(s.memsz)}')`;
    if (!isWord(s.vaddr) || s.vaddr % PAGE_SIZE !== 0) return `${what} does not start on a page boundary`;
    if (!Number.isInteger(s.memsz) || s.memsz <= 0 || s.memsz % PAGE_SIZE !== 0) {
      return `${what} is not a positive whole number of pages`;
    }
    if (s.vaddr + s.memsz > ADDRESS_SPACE_END) return `${what} runs past the 32-bit address space`;
    if (s.data.length > s.memsz) return `${what} has ${s.data.length} bytes of data, more than its memsz`;
    if (!Number.isInteger(s.flags) || s.flags < 1 || s.flags > ALL_PERMS) return `${what} has permission bits '${s.flags}', expected 1..7 (R=4 W=2 X=1)`;
    if (s.vaddr < previousEnd) return `${what} overlaps or precedes the segment before it`;
    previousEnd = s.vaddr + s.memsz;
  }
  const entry = component.entry;
  if (!component.segments.some((s) => s.flags & PF_X && entry >= s.vaddr && entry < s.vaddr + s.memsz)) {
    return `entry '${hex(entry)}' is not inside an executable segment`;
  }
  for (const [index, symbol] of component.symbols.entries()) {
    if (symbol.name.length === 0) return `symbol ${index} has an empty name`;
    if (!isWord(symbol.value) || !isWord(symbol.size)) return `symbol '${symbol.name}' has a value or size that is not a 32-bit word`;
    if (index > 0 && compareNames(component.symbols[index - 1]!.name, symbol.name) >= 0) {
      return `symbol '${symbol.name}' is duplicated or out of name order`;
    }
  }
  return undefined;
}

export function encodeComponent(component: ImageComponent): Uint8Array {
  const name = utf8.encode(component.name);
  const symbolNames = component.symbols.map((s) => utf8.encode(s.name));
  const stringsSize = symbolNames.reduce((total, s) => total + s.length, name.length);
  const segmentTable = COMPONENT_HEADER_SIZE;
  const symbolTable = segmentTable + component.segments.length * COMPONENT_SEGMENT_SIZE;
  const strings = symbolTable + component.symbols.length * COMPONENT_SYMBOL_SIZE;
  const dataOffsets: number[] = [];
  let size = strings + stringsSize;
  for (const segment of component.segments) {
    if (segment.data.length === 0) {
      dataOffsets.push(0);
      continue;
    }
    const at = alignUp(size, SEGMENT_DATA_ALIGNMENT);
    dataOffsets.push(at);
    size = at + segment.data.length;
  }

  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint32(ComponentField.entry, component.entry, true);
  view.setUint32(ComponentField.nameOffset, 0, true);
  view.setUint32(ComponentField.nameLength, name.length, true);
  view.setUint32(ComponentField.segmentCount, component.segments.length, true);
  view.setUint32(ComponentField.symbolCount, component.symbols.length, true);
  view.setUint32(ComponentField.stringsSize, stringsSize, true);
  component.segments.forEach((segment, i) => {
    const at = segmentTable + i * COMPONENT_SEGMENT_SIZE;
    view.setUint32(at + SegmentField.vaddr, segment.vaddr, true);
    view.setUint32(at + SegmentField.memsz, segment.memsz, true);
    view.setUint32(at + SegmentField.filesz, segment.data.length, true);
    view.setUint32(at + SegmentField.flags, segment.flags, true);
    view.setUint32(at + SegmentField.dataOffset, dataOffsets[i]!, true);
    bytes.set(segment.data, dataOffsets[i]!);
  });
  bytes.set(name, strings);
  let stringAt = name.length;
  component.symbols.forEach((symbol, i) => {
    const at = symbolTable + i * COMPONENT_SYMBOL_SIZE;
    view.setUint32(at + SymbolField.nameOffset, stringAt, true);
    view.setUint32(at + SymbolField.nameLength, symbolNames[i]!.length, true);
    view.setUint32(at + SymbolField.value, symbol.value, true);
    view.setUint32(at + SymbolField.size, symbol.size, true);
    bytes.set(symbolNames[i]!, strings + stringAt);
    stringAt += symbolNames[i]!.length;
  });
  return bytes;
}

/** Decodes one COMPONENT section; counts are checked against the size before anything is allocated. */
export function decodeComponent(bytes: Uint8Array): Decoded<ImageComponent> & { readonly name?: string } {
  if (bytes.length < COMPONENT_HEADER_SIZE) {
    return { problem: `${bytes.length} bytes is shorter than its ${COMPONENT_HEADER_SIZE}-byte header` };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const segmentCount = view.getUint32(ComponentField.segmentCount, true);
  const symbolCount = view.getUint32(ComponentField.symbolCount, true);
  const stringsSize = view.getUint32(ComponentField.stringsSize, true);
  const symbolTable = COMPONENT_HEADER_SIZE + segmentCount * COMPONENT_SEGMENT_SIZE;
  const strings = symbolTable + symbolCount * COMPONENT_SYMBOL_SIZE;
  const metadataEnd = strings + stringsSize;
  if (metadataEnd > bytes.length) {
    return {
      problem:
        `${segmentCount} segments, ${symbolCount} symbols and ${stringsSize} bytes of strings need ` +
        `${metadataEnd} bytes but the section has ${bytes.length}`,
    };
  }
  const stringAt = (offset: number, length: number, what: string): Decoded<string> => {
    if (offset + length > stringsSize) {
      return { problem: `${what} (${length} bytes at string offset ${offset}) runs past the ${stringsSize}-byte string area` };
    }
    const text = decodeUtf8(bytes.subarray(strings + offset, strings + offset + length));
    return text === undefined ? { problem: `${what} is not valid UTF-8` } : { value: text };
  };

  const name = stringAt(view.getUint32(ComponentField.nameOffset, true), view.getUint32(ComponentField.nameLength, true), 'the name');
  if ('problem' in name) return name;
  const named = (problem: string) => ({ problem, name: name.value });

  const segments: ImageSegment[] = [];
  const dataRegions: { start: number; end: number; index: number }[] = [];
  for (let i = 0; i < segmentCount; i++) {
    const at = COMPONENT_HEADER_SIZE + i * COMPONENT_SEGMENT_SIZE;
    const filesz = view.getUint32(at + SegmentField.filesz, true);
    const dataOffset = view.getUint32(at + SegmentField.dataOffset, true);
    if (view.getUint32(at + SegmentField.reserved, true) !== 0) return named(`segment ${i} has a non-zero reserved word`);
    if (filesz === 0 && dataOffset !== 0) return named(`segment ${i} has no data but data offset '${hex(dataOffset)}'`);
    if (filesz > 0) {
      if (dataOffset < metadataEnd || dataOffset % SEGMENT_DATA_ALIGNMENT !== 0) {
        return named(
          `segment ${i} data offset '${hex(dataOffset)}' is not ${SEGMENT_DATA_ALIGNMENT}-byte aligned after the tables and strings (end '${hex(metadataEnd)}')`,
        );
      }
      if (dataOffset + filesz > bytes.length) {
        return named(`segment ${i} data '${hex(dataOffset)}'..'${hex(dataOffset + filesz)}' runs past the section end '${hex(bytes.length)}'`);
      }
      dataRegions.push({ start: dataOffset, end: dataOffset + filesz, index: i });
    }
    segments.push({
      vaddr: view.getUint32(at + SegmentField.vaddr, true),
      memsz: view.getUint32(at + SegmentField.memsz, true),
      flags: view.getUint32(at + SegmentField.flags, true),
      data: bytes.subarray(dataOffset, dataOffset + filesz),
    });
  }
  dataRegions.sort((a, b) => a.start - b.start);
  for (let i = 1; i < dataRegions.length; i++) {
    if (dataRegions[i]!.start < dataRegions[i - 1]!.end) {
      return named(`the data of segments ${dataRegions[i - 1]!.index} and ${dataRegions[i]!.index} overlap`);
    }
  }
  const contentEnd = Math.max(metadataEnd, dataRegions.length > 0 ? dataRegions[dataRegions.length - 1]!.end : 0);
  if (contentEnd !== bytes.length) {
    return named(`its content ends at '${hex(contentEnd)}' but the section is '${hex(bytes.length)}' bytes`);
  }

  const symbols: ImageSymbol[] = [];
  for (let i = 0; i < symbolCount; i++) {
    const at = symbolTable + i * COMPONENT_SYMBOL_SIZE;
    const symbolName = stringAt(
      view.getUint32(at + SymbolField.nameOffset, true),
      view.getUint32(at + SymbolField.nameLength, true),
      `the name of symbol ${i}`,
    );
    if ('problem' in symbolName) return named(symbolName.problem);
    symbols.push({
      name: symbolName.value,
      value: view.getUint32(at + SymbolField.value, true),
      size: view.getUint32(at + SymbolField.size, true),
    });
  }
  const component: ImageComponent = {
    name: name.value,
    entry: view.getUint32(ComponentField.entry, true),
    segments,
    symbols,
  };
  const problem = componentProblem(component);
  return problem === undefined ? { value: component, name: name.value } : named(problem);
}
