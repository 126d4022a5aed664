/**
 * PUT of an object: streamed to a temporary file, limited in size, verified against
 * `Content-MD5` / `x-checksum-sha256` when given, then committed atomically (conditional with
 * `If-Match` / `If-None-Match: *`). A body cut short (client gone, server killed) commits nothing.
 * Every committed write or delete pokes the flows engine, so flows watching the key react.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import { sendEmpty } from '../http/respond.js';
import type { PutOptions } from '../storage/store.js';
import { unquoteEtag } from './headers.js';

const MAX_CONTENT_TYPE = 256;

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function putOptions(context: ServerContext, request: IncomingMessage): PutOptions {
  const options: { -readonly [K in keyof PutOptions]: PutOptions[K] } = { maxBytes: context.maxBodyBytes };
  const length = header(request, 'content-length');
  if (length !== undefined) {
    if (!/^\d{1,16}$/.test(length))
      throw new ApiError(400, 'INVALID_REQUEST', 'Content-Length is not a number');
    const size = Number(length);
    if (size > context.maxBodyBytes) {
      throw new ApiError(
        413,
        'BODY_TOO_LARGE',
        `the body is larger than the ${context.maxBodyBytes}-byte limit`,
      );
    }
    options.expectedSize = size;
  }
  const type = header(request, 'content-type');
  if (type !== undefined) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    if (type.length > MAX_CONTENT_TYPE || /[\u0000-\u001f\u007f]/.test(type)) {
      throw new ApiError(400, 'INVALID_REQUEST', 'Content-Type is too long or malformed');
    }
    options.contentType = type;
  } else options.contentType = 'application/octet-stream';
  const md5 = header(request, 'content-md5');
  if (md5 !== undefined) {
    if (Buffer.from(md5, 'base64').length !== 16 || !/^[A-Za-z0-9+/]{22}==$/.test(md5)) {
      throw new ApiError(400, 'INVALID_CHECKSUM', 'Content-MD5 must be the base64 of 16 bytes');
    }
    options.expectedMd5 = md5;
  }
  const sha = header(request, 'x-checksum-sha256');
  if (sha !== undefined) {
    if (!/^[0-9a-fA-F]{64}$/.test(sha))
      throw new ApiError(400, 'INVALID_CHECKSUM', 'x-checksum-sha256 must be 64 hex digits');
    options.expectedSha256 = sha.toLowerCase();
  }
  const ifMatch = header(request, 'if-match');
  if (ifMatch !== undefined) options.ifMatch = unquoteEtag(ifMatch);
  const ifNoneMatch = header(request, 'if-none-match');
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') {
      throw new ApiError(400, 'INVALID_REQUEST', 'If-None-Match on PUT supports only "*" (create if absent)');
    }
    options.ifNoneMatch = '*';
  }
  return options;
}

/**
 * Answer a PUT for an authorized object.
 *
 * @param context - the server
 * @param request - the request (the body)
 * @param response - the response
 * @param bucket - the bucket
 * @param key - the object key
 */
export async function writeObject(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  bucket: string,
  key: string,
): Promise<void> {
  const options = putOptions(context, request);
  if (!(await context.buckets.exists(bucket))) throw new ApiError(404, 'BUCKET_NOT_FOUND', 'no such bucket');
  const info = await context.store.put(bucket, key, request, options);
  context.flows?.poke(bucket, key);
  const headers: Record<string, string> = {
    etag: `"${info.etag}"`,
    'last-modified': new Date(info.modified).toUTCString(),
  };
  if (info.sha256 !== undefined) headers['x-checksum-sha256'] = info.sha256;
  if (info.md5 !== undefined) headers['opc-content-md5'] = info.md5;
  sendEmpty(response, 200, headers);
}

/**
 * Answer a DELETE for an authorized object.
 *
 * @param context - the server
 * @param request - the request
 * @param response - the response
 * @param bucket - the bucket
 * @param key - the object key
 */
export async function deleteObject(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  bucket: string,
  key: string,
): Promise<void> {
  const ifMatch = header(request, 'if-match');
  const removed = await context.store.remove(
    bucket,
    key,
    ifMatch === undefined ? {} : { ifMatch: unquoteEtag(ifMatch) },
  );
  if (!removed) throw new ApiError(404, 'NOT_FOUND', 'no such object');
  context.flows?.poke(bucket, key);
  sendEmpty(response, 204);
}
