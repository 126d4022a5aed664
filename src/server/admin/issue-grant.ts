/**
 * Issuing one grant, whatever it is for: sign its claims into an access token, seal the access
 * URL into a Par for the recipients, and record the grant in the registry (the token itself is
 * kept only as a checksum).
 *
 * @module
 */
import { DateTime } from 'luxon';
import { isParkitError } from '../../par/errors.js';
import { Par } from '../../par/par.js';
import type { Permission } from '../../par/permissions.js';
import type { Target } from '../../par/target.js';
import type { ExecutionGrant } from '../compute/execution-grant.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import type { AccessClaims, GrantScope } from '../pars/claims.js';
import { type ParEntry, ParRegistry, tokenChecksum } from '../pars/registry.js';

/** A checked grant to issue. */
export interface GrantRequest<T extends Target> {
  readonly target: T;
  readonly scope: GrantScope;
  readonly permissions: readonly Permission[];
  /** Epoch milliseconds. */
  readonly expires: number;
  readonly recipients: readonly string[];
  readonly name: string | undefined;
  /** The access URL's path after `/p/{token}/n/{namespace}`, already encoded. */
  readonly path: string;
  /** For an executable Par: what its runs may do. */
  readonly execution?: ExecutionGrant;
}

/**
 * Issue a grant.
 *
 * @param context - the server
 * @param request - the checked grant
 * @returns the sealed Par and its registry entry
 * @throws ApiError 400 `INVALID_RECIPIENTS` when sealing refuses a recipient
 */
export async function issueGrant<T extends Target>(
  context: ServerContext,
  request: GrantRequest<T>,
): Promise<{ par: Par<T>; entry: ParEntry }> {
  const { target, scope, permissions, expires, recipients, name, execution } = request;
  const id = ParRegistry.newId();
  const created = context.now();
  const claims: AccessClaims = {
    v: 1,
    id,
    namespace: context.namespace,
    scope,
    permissions,
    expires,
  };
  const token = context.signer.sign(claims);
  let par: Par<T>;
  try {
    par = await Par.create({
      url: `${context.publicUrl()}/p/${token}/n/${encodeURIComponent(context.namespace)}${request.path}`,
      driver: 'parkit',
      target,
      permissions,
      created: DateTime.fromMillis(created, { zone: 'utc' }),
      expires: DateTime.fromMillis(expires, { zone: 'utc' }),
      recipients,
      id,
      ...(name === undefined ? {} : { name }),
      now: context.now,
    });
  } catch (error) {
    // Every other field was checked by the caller: what sealing refuses is a recipient.
    if (error instanceof TypeError || error instanceof RangeError || isParkitError(error)) {
      throw new ApiError(400, 'INVALID_RECIPIENTS', 'a recipient is not a valid age X25519 recipient');
    }
    throw error;
  }
  const entry: ParEntry = {
    v: 1,
    id,
    fingerprint: par.fingerprint(),
    ...(name === undefined ? {} : { name }),
    namespace: context.namespace,
    scope,
    permissions,
    created: new Date(created).toISOString(),
    expires: new Date(expires).toISOString(),
    tokenChecksum: tokenChecksum(token),
    ...(execution === undefined ? {} : { execution }),
  };
  await context.pars.add(entry);
  return { par, entry };
}
