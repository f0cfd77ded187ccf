// Parses XML (a Microkit SDF) into a small element tree that keeps the source span of every element
// and attribute value, so import diagnostics point at the exact text. saxes does the parsing.
import { SaxesParser } from 'saxes';
import type { Span } from '../../schema/diagnostics.js';

export interface XmlAttribute {
  readonly name: string;
  readonly value: string;
  /** Span of the value, without its quotes. */
  readonly span: Span;
}

export interface XmlElement {
  readonly name: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /** Span of the start tag, from '<' to '>'. */
  readonly span: Span;
}

export type XmlParseResult =
  | { readonly ok: true; readonly root: XmlElement }
  | { readonly ok: false; readonly reason: string; readonly offset: number };

interface OpenElement {
  name: string;
  attributes: XmlAttribute[];
  children: XmlElement[];
  span: Span;
}

/** Parses a whole document; returns the root element or the first well-formedness error. */
export function parseXml(text: string): XmlParseResult {
  const parser = new SaxesParser({ position: true });
  const stack: OpenElement[] = [];
  let root: XmlElement | undefined;
  let error: { reason: string; offset: number } | undefined;

  parser.on('opentag', (tag) => {
    // `position` is just past the '>' of the start tag; its '<' is the last one before that.
    const end = parser.position;
    const start = text.lastIndexOf('<', end - 1);
    const tagText = text.slice(start, end);
    const attributes: XmlAttribute[] = [];
    for (const [name, value] of Object.entries(tag.attributes as Record<string, string>)) {
      attributes.push({ name, value, span: attributeValueSpan(tagText, start, name, value) });
    }
    stack.push({ name: tag.name, attributes, children: [], span: { start, length: end - start } });
  });
  parser.on('closetag', () => {
    const element = stack.pop();
    if (!element) return;
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root = element;
  });
  parser.on('error', (e) => {
    error ??= { reason: e.message.replace(/^\d+:\d+: /, ''), offset: parser.position };
  });
  try {
    parser.write(text).close();
  } catch (e) {
    error ??= { reason: e instanceof Error ? e.message.replace(/^\d+:\d+: /, '') : String(e), offset: parser.position };
  }
  if (error) return { ok: false, ...error };
  if (!root) return { ok: false, reason: 'the document has no root element', offset: 0 };
  return { ok: true, root };
}

function attributeValueSpan(tagText: string, tagStart: number, name: string, value: string): Span {
  const match = new RegExp(`\\s${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*=\\s*(["'])`).exec(tagText);
  if (!match) return { start: tagStart, length: tagText.length };
  return { start: tagStart + match.index + match[0].length, length: value.length };
}
