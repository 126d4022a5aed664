/**
 * The operator's view of the compute service: `GET /admin/v1/calculations` (what is
 * registered), `GET /admin/v1/jobs[?par=ID]`, `GET /admin/v1/jobs/{id}`,
 * `POST /admin/v1/jobs/{id}/stop` and `GET /admin/v1/jobs/{id}/logs`.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { adminView, type JobAdminView } from '../compute/job-record.js';
import type { ComputeService } from '../compute/service.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import { sendJson } from '../http/respond.js';

/** Most jobs one listing answers. */
export const MAX_JOB_LISTING = 1000;

const notAllowed = () => new ApiError(405, 'METHOD_NOT_ALLOWED', 'this method is not allowed here');

function computeOf(context: ServerContext): ComputeService {
  if (context.compute === undefined)
    throw new ApiError(
      404,
      'CALCULATION_NOT_FOUND',
      'this server runs no calculations (start it with functions)',
    );
  return context.compute;
}

async function view(compute: ComputeService, id: string): Promise<JobAdminView> {
  const found = await compute.get(id);
  if (found === undefined) throw new ApiError(404, 'JOB_NOT_FOUND', 'no such job');
  return adminView(found.record, found.position);
}

async function list(compute: ComputeService, parId: string | null): Promise<JobAdminView[]> {
  const jobs: JobAdminView[] = [];
  if (parId !== null) {
    if (!/^[0-9a-f]{32}$/.test(parId)) return jobs;
    for (const { jobId } of await compute.store.runsOf(parId, { limit: MAX_JOB_LISTING })) {
      const found = await compute.get(jobId);
      if (found !== undefined) jobs.push(adminView(found.record, found.position));
    }
    return jobs;
  }
  for await (const stored of compute.store.entries()) {
    const found = await compute.get(stored.id);
    if (found !== undefined) jobs.push(adminView(found.record, found.position));
    if (jobs.length >= MAX_JOB_LISTING) break;
  }
  return jobs.sort((a, b) => a.created.localeCompare(b.created));
}

/**
 * Handle `/admin/v1/calculations` and `/admin/v1/jobs…` (after admin authentication).
 *
 * @param context - the server
 * @param request - the request
 * @param response - the response
 * @param parts - the decoded path parts after `/admin/v1/`
 * @param query - the query parameters
 */
export async function handleComputeAdmin(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  parts: readonly string[],
  query: URLSearchParams,
): Promise<void> {
  const [collection, id, action, extra] = parts;
  const method = request.method;
  if (extra !== undefined) throw new ApiError(404, 'NOT_FOUND', 'no such admin resource');
  if (collection === 'calculations') {
    if (id !== undefined && id !== '') throw new ApiError(404, 'NOT_FOUND', 'no such admin resource');
    if (method !== 'GET') throw notAllowed();
    const calculations = [...(context.compute?.calculations.values() ?? [])].map(
      ({ url: _url, ...shown }) => shown,
    );
    return sendJson(response, 200, { calculations });
  }
  const compute = computeOf(context);
  if (id === undefined || id === '') {
    if (method !== 'GET') throw notAllowed();
    return sendJson(response, 200, { jobs: await list(compute, query.get('par')) });
  }
  if (action === undefined) {
    if (method !== 'GET') throw notAllowed();
    return sendJson(response, 200, await view(compute, id));
  }
  if (action === 'stop') {
    if (method !== 'POST') throw notAllowed();
    await view(compute, id);
    await compute.stop(id);
    return sendJson(response, 200, await view(compute, id));
  }
  if (action === 'logs') {
    if (method !== 'GET') throw notAllowed();
    await view(compute, id);
    return sendJson(response, 200, await compute.logs(id));
  }
  throw new ApiError(404, 'NOT_FOUND', 'no such admin resource');
}
