/**
 * Admin API for Pars: `POST /admin/v1/pars` (mint, answers the sealed Par), `GET /admin/v1/pars`
 * (`?bucket=`; metadata and fingerprints, never secrets), `GET /admin/v1/pars/{id}`,
 * `DELETE /admin/v1/pars/{id}` (close).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import { readJsonObject } from '../http/json-body.js';
import { sendEmpty, sendJson } from '../http/respond.js';
import { listing } from '../pars/registry.js';
import { mintPar } from './mint.js';
import { mintExecutablePar } from './mint-executable.js';

/**
 * `POST /admin/v1/pars`.
 *
 * @param context - the server
 * @param request - the request
 * @param response - the response
 */
export async function createPar(context: ServerContext, request: IncomingMessage, response: ServerResponse) {
  const body = await readJsonObject(request);
  const { par, entry } = await (body.calculation === undefined ? mintPar : mintExecutablePar)(context, body);
  sendJson(response, 201, { par: par.toData(), token: par.toToken(), entry: listing(entry) });
}

/**
 * `GET /admin/v1/pars`.
 *
 * @param context - the server
 * @param response - the response
 * @param query - `bucket` filter
 */
export async function listPars(context: ServerContext, response: ServerResponse, query: URLSearchParams) {
  const bucket = query.get('bucket');
  const entries = await context.pars.list(bucket === null ? {} : { bucket });
  const now = context.now();
  sendJson(response, 200, {
    pars: entries.filter((entry) => Date.parse(entry.expires) > now).map(listing),
  });
}

/**
 * `GET /admin/v1/pars/{id}`.
 *
 * @param context - the server
 * @param response - the response
 * @param id - the grant id
 */
export async function getPar(context: ServerContext, response: ServerResponse, id: string) {
  const entry = await context.pars.get(id);
  if (entry === undefined) throw new ApiError(404, 'PAR_NOT_FOUND', 'no such Par');
  sendJson(response, 200, listing(entry));
}

/**
 * `DELETE /admin/v1/pars/{id}`.
 *
 * @param context - the server
 * @param response - the response
 * @param id - the grant id
 */
export async function closePar(context: ServerContext, response: ServerResponse, id: string) {
  if (!(await context.pars.close(id))) throw new ApiError(404, 'PAR_NOT_FOUND', 'no such Par');
  sendEmpty(response, 204);
}
