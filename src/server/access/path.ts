/**
 * Parsing an access path, the OCI Object Storage PAR shape:
 * `/p/{token}/n/{namespace}/b/{bucket}/o/{object}` for one object, ending in `/o/` (or `/o`)
 * for the bucket form. The object name is percent-decoded once; a malformed escape is refused.
 *
 * @module
 */
import { ApiError } from '../http/api-error.js';

/** A parsed access path. The token is a secret: never log or echo it. */
export interface AccessPath {
  readonly token: string;
  readonly namespace: string;
  readonly bucket: string;
  /** The decoded object name; undefined for the bucket form. */
  readonly key: string | undefined;
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ApiError(400, 'INVALID_PATH', `the ${what} in the path is not valid percent-encoding`);
  }
}

/**
 * Parse the path part of an access URL (no query).
 *
 * @param path - the raw request path, starting `/p/`
 * @throws ApiError 404 `NOT_FOUND` for any other shape, 400 `INVALID_PATH` for bad escapes
 */
export function parseAccessPath(path: string): AccessPath {
  // ['', 'p', token, 'n', ns, 'b', bucket, 'o', ...object]
  const parts = path.split('/');
  if (parts.length < 8 || parts[1] !== 'p' || parts[3] !== 'n' || parts[5] !== 'b' || parts[7] !== 'o') {
    throw new ApiError(
      404,
      'NOT_FOUND',
      'no such resource (access paths are /p/{token}/n/{namespace}/b/{bucket}/o/{object})',
    );
  }
  const token = parts[2] as string;
  const namespace = decode(parts[4] as string, 'namespace');
  const bucket = decode(parts[6] as string, 'bucket name');
  const rest = parts.slice(8).join('/');
  if (token === '' || namespace === '' || bucket === '') {
    throw new ApiError(404, 'NOT_FOUND', 'no such resource (empty part in the access path)');
  }
  return { token, namespace, bucket, key: rest === '' ? undefined : decode(rest, 'object name') };
}
