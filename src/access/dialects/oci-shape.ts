/**
 * URLs of the OCI Object Storage PAR shape — `…/p/{token}/n/{namespace}/b/{bucket}/o/{object}`,
 * and the bucket form ending in `/o/` — spoken by both Oracle's Object Storage and the parkit
 * server: objects by GET/HEAD/PUT/DELETE on their URL, listing by GET on the bucket URL in
 * OCI's ListObjects JSON (`objects`, `prefixes`, `nextStartWith`; `start` continues).
 *
 * @module
 */
import { DateTime } from 'luxon';
import { FormatError } from '../../par/errors.js';
import type { BucketEndpoint, ListedObject, ListPage } from '../endpoint.js';
import { send } from '../http.js';
import type { Dialect, DialectContext } from './dialect.js';
import { signedUrlObject } from './signed-url.js';

/** The listing fields asked for (OCI lists only names unless asked). */
const LIST_FIELDS = 'name,size,etag,timeModified';

/**
 * Encode an object key for a PAR URL: each `/`-separated part percent-encoded.
 *
 * @param key - the key
 */
export function encodeObjectName(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

function listedObject(value: unknown): ListedObject {
  if (typeof value !== 'object' || value === null || typeof (value as { name?: unknown }).name !== 'string') {
    throw new FormatError('the listing has an entry without a name', { field: 'objects' });
  }
  const entry = value as { name: string; size?: unknown; etag?: unknown; timeModified?: unknown };
  const listed: { -readonly [K in keyof ListedObject]: ListedObject[K] } = { key: entry.name };
  if (typeof entry.size === 'number' && Number.isSafeInteger(entry.size) && entry.size >= 0)
    listed.size = entry.size;
  if (typeof entry.etag === 'string') listed.etag = entry.etag.replace(/^"|"$/g, '');
  if (typeof entry.timeModified === 'string') {
    const time = DateTime.fromISO(entry.timeModified, { zone: 'utc' });
    if (time.isValid) listed.lastModified = time;
  }
  return listed;
}

/**
 * Parse one ListObjects answer.
 *
 * @param body - the parsed JSON
 * @throws FormatError when it is not a ListObjects answer
 */
export function parseListObjects(body: unknown): ListPage {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { objects?: unknown }).objects)) {
    throw new FormatError('the listing is not an OCI ListObjects answer (no objects array)', {
      field: 'objects',
    });
  }
  const { objects, prefixes, nextStartWith } = body as {
    objects: unknown[];
    prefixes?: unknown;
    nextStartWith?: unknown;
  };
  if (prefixes !== undefined && (!Array.isArray(prefixes) || !prefixes.every((p) => typeof p === 'string'))) {
    throw new FormatError('the listing prefixes are not strings', { field: 'prefixes' });
  }
  if (nextStartWith !== undefined && nextStartWith !== null && typeof nextStartWith !== 'string') {
    throw new FormatError('the listing nextStartWith is not a string', { field: 'nextStartWith' });
  }
  return {
    objects: objects.map(listedObject),
    prefixes: (prefixes as string[] | undefined) ?? [],
    ...(typeof nextStartWith === 'string' && nextStartWith !== '' ? { continuation: nextStartWith } : {}),
  };
}

/**
 * A bucket endpoint for a bucket PAR URL (ending in `/o/`).
 *
 * @param url - the bucket PAR URL
 * @param context - transport
 */
export function ociShapeBucket(url: string, context: DialectContext): BucketEndpoint {
  const base = url.endsWith('/') ? url : `${url}/`;
  return {
    object(key) {
      return signedUrlObject(base + encodeObjectName(key), context);
    },
    async list(request) {
      const query = new URLSearchParams({ fields: LIST_FIELDS });
      if (request.prefix !== undefined && request.prefix !== '') query.set('prefix', request.prefix);
      if (request.delimiter !== undefined) query.set('delimiter', request.delimiter);
      if (request.pageSize !== undefined) query.set('limit', String(Math.min(request.pageSize, 1000)));
      if (request.continuation !== undefined) query.set('start', request.continuation);
      const response = await send(context, `${base}?${query}`, {
        headers: { accept: 'application/json' },
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      let body: unknown;
      try {
        body = await response.json();
      } catch (cause) {
        throw new FormatError('the listing is not JSON', { field: 'objects', cause });
      }
      return parseListObjects(body);
    },
  };
}

/** The `oci` dialect: OCI PARs are revoked by the tenancy (with IAM credentials), not the holder. */
export const ociDialect: Dialect = {
  object: signedUrlObject,
  bucket: ociShapeBucket,
};
