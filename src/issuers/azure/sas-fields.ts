/**
 * Checking and formatting what a caller asks a SAS to say: permission letters, times, IP
 * range, protocol, response-header overrides, stored policy ids. Each mistake is a
 * TypeError/RangeError naming the field.
 *
 * @internal
 * @module
 */
import { DateTime } from 'luxon';
import type { Permission } from '../../par/permissions.js';
import type { AzureResponseHeaders } from './sas.js';

/** Permission letters of a service SAS on a blob or container, in the order Azure requires. */
export const SAS_PERMISSION_ORDER = 'racwdl';

/** Which protocols a SAS allows: HTTPS only, or both. */
export type AzureSasProtocol = 'https' | 'https,http';

/** An IPv4 address or an inclusive range of them. */
export type AzureIpRange = string | { readonly start: string; readonly end: string };

/** Longest stored access policy id (Azure's limit). */
export const MAX_POLICY_ID_LENGTH = 64;

/**
 * Put permission letters into Azure's order and check them. A blob SAS takes `r a c w d`; a
 * container SAS also `l`.
 *
 * @param letters - the letters, any order
 * @param resource - `b` or `c`
 * @param argument - the field name for errors
 * @throws TypeError / RangeError naming the field
 */
export function canonicalLetters(letters: unknown, resource: 'b' | 'c', argument = 'permissions'): string {
  if (typeof letters !== 'string' || letters === '')
    throw new TypeError(`${argument} must be a non-empty string of SAS permission letters`);
  const allowed = resource === 'c' ? SAS_PERMISSION_ORDER : SAS_PERMISSION_ORDER.replace('l', '');
  for (const letter of letters) {
    if (!allowed.includes(letter)) {
      throw new RangeError(
        `${argument}: ${JSON.stringify(letter)} is not a ${resource === 'c' ? 'container' : 'blob'} SAS permission (use ${allowed.split('').join(', ')})`,
      );
    }
  }
  return [...SAS_PERMISSION_ORDER].filter((letter) => letters.includes(letter)).join('');
}

/**
 * The SAS letters for parkit permissions: read → `r`, write → `cw` (create and overwrite,
 * which Put Blob, Put Block and Put Block List need), delete → `d`, list → `l`.
 *
 * @param permissions - canonical parkit permissions
 */
export function lettersFor(permissions: readonly Permission[]): string {
  const letters = new Set<string>();
  for (const permission of permissions) {
    if (permission === 'read') letters.add('r');
    if (permission === 'write') {
      letters.add('c');
      letters.add('w');
    }
    if (permission === 'delete') letters.add('d');
    if (permission === 'list') letters.add('l');
  }
  return [...SAS_PERMISSION_ORDER].filter((letter) => letters.has(letter)).join('');
}

/**
 * The parkit permissions a set of SAS letters grants (the inverse of {@link lettersFor};
 * `write` only when both `c` and `w` are present).
 *
 * @param letters - SAS permission letters
 */
export function permissionsFor(letters: string): Permission[] {
  const permissions: Permission[] = [];
  if (letters.includes('r')) permissions.push('read');
  if (letters.includes('c') && letters.includes('w')) permissions.push('write');
  if (letters.includes('l')) permissions.push('list');
  if (letters.includes('d')) permissions.push('delete');
  return permissions;
}

/**
 * A SAS time: UTC, whole seconds (`YYYY-MM-DDThh:mm:ssZ`).
 *
 * @param time - the instant (sub-second parts are dropped)
 */
export function sasTime(time: DateTime): string {
  return time.toUTC().startOf('second').toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
}

/** The latest instant a SAS time can say. */
export const LATEST_SAS_TIME = DateTime.fromISO('9999-12-31T23:59:59Z', { zone: 'utc' });

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function ipNumber(address: string): number {
  return address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

/**
 * Format an IP restriction as `sip`: one IPv4 address, or `from-to` with from ≤ to.
 *
 * @param range - an address, `"a-b"`, or `{ start, end }`
 * @throws TypeError / RangeError naming `ipRange`
 */
export function formatIpRange(range: AzureIpRange): string {
  let start: unknown;
  let end: unknown;
  if (typeof range === 'string') [start, end = start] = range.split('-');
  else if (typeof range === 'object' && range !== null) ({ start, end } = range);
  else throw new TypeError('ipRange must be an IPv4 address, "from-to", or { start, end }');
  if (typeof start !== 'string' || typeof end !== 'string' || !IPV4.test(start) || !IPV4.test(end)) {
    throw new RangeError('ipRange must hold IPv4 addresses such as 203.0.113.7 (Azure SAS takes no IPv6)');
  }
  if (ipNumber(start) > ipNumber(end))
    throw new RangeError('ipRange: the start address is after the end address');
  return start === end ? start : `${start}-${end}`;
}

/**
 * Check the protocol field.
 *
 * @param protocol - `https` or `https,http`
 * @throws RangeError naming `protocol`
 */
export function checkProtocol(protocol: unknown): AzureSasProtocol {
  if (protocol !== 'https' && protocol !== 'https,http') {
    throw new RangeError("protocol must be 'https' or 'https,http'");
  }
  return protocol;
}

const HEADER_FIELDS = [
  'cacheControl',
  'contentDisposition',
  'contentEncoding',
  'contentLanguage',
  'contentType',
] as const;

/**
 * Check response-header overrides: known names only, each a non-empty string of at most 1024
 * characters without control characters (they are signed line by line).
 *
 * @param headers - the overrides
 * @throws TypeError / RangeError naming the field
 */
export function checkResponseHeaders(headers: unknown): AzureResponseHeaders {
  if (typeof headers !== 'object' || headers === null)
    throw new TypeError('responseHeaders must be an object');
  const result: { -readonly [K in keyof AzureResponseHeaders]: string } = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!(HEADER_FIELDS as readonly string[]).includes(name)) {
      throw new RangeError(`responseHeaders.${name} is not one of ${HEADER_FIELDS.join(', ')}`);
    }
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '' || value.length > 1024 || !value.isWellFormed()) {
      throw new TypeError(`responseHeaders.${name} must be a non-empty string of at most 1024 characters`);
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    if (/[\u0000-\u001f\u007f]/.test(value)) {
      throw new RangeError(`responseHeaders.${name} must not contain control characters`);
    }
    result[name as (typeof HEADER_FIELDS)[number]] = value;
  }
  return result;
}

/**
 * Check a stored access policy id: 1 to 64 characters, printable ASCII without spaces.
 *
 * @param id - the id
 * @param argument - the field name for errors
 * @throws TypeError / RangeError naming the field
 */
export function checkPolicyId(id: unknown, argument = 'policy'): string {
  if (typeof id !== 'string' || id === '') throw new TypeError(`${argument} must be a non-empty string`);
  if (id.length > MAX_POLICY_ID_LENGTH || !/^[\x21-\x7e]+$/.test(id)) {
    throw new RangeError(`${argument} must be 1 to ${MAX_POLICY_ID_LENGTH} printable ASCII characters`);
  }
  return id;
}
