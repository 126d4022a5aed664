/**
 * One JSON call to the parkit server's admin API, for every admin client (`ParkitAdmin`,
 * `ParkitObserver`): through the shared transport (timeout, signal, network errors with the URL redacted), the refusal as the
 * typed error callers branch on, with the server's own code in `context.serviceCode`.
 *
 * @internal
 * @module
 */
import {
  ConflictError,
  NotFoundError,
  type ParkitError,
  PermissionError,
  RemoteServiceError,
} from '../par/errors.js';
import { redactUrl } from '../par/redact.js';
import { jsonBody, send, type Transport } from './transport.js';

/** How to reach the admin API. */
export interface AdminEndpoint {
  /** Base URL without a trailing slash. */
  readonly url: string;
  /** `Bearer` credential. */
  readonly key: string;
  readonly transport: Transport;
}

/** What every admin client's options give besides the URL. */
interface AdminClientSettings {
  readonly adminKey: string;
  readonly fetch?: typeof fetch;
  readonly timeout?: number;
}

/**
 * The endpoint of an admin client, from its (already checked) URL and its options.
 *
 * @param url - the server's base URL, checked by the client
 * @param options - the admin key, fetch and timeout (default 30 000 ms)
 * @throws TypeError for a missing key; RangeError for a bad timeout
 */
export function adminEndpoint(url: string, options: AdminClientSettings): AdminEndpoint {
  if (typeof options.adminKey !== 'string' || options.adminKey.trim() === '') {
    throw new TypeError('adminKey must be a non-empty string');
  }
  const timeout = options.timeout ?? 30_000;
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new RangeError('timeout must be a positive number of ms');
  return {
    url,
    key: options.adminKey.trim(),
    transport: {
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      timeout,
      service: 'the parkit server',
    },
  };
}

async function refusal(response: Response, method: string, url: string): Promise<ParkitError> {
  let body: { code?: unknown; message?: unknown; field?: unknown } | undefined;
  try {
    body = JSON.parse((await response.text()).slice(0, 8192)) as typeof body;
  } catch {
    body = undefined;
  }
  const status = response.status;
  const serviceCode = typeof body?.code === 'string' ? body.code.slice(0, 64) : undefined;
  // The field at fault, when the server names one (e.g. `inputs.a.key` of an INVALID_FLOW).
  const field = typeof body?.field === 'string' ? body.field.slice(0, 128) : undefined;
  const said = typeof body?.message === 'string' ? body.message.slice(0, 300) : undefined;
  const where = `${method} ${redactUrl(url)}`;
  const context = {
    status,
    method,
    url: redactUrl(url),
    serviceCode,
    ...(field === undefined ? {} : { field }),
  };
  const text = `${said ?? `status ${status}`}${serviceCode === undefined ? '' : ` (${serviceCode})`}`;
  if (status === 401 || status === 403)
    return new PermissionError(`the parkit server refused: ${text}, ${where}`, { context });
  if (status === 404) return new NotFoundError(`the parkit server says: ${text}, ${where}`, { context });
  if (status === 409 || status === 412)
    return new ConflictError(`the parkit server says: ${text}, ${where}`, { context });
  return new RemoteServiceError(`the parkit server refused: ${text}, ${where}`, {
    status,
    method,
    url: redactUrl(url),
    ...(said === undefined ? {} : { serviceMessage: said }),
    context: { serviceCode, ...(field === undefined ? {} : { field }) },
  });
}

/**
 * Call the admin API.
 *
 * @param endpoint - URL, key, transport
 * @param method - HTTP method
 * @param path - below `/admin/v1/`, already encoded
 * @param body - a JSON body, if any
 * @param signal - cancellation
 * @returns the parsed answer (undefined for 204)
 * @throws PermissionError, NotFoundError, ConflictError, RemoteServiceError, TransferError
 */
export async function adminCall(
  endpoint: AdminEndpoint,
  method: string,
  path: string,
  body: unknown,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const url = `${endpoint.url}/admin/v1/${path}`;
  const response = await send(
    endpoint.transport,
    url,
    {
      method,
      headers: {
        authorization: `Bearer ${endpoint.key}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    },
    { action: `${method} ${path.split('?')[0]}`, signal },
  );
  if (!response.ok) throw await refusal(response, method, url);
  if (response.status === 204) return undefined;
  return jsonBody(response, method, 'the parkit server');
}
