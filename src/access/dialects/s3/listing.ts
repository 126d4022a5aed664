/**
 * ListObjectsV2 answers as listing pages.
 *
 * @internal
 * @module
 */
import { DateTime } from 'luxon';
import type { ListedObject, ListPage } from '../../endpoint.js';
import { xmlElements, xmlText } from './xml.js';

/**
 * Parse a `ListBucketResult` document.
 *
 * @param xml - the answer body
 * @returns the page
 */
export function parseListing(xml: string): ListPage {
  const objects: ListedObject[] = xmlElements(xml, 'Contents').map((block) => {
    const object: { -readonly [K in keyof ListedObject]: ListedObject[K] } = {
      key: xmlText(block, 'Key') ?? '',
    };
    const size = xmlText(block, 'Size');
    if (size !== undefined && /^\d+$/.test(size)) object.size = Number(size);
    const etag = xmlText(block, 'ETag');
    if (etag !== undefined) object.etag = etag.replace(/^"|"$/g, '');
    const modified = xmlText(block, 'LastModified');
    if (modified !== undefined) {
      const time = DateTime.fromISO(modified, { zone: 'utc' });
      if (time.isValid) object.lastModified = time;
    }
    return object;
  });
  const prefixes = xmlElements(xml, 'CommonPrefixes').map((block) => xmlText(block, 'Prefix') ?? '');
  const truncated = xmlText(xml, 'IsTruncated') === 'true';
  const next = xmlText(xml, 'NextContinuationToken');
  return {
    objects,
    prefixes,
    ...(truncated && next !== undefined && next !== '' ? { continuation: next } : {}),
  };
}
