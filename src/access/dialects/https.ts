/**
 * The plain `https:` dialect: an object URL that answers `GET` and `HEAD` (a public or otherwise
 * pre-authorised link). Read-only.
 *
 * @module
 */
import { NotSupportedError } from '../../par/errors.js';
import type { ObjectEndpoint } from '../endpoint.js';
import { send, statFromHeaders } from '../http.js';
import type { Dialect, DialectContext } from './dialect.js';

/**
 * An object endpoint that reads a URL with GET (ranges via `Range`) and stats it with HEAD.
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
      }
      const response = await send(context, url, {
        headers,
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      const body = response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
      return { stat: statFromHeaders(response.headers, response.status), body };
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

/** The plain `https:` dialect. */
export const httpsDialect: Dialect = {
  object: readOnlyHttpObject,
};
