/**
 * Telling an expired link from a refused one. Some stores (Ceph RGW) answer an expired
 * pre-signed URL with a bare `403 AccessDenied`; the URL itself says until when it was signed
 * (`X-Amz-Date` + `X-Amz-Expires`, or the `X-Goog-` pair), so a refusal after that instant is
 * reported as the ExpiredError it is.
 *
 * @internal
 * @module
 */
import { ExpiredError, isParkitError } from '../../../par/errors.js';
import type { ObjectEndpoint } from '../../endpoint.js';

const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * When a pre-signed URL stops working, by its own parameters.
 *
 * @param url - the URL
 * @returns epoch milliseconds, or undefined when the URL does not say
 */
export function signedUntil(url: string): number | undefined {
  let query: URLSearchParams;
  try {
    query = new URL(url).searchParams;
  } catch {
    return undefined;
  }
  for (const prefix of ['X-Amz-', 'X-Goog-']) {
    const date = STAMP.exec(query.get(`${prefix}Date`) ?? '');
    const expires = query.get(`${prefix}Expires`);
    if (date === null || expires === null || !/^\d+$/.test(expires)) continue;
    const [, year, month, day, hour, minute, second] = date.map(Number);
    return (
      Date.UTC(year as number, (month as number) - 1, day, hour, minute, second) + Number(expires) * 1000
    );
  }
  return undefined;
}

/**
 * Run one request; a permission refusal after `until` becomes an ExpiredError.
 *
 * @param until - when the grant ends (epoch ms), if known
 * @param request - the request
 */
export async function refusalAfter<T>(until: number | undefined, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (until !== undefined && Date.now() >= until && isParkitError(error, 'PARKIT_PERMISSION_DENIED')) {
      throw new ExpiredError(
        `the store refused the link, which expired at ${new Date(until).toISOString()}`,
        {
          cause: error,
          context: error.context,
        },
      );
    }
    throw error;
  }
}

/**
 * An object endpoint whose refusals after each operation's deadline are ExpiredErrors.
 *
 * @param endpoint - the endpoint
 * @param until - the deadline of each operation (epoch ms), if known
 */
export function expiryAware(
  endpoint: ObjectEndpoint,
  until: { readonly [K in 'read' | 'stat' | 'write' | 'remove']?: number | undefined },
): ObjectEndpoint {
  return {
    read: (request) => refusalAfter(until.read, () => endpoint.read(request)),
    stat: (request) => refusalAfter(until.stat, () => endpoint.stat(request)),
    write: (body, request) => refusalAfter(until.write, () => endpoint.write(body, request)),
    remove: (request) => refusalAfter(until.remove, () => endpoint.remove(request)),
    ...(endpoint.parts === undefined ? {} : { parts: endpoint.parts }),
    // Every S3 and GCS endpoint is wrapped here; their PUT needs a Content-Length.
    requiresLength: true,
  };
}
