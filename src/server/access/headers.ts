/**
 * Response headers describing an object version, and conditional-request matching.
 *
 * @internal
 * @module
 */
import type { ObjectInfo } from '../storage/store.js';

/**
 * Headers of an object version (ETag quoted, dates in HTTP form).
 *
 * @param info - the version
 */
export function objectHeaders(info: ObjectInfo): Record<string, string> {
  const headers: Record<string, string> = {
    etag: `"${info.etag}"`,
    'last-modified': new Date(info.modified).toUTCString(),
    'accept-ranges': 'bytes',
    'content-type': info.contentType ?? 'application/octet-stream',
    'cache-control': 'private, no-cache',
  };
  if (info.sha256 !== undefined) headers['x-checksum-sha256'] = info.sha256;
  if (info.md5 !== undefined) headers['content-md5'] = info.md5;
  return headers;
}

/**
 * Whether an `If-None-Match` / `If-Match` header names this etag (or `*`).
 *
 * @param header - the header value
 * @param etag - the current etag (unquoted)
 */
export function matchesEtag(header: string, etag: string): boolean {
  return header.split(',').some((part) => {
    const tag = part.trim().replace(/^W\//, '');
    return tag === '*' || tag === `"${etag}"` || tag === etag;
  });
}

/**
 * An etag from a conditional header, quotes removed.
 *
 * @param header - the header value
 */
export function unquoteEtag(header: string): string {
  return header.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
}
