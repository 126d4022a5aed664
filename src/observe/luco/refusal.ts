/**
 * A refused Luco request as a {@link RemoteServiceError}: status, method, redacted URL and the
 * service's own message (ASP.NET problem details `detail`/`title`/`errors`, or plain text),
 * with every known secret scrubbed out in case the service echoes the request.
 *
 * @internal
 * @module
 */
import { RemoteServiceError } from '../../par/errors.js';
import { redactUrl } from '../../par/redact.js';
import { scrub } from '../../stoa/errors.js';

/** What a refused request was. */
export interface LucoRequest {
  /** What the client was doing: "create submission", "token request". */
  readonly action: string;
  readonly method: string;
  readonly url: string;
  /** Values the message must never contain (token, client secret). */
  readonly secrets: readonly string[];
}

function messageOf(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!/^[[{]/.test(trimmed)) return trimmed.split('\n')[0];
  try {
    const body = JSON.parse(trimmed) as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of ['detail', 'title', 'message', 'error_description', 'error']) {
      if (typeof body[key] === 'string' && body[key] !== '') {
        parts.push(body[key] as string);
        break;
      }
    }
    const errors = body.errors;
    if (typeof errors === 'object' && errors !== null) {
      for (const [field, list] of Object.entries(errors)) {
        const said = Array.isArray(list) ? list.filter((m) => typeof m === 'string').join(' ') : String(list);
        parts.push(`${field}: ${said}`);
      }
    }
    return parts.length === 0 ? undefined : parts.join('; ');
  } catch {
    return undefined;
  }
}

/**
 * The typed error for a refused request (reads the body).
 *
 * @param response - the failed response
 * @param request - what was asked
 */
export async function lucoRefusal(response: Response, request: LucoRequest): Promise<RemoteServiceError> {
  let said: string | undefined;
  try {
    said = messageOf((await response.text()).slice(0, 4000));
  } catch {
    said = undefined;
  }
  if (said !== undefined) said = scrub(said, request.secrets).slice(0, 300);
  const url = redactUrl(request.url);
  const suffix = said === undefined ? '' : `: ${said}`;
  return new RemoteServiceError(
    `Luco ${request.action} was refused (${response.status} ${request.method} ${url})${suffix}`,
    {
      status: response.status,
      method: request.method,
      url,
      ...(said === undefined ? {} : { serviceMessage: said }),
    },
  );
}
