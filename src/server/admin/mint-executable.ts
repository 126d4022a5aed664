/**
 * Minting an executable Par: `POST /admin/v1/pars` with `calculation` set. The request names
 * the calculation, the arguments bound by the issuer (`arguments`), the ones the holder may set
 * (`settable`), input and output bucket grants, a run limit (`maxRuns`), the expiry and the
 * recipients. What it authorises is kept in the registry entry, not in the token, so a holder
 * cannot change it; the token only carries `{ kind: 'calculation', name }` and `execute`.
 *
 * @module
 */
import { DateTime } from 'luxon';
import { isParkitError } from '../../par/errors.js';
import { Par } from '../../par/par.js';
import type { CalculationTarget } from '../../par/target.js';
import { executionGrantOf, grantBuckets } from '../compute/execution-grant.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import type { AccessClaims, GrantScope } from '../pars/claims.js';
import { type ParEntry, ParRegistry, tokenChecksum } from '../pars/registry.js';
import { expiryOf, recipientsOf } from './mint.js';

const invalid = (code: string, message: string) => new ApiError(400, code, message);

/**
 * The access URL of an executable Par.
 *
 * @param base - the server's public URL
 * @param token - the access token
 * @param namespace - the namespace
 * @param calculation - the calculation's name
 */
export function calculationUrl(base: string, token: string, namespace: string, calculation: string): string {
  return `${base}/p/${token}/n/${encodeURIComponent(namespace)}/c/${encodeURIComponent(calculation)}`;
}

/**
 * Mint an executable Par from an admin request body.
 *
 * @param context - the server
 * @param body - `{ calculation, arguments?, settable?, inputs?, outputs?, maxRuns?, expires | expiresIn, recipients, name? }`
 * @throws ApiError 404 `CALCULATION_NOT_FOUND` / `BUCKET_NOT_FOUND`, 400 for bad fields
 */
export async function mintExecutablePar(
  context: ServerContext,
  body: Record<string, unknown>,
): Promise<{ par: Par<CalculationTarget>; entry: ParEntry }> {
  const compute = context.compute;
  if (typeof body.calculation !== 'string' || body.calculation === '')
    throw invalid('INVALID_REQUEST', 'calculation must name a calculation');
  if (compute === undefined)
    throw new ApiError(
      404,
      'CALCULATION_NOT_FOUND',
      'this server runs no calculations (start it with functions)',
    );
  if (body.bucket !== undefined || body.key !== undefined || body.prefix !== undefined)
    throw invalid(
      'INVALID_REQUEST',
      'an executable Par names its buckets in inputs and outputs, not bucket, key or prefix',
    );
  if (
    body.permissions !== undefined &&
    !(Array.isArray(body.permissions) && body.permissions.join() === 'execute')
  )
    throw invalid('INVALID_PERMISSIONS', 'an executable Par grants execute, and only execute');
  const calculation = compute.calculation(body.calculation);
  const execution = executionGrantOf(body, calculation);
  const expires = expiryOf(context, body);
  const recipients = recipientsOf(body.recipients);
  const name = body.name;
  if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length > 256))
    throw invalid('INVALID_REQUEST', 'name must be a string of 1 to 256 characters');
  for (const bucket of grantBuckets(execution)) {
    if (!(await context.buckets.exists(bucket)))
      throw new ApiError(404, 'BUCKET_NOT_FOUND', `no such bucket: ${bucket}`);
  }

  const id = ParRegistry.newId();
  const created = context.now();
  const scope: GrantScope = { kind: 'calculation', name: calculation.name };
  const claims: AccessClaims = {
    v: 1,
    id,
    namespace: context.namespace,
    scope,
    permissions: ['execute'],
    expires,
  };
  const token = context.signer.sign(claims);
  let par: Par<CalculationTarget>;
  try {
    par = await Par.create({
      url: calculationUrl(context.publicUrl(), token, context.namespace, calculation.name),
      driver: 'parkit',
      target: { kind: 'calculation', name: calculation.name },
      permissions: ['execute'],
      created: DateTime.fromMillis(created, { zone: 'utc' }),
      expires: DateTime.fromMillis(expires, { zone: 'utc' }),
      recipients,
      id,
      ...(typeof name === 'string' ? { name } : {}),
      now: context.now,
    });
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError || isParkitError(error))
      throw invalid('INVALID_RECIPIENTS', 'a recipient is not a valid age X25519 recipient');
    throw error;
  }
  const entry: ParEntry = {
    v: 1,
    id,
    fingerprint: par.fingerprint(),
    ...(typeof name === 'string' ? { name } : {}),
    namespace: context.namespace,
    scope,
    permissions: ['execute'],
    created: new Date(created).toISOString(),
    expires: new Date(expires).toISOString(),
    tokenChecksum: tokenChecksum(token),
    execution,
  };
  await context.pars.add(entry);
  return { par, entry };
}
