/**
 * Access tokens: the claims as base64url JSON, a dot, and an HMAC-SHA-256 of them under the
 * server's signing key (base64url). Unguessable (a 128-bit random id inside, a 256-bit MAC),
 * checked in constant time, and self-describing so a request needs no registry read to know
 * what it may do — only whether the grant still exists (revocation).
 *
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { PERMISSIONS, type Permission } from '../../par/permissions.js';
import type { AccessClaims, GrantScope } from './claims.js';

/** Longest token accepted, in characters (longer ones are refused before any work). */
export const MAX_TOKEN_LENGTH = 4096;
const MAC_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Signs and verifies tokens with one key. */
export class TokenSigner {
  readonly #key: Buffer;
  readonly #verified = new Map<string, AccessClaims>();

  /**
   * @param key - the signing key, at least 32 bytes
   * @throws RangeError for a short key
   */
  constructor(key: Uint8Array) {
    if (key.length < 32) throw new RangeError('the signing key must be at least 32 bytes');
    this.#key = Buffer.from(key);
  }

  #mac(payload: string): Buffer {
    return createHmac('sha256', this.#key).update(payload).digest();
  }

  /**
   * Sign claims into a token.
   *
   * @param claims - what the token grants
   */
  sign(claims: AccessClaims): string {
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${payload}.${this.#mac(payload).toString('base64url')}`;
  }

  /**
   * The claims of a genuine token, or undefined for anything forged, truncated or malformed.
   * Expiry and revocation are the caller's checks. Verified tokens are cached: a token's
   * signature is a pure function of its text and the key, so the cache cannot go stale.
   *
   * @param token - untrusted text
   */
  verify(token: string): AccessClaims | undefined {
    const cached = this.#verified.get(token);
    if (cached !== undefined) return cached;
    if (token.length > MAX_TOKEN_LENGTH) return undefined;
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const payload = token.slice(0, dot);
    const mac = token.slice(dot + 1);
    if (!BASE64URL.test(payload) || !BASE64URL.test(mac)) return undefined;
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== MAC_BYTES || given.toString('base64url') !== mac) return undefined;
    if (!timingSafeEqual(given, this.#mac(payload))) return undefined;
    const claims = parseClaims(Buffer.from(payload, 'base64url').toString('utf8'));
    if (claims === undefined) return undefined;
    if (this.#verified.size >= 50_000) this.#verified.clear();
    this.#verified.set(token, claims);
    return claims;
  }
}

function isString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function parseScope(value: unknown): GrantScope | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const scope = value as Record<string, unknown>;
  if (scope.kind === 'object' && isString(scope.bucket) && isString(scope.key)) {
    return { kind: 'object', bucket: scope.bucket, key: scope.key };
  }
  if (
    scope.kind === 'bucket' &&
    isString(scope.bucket) &&
    (scope.prefix === undefined || isString(scope.prefix))
  ) {
    return {
      kind: 'bucket',
      bucket: scope.bucket,
      ...(scope.prefix === undefined ? {} : { prefix: scope.prefix }),
    };
  }
  if (scope.kind === 'calculation' && isString(scope.name)) return { kind: 'calculation', name: scope.name };
  return undefined;
}

// Only signed text reaches here, but parse it as strictly as untrusted input all the same.
function parseClaims(text: string): AccessClaims | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const claims = value as Record<string, unknown>;
  const scope = parseScope(claims.scope);
  const permissions = claims.permissions;
  if (
    claims.v !== 1 ||
    !isString(claims.id) ||
    !isString(claims.namespace) ||
    scope === undefined ||
    !Array.isArray(permissions) ||
    !permissions.every((p) => PERMISSIONS.includes(p as Permission)) ||
    typeof claims.expires !== 'number' ||
    !Number.isFinite(claims.expires)
  ) {
    return undefined;
  }
  return Object.freeze({
    v: 1,
    id: claims.id,
    namespace: claims.namespace,
    scope: Object.freeze(scope),
    permissions: Object.freeze([...(permissions as Permission[])]),
    expires: claims.expires,
  });
}
