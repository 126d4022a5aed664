/**
 * The flows admin API (after admin authentication): `/admin/v1/flows…`, `/admin/v1/data…`,
 * `/admin/v1/provenance…`, `/admin/v1/lineage` and `/admin/v1/flow-recipient`. See
 * docs/flows.md for every field and refusal.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import { readJsonObject } from '../http/json-body.js';
import { sendEmpty, sendJson } from '../http/respond.js';
import type { FlowEngine } from './engine.js';
import { DEFAULT_DEPTH, lineage, MAX_DEPTH } from './lineage.js';
import type { DataRecord, FlowRecord, RunRecord } from './model.js';
import { cursorAt, pageLimit, pageStart } from './paging.js';

const notAllowed = () => new ApiError(405, 'METHOD_NOT_ALLOWED', 'this method is not allowed here');
const notFound = () => new ApiError(404, 'NOT_FOUND', 'no such admin resource');

/** What the operator sees of a flow: everything but the ingestion source's address or token. */
export function flowView(flow: FlowRecord): Record<string, unknown> {
  const { v: _v, ingestion, ...shown } = flow;
  return {
    ...shown,
    ...(ingestion === undefined
      ? {}
      : {
          ingestion: {
            source: ingestion.url !== undefined ? 'url' : 'par',
            bucket: ingestion.bucket,
            key: ingestion.key,
          },
        }),
  };
}

function runView(run: RunRecord): Omit<RunRecord, 'v'> {
  const { v: _v, ...shown } = run;
  return shown;
}

function dataView(data: DataRecord): Omit<DataRecord, 'v'> {
  const { v: _v, ...shown } = data;
  return shown;
}

function page<T>(
  items: readonly T[],
  kind: string,
  next: string | undefined,
): { items: readonly T[]; next?: string } {
  return next === undefined ? { items } : { items, next: cursorAt(kind, next) };
}

function engineOf(context: ServerContext): FlowEngine {
  if (context.flows === undefined) throw notFound();
  return context.flows;
}

async function flowRoutes(
  engine: FlowEngine,
  request: IncomingMessage,
  response: ServerResponse,
  parts: readonly string[],
  params: URLSearchParams,
): Promise<void> {
  const [, id, action, extra] = parts;
  const method = request.method;
  if (extra !== undefined) throw notFound();
  if (id === undefined || id === '') {
    if (method === 'POST')
      return sendJson(response, 201, flowView(await engine.create(await readJsonObject(request))));
    if (method !== 'GET') throw notAllowed();
    const listed = await engine.flows.list(pageLimit(params), pageStart(params, 'flows'));
    return sendJson(response, 200, page(listed.items.map(flowView), 'flows', listed.next));
  }
  if (action === undefined) {
    if (method === 'GET') return sendJson(response, 200, flowView((await engine.flows.require(id)).value));
    if (method === 'DELETE') {
      await engine.delete(id);
      return sendEmpty(response, 204);
    }
    throw notAllowed();
  }
  if (action === 'run') {
    if (method !== 'POST') throw notAllowed();
    return sendJson(response, 202, runView(await engine.runNow(id)));
  }
  if (action === 'runs') {
    if (method !== 'GET') throw notAllowed();
    const flow = (await engine.flows.require(id)).value;
    const listed = await engine.runs.list(flow.id, pageLimit(params), pageStart(params, 'runs'));
    return sendJson(response, 200, page(listed.items.map(runView), 'runs', listed.next));
  }
  throw notFound();
}

async function dataRoutes(
  engine: FlowEngine,
  method: string | undefined,
  response: ServerResponse,
  parts: readonly string[],
  params: URLSearchParams,
): Promise<void> {
  const [, id, action, extra] = parts;
  if (method !== 'GET') throw notAllowed();
  if (id === undefined || id === '') {
    if (action !== undefined) throw notFound();
    const listed = await engine.data.list(pageLimit(params), pageStart(params, 'data'));
    return sendJson(response, 200, page(listed.items.map(dataView), 'data', listed.next));
  }
  if (action !== 'versions' || extra !== undefined) throw notFound();
  const data = await engine.data.get(id);
  if (data === undefined) throw new ApiError(404, 'DATA_NOT_FOUND', 'no such tracked data');
  const limit = pageLimit(params);
  const start = pageStart(params, 'versions');
  const below = start === undefined ? undefined : Number(start);
  if (below !== undefined && !Number.isSafeInteger(below))
    throw new ApiError(400, 'INVALID_CURSOR', 'cursor is not a cursor this listing handed out');
  const latest = data.value.latest?.version ?? 0;
  const items = await engine.data.versions(id, latest, limit, below);
  const last = items.at(-1)?.version;
  return sendJson(
    response,
    200,
    page(
      items,
      'versions',
      items.length === limit && last !== undefined && last > 1 ? String(last) : undefined,
    ),
  );
}

async function provenanceRoutes(
  engine: FlowEngine,
  method: string | undefined,
  response: ServerResponse,
  parts: readonly string[],
  params: URLSearchParams,
): Promise<void> {
  const [, id, extra] = parts;
  if (method !== 'GET') throw notAllowed();
  if (extra !== undefined) throw notFound();
  if (id === undefined || id === '') {
    const asked = params.get('flow');
    const flow =
      asked === null
        ? undefined
        : /^[0-9a-f]{32}$/.test(asked)
          ? asked
          : (await engine.flows.require(asked)).value.id;
    const listed = await engine.runs.list(flow, pageLimit(params), pageStart(params, 'runs'));
    return sendJson(response, 200, page(listed.items.map(runView), 'runs', listed.next));
  }
  const run = await engine.runs.get(id);
  if (run === undefined) throw new ApiError(404, 'RUN_NOT_FOUND', 'no such run');
  return sendJson(response, 200, runView(run));
}

function integerParam(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const text = params.get(name);
  if (text === null) return undefined;
  const value = Number(text);
  if (!/^\d{1,10}$/.test(text) || value < min || value > max)
    throw new ApiError(400, 'INVALID_QUERY', `${name} must be an integer from ${min} to ${max}`);
  return value;
}

async function lineageRoute(
  engine: FlowEngine,
  method: string | undefined,
  response: ServerResponse,
  params: URLSearchParams,
): Promise<void> {
  if (method !== 'GET') throw notAllowed();
  const id = params.get('data');
  if (id === null || id === '') throw new ApiError(400, 'INVALID_QUERY', 'data must name tracked data');
  const direction = params.get('direction') ?? 'upstream';
  if (direction !== 'upstream' && direction !== 'downstream')
    throw new ApiError(400, 'INVALID_QUERY', 'direction must be upstream or downstream');
  const depth = integerParam(params, 'depth', 1, MAX_DEPTH) ?? DEFAULT_DEPTH;
  const asked = integerParam(params, 'version', 1, 1e9);
  const data = await engine.data.get(id);
  const version = asked ?? data?.value.latest?.version;
  if (data === undefined || version === undefined || (await engine.data.version(id, version)) === undefined)
    throw new ApiError(404, 'DATA_NOT_FOUND', 'no such tracked data version');
  return sendJson(
    response,
    200,
    await lineage(engine.data, engine.runs, { data: id, version }, direction, depth),
  );
}

/** The first path segments the flows API answers. */
export const FLOW_COLLECTIONS: ReadonlySet<string> = new Set([
  'flows',
  'data',
  'provenance',
  'lineage',
  'flow-recipient',
]);

/**
 * Handle a flows admin request.
 *
 * @param context - the server
 * @param request - the request
 * @param response - the response
 * @param parts - the decoded path segments after `/admin/v1/`
 * @param params - the query
 */
export async function handleFlows(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  parts: readonly string[],
  params: URLSearchParams,
): Promise<void> {
  const engine = engineOf(context);
  const method = request.method;
  switch (parts[0]) {
    case 'flows':
      return flowRoutes(engine, request, response, parts, params);
    case 'data':
      return dataRoutes(engine, method, response, parts, params);
    case 'provenance':
      return provenanceRoutes(engine, method, response, parts, params);
    case 'lineage':
      if (parts.length > 1 && parts[1] !== '') throw notFound();
      return lineageRoute(engine, method, response, params);
    default:
      if (parts.length > 1 && parts[1] !== '') throw notFound();
      if (method !== 'GET') throw notAllowed();
      return sendJson(response, 200, { recipient: await engine.recipient() });
  }
}
