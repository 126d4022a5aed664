/**
 * The access API of executable Pars, under `/p/{token}/n/{namespace}/c/{calculation}`:
 *
 * | request | answer |
 * | --- | --- |
 * | `GET …` | what the Par runs: settable arguments and their schema, grants, runs used |
 * | `POST …/jobs` `{ arguments? }` | `201 { job }` (queued or running) |
 * | `GET …/jobs[?after=RUN&limit=N]` | `{ jobs, next? }`: the runs this Par started |
 * | `GET …/jobs/{id}[?version=V&wait=S]` | `{ job }`; with `wait`, once its version passes V (at most S ≤ 30 s) |
 * | `POST …/jobs/{id}/stop` | `{ job }` once it has ended (or the grace period is over) |
 * | `GET …/jobs/{id}/logs` | `{ lines, dropped }` |
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import { readJsonObject } from '../http/json-body.js';
import { sendJson } from '../http/respond.js';
import { type AuthorizedCalculation, authorizeCalculation } from './authorize-calculation.js';
import { parseCalculationPath } from './calculation-path.js';
import { holderView, type JobRecord } from './job-record.js';
import type { ArgumentSchema } from './schema.js';
import type { ComputeService } from './service.js';

/** Longest wait one status request may ask for, in seconds. */
export const MAX_WAIT_SECONDS = 30;

const notAllowed = (allowed: string) =>
  new ApiError(405, 'METHOD_NOT_ALLOWED', `this resource answers ${allowed}`);
const noJob = () => new ApiError(404, 'JOB_NOT_FOUND', 'no such job for this Par');

function integer(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  const value = Number(text);
  if (!/^\d{1,16}$/.test(text) || value < min || value > max)
    throw new ApiError(400, 'INVALID_REQUEST', `${name} must be an integer from ${min} to ${max}`);
  return value;
}

/** What the holder is told of the calculation an executable Par runs. */
async function describe(compute: ComputeService, granted: AuthorizedCalculation) {
  const { grant, entry } = granted;
  const calculation = compute.calculation(grant.calculation);
  const properties: Record<string, ArgumentSchema> = {};
  for (const name of grant.settable) properties[name] = calculation.schema.properties?.[name] ?? {};
  const required = (calculation.schema.required ?? []).filter(
    (name) => grant.settable.includes(name) && properties[name]?.default === undefined,
  );
  return {
    calculation: calculation.name,
    ...(calculation.description === undefined ? {} : { description: calculation.description }),
    arguments: {
      settable: grant.settable,
      bound: Object.keys(grant.bound).sort(),
      schema: {
        type: 'object',
        properties,
        ...(required.length === 0 ? {} : { required }),
        additionalProperties: false,
      },
    },
    inputs: grant.inputs,
    outputs: grant.outputs,
    runs: {
      used: await compute.store.runsUsed(entry.id),
      ...(grant.maxRuns === undefined ? {} : { max: grant.maxRuns }),
    },
    limits: {
      timeoutMs: Math.min(calculation.limits.timeoutMs ?? Number.MAX_SAFE_INTEGER, compute.jobTimeoutMs),
    },
    expires: entry.expires,
  };
}

async function ownJob(compute: ComputeService, granted: AuthorizedCalculation, id: string) {
  const found = await compute.get(id);
  if (found === undefined || found.record.parId !== granted.entry.id) throw noJob();
  return found;
}

const shown = (found: { record: JobRecord; position?: number }) => holderView(found.record, found.position);

/**
 * Handle one request through an executable Par.
 *
 * @param context - the server
 * @param request - the request
 * @param response - the response
 * @param path - the raw path
 * @param query - the raw query string
 */
export async function handleCalculation(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  query: string,
): Promise<void> {
  const parsed = parseCalculationPath(path);
  const granted = await authorizeCalculation(context, parsed);
  const compute = context.compute;
  if (compute === undefined)
    throw new ApiError(
      404,
      'CALCULATION_NOT_FOUND',
      'this server runs no calculations (it was started without functions)',
    );
  const method = request.method;
  const params = new URLSearchParams(query);
  switch (parsed.resource) {
    case 'calculation':
      if (method !== 'GET') throw notAllowed('GET');
      return sendJson(response, 200, await describe(compute, granted));
    case 'jobs': {
      if (method === 'POST') {
        const body = await readJsonObject(request);
        const started = await compute.start(granted.entry, granted.grant, body.arguments);
        return sendJson(response, 201, { job: shown(started) });
      }
      if (method !== 'GET') throw notAllowed('GET and POST');
      const after = integer(params, 'after', 0, Number.MAX_SAFE_INTEGER);
      const limit = integer(params, 'limit', 1, 100) ?? 100;
      const runs = await compute.store.runsOf(granted.entry.id, {
        ...(after === undefined ? {} : { after }),
        limit: limit + 1,
      });
      const jobs = [];
      for (const { jobId } of runs.slice(0, limit)) {
        const found = await compute.get(jobId);
        if (found !== undefined) jobs.push(shown(found));
      }
      const last = runs[limit - 1];
      return sendJson(response, 200, {
        jobs,
        ...(runs.length > limit && last !== undefined ? { next: last.run } : {}),
      });
    }
    case 'job': {
      if (method !== 'GET') throw notAllowed('GET');
      const id = parsed.jobId as string;
      let found = await ownJob(compute, granted, id);
      const wait = integer(params, 'wait', 0, MAX_WAIT_SECONDS);
      const version = integer(params, 'version', 0, Number.MAX_SAFE_INTEGER);
      if (wait !== undefined && wait > 0) {
        const gone = new AbortController();
        response.once('close', () => gone.abort());
        await compute.wait(id, version ?? found.record.version, wait * 1000, gone.signal);
        found = await ownJob(compute, granted, id);
      }
      return sendJson(response, 200, { job: shown(found) });
    }
    case 'stop': {
      if (method !== 'POST') throw notAllowed('POST');
      const id = parsed.jobId as string;
      await ownJob(compute, granted, id);
      await compute.stop(id);
      return sendJson(response, 200, { job: shown(await ownJob(compute, granted, id)) });
    }
    case 'logs': {
      if (method !== 'GET') throw notAllowed('GET');
      const id = parsed.jobId as string;
      await ownJob(compute, granted, id);
      return sendJson(response, 200, await compute.logs(id));
    }
  }
}
