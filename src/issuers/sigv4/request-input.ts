/**
 * Checks shared by the S3 and GCS issuers' `presign` arguments: methods, object keys, extra
 * headers and query parameters, the endpoint.
 *
 * @internal
 * @module
 */
import { MAX_KEY_BYTES } from '../../par/target.js';
import type { Pair } from './canonical.js';

/** HTTP methods a pre-signed URL may be made for. */
export const PRESIGN_METHODS = Object.freeze(['GET', 'HEAD', 'PUT', 'POST', 'DELETE'] as const);

/** One of {@link PRESIGN_METHODS}. */
export type PresignMethod = (typeof PRESIGN_METHODS)[number];

/**
 * Validate a method.
 *
 * @param value - the method
 * @returns the method
 * @throws RangeError naming `method`
 */
export function checkMethod(value: unknown): PresignMethod {
  if (typeof value !== 'string' || !(PRESIGN_METHODS as readonly string[]).includes(value)) {
    throw new RangeError(`method must be one of ${PRESIGN_METHODS.join(', ')}`);
  }
  return value as PresignMethod;
}

/**
 * Validate an object key for a URL path. Keys with `.` or `..` segments are refused: every URL
 * parser (and so every `fetch`) folds them away, so the request would reach another key.
 *
 * @param value - the key
 * @param argument - the argument name
 * @returns the key
 * @throws TypeError / RangeError naming the argument
 */
export function checkUrlKey(value: unknown, argument = 'key'): string {
  if (typeof value !== 'string') throw new TypeError(`${argument} must be a string`);
  if (value.length === 0) throw new RangeError(`${argument} must not be empty`);
  if (!value.isWellFormed()) throw new RangeError(`${argument} must be well-formed Unicode`);
  // A UTF-16 code unit takes at most 3 UTF-8 bytes: short keys need no encoding to be measured.
  if (value.length * 3 > MAX_KEY_BYTES && encoder.encode(value).length > MAX_KEY_BYTES) {
    throw new RangeError(`${argument} must be at most ${MAX_KEY_BYTES} bytes`);
  }
  if (value.includes('.') && DOT_SEGMENT.test(value)) {
    throw new RangeError(`${argument} must not contain "." or ".." path segments (URLs cannot carry them)`);
  }
  return value;
}

const encoder = new TextEncoder();
const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;

// Printable ASCII without ":" (GCS's conformance cases sign names such as "a/b", which RFC 9110
// tokens exclude; sending them is the caller's business).
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/**
 * Extra headers to sign, as pairs. `host` is the issuer's to set.
 *
 * @param value - a plain object of header names to values, or undefined
 * @returns the pairs
 * @throws TypeError naming `headers`
 */
export function headerPairs(value: unknown, argument = 'headers'): Pair[] {
  return recordPairs(value, argument, (name) => {
    if (!HEADER_NAME.test(name) || name.toLowerCase() === 'host') {
      throw new TypeError(`${argument} has an invalid or reserved header name`);
    }
  });
}

/**
 * Extra query parameters to sign, as pairs. Names the signer sets itself are refused.
 *
 * @param value - a plain object of names to values, or undefined
 * @param reservedPrefix - the signing parameters' prefix (`X-Amz-`, `X-Goog-`)
 * @returns the pairs
 * @throws TypeError naming `query`
 */
export function queryPairs(value: unknown, reservedPrefix: string, argument = 'query'): Pair[] {
  const reserved = [
    'algorithm',
    'credential',
    'date',
    'expires',
    'signedheaders',
    'signature',
    'security-token',
  ];
  return recordPairs(value, argument, (name) => {
    const lower = name.toLowerCase();
    const prefix = reservedPrefix.toLowerCase();
    if (name === '' || (lower.startsWith(prefix) && reserved.includes(lower.slice(prefix.length)))) {
      throw new TypeError(`${argument} must not set the signing parameters itself`);
    }
  });
}

function recordPairs(value: unknown, argument: string, checkName: (name: string) => void): Pair[] {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${argument} must be an object of names to string values`);
  }
  const pairs: Pair[] = [];
  for (const [name, entry] of Object.entries(value)) {
    checkName(name);
    if (typeof entry !== 'string' || !entry.isWellFormed()) {
      throw new TypeError(`${argument} values must be well-formed strings`);
    }
    pairs.push([name, entry]);
  }
  return pairs;
}

/**
 * Parse an endpoint URL: `http:` or `https:`, no credentials, query, fragment or path.
 *
 * @param value - the endpoint
 * @param argument - the argument name
 * @returns the parsed URL
 * @throws TypeError naming the argument
 */
export function checkEndpoint(value: unknown, argument = 'endpoint'): URL {
  if (typeof value !== 'string') throw new TypeError(`${argument} must be a URL string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${argument} must be an absolute http: or https: URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`${argument} must be an http: or https: URL`);
  }
  if (
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.pathname !== '/'
  ) {
    throw new TypeError(`${argument} must be an origin only (scheme, host, port), without a path or query`);
  }
  return url;
}
