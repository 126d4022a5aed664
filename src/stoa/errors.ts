/**
 * Stoa's failures as typed errors: the service's refusals (401, 403, 422, …) as
 * {@link RemoteServiceError} with status, method, redacted URL and the service's own message, and
 * a fetch where some files failed as {@link StoaFetchError} naming each failed key.
 *
 * @module
 */
import { RemoteServiceError, TransferError } from '../par/errors.js';
import { redactUrl } from '../par/redact.js';

/** One file of a fetch that could not be downloaded or decoded. */
export interface StoaFileFailure {
  /** The order key of the file. */
  readonly key: string;
  /** Why it failed (a parkit error: PermissionError, NotFoundError, TransferError, FormatError…). */
  readonly error: Error;
}

/**
 * Some files of a {@link StoaClient.fetch} failed. Unlike the Python client, which logs and
 * skips them, parkit names every failed key; the rows of the files that succeeded are kept.
 *
 * @example
 * ```ts
 * try {
 *   await stoa.fetch({ format: 'json' });
 * } catch (error) {
 *   if (error instanceof StoaFetchError) for (const { key, error: why } of error.failures) console.log(key, why.message);
 * }
 * ```
 */
export class StoaFetchError extends TransferError {
  override name = 'StoaFetchError';
  /** Every file that failed, in order-key order. */
  readonly failures: readonly StoaFileFailure[];
  /** How many files were fetched in all. */
  readonly total: number;

  /**
   * @param failures - the failed files (at least one)
   * @param total - how many files the fetch covered
   */
  constructor(failures: readonly StoaFileFailure[], total: number) {
    const shown = failures
      .slice(0, 5)
      .map(({ key, error }) => `${JSON.stringify(key)} (${error.message})`)
      .join('; ');
    const more = failures.length > 5 ? `; and ${failures.length - 5} more` : '';
    super(`${failures.length} of ${total} Stoa files failed: ${shown}${more}`, {
      context: { failed: failures.length, total },
    });
    this.failures = Object.freeze([...failures]);
    this.total = total;
  }
}

const MAX_MESSAGE = 300;

/** Pull a human message out of the bodies Stoa's Django/FastAPI services send. */
function messageOf(body: string, contentType: string): string | undefined {
  if (/json/i.test(contentType) || /^\s*[[{]/.test(body)) {
    try {
      return messageOfJson(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  if (/^text\/plain/i.test(contentType) && body.trim() !== '') return body.trim();
  return undefined;
}

function messageOfJson(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const parts = value.map(messageOfJson).filter((part) => part !== undefined);
    return parts.length === 0 ? undefined : parts.join('; ');
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  // DRF `detail`, FastAPI `detail: [{msg}]`, OAuth2 `error_description`/`error`, dj-rest-auth `non_field_errors`.
  for (const name of ['detail', 'msg', 'message', 'error_description', 'non_field_errors', 'error']) {
    const found = messageOfJson(fields[name]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Remove every known secret from a text the service sent back (some services echo the request).
 *
 * @param text - the text
 * @param secrets - values that must not appear
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret.length >= 4) result = result.split(secret).join('…');
  return result;
}

/** What a refused request was. @internal */
export interface RefusedRequest {
  /** What the client was doing, for the message: "login", "order", "sign \"key\"". */
  readonly action: string;
  readonly method: string;
  readonly url: string;
  /** Values the message must never contain (token, password, client secret). */
  readonly secrets: readonly string[];
}

/**
 * The typed error for a refused Stoa request. Reads (and consumes) the response body.
 *
 * @param response - the failed response
 * @param request - what was asked
 * @returns a RemoteServiceError without any secret
 */
export async function refusal(response: Response, request: RefusedRequest): Promise<RemoteServiceError> {
  let said: string | undefined;
  try {
    const body = (await response.text()).slice(0, 4000);
    said = messageOf(body, response.headers.get('content-type') ?? '');
  } catch {
    said = undefined;
  }
  if (said !== undefined) said = scrub(said, request.secrets).slice(0, MAX_MESSAGE);
  const url = redactUrl(request.url);
  const suffix = said === undefined ? '' : `: ${said}`;
  return new RemoteServiceError(
    `Stoa ${request.action} was refused (${response.status} ${request.method} ${url})${suffix}`,
    {
      status: response.status,
      method: request.method,
      url,
      ...(said === undefined ? {} : { serviceMessage: said }),
    },
  );
}
