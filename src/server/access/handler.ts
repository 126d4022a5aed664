/**
 * The access API under `/p/{token}/…`: dispatch by method and URL form after authorization.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import { type AccessOperation, authorize } from './authorize.js';
import { listObjects } from './list.js';
import { parseAccessPath } from './path.js';
import { readObject } from './read.js';
import { deleteObject, writeObject } from './write.js';

function operationOf(method: string | undefined, isBucketForm: boolean): AccessOperation {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return isBucketForm ? 'list' : 'read';
    case 'PUT':
      return 'write';
    case 'DELETE':
      return 'delete';
    default:
      throw new ApiError(405, 'METHOD_NOT_ALLOWED', 'access URLs answer GET, HEAD, PUT and DELETE');
  }
}

/**
 * Handle one access request.
 *
 * @param context - the server
 * @param request - the request
 * @param response - the response
 * @param path - the raw path
 * @param query - the raw query string (without `?`)
 */
export async function handleAccess(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  query: string,
): Promise<void> {
  const parsed = parseAccessPath(path);
  const operation = operationOf(request.method, parsed.key === undefined);
  const granted = await authorize(context, parsed, operation);
  if (granted.key === undefined) {
    await listObjects(context, response, new URLSearchParams(query), granted.bucket, granted.prefix);
    return;
  }
  if (operation === 'read') await readObject(context, request, response, granted.bucket, granted.key);
  else if (operation === 'write') await writeObject(context, request, response, granted.bucket, granted.key);
  else await deleteObject(context, request, response, granted.bucket, granted.key);
}
