/**
 * Just enough XML for S3's answers (ListObjectsV2, multipart, STS, errors): the text of named
 * elements, entities decoded. S3 answers are flat, machine-written documents with fixed element
 * names, so no general parser is needed.
 *
 * @internal
 * @module
 */

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decode XML character data: the five named entities, numeric references and CDATA sections.
 *
 * @param text - element content
 * @returns the text it stands for
 */
export function decodeXml(text: string): string {
  return text
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, data: string) =>
      data.replace(/&/g, '&amp;').replace(/</g, '&lt;'),
    )
    .replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, name: string) => {
      if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
      return ENTITIES[name] ?? whole;
    });
}

function elementPattern(tag: string): RegExp {
  return new RegExp(`<${tag}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</${tag}>)`, 'g');
}

/**
 * The raw contents of every `<tag>` element, in document order (self-closing ones give `''`).
 *
 * @param xml - the document or a fragment of it
 * @param tag - the element name
 */
export function xmlElements(xml: string, tag: string): string[] {
  return Array.from(xml.matchAll(elementPattern(tag)), (match) => match[1] ?? '');
}

/**
 * The decoded text of the first `<tag>` element, if there is one.
 *
 * @param xml - the document or a fragment of it
 * @param tag - the element name
 */
export function xmlText(xml: string, tag: string): string | undefined {
  const raw = xmlElements(xml, tag)[0];
  return raw === undefined ? undefined : decodeXml(raw);
}

/**
 * Escape text for XML character data.
 *
 * @param text - any text
 */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => `&${Object.keys(ENTITIES).find((name) => ENTITIES[name] === char)};`,
  );
}
