/**
 * The one HTTP path every dialect sends through ({@link send}: expiry checks, retries, timeouts,
 * the platform client), and the helpers around it: responses as typed errors (URL redacted),
 * response headers as an {@link ObjectStat}.
 *
 * @internal
 * @module
 */
import { DateTime } from 'luxon';
import {
  ConflictError,
  ExpiredError,
  isParkitError,
  NotFoundError,
  type ParkitError,
  PermissionError,
  TransferError,
} from '../par/errors.js';
import { redactUrl } from '../par/redact.js';
import { type BodyChunks, type NativeBody, nativeChunks } from '../platform/body-chunks.js';
import { RequestTimeoutError } from '../platform/http-client.js';
import { sendOnce } from './attempt.js';
import { checksumsFromHeaders } from './checksum.js';
import type { SendContext } from './dialects/dialect.js';
import type { ObjectStat, ReadResult } from './endpoint.js';
import { checkUsable } from './guard.js';
import { type AccessOptions, transferSettings } from './options.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from './retry.js';

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
 * A new object whose `lastModified` is parsed from an HTTP date only when first read: parsing
 * dates is the costliest part of reading an answer's headers or a listing, and most callers never
 * look. Without a valid date the object is empty; callers add their other fields to it.
 *
 * @param http - an HTTP date (RFC 9110 §5.6.7), or null
 * @internal
 */
export function lazyTime(http: string | null | undefined): { lastModified?: DateTime } {
  const time = http === null || http === undefined ? Number.NaN : Date.parse(http);
  if (Number.isNaN(time)) return {};
  let parsed: DateTime | undefined;
  return {
    get lastModified(): DateTime {
      parsed ??= DateTime.fromMillis(time, { zone: 'utc' });
      return parsed;
    },
  };
}

/**
 * Read an {@link ObjectStat} from response headers. For a 206 the size is the total from
 * `Content-Range`.
 *
 * @param headers - response headers
 * @param status - response status
 */
export function statFromHeaders(headers: Headers, status = 200): ObjectStat {
  const stat: { -readonly [K in keyof ObjectStat]: ObjectStat[K] } = lazyTime(headers.get('last-modified'));
  const range = headers.get('content-range');
  const total = range === null ? undefined : /\/(\d+)$/.exec(range)?.[1];
  const length = status === 206 ? total : (headers.get('content-length') ?? undefined);
  if (length !== undefined && /^\d+$/.test(length)) stat.size = Number(length);
  const etag = headers.get('etag');
  if (etag !== null) stat.etag = etag.replace(/^W\//, '').replace(/^"|"$/g, '');
  const type = headers.get('content-type');
  if (type !== null) stat.contentType = type;
  const { sha256, md5 } = checksumsFromHeaders(headers, status);
  if (sha256 !== undefined) stat.sha256 = sha256;
  if (md5 !== undefined) stat.md5 = md5;
  return stat;
}

// A read result over a response whose body is made into a web stream only when asked for.
class ResponseRead implements ReadResult {
  readonly stat: ObjectStat;
  declare readonly start?: number;
  readonly #response: Response;
  #body: ReadableStream<Uint8Array> | undefined;

  constructor(response: Response, start: number | undefined) {
    this.stat = statFromHeaders(response.headers, response.status);
    if (start !== undefined) this.start = start;
    this.#response = response;
  }

  get body(): ReadableStream<Uint8Array> {
    this.#body ??= this.#response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    return this.#body;
  }

  [nativeChunks](): BodyChunks | undefined {
    return (this.#response as NativeBody)[nativeChunks]?.();
  }
}

/**
 * A read's result from the answer to a GET: the stat from its headers, and its body left unread.
 * The body becomes a web stream only if someone asks for `body`; the download engine reads the
 * platform client's answers natively instead (`bodyChunks`), which saves a stream per request.
 *
 * @param response - the answer, body unread
 * @param start - where the body starts in the object (see `ReadResult.start`)
 */
export function readResult(response: Response, start?: number): ReadResult {
  return new ResponseRead(response, start);
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

// The options of a request made without any (an issuer's own): one object, so its checked
// settings are cached like any reader's.
const NO_OPTIONS: AccessOptions = Object.freeze({});
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const reopeners = new WeakMap<ReadableStream<Uint8Array>, () => ReadableStream<Uint8Array>>();

/**
 * Mark a stream body as one that can be read again from the start, so `send()` may retry a
 * request carrying it (a stream is otherwise sent once). Dialects need do nothing: they pass
 * the stream to `send()` as they got it.
 *
 * @param stream - the body
 * @param reopen - gives a fresh stream of the same bytes
 * @returns `stream`
 */
export function replayable(
  stream: ReadableStream<Uint8Array>,
  reopen: () => ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> {
  reopeners.set(stream, reopen);
  return stream;
}

/** How `send()` treats one request. */
export interface SendOptions {
  /** Statuses besides 2xx that are answers, not failures (e.g. 304). */
  readonly accept?: readonly number[];
  /**
   * Whether the request may be sent again after a failure. Default: yes for GET, HEAD, PUT,
   * DELETE and OPTIONS, no for POST and PATCH.
   */
  readonly idempotent?: boolean;
  /** A fresh copy of a stream body, for another attempt (see also {@link replayable}). */
  readonly reopen?: () => ReadableStream<Uint8Array>;
}

function timeoutError(error: RequestTimeoutError, facts: RequestFacts): TransferError {
  return new TransferError(`no progress for ${error.timeout} ms (${facts.method} ${redactUrl(facts.url)})`, {
    url: redactUrl(facts.url),
    ...(facts.attempts === undefined ? {} : { attempts: facts.attempts }),
  });
}

/**
 * The typed error for a request that failed without an answer (network error, timeout).
 *
 * @param error - what the transport threw
 * @param facts - the request
 * @internal
 */
export function transportError(error: unknown, facts: RequestFacts): unknown {
  if (error instanceof RequestTimeoutError) return timeoutError(error, facts);
  return networkError(error, facts);
}

async function refusal(context: SendContext, response: Response, facts: RequestFacts): Promise<ParkitError> {
  const error = await errorForResponse(response, facts);
  // A store that refuses a link because it ran out while the transfer was under way.
  if ((response.status === 401 || response.status === 403) && !(error instanceof ExpiredError)) {
    try {
      if (context.par !== undefined) checkUsable(context.par, context.options ?? {}, 0);
    } catch (expired) {
      return expired as ExpiredError;
    }
  }
  return error;
}

/**
 * Send one request for a dialect. Every HTTP dialect sends through here, which gives each of
 * them, in one place:
 *
 * - the Par's expiry check (with its safety buffer) before every attempt, so a Par that runs out
 *   mid-transfer fails with ExpiredError; a 401/403 from a store once the Par has expired is
 *   ExpiredError too;
 * - retries of network errors, timeouts, 408, 429 and 5xx (exponential backoff with full jitter,
 *   `Retry-After` honoured up to `retry.maxRetryAfter`), for requests safe to repeat (GET, HEAD,
 *   PUT, DELETE, OPTIONS, or `idempotent`) whose body can be sent again (bytes, or a stream
 *   marked {@link replayable} or given `reopen`); never for denied, expired or not-found answers;
 * - a timeout on progress (`timeout`, default 30 s without a byte moving);
 * - on Node with the default transport, `node:http` (uploads streamed with bounded memory,
 *   keep-alive connections); elsewhere, or with a caller's `fetch`, that fetch;
 * - typed errors with the URL redacted, and the attempt count on TransferError.
 *
 * @param context - fetch, and the Par and options when the request is made through a Par
 * @param url - where (a secret; never put in a message unredacted)
 * @param init - method, headers, body, signal
 * @param options - statuses that are answers (the array form is the original signature), retry
 *   and replay options
 * @returns the response, body unread
 * @throws TransferError, PermissionError, NotFoundError, ConflictError, ExpiredError; the
 *   signal's reason when aborted
 */
export async function send(
  context: SendContext,
  url: string,
  init: RequestInit,
  options: readonly number[] | SendOptions = [],
): Promise<Response> {
  const {
    accept = [],
    idempotent,
    reopen,
  } = (Array.isArray(options) ? { accept: options } : options) as SendOptions;
  const access = context.options ?? NO_OPTIONS;
  const settings = transferSettings(access);
  const policy = settings.retry;
  const method = (init.method ?? 'GET').toUpperCase();
  const signal = init.signal ?? undefined;
  // Read, never changed, here and below: a Headers given is used as it is.
  const headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
  let body = init.body ?? null;
  const again = body instanceof ReadableStream ? (reopen ?? reopeners.get(body)) : undefined;
  const repeatable =
    (idempotent ?? IDEMPOTENT.has(method)) && (!(body instanceof ReadableStream) || again !== undefined);
  const attempts = repeatable ? policy.attempts : 1;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    if (context.par !== undefined) checkUsable(context.par, access);
    if (attempt > 1 && again !== undefined) body = again();
    const facts = { method, url, attempts: attempt };
    let response: Response | undefined;
    let failure: unknown;
    try {
      response = await sendOnce(context, url, { method, headers, body, signal, init }, settings.timeout);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (isParkitError(error)) throw error;
      failure = transportError(error, facts);
      if (!isParkitError(failure)) throw failure;
    }
    let retryAfter: number | undefined;
    if (response !== undefined) {
      if (response.ok || accept.includes(response.status)) return response;
      retryAfter = parseRetryAfter(response.headers.get('retry-after'), Date.now());
      const hopeless =
        !isRetryableStatus(response.status) ||
        attempt >= attempts ||
        (retryAfter !== undefined && retryAfter > policy.maxRetryAfter);
      if (hopeless) throw await refusal(context, response, facts);
      await response.body?.cancel().catch(() => undefined);
    } else if (attempt >= attempts) {
      throw failure;
    }
    const delay = backoffDelay(attempt, policy, retryAfter);
    // Waiting past the Par's validity would only end in ExpiredError: say so now.
    if (context.par !== undefined) checkUsable(context.par, access, settings.buffer + delay / 1000);
    await policy.sleep(delay, signal);
  }
}
