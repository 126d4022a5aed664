/**
 * Listing through a bucket Par, in OCI Object Storage's ListObjects dialect: query `prefix`,
 * `start` (inclusive), `startAfter`, `end`, `limit` (1–1000, default 1000), `delimiter` (`/`
 * only) and `fields` (`name` always; also `size`, `etag`, `md5`, `timeCreated`, `timeModified`,
 * `storageTier`, `archivalState`); answer `{ objects, prefixes, nextStartWith? }`.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import { sendJson } from '../http/respond.js';
import { checkPrefix } from '../storage/names.js';
import type { ObjectInfo } from '../storage/store.js';

/** Largest page (OCI's limit). */
export const MAX_LIST_LIMIT = 1000;

const FIELDS = new Map(
  ['name', 'size', 'etag', 'md5', 'timeCreated', 'timeModified', 'storageTier', 'archivalState'].map(
    (field) => [field.toLowerCase(), field],
  ),
);

/** One listed object, with the fields asked for. */
export interface ListedObjectJson {
  name: string;
  size?: number;
  etag?: string;
  md5?: string;
  timeCreated?: string;
  timeModified?: string;
  storageTier?: string;
}

function parseFields(text: string | null): Set<string> {
  const fields = new Set(['name']);
  if (text === null || text.trim() === '') return fields;
  for (const part of text.split(',')) {
    const field = FIELDS.get(part.trim().toLowerCase());
    if (field === undefined)
      throw new ApiError(
        400,
        'INVALID_REQUEST',
        `unknown listing field ${JSON.stringify(part.trim().slice(0, 40))}`,
      );
    fields.add(field);
  }
  return fields;
}

function describe(info: ObjectInfo, fields: Set<string>): ListedObjectJson {
  const entry: ListedObjectJson = { name: info.key };
  if (fields.has('size')) entry.size = info.size;
  if (fields.has('etag')) entry.etag = info.etag;
  if (fields.has('md5') && info.md5 !== undefined) entry.md5 = info.md5;
  const time = new Date(info.modified).toISOString();
  if (fields.has('timeCreated')) entry.timeCreated = time;
  if (fields.has('timeModified')) entry.timeModified = time;
  if (fields.has('storageTier')) entry.storageTier = 'Standard';
  return entry;
}

// The prefix that satisfies both the Par's own prefix and the one asked for.
function narrow(parPrefix: string | undefined, asked: string): string {
  if (parPrefix === undefined || asked.startsWith(parPrefix)) return asked;
  if (parPrefix.startsWith(asked)) return parPrefix;
  throw new ApiError(403, 'OUT_OF_SCOPE', "the prefix asked for is outside this Par's prefix");
}

/**
 * Answer a listing for an authorized bucket Par.
 *
 * @param context - the server
 * @param response - the response
 * @param query - the URL's query parameters
 * @param bucket - the bucket
 * @param parPrefix - the Par's own prefix, if any
 */
export async function listObjects(
  context: ServerContext,
  response: ServerResponse,
  query: URLSearchParams,
  bucket: string,
  parPrefix: string | undefined,
): Promise<void> {
  const limitText = query.get('limit');
  const limit = limitText === null ? MAX_LIST_LIMIT : Number(limitText);
  if (
    !/^\d{1,4}$/.test(limitText ?? '1') ||
    !Number.isInteger(limit) ||
    limit < 1 ||
    limit > MAX_LIST_LIMIT
  ) {
    throw new ApiError(400, 'INVALID_REQUEST', `limit must be an integer from 1 to ${MAX_LIST_LIMIT}`);
  }
  const delimiter = query.get('delimiter');
  if (delimiter !== null && delimiter !== '/') {
    throw new ApiError(400, 'INVALID_REQUEST', 'only "/" is supported as a delimiter');
  }
  const fields = parseFields(query.get('fields'));
  const prefix = narrow(parPrefix, checkPrefix(query.get('prefix') ?? ''));
  const start = query.get('start');
  const startAfter = query.get('startAfter');
  const end = query.get('end');
  // Keys never contain NUL, so key + NUL is the smallest name after it.
  const from =
    startAfter !== null
      ? `${checkPrefix(startAfter)}\u0000`
      : start === null
        ? undefined
        : checkPrefix(start);
  if (!(await context.buckets.exists(bucket))) throw new ApiError(404, 'BUCKET_NOT_FOUND', 'no such bucket');
  const page = await context.store.list(bucket, {
    prefix,
    limit,
    ...(from === undefined ? {} : { start: from }),
    ...(end === null || end === '' ? {} : { end: checkPrefix(end) }),
    ...(delimiter === '/' ? { delimiter: '/' as const } : {}),
  });
  sendJson(response, 200, {
    objects: page.objects.map((object) => describe(object, fields)),
    prefixes: page.prefixes,
    ...(page.next === undefined ? {} : { nextStartWith: page.next }),
  });
}
