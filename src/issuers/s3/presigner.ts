/**
 * The S3 pre-signer: URLs for one set of credentials on one endpoint, path-style or
 * virtual-hosted. Both the issuer and the `s3` dialect (which signs each request itself when a
 * Par carries temporary credentials) use it, so there is one S3 signing path.
 *
 * @internal
 * @module
 */
import type { Pair } from '../sigv4/canonical.js';
import { uriEncodePath } from '../sigv4/encode.js';
import { HmacSigner } from '../sigv4/hmac-signer.js';
import { QuerySigner } from '../sigv4/query-signer.js';
import { AWS_SIGV4 } from '../sigv4/scheme.js';
import { signingTime } from '../sigv4/time.js';

/** What the pre-signer needs (already validated). */
export interface S3PresignerConfig {
  readonly endpoint: URL;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** true: `endpoint/bucket/key`; false: `bucket.endpoint/key`. */
  readonly pathStyle: boolean;
}

/** One request to pre-sign (arguments already validated). */
export interface S3Request {
  readonly method: string;
  readonly bucket: string;
  /** Absent for bucket operations (listing, POST). */
  readonly key?: string;
  readonly query?: readonly Pair[];
  readonly headers?: readonly Pair[];
  readonly expiresIn: number;
  /** Signing time, epoch milliseconds. */
  readonly at: number;
}

/** Where a request goes. */
export interface S3Location {
  readonly origin: string;
  readonly host: string;
  /** The encoded path (also the canonical URI: S3 encodes keys once, never normalises). */
  readonly path: string;
}

/** Pre-signs S3 requests for one set of credentials. */
export class S3Presigner {
  readonly #config: S3PresignerConfig;
  readonly #query: QuerySigner;
  readonly #hmac: HmacSigner;

  /** @param config - validated endpoint, region, credentials and addressing style */
  constructor(config: S3PresignerConfig) {
    this.#config = config;
    this.#query = new QuerySigner({
      scheme: AWS_SIGV4,
      credentialId: config.accessKeyId,
      region: config.region,
      service: 's3',
      ...(config.sessionToken === undefined ? {} : { sessionToken: config.sessionToken }),
    });
    this.#hmac = new HmacSigner(AWS_SIGV4, config.secretAccessKey);
  }

  /** The credentials' signer, for requests signed in headers (POST policies). */
  get hmac(): HmacSigner {
    return this.#hmac;
  }

  /**
   * Where a request for `bucket` (and `key`) goes.
   *
   * @param bucket - the bucket
   * @param key - the object key, if any
   */
  locate(bucket: string, key?: string): S3Location {
    const { endpoint, pathStyle } = this.#config;
    const keyPath = key === undefined ? '' : uriEncodePath(`/${key}`);
    if (pathStyle) return { origin: endpoint.origin, host: endpoint.host, path: `/${bucket}${keyPath}` };
    const host = `${bucket}.${endpoint.host}`;
    return { origin: `${endpoint.protocol}//${host}`, host, path: keyPath === '' ? '/' : keyPath };
  }

  /**
   * A pre-signed URL.
   *
   * @param request - method, bucket, key, extra query and headers, lifetime, time
   * @returns the URL (a secret)
   */
  url(request: S3Request): string {
    const location = this.locate(request.bucket, request.key);
    const prepared = this.#query.prepare({
      method: request.method,
      origin: location.origin,
      host: location.host,
      path: location.path,
      ...(request.query === undefined ? {} : { query: request.query }),
      ...(request.headers === undefined ? {} : { headers: request.headers }),
      expiresIn: request.expiresIn,
      time: signingTime(request.at),
    });
    return (
      prepared.unsignedUrl +
      this.#hmac.signParts(prepared.head, prepared.hash, prepared.date, this.#config.region, 's3')
    );
  }
}
