/**
 * Admin authentication: `Authorization: Bearer <admin key>`, compared in constant time (as
 * SHA-256 digests, so the key's length is not revealed either).
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../http/api-error.js';

/**
 * The digest the server keeps of its admin key.
 *
 * @param key - the admin key
 */
export function adminKeyDigest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/**
 * Throw unless the request carries the admin key.
 *
 * @param request - the request
 * @param digest - SHA-256 of the admin key
 * @throws ApiError 401 `ADMIN_KEY_MISSING` or `ADMIN_KEY_INVALID`
 */
export function requireAdmin(request: IncomingMessage, digest: Buffer): void {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) {
    throw new ApiError(401, 'ADMIN_KEY_MISSING', 'the admin API needs "Authorization: Bearer <admin key>"');
  }
  if (!timingSafeEqual(adminKeyDigest(match[1] as string), digest)) {
    throw new ApiError(401, 'ADMIN_KEY_INVALID', 'the admin key is not valid');
  }
}
