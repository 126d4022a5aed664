/**
 * The arguments a job runs with: what the holder set (only names the Par lets them set), the
 * issuer's bound values on top (never overridable), the schema's defaults for the rest, and the
 * whole checked against the calculation's schema.
 *
 * @module
 */
import { ApiError } from '../http/api-error.js';
import type { CalculationInfo } from './calculation.js';
import { type ExecutionGrant, MAX_ARGUMENTS_BYTES } from './execution-grant.js';
import { validate, withDefaults } from './schema.js';

/** The arguments of one job. */
export interface JobArguments {
  /** Everything the calculation receives. */
  readonly all: Record<string, unknown>;
  /** The part the holder set (what the holder is shown back). */
  readonly holder: Record<string, unknown>;
}

const refuse = (code: string, message: string, argument?: string) =>
  new ApiError(400, code, message, argument === undefined ? undefined : { argument });

/**
 * Resolve and check a holder's arguments.
 *
 * @param grant - the executable Par's grant
 * @param calculation - the calculation
 * @param given - what the holder sent (untrusted)
 * @throws ApiError 400 `ARGUMENT_BOUND`, `ARGUMENT_NOT_SETTABLE`, `ARGUMENT_REJECTED`
 */
export function resolveArguments(
  grant: ExecutionGrant,
  calculation: CalculationInfo,
  given: unknown,
): JobArguments {
  const holder = given ?? {};
  if (typeof holder !== 'object' || holder === null || Array.isArray(holder))
    throw refuse('ARGUMENT_REJECTED', 'arguments must be a JSON object of values by name');
  if (JSON.stringify(holder).length > MAX_ARGUMENTS_BYTES)
    throw refuse('ARGUMENT_REJECTED', `the arguments exceed ${MAX_ARGUMENTS_BYTES} bytes of JSON`);
  for (const name of Object.keys(holder)) {
    if (Object.hasOwn(grant.bound, name))
      throw refuse('ARGUMENT_BOUND', `arguments.${name} is fixed by the issuer of this Par`, name);
    if (!grant.settable.includes(name))
      throw refuse(
        'ARGUMENT_NOT_SETTABLE',
        grant.settable.length === 0
          ? `this Par lets the holder set no arguments (arguments.${name} was given)`
          : `arguments.${name} cannot be set through this Par (settable: ${grant.settable.join(', ')})`,
        name,
      );
  }
  const all = withDefaults(calculation.schema, {
    ...(holder as Record<string, unknown>),
    ...structuredClone(grant.bound),
  });
  const problem = validate(calculation.schema, all)[0];
  if (problem !== undefined)
    throw refuse('ARGUMENT_REJECTED', problem.message, problem.path.replace(/^arguments\.?/, ''));
  return { all, holder: structuredClone(holder as Record<string, unknown>) };
}
