/**
 * The sign call: one pre-signed download URL per order key (PROTOCOLS §1, ds-stoa `sign`).
 *
 * @internal
 * @module
 */
import { FormatError } from '../par/errors.js';
import type { StoaSession } from './session.js';

/**
 * Sign one key.
 *
 * @param session - authorised calls
 * @param signEndpoint - the sign URL
 * @param key - the order key
 * @param signal - cancellation
 * @returns the pre-signed URL (a secret)
 * @throws FormatError when the reply has no usable `url`; RemoteServiceError for a refusal
 */
export async function signKey(
  session: StoaSession,
  signEndpoint: string,
  key: string,
  signal?: AbortSignal,
): Promise<string> {
  const url = new URL(signEndpoint);
  url.searchParams.set('key', key);
  const action = `sign ${JSON.stringify(key)}`;
  const body = await session.getJson(url.href, action, signal);
  const signed = (body as { url?: unknown } | null)?.url;
  if (typeof signed !== 'string' || !URL.canParse(signed) || !/^https?:$/.test(new URL(signed).protocol)) {
    throw new FormatError(`Stoa ${action} answered without a usable pre-signed url`, { field: 'url' });
  }
  return signed;
}
