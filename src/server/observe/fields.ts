/**
 * Checking request fields of the observability API: each failure is a 400 with a stable code
 * and a message naming the field (never echoing more than the field's name).
 *
 * @internal
 * @module
 */
import { DateTime } from 'luxon';
import { ApiError } from '../http/api-error.js';

/**
 * Sequence names: lower case, so they are one name on every filesystem. Name, tag and
 * submission id together stay within a filesystem's 255-byte name limit.
 */
const SEQUENCE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Slot tags: date tags (`2024-05-01`, `2024-05-01T06:00:00Z`) and unique tags. */
const TAG = /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,99}$/;
/** Submission ids as the server makes them. */
const SUBMISSION_ID = /^\d{8}T\d{9}Z-[0-9a-f]{6}$/;
/** Control characters but tab, line feed and carriage return (allowed in free text). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const LINE_CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Refuse a field.
 *
 * @param code - the stable code
 * @param message - names the field and what is expected
 */
export function invalid(code: string, message: string): ApiError {
  return new ApiError(400, code, message);
}

/**
 * Refuse fields a body must not have.
 *
 * @param body - the body
 * @param allowed - the field names it may have
 * @param what - what the body is, for the message
 */
export function onlyFields(body: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      throw invalid('UNKNOWN_FIELD', `${what} has no field ${JSON.stringify(key.slice(0, 64))}`);
    }
  }
}

/**
 * A sequence name.
 *
 * @param value - the candidate
 * @param field - its name, for the message
 */
export function sequenceName(value: unknown, field = 'name'): string {
  if (typeof value !== 'string' || !SEQUENCE_NAME.test(value)) {
    throw invalid(
      'INVALID_SEQUENCE_NAME',
      `${field} must be 1-64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  return value;
}

/**
 * A slot tag.
 *
 * @param value - the candidate
 * @param field - its name
 */
export function slotTag(value: unknown, field = 'tag'): string {
  if (typeof value !== 'string' || !TAG.test(value)) {
    throw invalid(
      'INVALID_TAG',
      `${field} must be 1-100 letters, digits, ".", "_", ":", "+" or "-", starting with a letter or digit`,
    );
  }
  return value;
}

/**
 * Whether a string can be a slot tag.
 *
 * @param value - the candidate
 */
export function isSlotTag(value: string): boolean {
  return TAG.test(value);
}

/**
 * A submission id.
 *
 * @param value - the candidate
 */
export function submissionId(value: unknown): string {
  if (typeof value !== 'string' || !SUBMISSION_ID.test(value)) {
    throw new ApiError(404, 'SUBMISSION_NOT_FOUND', 'no such submission');
  }
  return value;
}

/**
 * A one-line text (names, stages, tools): no control characters.
 *
 * @param value - the candidate
 * @param field - its name
 * @param max - most characters
 * @param code - the code to refuse with
 */
export function line(value: unknown, field: string, max: number, code: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max || LINE_CONTROL.test(value)) {
    throw invalid(
      code,
      `${field} must be a non-empty text of at most ${max} characters without control characters`,
    );
  }
  return value;
}

/**
 * An optional one-line text.
 *
 * @param value - the candidate (undefined or null: absent)
 * @param field - its name
 * @param max - most characters
 * @param code - the code to refuse with
 */
export function optionalLine(value: unknown, field: string, max: number, code: string): string | undefined {
  return value === undefined || value === null ? undefined : line(value, field, max, code);
}

/**
 * A free text (messages, results): tabs and line breaks allowed, no other control characters.
 *
 * @param value - the candidate
 * @param field - its name
 * @param max - most characters
 * @param code - the code to refuse with
 */
export function text(value: unknown, field: string, max: number, code: string): string {
  if (typeof value !== 'string' || value.length > max || TEXT_CONTROL.test(value)) {
    throw invalid(code, `${field} must be a text of at most ${max} characters without control characters`);
  }
  return value;
}

/**
 * An instant: an ISO 8601 string with a zone or offset (or `Z`), or epoch milliseconds.
 *
 * @param value - the candidate
 * @param field - its name
 * @returns epoch milliseconds
 */
export function instant(value: unknown, field: string): number {
  let parsed: DateTime | undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value))
    parsed = DateTime.fromMillis(value, { zone: 'utc' });
  else if (typeof value === 'string' && /(?:Z|[+-]\d\d:?\d\d)$/i.test(value) && value.length <= 40) {
    parsed = DateTime.fromISO(value, { zone: 'utc' });
  } else if (typeof value === 'string' && /^\d{4}-\d\d-\d\d$/.test(value)) {
    // LucoPy's `YYYY-MM-DD` form: midnight UTC.
    parsed = DateTime.fromISO(value, { zone: 'utc' });
  }
  const millis = parsed?.isValid ? parsed.toMillis() : Number.NaN;
  if (!Number.isFinite(millis) || millis < 0 || millis > MAX_TIME) {
    throw invalid(
      'INVALID_TIME',
      `${field} must be an ISO 8601 instant with a zone (e.g. 2024-05-01T06:00:00Z), a date, or epoch ms, from 1970 to 9999`,
    );
  }
  return millis;
}

/** The latest instant the indexes can order (9999-12-31). */
export const MAX_TIME = 253_402_300_799_999;

/**
 * An ISO string of epoch milliseconds.
 *
 * @param millis - epoch milliseconds
 */
export function iso(millis: number): string {
  return new Date(millis).toISOString();
}

/**
 * A boolean query flag (`true`/`false`, `1`/`0`), or the default.
 *
 * @param params - the query
 * @param name - the parameter
 * @param fallback - when absent
 */
export function flag(params: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = params.get(name);
  if (value === null) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw invalid('INVALID_QUERY', `${name} must be true or false`);
}

/**
 * A page size from the query.
 *
 * @param params - the query
 * @param fallback - when absent
 * @param max - the largest allowed
 */
export function pageLimit(params: URLSearchParams, fallback: number, max: number): number {
  const value = params.get('limit');
  if (value === null) return fallback;
  const limit = /^\d{1,7}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw invalid('INVALID_QUERY', `limit must be an integer from 1 to ${max}`);
  }
  return limit;
}

/**
 * Refuse query parameters a route does not take.
 *
 * @param params - the query
 * @param allowed - the parameter names it takes
 */
export function onlyParams(params: URLSearchParams, allowed: readonly string[]): void {
  for (const key of params.keys()) {
    if (!allowed.includes(key))
      throw invalid('INVALID_QUERY', `unknown query parameter ${JSON.stringify(key.slice(0, 64))}`);
  }
}

/**
 * Whether a request has no body (no `Content-Length` or 0, and no `Transfer-Encoding`), so
 * `curl -X POST …` works where every field is optional.
 *
 * @param headers - the request headers
 */
export function hasNoBody(headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  return headers['transfer-encoding'] === undefined && (headers['content-length'] ?? '0') === '0';
}
