/**
 * `POST /access/v1/close` with `{ "id", "checksum" }`: the holder of a Par revokes it, proving
 * possession with the hex SHA-256 of its access token (Acquire's url-checksum close). Unknown
 * ids and wrong proofs get the same 404, so the endpoint reveals nothing about other grants.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import { readJsonObject } from '../http/json-body.js';
import { sendEmpty } from '../http/respond.js';

/**
 * Handle a holder's close.
 *
 * @param context - the server
 * @param request - the request
 * @param response - the response
 */
export async function handleHolderClose(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== 'POST') throw new ApiError(405, 'METHOD_NOT_ALLOWED', 'close with POST');
  const body = await readJsonObject(request);
  if (typeof body.id !== 'string' || typeof body.checksum !== 'string') {
    throw new ApiError(400, 'INVALID_REQUEST', 'the body must be { "id": string, "checksum": string }');
  }
  if (!(await context.pars.closeByHolder(body.id, body.checksum))) {
    throw new ApiError(404, 'PAR_NOT_FOUND', 'no live Par matches this id and proof');
  }
  sendEmpty(response, 204);
}
