/**
 * The checks every request through an executable Par passes: the same signature and expiry
 * checks as object and bucket Pars (`verifiedClaims`), then target, namespace, calculation name
 * and the `execute` permission, and last revocation — the registry entry, which also holds what
 * the Par authorises (never taken from the request).
 *
 * @module
 */
import { verifiedClaims } from '../access/authorize.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import type { AccessClaims } from '../pars/claims.js';
import type { ParEntry } from '../pars/registry.js';
import type { CalculationPath } from './calculation-path.js';
import type { ExecutionGrant } from './execution-grant.js';

/** A request that passed every check. */
export interface AuthorizedCalculation {
  readonly claims: AccessClaims;
  readonly entry: ParEntry;
  readonly grant: ExecutionGrant;
}

const denied = (code: string, message: string) => new ApiError(403, code, message);

/**
 * Authorize one request through an executable Par.
 *
 * @param context - the server
 * @param path - the parsed path
 * @throws ApiError 403 (`TOKEN_INVALID`, `PAR_EXPIRED`, `WRONG_TARGET`, `WRONG_NAMESPACE`,
 *   `PERMISSION_DENIED`, `PAR_REVOKED`)
 */
export async function authorizeCalculation(
  context: ServerContext,
  path: CalculationPath,
): Promise<AuthorizedCalculation> {
  const claims = verifiedClaims(context, path.token);
  const { scope } = claims;
  if (scope.kind !== 'calculation')
    throw denied('WRONG_TARGET', 'this Par reaches a bucket; it runs no calculation');
  if (path.namespace !== claims.namespace)
    throw denied('WRONG_NAMESPACE', 'this Par is for another namespace');
  if (path.calculation !== scope.name) throw denied('WRONG_TARGET', 'this Par runs another calculation');
  if (!claims.permissions.includes('execute'))
    throw denied('PERMISSION_DENIED', 'this Par does not grant execute');
  const entry = await context.pars.get(claims.id);
  if (entry === undefined) throw denied('PAR_REVOKED', 'the Par has been closed');
  if (entry.execution === undefined) throw denied('WRONG_TARGET', 'this Par is not executable');
  return { claims, entry, grant: entry.execution };
}
