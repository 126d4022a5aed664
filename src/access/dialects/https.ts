/**
 * The plain `https:` dialect, read-only. An object Par's URL answers `GET` (ranges via `Range`,
 * bound to a version with `If-Range`) and `HEAD`. A bucket Par's URL is a web directory: a key
 * is read at the directory URL plus the key (segments percent-encoded), and the listing comes
 * from the JSON directory index that nginx's `autoindex_format json` serves — an array of
 * `{ name, type: "file" | "directory", size, mtime }` for each directory URL ending in `/`.
 *
 * @module
 */
import type { DateTime } from 'luxon';
import { FormatError, isParkitError, NotSupportedError } from '../../par/errors.js';
import type { BucketEndpoint, ListedObject, ObjectEndpoint } from '../endpoint.js';
import { lazyTime, readResult, send, statFromHeaders } from '../http.js';
import { checkPathSafeKey } from '../keys.js';
import type { Dialect, DialectContext } from './dialect.js';
import { pageOf } from './listing.js';

/**
 * Where a ranged answer starts: the first byte of a 206's `Content-Range`, 0 for a 200 (the
 * store sent the whole object), undefined when no range was asked for.
 *
 * @param response - the answer
 * @param ranged - whether a range was asked for
 */
export function rangeStart(response: Response, ranged: boolean): number | undefined {
  if (!ranged) return undefined;
  if (response.status !== 206) return 0;
  const start = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1];
  return start === undefined ? undefined : Number(start);
}

/**
 * An object endpoint that reads a URL with GET and stats it with HEAD.
 *
 * @param url - the object URL
 * @param context - transport
 */
export function readOnlyHttpObject(url: string, context: DialectContext): ObjectEndpoint {
  return {
    async read(request) {
      const headers = new Headers();
      if (request.range !== undefined) {
        headers.set('range', `bytes=${request.range.start}-${request.range.end ?? ''}`);
        if (request.ifRange !== undefined) headers.set('if-range', `"${request.ifRange}"`);
      }
      const response = await send(context, url, {
        headers,
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      return readResult(response, rangeStart(response, request.range !== undefined));
    },
    async stat(request) {
      const response = await send(context, url, {
        method: 'HEAD',
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      return statFromHeaders(response.headers);
    },
    write() {
      return Promise.reject(new NotSupportedError('plain https links are read-only'));
    },
    remove() {
      return Promise.reject(new NotSupportedError('plain https links are read-only'));
    },
  };
}

/**
 * URLs of `/`-separated relative paths under a directory URL, its query and fragment kept: the
 * directory's URL split once around the end of its path, so each key costs a string, not a parse.
 */
function urlsUnder(directory: URL): (path: string) => string {
  const bare = new URL(directory.href);
  bare.search = '';
  bare.hash = '';
  const head = bare.href;
  const tail = directory.href.slice(head.length);
  return (path) => head + path.split('/').map(encodeURIComponent).join('/') + tail;
}

interface IndexEntry {
  readonly name: string;
  readonly type: string;
  readonly size?: number;
  readonly mtime?: string;
}

function parseIndex(value: unknown): IndexEntry[] {
  if (!Array.isArray(value)) throw new FormatError('the directory index is not a JSON array');
  return value.map((entry: unknown, index) => {
    const item = entry as Partial<IndexEntry> | null;
    if (typeof item?.name !== 'string' || typeof item.type !== 'string') {
      throw new FormatError(`directory index entry ${index} has no name or type`, { field: `[${index}]` });
    }
    if (item.name === '' || item.name === '.' || item.name === '..' || item.name.includes('/')) {
      throw new FormatError(`directory index entry ${index} has an unusable name`, {
        field: `[${index}].name`,
      });
    }
    return item as IndexEntry;
  });
}

function listed(key: string, entry: IndexEntry): ListedObject {
  const object: { key?: string; size?: number; lastModified?: DateTime } = lazyTime(
    typeof entry.mtime === 'string' ? entry.mtime : undefined,
  );
  object.key = key;
  if (typeof entry.size === 'number' && Number.isSafeInteger(entry.size) && entry.size >= 0)
    object.size = entry.size;
  return object as ListedObject;
}

/**
 * A bucket endpoint for a web directory with a JSON index.
 *
 * @param secret - the directory URL
 * @param context - transport
 */
export function webDirectory(secret: string, context: DialectContext): BucketEndpoint {
  const root = new URL(secret);
  if (!root.pathname.endsWith('/')) root.pathname += '/';
  const under = urlsUnder(root);
  const index = async (path: string, signal: AbortSignal | undefined): Promise<IndexEntry[]> => {
    const response = await send(context, under(path), {
      headers: { accept: 'application/json' },
      ...(signal === undefined ? {} : { signal }),
    });
    let value: unknown;
    try {
      value = JSON.parse(await response.text());
    } catch {
      throw new FormatError('the directory index is not JSON');
    }
    return parseIndex(value);
  };
  return {
    object(key) {
      return readOnlyHttpObject(under(checkPathSafeKey(key)), context);
    },
    async list(request) {
      const prefix = request.prefix ?? '';
      const objects: ListedObject[] = [];
      // Walk the directories that can hold keys under the prefix, starting at the deepest one.
      const walk = async (path: string, required: boolean): Promise<void> => {
        let entries: IndexEntry[];
        try {
          entries = await index(path, request.signal);
        } catch (error) {
          if (!required && isParkitError(error, 'PARKIT_NOT_FOUND')) return;
          throw error;
        }
        for (const entry of entries) {
          const key = path + entry.name;
          if (entry.type === 'directory') {
            const inner = `${key}/`;
            if (inner.startsWith(prefix) || prefix.startsWith(inner)) await walk(inner, false);
          } else if (entry.type === 'file' && key.startsWith(prefix)) {
            objects.push(listed(key, entry));
          }
        }
      };
      await walk(prefix.slice(0, prefix.lastIndexOf('/') + 1), prefix === '');
      objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return pageOf(objects, request);
    },
  };
}

/** The plain `https:` dialect. */
export const httpsDialect: Dialect = {
  object: readOnlyHttpObject,
  bucket: webDirectory,
};
