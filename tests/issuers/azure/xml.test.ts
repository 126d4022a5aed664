/**
 * The small strict XML reader and the List Blobs page parser: what they accept (entities,
 * character references, CDATA, comments, Azure's percent-encoded names) and what they refuse
 * (anything not well-formed, DOCTYPE, unknown entities) without quoting the input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBlobList } from '../../../src/access/dialects/azure-list.js';
import { child, childrenNamed, childText, escapeXml, parseXml } from '../../../src/issuers/azure/xml.js';

// Text XML 1.0 can carry: tab, LF, CR and everything from U+0020 except U+FFFE and U+FFFF.
const XML_CHARACTERS = /^[\t\n\r\u0020-\ufffd\u{10000}-\u{10ffff}]*$/u;

describe('parseXml', () => {
  it('reads elements, attributes, text, entities, references, CDATA and comments', () => {
    const root = parseXml(
      `\uFEFF<?xml version="1.0" encoding="utf-8"?>\n<!-- top -->\n<Root a="1" b='two &amp; &quot;three&quot;'>` +
        `<Name>Tom &amp; Jerry &lt;&gt; &apos;x&apos; &#65;&#x42;&#x1F600;</Name>` +
        `<Empty/><Empty />` +
        `<Raw><![CDATA[<not a tag> & stays]]></Raw>` +
        `<!-- inside --><Nested><Deep>1</Deep></Nested   >` +
        `</Root>\n`,
    );
    expect(root.name).toBe('Root');
    expect(root.attributes).toEqual({ a: '1', b: 'two & "three"' });
    expect(childText(root, 'Name')).toBe("Tom & Jerry <> 'x' AB😀");
    expect(childrenNamed(root, 'Empty')).toHaveLength(2);
    expect(childText(root, 'Raw')).toBe('<not a tag> & stays');
    expect(childText(child(root, 'Nested'), 'Deep')).toBe('1');
    expect(childText(root, 'Missing')).toBeUndefined();
  });

  const refusals: [string, string][] = [
    ['an unclosed element', '<a><b></b>'],
    ['a mismatched closing tag', '<a><b></a></b>'],
    ['a closing tag with no opening', '</a>'],
    ['two roots', '<a/><b/>'],
    ['text outside the root', 'hello<a/>'],
    ['a DOCTYPE', '<!DOCTYPE a [<!ENTITY x "boom">]><a>&x;</a>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['a bare ampersand', '<a>fish & chips</a>'],
    ['a reference to NUL', '<a>&#0;</a>'],
    ['a reference to a surrogate', '<a>&#xD800;</a>'],
    ['a repeated attribute', '<a x="1" x="2"/>'],
    ['an unquoted attribute', '<a x=1/>'],
    ['an unterminated comment', '<a><!-- </a>'],
    ['an unterminated CDATA', '<a><![CDATA[x</a>'],
    ['no root at all', '  '],
    ['deep nesting', `${'<a>'.repeat(100)}${'</a>'.repeat(100)}`],
  ];
  for (const [name, text] of refusals) {
    it(`refuses ${name}, without quoting the input`, () => {
      let error: unknown;
      try {
        parseXml(text);
      } catch (caught) {
        error = caught;
      }
      expect(error).toMatchObject({ code: 'PARKIT_INVALID_FORMAT', field: 'xml' });
      const message = (error as Error).message;
      expect(message).not.toContain('boom');
      expect(message).not.toContain('chips');
    });
  }

  it('reads CR LF and lone CR as LF, and tabs or newlines in attributes as spaces', () => {
    const root = parseXml('<a v="x\r\ny\tz">one\r\ntwo\rthree<![CDATA[\r\n]]></a>');
    expect(root.text).toBe('one\ntwo\nthree\n');
    expect(root.attributes.v).toBe('x y z');
  });

  it('round-trips any text through escapeXml', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }).filter((text) => XML_CHARACTERS.test(text)),
        (text) => {
          const root = parseXml(`<a v="${escapeXml(text)}">${escapeXml(text)}</a>`);
          expect(root.text).toBe(text);
          expect(root.attributes.v).toBe(text);
        },
      ),
    );
  });
});

describe('parseBlobList', () => {
  const page = `<?xml version="1.0" encoding="utf-8"?>
<EnumerationResults ServiceEndpoint="https://acct.blob.core.windows.net/" ContainerName="box">
  <Prefix>b/</Prefix><Marker /><MaxResults>2</MaxResults><Delimiter>/</Delimiter>
  <Blobs>
    <Blob>
      <Name>b/Tom &amp; Jerry.txt</Name>
      <Properties>
        <Creation-Time>Fri, 01 May 2026 10:00:00 GMT</Creation-Time>
        <Last-Modified>Fri, 01 May 2026 10:00:00 GMT</Last-Modified>
        <Etag>0x8DC000000000001</Etag>
        <Content-Length>42</Content-Length>
        <Content-Type>text/plain</Content-Type>
      </Properties>
      <Metadata />
    </Blob>
    <Blob><Name Encoded="true">b/bell%07.txt</Name><Properties><Content-Length>0</Content-Length></Properties></Blob>
    <BlobPrefix><Name>b/c/</Name></BlobPrefix>
  </Blobs>
  <NextMarker>2!72!MDAwMDEx</NextMarker>
</EnumerationResults>`;

  it('reads objects, prefixes, sizes, tags, times, encoded names and the next marker', () => {
    const result = parseBlobList(page);
    expect(result.objects.map((object) => object.key)).toEqual(['b/Tom & Jerry.txt', 'b/bell\u0007.txt']);
    expect(result.objects[0]).toMatchObject({ size: 42, etag: '0x8DC000000000001' });
    expect(result.objects[0]?.lastModified?.toISO()).toBe('2026-05-01T10:00:00.000Z');
    expect(result.objects[1]?.size).toBe(0);
    expect(result.prefixes).toEqual(['b/c/']);
    expect(result.continuation).toBe('2!72!MDAwMDEx');
  });

  it('has no continuation on the last page', () => {
    expect(
      parseBlobList(page.replace(/<NextMarker>.*<\/NextMarker>/, '<NextMarker />')).continuation,
    ).toBeUndefined();
    expect(parseBlobList('<EnumerationResults><Blobs /></EnumerationResults>')).toEqual({
      objects: [],
      prefixes: [],
    });
  });

  it('refuses what is not a listing', () => {
    expect(() => parseBlobList('<Error><Code>AuthenticationFailed</Code></Error>')).toThrow(
      /not answer with a blob listing/,
    );
    expect(() =>
      parseBlobList('<EnumerationResults><Blobs><Blob><Name></Name></Blob></Blobs></EnumerationResults>'),
    ).toThrow(/no name/);
    expect(() =>
      parseBlobList(
        '<EnumerationResults><Blobs><Blob><Name Encoded="true">%E0%A4%A</Name></Blob></Blobs></EnumerationResults>',
      ),
    ).toThrow(/badly encoded/);
  });
});
