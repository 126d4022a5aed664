/**
 * `S3Issuer`: pre-signed URLs, POST policies, multipart uploads and sealed Pars for any
 * S3-compatible store (AWS S3, Ceph RGW, MinIO, R2…), signed by parkit's own SigV4 code.
 *
 * @module
 */

import { createUpload, s3PartUpload } from '../../access/dialects/s3/multipart.js';
import type { ObjectStat, UploadedPart } from '../../access/endpoint.js';
import type { Par } from '../../par/par.js';
import type { BucketTarget, ObjectTarget } from '../../par/target.js';
import type { Pair } from '../sigv4/canonical.js';
import { checkLifetime } from '../sigv4/lifetime.js';
import {
  checkMethod,
  checkUrlKey,
  headerPairs,
  type PresignMethod,
  queryPairs,
} from '../sigv4/request-input.js';
import { checkS3BucketName, isVirtualHostable } from './bucket-name.js';
import { clockMillis, resolveS3Options, type S3Config, type S3IssuerOptions } from './options.js';
import { createS3Par, type S3ParOptions } from './pars.js';
import { type S3PostForm, signPostPolicy } from './post-policy.js';
import { S3Presigner } from './presigner.js';
import { issuerContext } from './transport.js';

/** One request to pre-sign. */
export interface S3PresignOptions {
  readonly method: PresignMethod;
  readonly bucket: string;
  /** The object key; absent for bucket requests such as ListObjectsV2 (`query: { 'list-type': '2' }`). */
  readonly key?: string;
  /** Lifetime in whole seconds, 1 to 604 800 (7 days); longer is refused, not shortened. */
  readonly expiresIn: number;
  /** Headers the request will carry, signed (e.g. `content-type`, `x-amz-checksum-sha256`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Further query parameters, signed (e.g. `response-content-disposition`, `partNumber`). */
  readonly query?: Readonly<Record<string, string>>;
}

/** A POST policy to sign. */
export interface S3PostOptions {
  readonly bucket: string;
  /** Keys must start with this (default `''`: any key). */
  readonly prefix?: string;
  /** Or exactly this key (then `prefix` must be absent). */
  readonly key?: string;
  /** Smallest upload in bytes (default 0). */
  readonly minSize?: number;
  /** Largest upload in bytes (default 5 GiB, S3's limit for one POST). */
  readonly maxSize?: number;
  /** The content type the upload must declare (default: any). */
  readonly contentType?: string;
  /** Lifetime in whole seconds, 1 to 604 800. */
  readonly expiresIn: number;
}

/** One object's multipart upload. */
export interface S3UploadOptions {
  readonly bucket: string;
  readonly key: string;
  readonly signal?: AbortSignal;
}

/** Largest single POST upload S3 takes: 5 GiB. */
export const MAX_POST_BYTES = 5 * 1024 ** 3;

const IP_HOST = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i;

/**
 * Mints pre-signed S3 URLs and Pars with one set of credentials. Synchronous and fast: the
 * signing key is derived once per day and region, and every URL costs one SHA-256 and one HMAC.
 *
 * Safe to log: `toString`, `JSON.stringify` and `inspect` show the endpoint and region only.
 *
 * @example
 * ```ts
 * const issuer = new S3Issuer({
 *   endpoint: 'https://s3.eu-west-1.amazonaws.com',
 *   region: 'eu-west-1',
 *   accessKeyId: 'AKIA…',
 *   secretAccessKey: '…',
 * });
 * const url = issuer.presign({ method: 'GET', bucket: 'reports', key: 'q3.csv', expiresIn: 3600 });
 * const par = await issuer.createPar({
 *   bucket: 'reports', key: 'q3.csv', permissions: ['read'], expiresIn: 3600, recipients: [recipient],
 * });
 * ```
 */
export class S3Issuer {
  readonly #config: S3Config;
  readonly #presigners = new Map<boolean, S3Presigner>();
  // Bucket names already checked (the check is three regular expressions; the hot path skips it).
  readonly #buckets = new Set<string>();

  /**
   * @param options - endpoint, region, credentials, addressing, clock, STS for bucket Pars
   * @throws TypeError / RangeError naming the bad field (never showing a credential)
   */
  constructor(options: S3IssuerOptions) {
    this.#config = resolveS3Options(options);
  }

  /** @internal The checked configuration, without the secret key (Pars sign through {@link S3Issuer.presignerFor}). */
  get settings(): Omit<S3Config, 'secretAccessKey'> {
    const { secretAccessKey: _secret, ...settings } = this.#config;
    return settings;
  }

  /** @internal Whether requests for `bucket` use path-style URLs. */
  pathStyleFor(bucket: string): boolean {
    const { forcePathStyle, endpoint } = this.#config;
    if (forcePathStyle !== undefined) return forcePathStyle;
    return IP_HOST.test(endpoint.hostname) || endpoint.hostname === 'localhost' || !isVirtualHostable(bucket);
  }

  /** @internal The pre-signer for `bucket`'s addressing style. */
  presignerFor(bucket: string): S3Presigner {
    const pathStyle = this.pathStyleFor(bucket);
    let presigner = this.#presigners.get(pathStyle);
    if (presigner === undefined) {
      const { endpoint, region, accessKeyId, secretAccessKey, sessionToken } = this.#config;
      presigner = new S3Presigner({
        endpoint,
        region,
        accessKeyId,
        secretAccessKey,
        ...(sessionToken === undefined ? {} : { sessionToken }),
        pathStyle,
      });
      this.#presigners.set(pathStyle, presigner);
    }
    return presigner;
  }

  /** @internal Validate a bucket name once. */
  checkBucket(bucket: unknown): string {
    if (typeof bucket === 'string' && this.#buckets.has(bucket)) return bucket;
    const name = checkS3BucketName(bucket);
    if (this.#buckets.size < 256) this.#buckets.add(name);
    return name;
  }

  /** @internal The signing time now, epoch milliseconds. */
  now(): number {
    return clockMillis(this.#config.now);
  }

  /**
   * A pre-signed URL for one request.
   *
   * @param options - method, bucket, key, lifetime, signed headers and query
   * @returns the URL (a secret: hand it over sealed, e.g. with {@link S3Issuer.createPar})
   * @throws TypeError / RangeError naming the bad argument
   * @example
   * ```ts
   * const put = issuer.presign({
   *   method: 'PUT', bucket: 'inbox', key: 'report.csv', expiresIn: 900,
   *   headers: { 'content-type': 'text/csv' },
   * });
   * ```
   */
  presign(options: S3PresignOptions): string {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const bucket = this.checkBucket(options.bucket);
    const method = checkMethod(options.method);
    const expiresIn = checkLifetime(options.expiresIn);
    const key = options.key === undefined ? undefined : checkUrlKey(options.key);
    const headers = options.headers === undefined ? undefined : headerPairs(options.headers);
    const query = options.query === undefined ? undefined : queryPairs(options.query, 'X-Amz-');
    return this.presignerFor(bucket).url({
      method,
      bucket,
      ...(key === undefined ? {} : { key }),
      ...(headers === undefined ? {} : { headers }),
      ...(query === undefined ? {} : { query }),
      expiresIn,
      at: this.now(),
    });
  }

  /**
   * A signed POST policy: a browser (or any client) uploads a form to `url` with `fields`, a
   * `key` within the prefix and the file last. The store refuses other keys and sizes.
   *
   * @param options - bucket, prefix or key, size range, content type, lifetime
   * @returns the URL and form fields (secrets)
   * @throws TypeError / RangeError naming the bad argument
   */
  presignPost(options: S3PostOptions): S3PostForm {
    return this.presignPostAt(options, this.now());
  }

  /** @internal {@link S3Issuer.presignPost} signed at `at` (epoch ms). */
  presignPostAt(options: S3PostOptions, at: number): S3PostForm {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const bucket = this.checkBucket(options.bucket);
    if (options.key !== undefined && options.prefix !== undefined) {
      throw new TypeError('give either key or prefix, not both');
    }
    const key = options.key === undefined ? undefined : checkUrlKey(options.key);
    if (options.prefix !== undefined && typeof options.prefix !== 'string') {
      throw new TypeError('prefix must be a string');
    }
    const minSize = options.minSize ?? 0;
    const maxSize = options.maxSize ?? MAX_POST_BYTES;
    if (!Number.isSafeInteger(minSize) || minSize < 0)
      throw new RangeError('minSize must be a whole number of bytes, 0 or more');
    if (!Number.isSafeInteger(maxSize) || maxSize < minSize || maxSize > MAX_POST_BYTES) {
      throw new RangeError(
        `maxSize must be a whole number of bytes from minSize to ${MAX_POST_BYTES} (5 GiB)`,
      );
    }
    if (
      options.contentType !== undefined &&
      (typeof options.contentType !== 'string' || options.contentType === '')
    ) {
      throw new TypeError('contentType must be a non-empty string');
    }
    const presigner = this.presignerFor(bucket);
    const location = presigner.locate(bucket);
    const { accessKeyId, region, sessionToken } = this.#config;
    return signPostPolicy(
      {
        url: `${location.origin}${location.path}`,
        bucket,
        ...(key === undefined ? { prefix: options.prefix ?? '' } : { key }),
        minSize,
        maxSize,
        ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
        expiresIn: checkLifetime(options.expiresIn),
        at,
      },
      { hmac: presigner.hmac, accessKeyId, region, sessionToken },
    );
  }

  /**
   * Start a multipart upload (CreateMultipartUpload) with the issuer's credentials.
   *
   * @param options - bucket, key, content type of the object, cancellation
   * @returns the upload id
   * @throws PermissionError, TransferError from the store
   */
  async createMultipartUpload(options: S3UploadOptions & { readonly contentType?: string }): Promise<string> {
    const { bucket, key } = this.#object(options);
    const url = this.presignerFor(bucket).url({
      method: 'POST',
      bucket,
      key,
      query: [['uploads', '']],
      expiresIn: 300,
      at: this.now(),
    });
    return createUpload(url, options.contentType, issuerContext(this.#config.fetch), options.signal);
  }

  /**
   * A pre-signed UploadPart URL: whoever holds it can PUT that part of that upload.
   *
   * @param options - bucket, key, upload id, part number (1–10 000), lifetime
   * @returns the URL (a secret)
   */
  presignUploadPart(
    options: S3UploadOptions & {
      readonly uploadId: string;
      readonly partNumber: number;
      readonly expiresIn: number;
    },
  ): string {
    const { bucket, key } = this.#object(options);
    const partNumber = options.partNumber;
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
      throw new RangeError('partNumber must be a whole number from 1 to 10000');
    }
    return this.presignerFor(bucket).url({
      method: 'PUT',
      bucket,
      key,
      query: [
        ['partNumber', String(partNumber)],
        ['uploadId', checkUploadId(options.uploadId)],
      ],
      expiresIn: checkLifetime(options.expiresIn),
      at: this.now(),
    });
  }

  /**
   * Finish a multipart upload (CompleteMultipartUpload): the object appears now.
   *
   * @param options - bucket, key, upload id, the parts as uploaded
   * @returns what the store reports of the object
   */
  async completeMultipartUpload(
    options: S3UploadOptions & { readonly uploadId: string; readonly parts: readonly UploadedPart[] },
  ): Promise<ObjectStat> {
    const upload = this.#upload(options);
    return upload.complete(options.parts, options.signal === undefined ? {} : { signal: options.signal });
  }

  /**
   * Give up a multipart upload (AbortMultipartUpload): the store frees its parts.
   *
   * @param options - bucket, key, upload id
   */
  async abortMultipartUpload(options: S3UploadOptions & { readonly uploadId: string }): Promise<void> {
    await this.#upload(options).abort(options.signal === undefined ? {} : { signal: options.signal });
  }

  /**
   * Mint a sealed Par (driver `s3`). An object Par (`key`) carries pre-signed URLs for the
   * methods its permissions need; a write-only bucket Par carries a POST policy; any other
   * bucket Par carries temporary credentials from STS (see `docs/s3.md`).
   *
   * @param options - bucket, key or prefix, permissions, lifetime, recipients
   * @returns the sealed Par
   * @throws TypeError / RangeError naming the bad argument; PermissionError / TransferError from STS
   */
  createPar(options: S3ParOptions & { readonly key: string }): Promise<Par<ObjectTarget>>;
  createPar(options: S3ParOptions & { readonly key?: undefined }): Promise<Par<BucketTarget>>;
  createPar(options: S3ParOptions): Promise<Par>;
  createPar(options: S3ParOptions): Promise<Par> {
    return createS3Par(this, options);
  }

  #object(options: S3UploadOptions): { bucket: string; key: string } {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    return { bucket: this.checkBucket(options.bucket), key: checkUrlKey(options.key) };
  }

  #upload(options: S3UploadOptions & { readonly uploadId: string }) {
    const { bucket, key } = this.#object(options);
    const id: Pair = ['uploadId', checkUploadId(options.uploadId)];
    const sign = (method: string) =>
      this.presignerFor(bucket).url({ method, bucket, key, query: [id], expiresIn: 300, at: this.now() });
    return s3PartUpload(
      { part: () => sign('PUT'), complete: () => sign('POST'), abort: () => sign('DELETE') },
      10_000,
      issuerContext(this.#config.fetch),
    );
  }

  /** `S3Issuer(endpoint, region)`: never a credential. */
  toString(): string {
    return `S3Issuer(${this.#config.endpoint.origin}, ${this.#config.region})`;
  }

  /** The safe summary. */
  toJSON(): { endpoint: string; region: string } {
    return { endpoint: this.#config.endpoint.origin, region: this.#config.region };
  }

  /** What `util.inspect` shows. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function checkUploadId(value: unknown): string {
  if (typeof value !== 'string' || value === '' || !value.isWellFormed()) {
    throw new TypeError('uploadId must be the non-empty id CreateMultipartUpload returned');
  }
  return value;
}
