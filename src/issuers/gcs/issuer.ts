/**
 * `GcsIssuer`: Google Cloud Storage V4 signed URLs (GOOG4-RSA-SHA256 with a service account key
 * through WebCrypto, or GOOG4-HMAC-SHA256 with an HMAC key) and sealed object Pars (driver `gcs`).
 * The canonical request is SigV4's, from the shared signing core, with Google's names.
 *
 * @module
 */
import { DateTime } from 'luxon';
import type { UrlSetSecret } from '../../access/dialects/s3/secret.js';
import { Par } from '../../par/par.js';
import { normalisePermissions, type Permission } from '../../par/permissions.js';
import type { ObjectTarget } from '../../par/target.js';
import type { Recipient } from '../../seal/keys.js';
import { clockMillis } from '../s3/options.js';
import type { Pair } from '../sigv4/canonical.js';
import { uriEncodePath } from '../sigv4/encode.js';
import { HmacSigner } from '../sigv4/hmac-signer.js';
import { checkLifetime } from '../sigv4/lifetime.js';
import { QuerySigner, stringToSign } from '../sigv4/query-signer.js';
import {
  checkMethod,
  checkUrlKey,
  headerPairs,
  type PresignMethod,
  queryPairs,
} from '../sigv4/request-input.js';
import { GOOG4_HMAC, GOOG4_RSA } from '../sigv4/scheme.js';
import { signingTime } from '../sigv4/time.js';
import { checkGcsBucketName } from './bucket-name.js';
import { type GcsConfig, type GcsIssuerOptions, resolveGcsOptions } from './options.js';
import { RsaSigner } from './rsa-signer.js';

/** One request to sign. */
export interface GcsPresignOptions {
  readonly method: PresignMethod;
  readonly bucket: string;
  /** The object name; absent for bucket requests (listing). */
  readonly key?: string;
  /** Lifetime in whole seconds, 1 to 604 800 (7 days); longer is refused, not shortened. */
  readonly expiresIn: number;
  /** Headers the request will carry, signed (`x-goog-content-sha256` also signs the payload). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Further query parameters, signed. */
  readonly query?: Readonly<Record<string, string>>;
}

/** An object Par to mint. */
export interface GcsParOptions {
  readonly bucket: string;
  readonly key: string;
  /** `read` (GET, HEAD), `write` (PUT), `delete` (DELETE). */
  readonly permissions: readonly Permission[];
  /** Lifetime in whole seconds, 1 to 604 800. */
  readonly expiresIn: number;
  readonly recipients: readonly Recipient[];
  readonly name?: string;
  /** Write: the content type signed into the PUT. */
  readonly contentType?: string;
}

type Sign = (stringToSign: string, date: string) => string | Promise<string>;

/**
 * Mints GCS V4 signed URLs and Pars. Safe to log: `toString`, JSON and `inspect` show the
 * endpoint only.
 *
 * @example
 * ```ts
 * const issuer = new GcsIssuer({ serviceAccount: JSON.parse(keyFileText) });
 * const url = await issuer.presign({ method: 'GET', bucket: 'reports', key: 'q3.csv', expiresIn: 600 });
 * ```
 */
export class GcsIssuer {
  readonly #config: GcsConfig;
  readonly #query: QuerySigner;
  readonly #sign: Sign;

  /**
   * @param options - the key (service account or HMAC), endpoint, URL style, clock
   * @throws TypeError / RangeError naming the bad field (never showing a key)
   */
  constructor(options: GcsIssuerOptions) {
    this.#config = resolveGcsOptions(options);
    const { signer, region } = this.#config;
    if (signer.kind === 'rsa') {
      const rsa = new RsaSigner(signer.privateKey);
      this.#query = new QuerySigner({
        scheme: GOOG4_RSA,
        credentialId: signer.clientEmail,
        region,
        service: 'storage',
      });
      this.#sign = (stringToSign) => rsa.sign(stringToSign);
    } else {
      const hmac = new HmacSigner(GOOG4_HMAC, signer.secret);
      this.#query = new QuerySigner({
        scheme: GOOG4_HMAC,
        credentialId: signer.accessId,
        region,
        service: 'storage',
      });
      this.#sign = (stringToSign, date) => hmac.sign(stringToSign, date, region, 'storage');
    }
  }

  #locate(bucket: string, key: string | undefined): { origin: string; host: string; path: string } {
    const { endpoint, urlStyle, bucketBound } = this.#config;
    const keyPath = key === undefined ? '' : uriEncodePath(`/${key}`);
    if (urlStyle === 'bucket-bound' && bucketBound !== undefined) {
      return { origin: bucketBound.origin, host: bucketBound.host, path: keyPath === '' ? '/' : keyPath };
    }
    if (urlStyle === 'virtual-hosted') {
      const host = `${bucket}.${endpoint.host}`;
      return { origin: `${endpoint.protocol}//${host}`, host, path: keyPath === '' ? '/' : keyPath };
    }
    return { origin: endpoint.origin, host: endpoint.host, path: `/${bucket}${keyPath}` };
  }

  #url(
    method: string,
    bucket: string,
    key: string | undefined,
    expiresIn: number,
    headers: readonly Pair[],
    query: readonly Pair[],
    at: number,
  ) {
    const location = this.#locate(bucket, key);
    // GCS V4: a signed x-goog-content-sha256 header is the payload hash; otherwise UNSIGNED-PAYLOAD.
    const payloadHash = headers.find(([name]) => name.toLowerCase() === 'x-goog-content-sha256')?.[1];
    const prepared = this.#query.prepare({
      method,
      ...location,
      headers,
      query,
      expiresIn,
      time: signingTime(at),
      ...(payloadHash === undefined ? {} : { payloadHash }),
    });
    const signature = this.#sign(stringToSign(prepared), prepared.date);
    return typeof signature === 'string'
      ? Promise.resolve(prepared.unsignedUrl + signature)
      : signature.then((value) => prepared.unsignedUrl + value);
  }

  /**
   * A V4 signed URL for one request.
   *
   * @param options - method, bucket, key, lifetime, signed headers and query
   * @returns the URL (a secret)
   * @throws TypeError / RangeError naming the bad argument
   */
  presign(options: GcsPresignOptions): Promise<string> {
    if (typeof options !== 'object' || options === null)
      return Promise.reject(new TypeError('options must be an object'));
    try {
      return this.#url(
        checkMethod(options.method),
        checkGcsBucketName(options.bucket),
        options.key === undefined ? undefined : checkUrlKey(options.key),
        checkLifetime(options.expiresIn),
        headerPairs(options.headers),
        queryPairs(options.query, 'X-Goog-'),
        clockMillis(this.#config.now),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Mint a sealed object Par (driver `gcs`): one signed URL per method its permissions need.
   *
   * @param options - bucket, key, permissions, lifetime, recipients
   * @returns the sealed Par
   * @throws TypeError / RangeError naming the bad argument
   */
  async createPar(options: GcsParOptions): Promise<Par<ObjectTarget>> {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const bucket = checkGcsBucketName(options.bucket);
    const key = checkUrlKey(options.key);
    const target: ObjectTarget = { kind: 'object', bucket, key };
    const permissions = normalisePermissions(options.permissions, target);
    const expiresIn = checkLifetime(options.expiresIn);
    if (options.contentType !== undefined && !permissions.includes('write')) {
      throw new TypeError('contentType is only for Pars that grant write');
    }
    if (
      options.contentType !== undefined &&
      (typeof options.contentType !== 'string' || !/^[\x21-\x7e][\x20-\x7e]*$/.test(options.contentType))
    ) {
      throw new TypeError('contentType must be a printable ASCII media type');
    }
    const at = clockMillis(this.#config.now);
    const sign = (method: string, headers: readonly Pair[] = []) =>
      this.#url(method, bucket, key, expiresIn, headers, [], at);
    const set: { -readonly [K in keyof UrlSetSecret]: UrlSetSecret[K] } = { v: 1, kind: 'urls' };
    if (permissions.includes('read')) [set.get, set.head] = await Promise.all([sign('GET'), sign('HEAD')]);
    if (permissions.includes('write')) {
      const headers: Pair[] =
        options.contentType === undefined ? [] : [['content-type', options.contentType]];
      set.put = await sign('PUT', headers);
      if (options.contentType !== undefined) set.putHeaders = { 'content-type': options.contentType };
    }
    if (permissions.includes('delete')) set.delete = await sign('DELETE');
    return Par.create({
      url: JSON.stringify(set),
      driver: 'gcs',
      target,
      permissions,
      expires: DateTime.fromMillis(Math.floor(at / 1000) * 1000 + expiresIn * 1000, { zone: 'utc' }),
      recipients: options.recipients,
      created: DateTime.fromMillis(at, { zone: 'utc' }),
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(this.#config.now === undefined ? {} : { now: this.#config.now }),
    });
  }

  /** `GcsIssuer(endpoint)`: never a key. */
  toString(): string {
    return `GcsIssuer(${this.#config.endpoint.origin})`;
  }

  /** The safe summary. */
  toJSON(): { endpoint: string } {
    return { endpoint: this.#config.endpoint.origin };
  }

  /** What `util.inspect` shows. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
