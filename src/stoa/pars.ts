/**
 * Stoa's pre-signed URLs as read-only object Pars (driver `stoa`), so that an order can be
 * handed to another team sealed, with its real expiry, like any other Par.
 *
 * @module
 */
import { DateTime } from 'luxon';
import { ExpiredError, FormatError } from '../par/errors.js';
import { type Clock, type ExpiresInput, readClock, resolveExpiry } from '../par/expiry.js';
import { isoUtc } from '../par/metadata.js';
import { Par } from '../par/par.js';
import type { ObjectTarget } from '../par/target.js';
import type { Recipient } from '../seal/keys.js';

/** The longest validity a SigV4 pre-signed URL can have: 7 days (AWS S3 documentation). */
const MAX_SIGV4_SECONDS = 604_800;

/**
 * The default lifetime of a signed URL that does not say when it expires: one hour, the default
 * of boto3's `generate_presigned_url` (what a Python service such as Stoa presigns with).
 */
export const DEFAULT_STOA_LIFETIME: ExpiresInput = Object.freeze({ seconds: 3600 });

/** When a signed URL was signed and until when it works, if it says so. */
export interface SignedWindow {
  readonly signed: DateTime;
  readonly expires: DateTime;
}

/**
 * Read a SigV4 pre-signed URL's validity window from `X-Amz-Date` + `X-Amz-Expires`.
 *
 * @param url - the signed URL (a secret: never put in a message)
 * @param key - the order key, for messages
 * @returns the window, or undefined when the URL carries neither parameter
 * @throws FormatError when only one is present or either is malformed
 */
export function signedWindow(url: string, key: string): SignedWindow | undefined {
  const query = new URL(url).searchParams;
  const date = query.get('X-Amz-Date');
  const lifetime = query.get('X-Amz-Expires');
  if (date === null && lifetime === null) return undefined;
  const where = `the signed URL for ${JSON.stringify(key)}`;
  // SigV4: X-Amz-Date is ISO 8601 basic format, YYYYMMDD'T'HHMMSS'Z'.
  const signed =
    date !== null && /^\d{8}T\d{6}Z$/.test(date)
      ? DateTime.fromFormat(date, "yyyyMMdd'T'HHmmss'Z'", { zone: 'utc' })
      : undefined;
  if (signed === undefined || !signed.isValid)
    throw new FormatError(`${where} has no valid X-Amz-Date`, { field: 'X-Amz-Date' });
  // SigV4: X-Amz-Expires is whole seconds, 1 to 604800.
  const seconds = lifetime !== null && /^\d{1,6}$/.test(lifetime) ? Number(lifetime) : 0;
  if (seconds < 1 || seconds > MAX_SIGV4_SECONDS)
    throw new FormatError(`${where} has no valid X-Amz-Expires`, { field: 'X-Amz-Expires' });
  return { signed, expires: signed.plus({ seconds }) };
}

/** How to wrap signed URLs. @internal */
export interface WrapOptions {
  readonly recipients: readonly Recipient[];
  /** Lifetime for URLs that do not carry their own expiry. */
  readonly lifetime: ExpiresInput;
  readonly now: Clock;
}

/**
 * Wrap one signed URL as a sealed, read-only object Par.
 *
 * @param key - the order key (the Par's target key)
 * @param url - the pre-signed URL (sealed, never shown)
 * @param options - recipients, fallback lifetime, clock
 * @returns the Par
 * @throws ExpiredError when the URL has already expired; FormatError for a malformed X-Amz window
 * @internal
 */
export async function wrapSigned(key: string, url: string, options: WrapOptions): Promise<Par<ObjectTarget>> {
  const now = readClock(options.now);
  const window = signedWindow(url, key);
  const expires = window?.expires ?? resolveExpiry(options.lifetime, now);
  if (expires.toMillis() <= now.toMillis()) {
    throw new ExpiredError(`the signed URL for ${JSON.stringify(key)} has already expired`, {
      context: { key, expires: isoUtc(expires) },
    });
  }
  return Par.create<ObjectTarget>({
    url,
    driver: 'stoa',
    target: { kind: 'object', key },
    permissions: ['read'],
    expires,
    created: window === undefined || window.signed.toMillis() > now.toMillis() ? now : window.signed,
    recipients: options.recipients,
    now: options.now,
  });
}
