/**
 * The observability API under `/admin/v1/observe/` (admin-authenticated by the admin handler):
 * route a request by its decoded path segments. See docs/observability.md for the routes.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import { onlyParams } from './fields.js';
import {
  closestSubmission,
  deleteSequence,
  deliveries,
  findOrCreateSlot,
  findSubmissions,
  getSequence,
  latestCompleted,
  listSequences,
  listSlots,
  putSequence,
} from './sequence-routes.js';
import {
  createSubmission,
  getSlot,
  getSubmission,
  listSlotSubmissions,
  postToSubmission,
  type SubmissionPost,
} from './submission-routes.js';

const notAllowed = () => new ApiError(405, 'METHOD_NOT_ALLOWED', 'this method is not allowed here');
const noSuch = () => new ApiError(404, 'NOT_FOUND', 'no such observability resource');
const POSTS: readonly string[] = ['metrics', 'quality', 'status', 'run-environment'];

/**
 * Handle one observability request.
 *
 * @param context - the server
 * @param request - the request
 * @param response - the response
 * @param parts - the decoded path segments after `observe`
 * @param params - the query
 */
export async function handleObserve(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  parts: readonly string[],
  params: URLSearchParams,
): Promise<void> {
  const method = request.method;
  const [collection, name, sub, tag, subsub, id, action, ...rest] = parts;
  if (collection !== 'sequences' || rest.length > 0) throw noSuch();
  if (name === undefined || name === '') {
    if (method === 'GET') return listSequences(context, response, params);
    throw notAllowed();
  }
  if (sub === undefined) {
    if (method === 'GET' || method === 'DELETE') onlyParams(params, []);
    if (method === 'GET') return getSequence(context, response, name);
    if (method === 'PUT') return putSequence(context, request, response, name, params);
    if (method === 'DELETE') return deleteSequence(context, response, name);
    throw notAllowed();
  }
  if (tag === undefined) {
    if (sub === 'slots') {
      if (method === 'GET') return listSlots(context, response, name, params);
      onlyParams(params, []);
      if (method === 'POST') return findOrCreateSlot(context, request, response, name);
      throw notAllowed();
    }
    if (sub === 'submissions') {
      if (method === 'GET') return findSubmissions(context, response, name, params);
      onlyParams(params, []);
      if (method === 'POST') return createSubmission(context, request, response, name, undefined);
      throw notAllowed();
    }
    const finds: Record<string, typeof latestCompleted> = {
      latest: latestCompleted,
      closest: closestSubmission,
      deliveries,
    };
    const find = finds[sub];
    if (find === undefined || !Object.hasOwn(finds, sub)) throw noSuch();
    if (method !== 'GET') throw notAllowed();
    return find(context, response, name, params);
  }
  if (sub !== 'slots') throw noSuch();
  if (subsub === undefined) {
    onlyParams(params, []);
    if (method === 'GET') return getSlot(context, response, name, tag);
    throw notAllowed();
  }
  if (subsub !== 'submissions') throw noSuch();
  if (id === undefined || id === '') {
    if (method === 'GET') return listSlotSubmissions(context, response, name, tag, params);
    onlyParams(params, []);
    if (method === 'POST') return createSubmission(context, request, response, name, tag);
    throw notAllowed();
  }
  onlyParams(params, []);
  const path = { sequence: name, tag, id };
  if (action === undefined) {
    if (method === 'GET') return getSubmission(context, response, path);
    throw notAllowed();
  }
  if (!POSTS.includes(action)) throw noSuch();
  if (method !== 'POST') throw notAllowed();
  return postToSubmission(context, request, response, path, action as SubmissionPost);
}
