/**
 * Small HTTP helpers shared by the dialects: turning responses into typed errors (with the URL
 * redacted) and response headers into an {@link ObjectStat}.
 *
 * @internal
 * @module
 */
import { DateTime } from 'luxon';
import {
  ConflictError,
  ExpiredError,
  NotFoundError,
  type ParkitError,
  PermissionError,
  TransferError,
} from '../par/errors.js';
import { redactUrl } from '../par/redact.js';
import type { DialectContext } from './dialects/dialect.js';
import type { ObjectStat } from './endpoint.js';

/** What a request was, for error messages (never the URL itself). */
export interface RequestFacts {
  readonly method: string;
  readonly url: string;
  readonly attempts?: number;
}

async function serviceMessage(response: Response): Promise<string | undefined> {
  try {
    const text = (await response.text()).slice(0, 2000);
    try {
      const parsed = JSON.parse(text) as { message?: unknown; code?: unknown };
      if (typeof parsed.message === 'string') return parsed.message.slice(0, 300);
    } catch {
      // Not JSON: fall through to the XML/plain forms.
    }
    const xml = /<Message>([^<]{1,300})<\/Message>/.exec(text)?.[1];
    if (xml !== undefined) return xml;
    return undefined;
  } catch {
    return undefined;
  }
}

/**
 * The typed error for a failed response. Secrets are never copied: only the status, the
 * method, the redacted URL and the service's own short message.
 *
 * @param response - the failed response (its body is consumed)
 * @param facts - the request
 */
export async function errorForResponse(response: Response, facts: RequestFacts): Promise<ParkitError> {
  const said = await serviceMessage(response);
  const where = `${facts.method} ${redactUrl(facts.url)}`;
  const context = { status: response.status, method: facts.method, url: redactUrl(facts.url) };
  const suffix = said === undefined ? '' : `: ${said}`;
  switch (response.status) {
    case 401:
    case 403:
      if (said !== undefined && /expired/i.test(said)) {
        return new ExpiredError(`the store says the link has expired (${where})`, { context });
      }
      return new PermissionError(`the store refused access (${response.status}, ${where})${suffix}`, {
        context,
      });
    case 404:
      return new NotFoundError(`not found (${where})`, { context });
    case 409:
    case 412:
      return new ConflictError(`the store reports a conflict (${response.status}, ${where})${suffix}`, {
        context,
      });
    default:
      return new TransferError(`the store answered ${response.status} (${where})${suffix}`, {
        status: response.status,
        url: redactUrl(facts.url),
        ...(facts.attempts === undefined ? {} : { attempts: facts.attempts }),
      });
  }
}

/**
 * Read an {@link ObjectStat} from response headers. For a 206 the size is the total from
 * `Content-Range`.
 *
 * @param headers - response headers
 * @param status - response status
 */
export function statFromHeaders(headers: Headers, status = 200): ObjectStat {
  const stat: { -readonly [K in keyof ObjectStat]: ObjectStat[K] } = {};
  const range = headers.get('content-range');
  const total = range === null ? undefined : /\/(\d+)$/.exec(range)?.[1];
  const length = status === 206 ? total : (headers.get('content-length') ?? undefined);
  if (length !== undefined && /^\d+$/.test(length)) stat.size = Number(length);
  const etag = headers.get('etag');
  if (etag !== null) stat.etag = etag.replace(/^W\//, '').replace(/^"|"$/g, '');
  const type = headers.get('content-type');
  if (type !== null) stat.contentType = type;
  const modified = headers.get('last-modified');
  if (modified !== null) {
    const time = DateTime.fromHTTP(modified, { zone: 'utc' });
    if (time.isValid) stat.lastModified = time;
  }
  const sha = headers.get('x-checksum-sha256') ?? headers.get('x-amz-meta-sha256');
  if (sha !== null && /^[0-9a-f]{64}$/i.test(sha)) stat.sha256 = sha.toLowerCase();
  return stat;
}

/**
 * Wrap a network failure (fetch threw) as a TransferError, keeping aborts as they are.
 *
 * @param error - what fetch threw
 * @param facts - the request
 */
export function networkError(error: unknown, facts: RequestFacts): unknown {
  if (error instanceof DOMException && error.name === 'AbortError') return error;
  if (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError')
    return error;
  return new TransferError(`network error (${facts.method} ${redactUrl(facts.url)})`, {
    url: redactUrl(facts.url),
    cause: stripSecrets(error),
    ...(facts.attempts === undefined ? {} : { attempts: facts.attempts }),
  });
}

// Undici's errors can carry the request URL in their message or cause; keep only the kind.
function stripSecrets(error: unknown): Error {
  const code = (error as { cause?: { code?: unknown } })?.cause?.code;
  return new Error(typeof code === 'string' ? code : 'fetch failed');
}

/**
 * Send one request for a dialect: the context's fetch, network failures as TransferError (URL
 * redacted), and any status other than 2xx (or one listed in `accept`) as the typed error of
 * {@link errorForResponse}. Every HTTP dialect sends through here, so retries, timeouts and
 * bounded-memory streamed uploads are added in one place.
 *
 * @param context - the dialect context (fetch)
 * @param url - where (a secret; never put in a message unredacted)
 * @param init - method, headers, body, signal
 * @param accept - statuses besides 2xx that are answers, not failures (e.g. 304)
 * @returns the response, body unread
 * @throws TransferError, PermissionError, NotFoundError, ConflictError, ExpiredError
 */
export async function send(
  context: DialectContext,
  url: string,
  init: RequestInit,
  accept: readonly number[] = [],
): Promise<Response> {
  const method = init.method ?? 'GET';
  let response: Response;
  try {
    response = await context.fetch(url, { redirect: 'follow', ...init });
  } catch (error) {
    throw networkError(error, { method, url });
  }
  if (!response.ok && !accept.includes(response.status)) {
    throw await errorForResponse(response, { method, url });
  }
  return response;
}
