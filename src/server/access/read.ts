/**
 * GET and HEAD of an object: conditional requests (`If-None-Match` → 304, `If-Match` → 412),
 * one `Range` (206 / 416), small objects sent from one read, large ones streamed in 1 MiB chunks.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import { sendEmpty } from '../http/respond.js';
import { matchesEtag, objectHeaders } from './headers.js';
import { parseRange } from './range.js';

/** Objects up to this size are read whole and sent in one write. */
const SMALL_OBJECT = 128 * 1024;

/**
 * Answer a GET or HEAD for an authorized object.
 *
 * @param context - the server
 * @param request - the request
 * @param response - the response
 * @param bucket - the bucket
 * @param key - the object key
 */
export async function readObject(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  bucket: string,
  key: string,
): Promise<void> {
  const opened = await context.store.open(bucket, key);
  if (opened === undefined) throw new ApiError(404, 'NOT_FOUND', 'no such object');
  const { info } = opened;
  const headers: Record<string, string | number> = objectHeaders(info);
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined && matchesEtag(ifNoneMatch, info.etag)) {
    await opened.close();
    sendEmpty(response, 304, { etag: headers.etag as string });
    return;
  }
  const ifMatch = request.headers['if-match'];
  if (ifMatch !== undefined && !matchesEtag(ifMatch, info.etag)) {
    await opened.close();
    throw new ApiError(412, 'PRECONDITION_FAILED', 'the object has changed (If-Match)');
  }
  const range = parseRange(request.headers.range, info.size);
  if (range === 'unsatisfiable') {
    await opened.close();
    response.setHeader('content-range', `bytes */${info.size}`);
    throw new ApiError(
      416,
      'RANGE_NOT_SATISFIABLE',
      `the range lies outside the object (${info.size} bytes)`,
    );
  }
  const status = range === undefined ? 200 : 206;
  const length = range === undefined ? info.size : range.end - range.start + 1;
  headers['content-length'] = length;
  if (range !== undefined) headers['content-range'] = `bytes ${range.start}-${range.end}/${info.size}`;
  if (request.method === 'HEAD' || length === 0) {
    await opened.close();
    sendEmpty(response, status, headers);
    return;
  }
  if (length <= SMALL_OBJECT) {
    const bytes = await opened.bytes(range);
    response.writeHead(status, headers);
    response.end(bytes);
    return;
  }
  response.writeHead(status, headers);
  await pipeline(opened.stream(range), response);
}
