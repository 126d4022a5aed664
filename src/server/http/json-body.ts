/**
 * Reading a small JSON request body (admin API, close), bounded in size, strictly parsed.
 *
 * @internal
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { assertSafeKeys } from '../../par/metadata.js';
import { ApiError } from './api-error.js';

/** Largest admin request body, in bytes. */
export const MAX_JSON_BYTES = 64 * 1024;

/**
 * Read and parse the body as a JSON object.
 *
 * @param request - the request
 * @throws ApiError 413 `BODY_TOO_LARGE`, 400 `MALFORMED_JSON`
 */
export async function readJsonObject(request: IncomingMessage): Promise<Record<string, unknown>> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_JSON_BYTES)
    throw new ApiError(413, 'BODY_TOO_LARGE', `the body is larger than ${MAX_JSON_BYTES} bytes`);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES)
      throw new ApiError(413, 'BODY_TOO_LARGE', `the body is larger than ${MAX_JSON_BYTES} bytes`);
    parts.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(parts).toString('utf8'));
    assertSafeKeys(value);
  } catch {
    throw new ApiError(400, 'MALFORMED_JSON', 'the body is not a valid JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'MALFORMED_JSON', 'the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
