/**
 * The canonical request and the string to sign (AWS Signature Version 4, "Create a canonical
 * request"; GCS V4 signing follows the same rules).
 *
 * @internal
 * @module
 */
import { uriEncode } from './encode.js';

/** A query parameter or header, decoded. */
export type Pair = readonly [name: string, value: string];

const byEncodedPair = (a: Pair, b: Pair) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;

/**
 * The canonical query string: names and values URI-encoded, sorted by encoded name then value,
 * joined with `&` (a parameter without a value keeps its `=`).
 *
 * @param pairs - decoded parameters, in any order
 * @returns the canonical query string (also a valid URL query)
 */
export function canonicalQuery(pairs: readonly Pair[]): string {
  const encoded = pairs.map(([name, value]): Pair => [uriEncode(name), uriEncode(value)]);
  encoded.sort(byEncodedPair);
  let out = '';
  for (const [name, value] of encoded) out += `${out === '' ? '' : '&'}${name}=${value}`;
  return out;
}

// SigV4: trim the value and collapse sequential whitespace (including folded lines) to one space.
const canonicalValue = (value: string) => value.trim().replace(/\s+/g, ' ');

/** The canonical headers block and the signed-headers list that goes with it. */
export interface CanonicalHeaders {
  /** `name:value\n` for every header, names lower-cased and sorted. */
  readonly block: string;
  /** The lower-cased names joined with `;`. */
  readonly signed: string;
}

/**
 * Canonical headers: names lower-cased and sorted, values trimmed with inner whitespace collapsed,
 * repeated headers joined with `,` in the order given.
 *
 * @param headers - the headers to sign (must include `host`)
 * @returns the block and the signed-headers list
 */
export function canonicalHeaders(headers: readonly Pair[]): CanonicalHeaders {
  const merged = new Map<string, string>();
  for (const [name, value] of headers) {
    const key = name.trim().toLowerCase();
    const clean = canonicalValue(value);
    const previous = merged.get(key);
    merged.set(key, previous === undefined ? clean : `${previous},${clean}`);
  }
  const names = [...merged.keys()].sort();
  let block = '';
  for (const name of names) block += `${name}:${merged.get(name)}\n`;
  return { block, signed: names.join(';') };
}

/**
 * Join the parts of a canonical request.
 *
 * @param method - HTTP method, upper case
 * @param uri - the canonical URI
 * @param query - the canonical query string
 * @param headers - canonical headers
 * @param payloadHash - hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`
 * @returns the canonical request
 */
export function canonicalRequest(
  method: string,
  uri: string,
  query: string,
  headers: CanonicalHeaders,
  payloadHash: string,
): string {
  return `${method}\n${uri}\n${query}\n${headers.block}\n${headers.signed}\n${payloadHash}`;
}
