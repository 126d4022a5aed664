/**
 * Minting a Par on the server: validate the request, register the grant, sign its access
 * token, build the access URL and seal it to the recipients the caller names. The caller gets
 * the sealed Par (data and token) and never sees the URL.
 *
 * @module
 */
import { DateTime } from 'luxon';
import { encodeObjectName } from '../../access/dialects/oci-shape.js';
import { isParkitError } from '../../par/errors.js';
import { Par } from '../../par/par.js';
import { normalisePermissions, type Permission } from '../../par/permissions.js';
import type { BucketTarget, ObjectTarget } from '../../par/target.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import type { AccessClaims, GrantScope } from '../pars/claims.js';
import { type ParEntry, ParRegistry, tokenChecksum } from '../pars/registry.js';
import { StoreError } from '../storage/errors.js';
import { checkKey, checkPrefix, isBucketName } from '../storage/names.js';

/** Most recipients one Par is sealed to. */
export const MAX_RECIPIENTS = 32;

const invalid = (code: string, message: string) => new ApiError(400, code, message);

function keyField(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid('INVALID_REQUEST', `${field} must be a string`);
  try {
    return field === 'key' ? checkKey(value) : value === '' ? undefined : checkPrefix(value);
  } catch (error) {
    if (error instanceof StoreError) throw invalid(error.code, `${field}: ${error.message}`);
    throw error;
  }
}

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

/** What a successful mint answers. */
export interface MintResult {
  readonly par: Par<ObjectTarget | BucketTarget>;
  readonly entry: ParEntry;
}

/**
 * Mint a Par from an admin request body.
 *
 * @param context - the server
 * @param body - `{ bucket, key? | prefix?, permissions, expires | expiresIn, recipients, name? }`
 * @throws ApiError 400 for bad fields, 404 `BUCKET_NOT_FOUND`
 */
export async function mintPar(context: ServerContext, body: Record<string, unknown>): Promise<MintResult> {
  if (!isBucketName(body.bucket)) throw invalid('INVALID_BUCKET_NAME', 'bucket must name a bucket');
  const bucket = body.bucket;
  const key = keyField(body.key, 'key');
  const prefix = keyField(body.prefix, 'prefix');
  if (key !== undefined && prefix !== undefined)
    throw invalid('INVALID_REQUEST', 'give key or prefix, not both');
  const target: ObjectTarget | BucketTarget =
    key !== undefined
      ? { kind: 'object', bucket, key }
      : { kind: 'bucket', bucket, ...(prefix === undefined ? {} : { prefix }) };
  if (!Array.isArray(body.permissions) || !body.permissions.every((p) => typeof p === 'string')) {
    throw invalid('INVALID_PERMISSIONS', 'permissions must be an array of strings');
  }
  let permissions: Permission[];
  try {
    permissions = normalisePermissions(body.permissions as Permission[], target);
  } catch (error) {
    throw invalid('INVALID_PERMISSIONS', (error as Error).message);
  }
  const expires = expiryOf(context, body);
  const recipients = recipientsOf(body.recipients);
  const name = body.name;
  if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length > 256)) {
    throw invalid('INVALID_REQUEST', 'name must be a string of 1 to 256 characters');
  }
  if (!(await context.buckets.exists(bucket))) throw new ApiError(404, 'BUCKET_NOT_FOUND', 'no such bucket');

  const id = ParRegistry.newId();
  const created = context.now();
  const scope: GrantScope =
    key !== undefined
      ? { kind: 'object', bucket, key }
      : { kind: 'bucket', bucket, ...(prefix === undefined ? {} : { prefix }) };
  const claims: AccessClaims = { v: 1, id, namespace: context.namespace, scope, permissions, expires };
  const token = context.signer.sign(claims);
  const url = `${context.publicUrl()}/p/${token}/n/${encodeURIComponent(context.namespace)}/b/${encodeURIComponent(bucket)}/o/${key === undefined ? '' : encodeObjectName(key)}`;
  let par: Par<ObjectTarget | BucketTarget>;
  try {
    par = await Par.create({
      url,
      driver: 'parkit',
      target,
      permissions,
      created: DateTime.fromMillis(created, { zone: 'utc' }),
      expires: DateTime.fromMillis(expires, { zone: 'utc' }),
      recipients,
      id,
      ...(typeof name === 'string' ? { name } : {}),
      now: context.now,
    });
  } catch (error) {
    // Every other field was checked above: what sealing refuses is a recipient (e.g. a bad checksum).
    if (error instanceof TypeError || error instanceof RangeError || isParkitError(error)) {
      throw invalid('INVALID_RECIPIENTS', 'a recipient is not a valid age X25519 recipient');
    }
    throw error;
  }
  const entry: ParEntry = {
    v: 1,
    id,
    fingerprint: par.fingerprint(),
    ...(typeof name === 'string' ? { name } : {}),
    namespace: context.namespace,
    scope,
    permissions,
    created: new Date(created).toISOString(),
    expires: new Date(expires).toISOString(),
    tokenChecksum: tokenChecksum(token),
  };
  await context.pars.add(entry);
  return { par, entry };
}
