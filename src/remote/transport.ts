/**
 * One request to a remote JSON service (Stoa, Luco, the parkit server's admin API): the
 * caller's fetch, a per-request timeout combined with the caller's signal, network failures as
 * typed errors (URL redacted), JSON bodies checked.
 *
 * @internal
 * @module
 */
import { networkError } from '../access/http.js';
import { FormatError, TransferError } from '../par/errors.js';
import { redactUrl } from '../par/redact.js';

/** How the client reaches the network. */
export interface Transport {
  readonly fetch: typeof fetch;
  /** Milliseconds before one request is abandoned. */
  readonly timeout: number;
  /** The service's name in messages (`Stoa`, `Luco`, `the parkit server`). */
  readonly service: string;
}

/** What one request is, for messages. */
export interface RequestFacts {
  /** What the client is doing: "login", "order", "sign \"k\"", "download \"k\"". */
  readonly action: string;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Send a request. Any status is returned; only the network failing throws. The timeout covers
 * the wait for the answer (its status and headers), not the reading of a large body.
 *
 * @param transport - fetch and timeout
 * @param url - where (a secret when signed; never put in a message unredacted)
 * @param init - method, headers, body
 * @param facts - the action and the caller's signal
 * @throws TransferError for a network failure or a timeout; the caller's abort reason when aborted
 */
export async function send(
  transport: Transport,
  url: string,
  init: RequestInit,
  facts: RequestFacts,
): Promise<Response> {
  const method = init.method ?? 'GET';
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), transport.timeout);
  const signal =
    facts.signal === undefined ? timeout.signal : AbortSignal.any([facts.signal, timeout.signal]);
  try {
    return await transport.fetch(url, { ...init, signal });
  } catch (error) {
    if (facts.signal?.aborted) throw facts.signal.reason;
    if (timeout.signal.aborted) {
      throw new TransferError(
        `${transport.service} ${facts.action} timed out after ${transport.timeout} ms (${method} ${redactUrl(url)})`,
        { url: redactUrl(url) },
      );
    }
    throw networkError(error, { method, url });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Read a whole response body.
 *
 * @param response - the response
 * @param url - the request URL (redacted in the error)
 * @param signal - the caller's signal
 * @throws TransferError when the connection breaks mid-body; the caller's abort reason when aborted
 */
export async function bodyBytes(response: Response, url: string, signal?: AbortSignal): Promise<ArrayBuffer> {
  try {
    return await response.arrayBuffer();
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw networkError(error, { method: 'GET', url });
  }
}

/**
 * Parse a successful response's JSON body.
 *
 * @param response - a 2xx response
 * @param action - what was asked, for the message
 * @param service - the service's name in the message
 * @throws FormatError when the body is not JSON
 */
export async function jsonBody(response: Response, action: string, service: string): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    // No `cause`: a JSON.parse message quotes the body, which may hold a signed URL.
    throw new FormatError(`${service} ${action} answered ${response.status} with a body that is not JSON`);
  }
}
