/**
 * Pre-signing (SigV4 "query string" authentication): the canonical request of a request whose
 * credentials travel in the query, its string to sign, and the URL the signature completes.
 * The same code signs AWS SigV4 and GCS V4 URLs; only the {@link SigningScheme} names differ,
 * and the signature itself comes from an HMAC or an RSA key.
 *
 * @internal
 * @module
 */
import { type CanonicalHeaders, canonicalHeaders, canonicalQuery, type Pair } from './canonical.js';
import { uriEncode } from './encode.js';
import type { SigningScheme } from './scheme.js';
import { sha256Hex } from './utf8.js';

/** One request to pre-sign. */
export interface PresignRequest {
  /** HTTP method, upper case. */
  readonly method: string;
  /** `scheme://host[:port]` of the URL. */
  readonly origin: string;
  /** The `Host` header value (signed). */
  readonly host: string;
  /** The canonical URI, already encoded; it is also the URL's path. */
  readonly path: string;
  /** Further query parameters (decoded), signed. */
  readonly query?: readonly Pair[];
  /** Further headers (besides `host`) the request will carry, signed. */
  readonly headers?: readonly Pair[];
  /** Lifetime in whole seconds. */
  readonly expiresIn: number;
  /** Signing time, `YYYYMMDD'T'HHMMSS'Z'`. */
  readonly time: string;
  /** Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD` (the default). */
  readonly payloadHash?: string;
}

/** A request ready for its signature. */
export interface PreparedRequest {
  /** The URL up to and including `…Signature=`: append the signature. */
  readonly unsignedUrl: string;
  /**
   * The string to sign is `head + hash`: `head` (algorithm, time, scope) is the same for every
   * request signed in one second, so an HMAC signer can cache its state after it.
   */
  readonly head: string;
  /** Hex SHA-256 of the canonical request: the string to sign's last line. */
  readonly hash: string;
  /** The scope date, `YYYYMMDD`. */
  readonly date: string;
}

/** Who signs, and for which scope. */
export interface QuerySignerOptions {
  readonly scheme: SigningScheme;
  /** Access key id, HMAC access id, or service-account e-mail (public, goes in the URL). */
  readonly credentialId: string;
  readonly region: string;
  readonly service: string;
  /** Temporary credentials' session token (AWS), signed into the query. */
  readonly sessionToken?: string;
}

const HOST_ONLY: CanonicalHeaders = { block: '', signed: 'host' };

/** Builds the canonical form of pre-signed requests for one credential and scope. */
export class QuerySigner {
  readonly #scheme: SigningScheme;
  readonly #region: string;
  readonly #service: string;
  readonly #credentialId: string;
  readonly #token: string | undefined;
  // Per signing second: everything of the query up to `Expires=`.
  #time = '';
  #date = '';
  #scope = '';
  #head = '';
  #stringHead = '';
  readonly #tail: string;

  /** @param options - the scheme, credential id, scope and optional session token */
  constructor(options: QuerySignerOptions) {
    this.#scheme = options.scheme;
    this.#region = options.region;
    this.#service = options.service;
    this.#credentialId = options.credentialId;
    this.#token = options.sessionToken;
    const p = this.#scheme.paramPrefix;
    this.#tail = this.#token === undefined ? '' : `&${p}Security-Token=${uriEncode(this.#token)}`;
  }

  #refresh(time: string): void {
    const date = time.slice(0, 8);
    if (date !== this.#date) {
      this.#date = date;
      this.#scope = `${date}/${this.#region}/${this.#service}/${this.#scheme.terminator}`;
    }
    const p = this.#scheme.paramPrefix;
    this.#head = `${p}Algorithm=${this.#scheme.algorithm}&${p}Credential=${uriEncode(`${this.#credentialId}/${this.#scope}`)}&${p}Date=${time}&${p}Expires=`;
    this.#stringHead = `${this.#scheme.algorithm}\n${time}\n${this.#scope}\n`;
    this.#time = time;
  }

  /**
   * The canonical request's query, string to sign and unsigned URL of one request.
   *
   * @param request - what to sign
   * @returns the request ready for its signature
   */
  prepare(request: PresignRequest): PreparedRequest {
    if (request.time !== this.#time) this.#refresh(request.time);
    const p = this.#scheme.paramPrefix;
    const headers =
      request.headers === undefined || request.headers.length === 0
        ? HOST_ONLY
        : canonicalHeaders([['host', request.host], ...request.headers]);
    const block = headers === HOST_ONLY ? `host:${request.host}\n` : headers.block;
    let query: string;
    if (request.query === undefined || request.query.length === 0) {
      // Already in canonical order: Algorithm < Credential < Date < Expires < Security-Token < SignedHeaders.
      query = `${this.#head}${request.expiresIn}${this.#tail}&${p}SignedHeaders=${headers === HOST_ONLY ? 'host' : uriEncode(headers.signed)}`;
    } else {
      const pairs: Pair[] = [
        [`${p}Algorithm`, this.#scheme.algorithm],
        [`${p}Credential`, `${this.#credentialId}/${this.#scope}`],
        [`${p}Date`, request.time],
        [`${p}Expires`, String(request.expiresIn)],
        [`${p}SignedHeaders`, headers.signed],
        ...request.query,
      ];
      if (this.#token !== undefined) pairs.push([`${p}Security-Token`, this.#token]);
      query = canonicalQuery(pairs);
    }
    const canonical = `${request.method}\n${request.path}\n${query}\n${block}\n${headers.signed}\n${request.payloadHash ?? 'UNSIGNED-PAYLOAD'}`;
    return {
      unsignedUrl: `${request.origin}${request.path}?${query}&${p}Signature=`,
      head: this.#stringHead,
      hash: sha256Hex(canonical),
      date: this.#date,
    };
  }
}

/**
 * The string to sign of a prepared request.
 *
 * @param prepared - the prepared request
 */
export function stringToSign(prepared: PreparedRequest): string {
  return prepared.head + prepared.hash;
}
