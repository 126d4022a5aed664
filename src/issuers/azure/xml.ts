/**
 * A small, strict XML reader for the answers of Azure Blob Storage (List Blobs, Get Container
 * ACL, error bodies), and escaping for the few XML bodies parkit sends. Web-standard: no
 * DOMParser (Node has none). Elements, attributes, text, CDATA, the five predefined entities
 * and numeric character references; comments and processing instructions are skipped. DOCTYPE
 * declarations and any other entity are refused, so nothing can expand. Malformed input is a
 * FormatError that never quotes the input (error bodies can echo request secrets).
 *
 * @internal
 * @module
 */
import { FormatError } from '../../par/errors.js';

/** One element: its name, attributes, child elements and the text directly inside it. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own character data (entities decoded), concatenated. */
  readonly text: string;
}

interface Building {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ATTRIBUTE = /\s+([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const MAX_DEPTH = 64;

function malformed(at: number, what: string): FormatError {
  return new FormatError(`the store's XML answer is malformed at offset ${at}: ${what}`, { field: 'xml' });
}

// XML 1.0 §2.11: a parser reads CR LF and a lone CR as LF.
function newlines(raw: string): string {
  return raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
}

function decodeEntities(literal: string, at: number): string {
  const raw = newlines(literal);
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&\s]{0,10});?/g, (match, name: string) => {
    if (!match.endsWith(';')) throw malformed(at, 'an "&" that starts no entity');
    const named = ENTITIES[name];
    if (named !== undefined) return named;
    const numeric = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(name);
    if (numeric === null) throw malformed(at, `an unknown entity "&${name.slice(0, 10)};"`);
    const code = numeric[1] === undefined ? Number(numeric[2]) : Number.parseInt(numeric[1], 16);
    const allowed =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      (code >= 0x10000 && code <= 0x10ffff);
    if (!allowed) throw malformed(at, 'a character reference to a character XML does not allow');
    return String.fromCodePoint(code);
  });
}

function freeze(element: Building): XmlElement {
  return Object.freeze({
    name: element.name,
    attributes: Object.freeze(element.attributes),
    children: Object.freeze(element.children),
    text: element.text,
  });
}

/**
 * Parse a whole XML document and return its root element.
 *
 * @param text - the document
 * @returns the root element
 * @throws FormatError for anything that is not well-formed XML of the supported kind
 */
export function parseXml(text: string): XmlElement {
  const stack: Building[] = [];
  let root: XmlElement | undefined;
  let at = text.startsWith('\uFEFF') ? 1 : 0;
  while (at < text.length) {
    const open = text.indexOf('<', at);
    const chunk = open === -1 ? text.slice(at) : text.slice(at, open);
    if (chunk !== '') {
      const current = stack.at(-1);
      if (current === undefined) {
        if (chunk.trim() !== '') throw malformed(at, 'text outside the root element');
      } else {
        current.text += decodeEntities(chunk, at);
      }
    }
    if (open === -1) break;
    at = open;
    if (text.startsWith('<?', at)) {
      const end = text.indexOf('?>', at + 2);
      if (end === -1) throw malformed(at, 'an unterminated processing instruction');
      at = end + 2;
    } else if (text.startsWith('<!--', at)) {
      const end = text.indexOf('-->', at + 4);
      if (end === -1) throw malformed(at, 'an unterminated comment');
      at = end + 3;
    } else if (text.startsWith('<![CDATA[', at)) {
      const end = text.indexOf(']]>', at + 9);
      const current = stack.at(-1);
      if (end === -1) throw malformed(at, 'an unterminated CDATA section');
      if (current === undefined) throw malformed(at, 'CDATA outside the root element');
      current.text += newlines(text.slice(at + 9, end));
      at = end + 3;
    } else if (text.startsWith('<!', at)) {
      throw malformed(at, 'a DOCTYPE or other declaration (not accepted)');
    } else if (text.startsWith('</', at)) {
      NAME.lastIndex = at + 2;
      const name = NAME.exec(text)?.[0];
      let end = at + 2 + (name?.length ?? 0);
      while (/\s/.test(text[end] ?? '')) end++;
      const current = stack.pop();
      if (name === undefined || text[end] !== '>') throw malformed(at, 'a malformed closing tag');
      if (current === undefined || current.name !== name)
        throw malformed(at, 'a closing tag that matches no open element');
      const done = freeze(current);
      const parent = stack.at(-1);
      if (parent === undefined) root = done;
      else parent.children.push(done);
      at = end + 1;
    } else {
      if (root !== undefined) throw malformed(at, 'a second root element');
      NAME.lastIndex = at + 1;
      const name = NAME.exec(text)?.[0];
      if (name === undefined) throw malformed(at, 'a "<" that starts no tag');
      let cursor = at + 1 + name.length;
      const attributes: Record<string, string> = Object.create(null);
      for (;;) {
        ATTRIBUTE.lastIndex = cursor;
        const attribute = ATTRIBUTE.exec(text);
        if (attribute === null) break;
        const [whole, key, double, single] = attribute;
        if (key === undefined || key in attributes) throw malformed(cursor, 'a repeated attribute');
        // XML 1.0 §3.3.3: literal tabs and newlines in an attribute value read as spaces.
        attributes[key] = decodeEntities(newlines(double ?? single ?? '').replace(/[\t\n]/g, ' '), cursor);
        cursor += whole.length;
      }
      while (/\s/.test(text[cursor] ?? '')) cursor++;
      const selfClosing = text.startsWith('/>', cursor);
      if (!selfClosing && text[cursor] !== '>') throw malformed(cursor, 'a malformed start tag');
      const element: Building = { name, attributes, children: [], text: '' };
      if (selfClosing) {
        const parent = stack.at(-1);
        if (parent === undefined) root = freeze(element);
        else parent.children.push(freeze(element));
      } else {
        if (stack.length >= MAX_DEPTH) throw malformed(at, `elements nested deeper than ${MAX_DEPTH}`);
        stack.push(element);
      }
      at = cursor + (selfClosing ? 2 : 1);
    }
  }
  if (stack.length > 0) throw malformed(text.length, 'an element left open at the end');
  if (root === undefined) throw malformed(0, 'no root element');
  return root;
}

/**
 * The first child element called `name`.
 *
 * @param element - the parent
 * @param name - the child's name
 */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((candidate) => candidate.name === name);
}

/**
 * Every child element called `name`, in document order.
 *
 * @param element - the parent
 * @param name - the children's name
 */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element === undefined ? [] : element.children.filter((candidate) => candidate.name === name);
}

/**
 * The text of the first child element called `name`, if there is one.
 *
 * @param element - the parent
 * @param name - the child's name
 */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  return child(element, name)?.text;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/**
 * Escape text for an XML element or attribute value (whitespace that a reader would normalise
 * is written as character references, so the text reads back exactly).
 *
 * @param text - any text XML can carry
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\t\n\r]/g, (character) => ESCAPES[character] ?? character);
}
