/**
 * The admin API under `/admin/v1/`: authenticate, then route.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context.js';
import { FLOW_COLLECTIONS, handleFlows } from '../flows/routes.js';
import { ApiError } from '../http/api-error.js';
import { handleObserve } from '../observe/handler.js';
import { requireAdmin } from './auth.js';
import { createBucket, deleteBucket, listBuckets } from './buckets.js';
import { handleComputeAdmin } from './jobs.js';
import { closePar, createPar, getPar, listPars } from './pars.js';

const notAllowed = () => new ApiError(405, 'METHOD_NOT_ALLOWED', 'this method is not allowed here');

/**
 * Handle one admin request.
 *
 * @param context - the server
 * @param request - the request
 * @param response - the response
 * @param path - the raw path, starting `/admin/v1`
 * @param query - the raw query string
 */
export async function handleAdmin(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  query: string,
): Promise<void> {
  requireAdmin(request, context.adminKeyDigest);
  const parts = path
    .slice('/admin/v1/'.length)
    .split('/')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        throw new ApiError(400, 'INVALID_PATH', 'the path is not valid percent-encoding');
      }
    });
  const params = new URLSearchParams(query);
  if (parts[0] === 'observe') return handleObserve(context, request, response, parts.slice(1), params);
  if (FLOW_COLLECTIONS.has(parts[0] ?? '')) return handleFlows(context, request, response, parts, params);
  const [collection, id, extra] = parts;
  const method = request.method;
  if (collection === 'jobs' || collection === 'calculations')
    return handleComputeAdmin(context, request, response, parts, params);
  if (extra !== undefined) throw new ApiError(404, 'NOT_FOUND', 'no such admin resource');
  if (collection === 'buckets') {
    if (id === undefined || id === '') {
      if (method === 'GET') return listBuckets(context, response);
      if (method === 'POST') return createBucket(context, request, response);
      throw notAllowed();
    }
    if (method === 'DELETE') return deleteBucket(context, response, id, params.get('force') === 'true');
    throw notAllowed();
  }
  if (collection === 'pars') {
    if (id === undefined || id === '') {
      if (method === 'GET') return listPars(context, response, params);
      if (method === 'POST') return createPar(context, request, response);
      throw notAllowed();
    }
    if (method === 'GET') return getPar(context, response, id);
    if (method === 'DELETE') return closePar(context, response, id);
    throw notAllowed();
  }
  throw new ApiError(404, 'NOT_FOUND', 'no such admin resource');
}
