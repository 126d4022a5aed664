/**
 * A pre-signed object URL (S3-style): the one URL answers `GET`/`HEAD` to read, `PUT` to write
 * and `DELETE` to remove, as far as its signature allows. The store decides what is permitted;
 * the Par's permissions are checked before any request. The `s3`, `gcs` and `parkit` dialects
 * use it for every single signed URL.
 *
 * @module
 */
import type { ObjectEndpoint } from '../endpoint.js';
import { send, statFromHeaders } from '../http.js';
import type { DialectContext } from './dialect.js';
import { readOnlyHttpObject } from './https.js';

/**
 * An object endpoint for one pre-signed URL.
 *
 * @param url - the signed object URL
 * @param context - transport
 */
export function signedUrlObject(url: string, context: DialectContext): ObjectEndpoint {
  const reading = readOnlyHttpObject(url, context);
  return {
    read: reading.read,
    stat: reading.stat,
    async write(body, request) {
      const headers = new Headers();
      if (request.contentType !== undefined) headers.set('content-type', request.contentType);
      if (request.size !== undefined) headers.set('content-length', String(request.size));
      const response = await send(context, url, {
        method: 'PUT',
        headers,
        body: body as BodyInit,
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      await response.body?.cancel();
      const stat = statFromHeaders(response.headers);
      return request.size === undefined ? stat : { ...stat, size: request.size };
    },
    async remove(request) {
      const response = await send(context, url, {
        method: 'DELETE',
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      await response.body?.cancel();
    },
  };
}
