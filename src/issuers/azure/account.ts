/**
 * Requests made with the account key (Shared Key): the few container operations a SAS cannot
 * authorise. The key never leaves this module's callers; failures are typed errors with the
 * URL redacted.
 *
 * @internal
 * @module
 */
import type { DateTime } from 'luxon';
import { networkError } from '../../access/http.js';
import { fromBase64 } from '../../par/encoding.js';
import { azureError } from './errors.js';
import { sharedKeyAuthorization } from './shared-key.js';

/** What a Shared Key request needs. */
export interface AccountAccess {
  readonly account: string;
  /** The decoded account key. */
  readonly key: Uint8Array;
  /** `x-ms-version` to send. */
  readonly version: string;
  readonly fetch: typeof fetch;
  readonly now: () => DateTime;
}

/**
 * Decode an account key (standard base64, as the Azure portal shows it).
 *
 * @param value - the key text
 * @returns the key bytes
 * @throws TypeError / RangeError naming `accountKey` (never quoting it)
 */
export function decodeAccountKey(value: unknown): Uint8Array {
  if (typeof value !== 'string' || value === '') throw new TypeError('accountKey must be a non-empty string');
  const bytes = fromBase64(value.trim());
  if (bytes === undefined || bytes.length < 16) {
    throw new RangeError('accountKey must be the base64 account key Azure shows (it did not decode)');
  }
  return bytes;
}

/** One Shared Key request. */
export interface AccountRequest {
  readonly method: 'GET' | 'PUT' | 'DELETE' | 'HEAD';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly signal?: AbortSignal;
}

/**
 * Send a request authorised with the account key.
 *
 * @param access - account, key, version, transport, clock
 * @param request - the request
 * @returns the response, body unread
 * @throws PermissionError, NotFoundError, ConflictError, TransferError
 */
export async function accountRequest(access: AccountAccess, request: AccountRequest): Promise<Response> {
  const headers = new Headers(request.headers);
  headers.set('x-ms-date', access.now().toHTTP() ?? new Date().toUTCString());
  headers.set('x-ms-version', access.version);
  // The length is signed, but fetch sets the header itself (browsers forbid setting it).
  const signed = new Headers(headers);
  if (request.body !== undefined) signed.set('content-length', String(request.body.length));
  headers.set(
    'authorization',
    sharedKeyAuthorization(request.method, request.url, signed, access.account, access.key),
  );
  const facts = { method: request.method, url: request.url.href, auth: 'shared-key' as const };
  let response: Response;
  try {
    response = await access.fetch(request.url.href, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: request.body as BodyInit }),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
  } catch (error) {
    throw networkError(error, facts);
  }
  if (!response.ok) throw await azureError(response, facts);
  return response;
}
