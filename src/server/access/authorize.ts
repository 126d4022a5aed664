/**
 * The checks every access request passes, cheapest first: signature (constant time), expiry,
 * key validity, namespace and bucket, permission, scope (object key or prefix) and, last,
 * revocation (a lookup in the store: see `pars/registry.ts`).
 *
 * @module
 */
import type { Permission } from '../../par/permissions.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import type { AccessClaims } from '../pars/claims.js';
import { checkKey } from '../storage/names.js';
import type { AccessPath } from './path.js';

/** What the request wants to do. */
export type AccessOperation = 'read' | 'write' | 'delete' | 'list';

/** A request that passed every check. */
export interface Authorized {
  readonly claims: AccessClaims;
  readonly bucket: string;
  /** The object key (absent for listing). */
  readonly key: string | undefined;
  /** The Par's own prefix, for bucket Pars narrowed to one. */
  readonly prefix: string | undefined;
}

const denied = (code: string, message: string) => new ApiError(403, code, message);

/**
 * The first checks of every request through a Par, whatever it targets: the signature
 * (constant time) and the expiry.
 *
 * @param context - the server
 * @param token - the access token from the path (untrusted)
 * @throws ApiError 403 `TOKEN_INVALID`, `PAR_EXPIRED`
 */
export function verifiedClaims(context: ServerContext, token: string): AccessClaims {
  const claims = context.signer.verify(token);
  if (claims === undefined) throw denied('TOKEN_INVALID', 'the access token is not valid');
  if (claims.expires <= context.now()) throw denied('PAR_EXPIRED', 'the Par has expired');
  return claims;
}

/**
 * Authorize one access request.
 *
 * @param context - the server
 * @param path - the parsed path
 * @param operation - what the request does
 * @throws ApiError 403 (`TOKEN_INVALID`, `PAR_EXPIRED`, `WRONG_BUCKET`, `PERMISSION_DENIED`,
 *   `LIST_NOT_ALLOWED`, `OUT_OF_SCOPE`, `PAR_REVOKED`), 400 for a bad key
 */
export async function authorize(
  context: ServerContext,
  path: AccessPath,
  operation: AccessOperation,
): Promise<Authorized> {
  const claims = verifiedClaims(context, path.token);
  const { scope } = claims;
  if (scope.kind === 'calculation')
    throw denied('WRONG_TARGET', 'this Par runs a calculation; it reaches no bucket');
  if (path.key !== undefined) checkKey(path.key);
  if (path.namespace !== claims.namespace || path.bucket !== scope.bucket) {
    throw denied('WRONG_BUCKET', 'this Par is for another bucket');
  }
  if (operation === 'list' && scope.kind === 'object') {
    throw denied('LIST_NOT_ALLOWED', 'an object Par cannot list its bucket');
  }
  const needed: Permission = operation;
  if (!claims.permissions.includes(needed)) {
    throw denied(
      'PERMISSION_DENIED',
      `this Par does not grant ${needed} (it grants ${claims.permissions.join(', ')})`,
    );
  }
  if (path.key !== undefined) {
    if (scope.kind === 'object' && path.key !== scope.key) {
      throw denied('OUT_OF_SCOPE', 'this Par is for another object');
    }
    if (scope.kind === 'bucket' && scope.prefix !== undefined && !path.key.startsWith(scope.prefix)) {
      throw denied('OUT_OF_SCOPE', "the object is outside this Par's prefix");
    }
  } else if (operation !== 'list') {
    throw new ApiError(405, 'METHOD_NOT_ALLOWED', 'the bucket form of the URL only lists (GET)');
  }
  if (!(await context.pars.isLive(claims.id))) throw denied('PAR_REVOKED', 'the Par has been closed');
  return {
    claims,
    bucket: scope.bucket,
    key: path.key,
    prefix: scope.kind === 'bucket' ? scope.prefix : undefined,
  };
}
