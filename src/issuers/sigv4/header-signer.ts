/**
 * Header signing (SigV4 `Authorization` header) for services other than S3, with their path
 * rules: used where a request cannot be a pre-signed URL, such as the STS call that mints
 * temporary credentials.
 *
 * @internal
 * @module
 */
import { canonicalHeaders, canonicalQuery, canonicalRequest, type Pair } from './canonical.js';
import { genericCanonicalUri } from './encode.js';
import type { HmacSigner } from './hmac-signer.js';
import type { SigningScheme } from './scheme.js';
import { sha256Hex } from './utf8.js';

/** One request to sign in its headers. */
export interface HeaderSignRequest {
  readonly method: string;
  /** The `Host` header value. */
  readonly host: string;
  /** The request path as sent on the wire (SigV4's generic rules normalise it and encode it once more). */
  readonly path: string;
  /** Whether to remove dot segments and repeated slashes from the path (default true). */
  readonly normalise?: boolean;
  readonly query?: readonly Pair[];
  /** Headers to sign besides `host` and the date (and session token) headers added here. */
  readonly headers?: readonly Pair[];
  /** Hex SHA-256 of the body (or `UNSIGNED-PAYLOAD` where the service allows it). */
  readonly payloadHash: string;
  /** Signing time, `YYYYMMDD'T'HHMMSS'Z'`. */
  readonly time: string;
}

/** Credentials and scope for header signing. */
export interface HeaderSignerOptions {
  readonly scheme: SigningScheme;
  readonly credentialId: string;
  readonly region: string;
  readonly service: string;
  readonly signer: HmacSigner;
  readonly sessionToken?: string;
}

/**
 * The headers that authenticate a request: the date header, the session token header (when
 * there is one) and `Authorization`.
 *
 * @param options - credentials and scope
 * @param request - the request
 * @returns headers to add to the request
 */
export function signHeaders(options: HeaderSignerOptions, request: HeaderSignRequest): Pair[] {
  const p = options.scheme.paramPrefix.toLowerCase();
  const added: Pair[] = [[`${p}date`, request.time]];
  if (options.sessionToken !== undefined) added.push([`${p}security-token`, options.sessionToken]);
  const headers = canonicalHeaders([['host', request.host], ...(request.headers ?? []), ...added]);
  const canonical = canonicalRequest(
    request.method,
    genericCanonicalUri(request.path, request.normalise ?? true),
    canonicalQuery(request.query ?? []),
    headers,
    request.payloadHash,
  );
  const date = request.time.slice(0, 8);
  const scope = `${date}/${options.region}/${options.service}/${options.scheme.terminator}`;
  const stringToSign = `${options.scheme.algorithm}\n${request.time}\n${scope}\n${sha256Hex(canonical)}`;
  const signature = options.signer.sign(stringToSign, date, options.region, options.service);
  added.push([
    'authorization',
    `${options.scheme.algorithm} Credential=${options.credentialId}/${scope}, SignedHeaders=${headers.signed}, Signature=${signature}`,
  ]);
  return added;
}
