/**
 * Minting a Par on the server: validate the request, register the grant, sign its access
 * token, build the access URL and seal it to the recipients the caller names. The caller gets
 * the sealed Par (data and token) and never sees the URL.
 *
 * @module
 */
import { encodeObjectName } from '../../access/dialects/oci-shape.js';
import type { Par } from '../../par/par.js';
import { normalisePermissions, type Permission } from '../../par/permissions.js';
import type { BucketTarget, ObjectTarget } from '../../par/target.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import type { GrantScope } from '../pars/claims.js';
import type { ParEntry } from '../pars/registry.js';
import { StoreError } from '../storage/errors.js';
import { checkKey, checkPrefix, isBucketName } from '../storage/names.js';
import { expiryOf, nameOf, recipientsOf } from './grant-fields.js';
import { issueGrant } from './issue-grant.js';

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
  const name = nameOf(body);
  if (!(await context.buckets.exists(bucket))) throw new ApiError(404, 'BUCKET_NOT_FOUND', 'no such bucket');
  const scope: GrantScope =
    key !== undefined
      ? { kind: 'object', bucket, key }
      : { kind: 'bucket', bucket, ...(prefix === undefined ? {} : { prefix }) };
  const path = `/b/${encodeURIComponent(bucket)}/o/${key === undefined ? '' : encodeObjectName(key)}`;
  return issueGrant(context, { target, scope, permissions, expires, recipients, name, path });
}
