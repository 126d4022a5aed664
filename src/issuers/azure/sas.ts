/**
 * The service SAS itself: the string-to-sign Microsoft documents for Blob resources (authorization
 * version 2020-12-06 and later), its HMAC-SHA256 signature under the account key, and the query
 * string that carries both.
 *
 * @internal
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64 } from '../../par/encoding.js';

/**
 * The signed version (`sv`) parkit writes by default: 2025-11-05, generally available in every
 * Azure region. The service SAS string-to-sign has been the same from 2020-12-06 on.
 */
export const AZURE_SAS_VERSION = '2025-11-05';

/** The oldest signed version parkit can sign (the string-to-sign below starts there). */
export const MIN_AZURE_SAS_VERSION = '2020-12-06';

/** Response headers a SAS can make the store send on reads (`rscc`, `rscd`, `rsce`, `rscl`, `rsct`). */
export interface AzureResponseHeaders {
  /** `Cache-Control` (`rscc`). */
  readonly cacheControl?: string;
  /** `Content-Disposition` (`rscd`), e.g. `attachment; filename="report.csv"`. */
  readonly contentDisposition?: string;
  /** `Content-Encoding` (`rsce`). */
  readonly contentEncoding?: string;
  /** `Content-Language` (`rscl`). */
  readonly contentLanguage?: string;
  /** `Content-Type` (`rsct`). */
  readonly contentType?: string;
}

/** Every field of a service SAS, already validated and formatted. */
export interface SasFields {
  /** `sp`: permission letters in Azure's order. */
  readonly permissions?: string;
  /** `st`: `YYYY-MM-DDThh:mm:ssZ`. */
  readonly start?: string;
  /** `se`: `YYYY-MM-DDThh:mm:ssZ`. */
  readonly expiry?: string;
  /** `/blob/{account}/{container}[/{blob}]`, not URL-encoded. */
  readonly canonicalizedResource: string;
  /** `si`: the stored access policy's id. */
  readonly identifier?: string;
  /** `sip`: one IPv4 address or `from-to`. */
  readonly ip?: string;
  /** `spr`: `https` or `https,http`. */
  readonly protocol?: string;
  /** `sv`. */
  readonly version: string;
  /** `sr`: `b` for a blob, `c` for a container. */
  readonly resource: 'b' | 'c';
  readonly responseHeaders?: AzureResponseHeaders;
}

const encoder = new TextEncoder();

/**
 * The string-to-sign of a Blob service SAS, version 2020-12-06 and later: sixteen fields, each
 * followed by a newline except the last; absent optional fields are empty strings. Snapshot time
 * and encryption scope are not used by parkit and stay empty.
 *
 * @param fields - the SAS fields
 */
export function stringToSign(fields: SasFields): string {
  const headers = fields.responseHeaders ?? {};
  return [
    fields.permissions ?? '',
    fields.start ?? '',
    fields.expiry ?? '',
    fields.canonicalizedResource,
    fields.identifier ?? '',
    fields.ip ?? '',
    fields.protocol ?? '',
    fields.version,
    fields.resource,
    '', // signedSnapshotTime
    '', // signedEncryptionScope
    headers.cacheControl ?? '',
    headers.contentDisposition ?? '',
    headers.contentEncoding ?? '',
    headers.contentLanguage ?? '',
    headers.contentType ?? '',
  ].join('\n');
}

/**
 * Sign the fields with the account key: base64 of HMAC-SHA256 over the UTF-8 string-to-sign.
 *
 * @param fields - the SAS fields
 * @param key - the decoded account key
 */
export function signature(fields: SasFields, key: Uint8Array): string {
  return toBase64(hmac(sha256, key, encoder.encode(stringToSign(fields))));
}

/**
 * The SAS token (query string without `?`) for the fields, signed with `key`. Values are
 * percent-encoded; the store decodes them before checking the signature.
 *
 * @param fields - the SAS fields
 * @param key - the decoded account key
 */
export function sasToken(fields: SasFields, key: Uint8Array): string {
  const headers = fields.responseHeaders ?? {};
  const pairs: [string, string | undefined][] = [
    ['sv', fields.version],
    ['spr', fields.protocol],
    ['st', fields.start],
    ['se', fields.expiry],
    ['sr', fields.resource],
    ['sp', fields.permissions],
    ['sip', fields.ip],
    ['si', fields.identifier],
    ['rscc', headers.cacheControl],
    ['rscd', headers.contentDisposition],
    ['rsce', headers.contentEncoding],
    ['rscl', headers.contentLanguage],
    ['rsct', headers.contentType],
    ['sig', signature(fields, key)],
  ];
  return pairs
    .filter((pair): pair is [string, string] => pair[1] !== undefined)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
}
