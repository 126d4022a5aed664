/**
 * Shared Key authorization for the Blob service: the `Authorization: SharedKey account:signature`
 * header, an HMAC-SHA256 under the account key over the request's verb, standard headers,
 * `x-ms-*` headers and canonicalized resource (Microsoft's "Authorize with Shared Key", version
 * 2009-09-19 and later). parkit uses it only for what a SAS cannot do: managing a container's
 * stored access policies.
 *
 * @internal
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64 } from '../../par/encoding.js';

const encoder = new TextEncoder();

// The standard headers in the order they are signed (Content-Length is empty when zero).
const SIGNED_HEADERS = [
  'content-encoding',
  'content-language',
  'content-length',
  'content-md5',
  'content-type',
  'date',
  'if-modified-since',
  'if-match',
  'if-none-match',
  'if-unmodified-since',
  'range',
] as const;

function canonicalizedHeaders(headers: Headers): string {
  const lines: string[] = [];
  for (const [name, value] of headers) {
    if (name.startsWith('x-ms-')) lines.push(`${name}:${value.trim().replace(/\s+/g, ' ')}\n`);
  }
  return lines.sort().join('');
}

function canonicalizedResource(account: string, url: URL): string {
  const parameters = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) {
    const key = name.toLowerCase();
    parameters.set(key, [...(parameters.get(key) ?? []), value]);
  }
  const query = [...parameters.keys()]
    .sort()
    .map((name) => `\n${name}:${(parameters.get(name) ?? []).sort().join(',')}`)
    .join('');
  return `/${account}${url.pathname}${query}`;
}

/**
 * The string a Shared Key request signs.
 *
 * @param method - HTTP verb
 * @param url - the request URL
 * @param headers - every header sent (lowercase names as `Headers` gives them)
 * @param account - the storage account name
 */
export function sharedKeyStringToSign(method: string, url: URL, headers: Headers, account: string): string {
  const standard = SIGNED_HEADERS.map((name) => {
    const value = headers.get(name) ?? '';
    return name === 'content-length' && value === '0' ? '' : value;
  });
  return `${[method.toUpperCase(), ...standard].join('\n')}\n${canonicalizedHeaders(headers)}${canonicalizedResource(account, url)}`;
}

/**
 * The `Authorization` header value for a request.
 *
 * @param method - HTTP verb
 * @param url - the request URL
 * @param headers - every header sent, including `x-ms-date` and `x-ms-version`
 * @param account - the storage account name
 * @param key - the decoded account key
 */
export function sharedKeyAuthorization(
  method: string,
  url: URL,
  headers: Headers,
  account: string,
  key: Uint8Array,
): string {
  const mac = hmac(sha256, key, encoder.encode(sharedKeyStringToSign(method, url, headers, account)));
  return `SharedKey ${account}:${toBase64(mac)}`;
}
