/**
 * Checking what callers pass the observability clients: times (luxon DateTime, Date, epoch ms
 * or ISO 8601 text) and service base URLs.
 *
 * @internal
 * @module
 */
import { DateTime } from 'luxon';
import { toUtc } from '../par/expiry.js';

/** A time: a luxon DateTime, a Date, epoch milliseconds, or ISO 8601 text (`2024-05-01`, `2024-05-01T06:00:00Z`). */
export type TimeInput = DateTime | Date | number | string;

/**
 * A time as ISO 8601 UTC text.
 *
 * @param value - the time
 * @param argument - its name, for the message
 * @throws RangeError / TypeError naming the argument
 */
export function timeText(value: TimeInput, argument: string): string {
  if (typeof value === 'string') {
    const parsed = DateTime.fromISO(value, { zone: 'utc' });
    if (!parsed.isValid)
      throw new RangeError(`${argument} must be an ISO 8601 time such as 2024-05-01T06:00:00Z`);
    return parsed.toUTC().toISO() as string;
  }
  return toUtc(value, argument).toISO() as string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A service's base URL, without a trailing slash.
 *
 * @param value - the candidate
 * @param argument - its name, for the message
 * @param allowHttp - accept plain `http:` anywhere (else only on loopback addresses)
 * @throws TypeError naming the argument
 */
export function checkServiceUrl(value: unknown, argument: string, allowHttp: boolean): string {
  if (typeof value !== 'string') throw new TypeError(`${argument} must be a string`);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new TypeError(`${argument} must be an absolute https URL`);
  }
  const http = parsed.protocol === 'http:';
  if (parsed.protocol !== 'https:' && !http) throw new TypeError(`${argument} must be an https URL`);
  if (http && !allowHttp && !LOOPBACK.has(parsed.hostname)) {
    throw new TypeError(`${argument} must use https (plain http only on a loopback address)`);
  }
  if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') {
    throw new TypeError(`${argument} must not carry a query, fragment or credentials`);
  }
  return parsed.href.replace(/\/+$/, '');
}
