/**
 * Minting an executable Par: `POST /admin/v1/pars` with `calculation` set. The request names
 * the calculation, the arguments bound by the issuer (`arguments`), the ones the holder may set
 * (`settable`), input and output bucket grants, a run limit (`maxRuns`), the expiry and the
 * recipients. What it authorises is kept in the registry entry, not in the token, so a holder
 * cannot change it; the token only carries `{ kind: 'calculation', name }` and `execute`.
 *
 * @module
 */
import type { Par } from '../../par/par.js';
import type { CalculationTarget } from '../../par/target.js';
import { executionGrantOf, grantBuckets } from '../compute/execution-grant.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import type { ParEntry } from '../pars/registry.js';
import { expiryOf, nameOf, recipientsOf } from './grant-fields.js';
import { issueGrant } from './issue-grant.js';

const invalid = (code: string, message: string) => new ApiError(400, code, message);

// The access URL of an executable Par ends `/p/{token}/n/{namespace}/c/{calculation}`.
function calculationPath(calculation: string): string {
  return `/c/${encodeURIComponent(calculation)}`;
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
  const name = nameOf(body);
  for (const bucket of grantBuckets(execution)) {
    if (!(await context.buckets.exists(bucket)))
      throw new ApiError(404, 'BUCKET_NOT_FOUND', `no such bucket: ${bucket}`);
  }

  return issueGrant(context, {
    target: { kind: 'calculation', name: calculation.name },
    scope: { kind: 'calculation', name: calculation.name },
    permissions: ['execute'],
    expires,
    recipients,
    name,
    path: calculationPath(calculation.name),
    execution,
  });
}
