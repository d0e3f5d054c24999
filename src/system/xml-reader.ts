/**
 * A small, bounded XML reader for the SOAP Junction receives (Salesforce outbound messages) and
 * the emulator answers (convertLead). It stands on saxes, a strict streaming parser that works
 * in one linear pass, and adds what hostile input needs: a size bound checked before parsing,
 * a depth and an element-count bound checked while parsing, and no DTD at all — SOAP forbids
 * one, and refusing it means no entity is ever declared, let alone expanded (only XML's five
 * predefined entities and character references are read). Regexes over markup are what this
 * replaces: a body of repeated unclosed tags made them backtrack for tens of seconds.
 */
import { SaxesParser } from 'saxes';

export interface XmlElement {
  /** Local name, without prefix. */
  local: string;
  /** Namespace URI ('' when none). */
  uri: string;
  attributes: Array<{ local: string; uri: string; value: string }>;
  children: XmlElement[];
  /** Character data directly inside this element (text and CDATA), untrimmed. */
  text: string;
}

export interface XmlLimits {
  /** Characters of input; larger documents are refused unread. */
  maxChars: number;
  maxDepth: number;
  maxElements: number;
}

/** Generous for any SOAP message Junction meets (100 notifications of a few dozen fields), tight against abuse. */
export const DEFAULT_XML_LIMITS: XmlLimits = { maxChars: 1024 * 1024, maxDepth: 32, maxElements: 20_000 };

export class XmlReadError extends Error {
  override readonly name = 'XmlReadError';
}

/** Parses a whole document into elements, or throws XmlReadError naming the first problem. */
export function readXml(xml: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  if (xml.length > limits.maxChars) throw new XmlReadError(`document is larger than ${limits.maxChars} characters`);
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  parser.on('doctype', () => {
    throw new XmlReadError('a DTD is not allowed');
  });
  parser.on('opentag', (tag) => {
    if (++elements > limits.maxElements) throw new XmlReadError(`more than ${limits.maxElements} elements`);
    if (stack.length >= limits.maxDepth) throw new XmlReadError(`nested deeper than ${limits.maxDepth} elements`);
    const attributes = Object.values(tag.attributes).map((a) => ({ local: a.local, uri: a.uri, value: a.value }));
    const element: XmlElement = { local: tag.local, uri: tag.uri, attributes, children: [], text: '' };
    stack.at(-1)?.children.push(element);
    root ??= element;
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const addText = (text: string) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('error', (err) => {
    throw err instanceof XmlReadError ? err : new XmlReadError(err.message);
  });
  try {
    parser.write(xml).close();
  } catch (err) {
    throw err instanceof XmlReadError ? err : new XmlReadError((err as Error).message);
  }
  if (!root) throw new XmlReadError('no root element');
  return root;
}

/** The first child with this local name (and namespace, when given). */
export function childOf(parent: XmlElement | undefined, local: string, uri?: string): XmlElement | undefined {
  return parent?.children.find((c) => c.local === local && (uri === undefined || c.uri === uri));
}

export function childrenOf(parent: XmlElement | undefined, local: string, uri?: string): XmlElement[] {
  return parent?.children.filter((c) => c.local === local && (uri === undefined || c.uri === uri)) ?? [];
}

/** An attribute's value by local name and namespace URI (whatever prefix the sender chose). */
export function attributeOf(element: XmlElement | undefined, local: string, uri = ''): string | undefined {
  return element?.attributes.find((a) => a.local === local && a.uri === uri)?.value;
}

/** Trimmed text of the first child with this local name. */
export function childText(parent: XmlElement | undefined, local: string, uri?: string): string | undefined {
  return childOf(parent, local, uri)?.text.trim();
}

/** The first element with this local name anywhere below (depth-first), for envelopes whose nesting varies. */
export function descendantOf(parent: XmlElement | undefined, local: string): XmlElement | undefined {
  for (const c of parent?.children ?? []) {
    if (c.local === local) return c;
    const deeper = descendantOf(c, local);
    if (deeper) return deeper;
  }
  return undefined;
}
