/**
 * Admin API for buckets: `GET /admin/v1/buckets`, `POST /admin/v1/buckets` `{ "name" }`,
 * `DELETE /admin/v1/buckets/{name}[?force=true]`. Deleting a bucket first closes every Par on it,
 * so a later bucket of the same name is not reachable through old Pars.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import { readJsonObject } from '../http/json-body.js';
import { sendEmpty, sendJson } from '../http/respond.js';
import { isBucketName } from '../storage/names.js';

function checkName(name: unknown): string {
  if (!isBucketName(name)) {
    throw new ApiError(
      400,
      'INVALID_BUCKET_NAME',
      'a bucket name is 1-63 letters, digits, "_", "." or "-", starting with a letter or digit',
    );
  }
  return name;
}

/**
 * `POST /admin/v1/buckets`.
 *
 * @param context - the server
 * @param request - the request
 * @param response - the response
 */
export async function createBucket(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const body = await readJsonObject(request);
  const name = checkName(body.name);
  const entry = await context.buckets.create(name, context.now());
  if (entry === undefined) throw new ApiError(409, 'BUCKET_EXISTS', 'a bucket of this name exists');
  sendJson(response, 201, { name: entry.name, created: entry.created });
}

/**
 * `GET /admin/v1/buckets`.
 *
 * @param context - the server
 * @param response - the response
 */
export async function listBuckets(context: ServerContext, response: ServerResponse) {
  const buckets = await context.buckets.list();
  sendJson(response, 200, { buckets: buckets.map(({ name, created }) => ({ name, created })) });
}

/**
 * `DELETE /admin/v1/buckets/{name}`: refused (409) while objects remain unless `force=true`.
 *
 * @param context - the server
 * @param response - the response
 * @param rawName - the name from the path
 * @param force - delete the objects too
 */
export async function deleteBucket(
  context: ServerContext,
  response: ServerResponse,
  rawName: string,
  force: boolean,
) {
  const name = checkName(rawName);
  if (!(await context.buckets.exists(name))) throw new ApiError(404, 'BUCKET_NOT_FOUND', 'no such bucket');
  if (!force && (await context.store.list(name, { limit: 1 })).objects.length > 0) {
    throw new ApiError(409, 'BUCKET_NOT_EMPTY', 'the bucket holds objects (delete them, or use force)');
  }
  for (const par of await context.pars.list({ bucket: name })) await context.pars.close(par.id);
  await context.buckets.delete(name);
  await context.store.removeBucket(name);
  sendEmpty(response, 204);
}
