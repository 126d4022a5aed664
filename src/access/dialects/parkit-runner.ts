/**
 * The compute side of the `parkit` dialect: executable Pars of a parkit server, whose access URL
 * is `…/p/{token}/n/{namespace}/c/{calculation}`. Jobs are started, watched (long polls that
 * answer at the next change), stopped and read below it; every request goes through `send()`.
 * The service's refusals become typed errors: argument refusals {@link ArgumentError}, a spent
 * run limit {@link QuotaError}, the rest as for objects.
 *
 * @module
 */
import {
  ArgumentError,
  ConflictError,
  ExpiredError,
  FormatError,
  NotFoundError,
  type ParkitError,
  PermissionError,
  QuotaError,
} from '../../par/errors.js';
import { redactUrl } from '../../par/redact.js';
import { send } from '../http.js';
import type { RunnerEndpoint } from '../job-endpoint.js';
import { parseCalculationDescription, parseJobLogs, parseJobStatus } from '../job-status.js';
import type { DialectContext } from './dialect.js';

/** Statuses read here rather than by `send()` (the service's own codes matter). */
const REFUSALS = [400, 401, 403, 404, 409, 412, 429];

interface Refusal {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly argument?: unknown;
}

function refusal(status: number, method: string, url: string, body: Refusal | undefined): ParkitError {
  const serviceCode = typeof body?.code === 'string' ? body.code.slice(0, 64) : undefined;
  const said = typeof body?.message === 'string' ? body.message.slice(0, 300) : `status ${status}`;
  const context = { status, method, url: redactUrl(url), serviceCode };
  if (status === 400 && serviceCode?.startsWith('ARGUMENT')) {
    const argument = typeof body?.argument === 'string' ? body.argument.slice(0, 200) : undefined;
    return new ArgumentError(`the calculation refused its arguments: ${said}`, {
      context,
      ...(argument === undefined || argument === '' ? {} : { argument }),
    });
  }
  if (status === 429) return new QuotaError(`the compute service refused: ${said}`, { context });
  if (status === 403 && serviceCode === 'PAR_EXPIRED')
    return new ExpiredError(`the compute service says: ${said}`, { context });
  if (status === 401 || status === 403)
    return new PermissionError(`the compute service refused: ${said} (${serviceCode})`, { context });
  if (status === 404)
    return new NotFoundError(`the compute service says: ${said} (${serviceCode})`, { context });
  if (status === 409 || status === 412)
    return new ConflictError(`the compute service says: ${said}`, { context });
  return new FormatError(`the compute service refused the request: ${said}`, { context, field: 'request' });
}

async function call(context: DialectContext, url: string, init: RequestInit): Promise<unknown> {
  const method = init.method ?? 'GET';
  const response = await send(
    context,
    url,
    { ...init, headers: { accept: 'application/json', ...init.headers } },
    REFUSALS,
  );
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    if (response.ok)
      throw new FormatError('the compute service answered with something that is not JSON', { cause });
  }
  if (!response.ok) throw refusal(response.status, method, url, body as Refusal | undefined);
  return body;
}

function jobOf(body: unknown) {
  return parseJobStatus((body as { job?: unknown } | undefined)?.job);
}

/**
 * The runner endpoint of an executable parkit Par.
 *
 * @param secret - the access URL (a secret)
 * @param context - the dialect context
 * @throws FormatError when the URL is not a calculation access URL
 */
export function parkitRunner(secret: string, context: DialectContext): RunnerEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(secret);
  } catch {
    throw new FormatError('the Par does not hold a URL', { field: 'url' });
  }
  if (!/\/p\/[^/]+\/n\/[^/]+\/c\/[^/]+$/.test(parsed.pathname) || parsed.search !== '')
    throw new FormatError('the Par does not hold a parkit calculation URL', { field: 'url' });
  const base = parsed.href;
  const job = (id: string) => {
    if (typeof id !== 'string' || !/^[0-9a-f]{32}$/.test(id))
      throw new TypeError('id must be a job id (32 hex digits)');
    return `${base}/jobs/${id}`;
  };
  const signalOf = (signal: AbortSignal | undefined) => (signal === undefined ? {} : { signal });
  return {
    async describe(options) {
      return parseCalculationDescription(await call(context, base, signalOf(options.signal)));
    },
    async start(args, options) {
      const body = await call(context, `${base}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(args === undefined ? {} : { arguments: args }),
        ...signalOf(options.signal),
      });
      return jobOf(body);
    },
    async list(options) {
      const query = new URLSearchParams();
      if (options.after !== undefined) query.set('after', String(options.after));
      if (options.limit !== undefined) query.set('limit', String(options.limit));
      const text = query.toString();
      const body = (await call(
        context,
        `${base}/jobs${text === '' ? '' : `?${text}`}`,
        signalOf(options.signal),
      )) as {
        jobs?: unknown;
        next?: unknown;
      };
      if (!Array.isArray(body?.jobs))
        throw new FormatError('the compute service sent a malformed job list', { field: 'jobs' });
      return {
        jobs: body.jobs.map(parseJobStatus),
        ...(typeof body.next === 'number' ? { next: body.next } : {}),
      };
    },
    async status(id, options) {
      const query = new URLSearchParams();
      if (options.version !== undefined) query.set('version', String(options.version));
      if (options.waitSeconds !== undefined) query.set('wait', String(options.waitSeconds));
      const text = query.toString();
      return jobOf(
        await call(context, `${job(id)}${text === '' ? '' : `?${text}`}`, signalOf(options.signal)),
      );
    },
    async stop(id, options) {
      return jobOf(await call(context, `${job(id)}/stop`, { method: 'POST', ...signalOf(options.signal) }));
    },
    async logs(id, options) {
      return parseJobLogs(await call(context, `${job(id)}/logs`, signalOf(options.signal)));
    },
  };
}
