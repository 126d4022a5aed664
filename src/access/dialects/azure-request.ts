/**
 * How the Azure dialect addresses the store: a SAS URL split into its resource path and its
 * token (the token is appended, verbatim, to every request made under it), and one request
 * sent through `send()` with Azure's error codes read into typed errors.
 *
 * @internal
 * @module
 */

import { AZURE_ERROR_STATUSES, azureError } from '../../issuers/azure/errors.js';
import { FormatError } from '../../par/errors.js';
import { send } from '../http.js';
import type { DialectContext } from './dialect.js';

/** A SAS URL taken apart. */
export interface SasAddress {
  /** Origin and path of the blob or container, no query. */
  readonly resource: string;
  /** The SAS token: the original query string without `?`, never re-encoded. */
  readonly token: string;
  /** `sr`: `b` (blob), `c` (container), … */
  readonly scope: string;
  /** `si`: the stored access policy the SAS is bound to, if any. */
  readonly policy: string | undefined;
}

/**
 * Take a SAS URL apart.
 *
 * @param secret - the SAS URL (a secret: never quoted in errors)
 * @throws FormatError when it is not an http(s) URL carrying a SAS (`sig` and `sr`)
 */
export function parseSasUrl(secret: string): SasAddress {
  let url: URL;
  try {
    url = new URL(secret);
  } catch {
    throw new FormatError('the Azure Par does not hold a URL', { field: 'url' });
  }
  const scope = url.searchParams.get('sr');
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    !url.searchParams.has('sig') ||
    scope === null
  ) {
    throw new FormatError('the Azure Par does not hold a SAS URL (sig and sr are required)', {
      field: 'url',
    });
  }
  return {
    resource: `${url.origin}${url.pathname.replace(/\/+$/, '')}`,
    token: url.search.slice(1),
    scope,
    policy: url.searchParams.get('si') ?? undefined,
  };
}

/**
 * The URL of one operation: the resource path, the operation's own query (already encoded),
 * then the SAS token.
 *
 * @param address - the SAS address
 * @param query - e.g. `comp=block&blockid=…`, or empty
 * @param path - an encoded path to append to the resource (a blob under a container)
 */
export function operationUrl(address: SasAddress, query = '', path = ''): string {
  return `${address.resource}${path}?${query === '' ? '' : `${query}&`}${address.token}`;
}

/**
 * Send one request to Azure through the shared `send()`; a refusal becomes the typed error
 * Azure's error code calls for.
 *
 * @param context - the dialect context
 * @param url - the request URL (a secret)
 * @param init - method, headers, body, signal
 * @returns the successful response, body unread
 */
export async function azureCall(context: DialectContext, url: string, init: RequestInit): Promise<Response> {
  const response = await send(context, url, init, AZURE_ERROR_STATUSES);
  if (!response.ok) {
    throw await azureError(response, { method: init.method ?? 'GET', url, expires: context.par.expires });
  }
  return response;
}

/**
 * The signal option of a request, present only when given.
 *
 * @param signal - cancellation, if any
 */
export function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
