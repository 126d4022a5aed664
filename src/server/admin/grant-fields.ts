/**
 * The fields every mint request shares (expiry, recipients, name), checked the same way for
 * object, bucket and executable Pars.
 *
 * @module
 */
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';

/** Most recipients one Par is sealed to. */
export const MAX_RECIPIENTS = 32;

const invalid = (code: string, message: string) => new ApiError(400, code, message);

/**
 * The expiry an admin request asks for (`expires` ISO or `expiresIn` seconds), checked.
 *
 * @param context - the server
 * @param body - the request
 * @throws ApiError 400 `INVALID_EXPIRY`
 */
export function expiryOf(context: ServerContext, body: Record<string, unknown>): number {
  const now = context.now();
  let expires: number;
  if (body.expiresIn !== undefined && body.expires === undefined) {
    if (typeof body.expiresIn !== 'number' || !Number.isFinite(body.expiresIn) || body.expiresIn <= 0) {
      throw invalid('INVALID_EXPIRY', 'expiresIn must be a positive number of seconds');
    }
    expires = now + Math.round(body.expiresIn * 1000);
  } else if (typeof body.expires === 'string' && body.expiresIn === undefined) {
    expires = Date.parse(body.expires);
    if (!Number.isFinite(expires) || !/^\d{4}-\d\d-\d\dT/.test(body.expires)) {
      throw invalid('INVALID_EXPIRY', 'expires must be an ISO 8601 time');
    }
  } else {
    throw invalid('INVALID_EXPIRY', 'give exactly one of expires (ISO 8601) or expiresIn (seconds)');
  }
  if (expires <= now) throw invalid('INVALID_EXPIRY', 'the expiry must be in the future');
  if (expires - now > context.maxLifetimeSeconds * 1000) {
    throw invalid('INVALID_EXPIRY', `a Par may live at most ${context.maxLifetimeSeconds} seconds`);
  }
  return expires;
}

/**
 * The recipients of an admin request, checked.
 *
 * @param value - the `recipients` field
 * @throws ApiError 400 `INVALID_RECIPIENTS`
 */
export function recipientsOf(value: unknown): string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.length > MAX_RECIPIENTS ||
    !value.every((recipient) => typeof recipient === 'string' && /^age1[02-9ac-hj-np-z]{58}$/.test(recipient))
  ) {
    throw invalid(
      'INVALID_RECIPIENTS',
      `recipients must be 1 to ${MAX_RECIPIENTS} age X25519 recipients (age1…)`,
    );
  }
  return value as string[];
}

/**
 * The optional label of a mint request, checked.
 *
 * @param body - the request
 * @throws ApiError 400 `INVALID_REQUEST`
 */
export function nameOf(body: Record<string, unknown>): string | undefined {
  const name = body.name;
  if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length > 256)) {
    throw invalid('INVALID_REQUEST', 'name must be a string of 1 to 256 characters');
  }
  return name;
}
