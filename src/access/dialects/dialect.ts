/**
 * The contract of a dialect: how one family of secrets (a URL shape) becomes endpoints.
 *
 * @module
 */
import type { Par } from '../../par/par.js';
import type { BucketEndpoint, ObjectEndpoint } from '../endpoint.js';
import type { RunnerEndpoint } from '../job-endpoint.js';
import type { AccessOptions } from '../options.js';

/** What `send()` needs for one request. */
export interface SendContext {
  /**
   * The fetch to use. `platformFetch` (the default) lets `send()` use the runtime's own HTTP
   * client instead (on Node: `node:http`, streamed uploads, keep-alive).
   */
  readonly fetch: typeof fetch;
  /**
   * The Par the request is made through: its expiry (with the safety buffer) is checked before
   * every attempt. Absent for an issuer's own requests (STS, starting a multipart upload).
   */
  readonly par?: Par;
  /** The reader's or writer's options: clock, buffer, retries, timeout, parts, ranges. */
  readonly options?: AccessOptions;
}

/** What a dialect is given besides the secret. */
export interface DialectContext extends SendContext {
  /** The Par being used (metadata only). */
  readonly par: Par;
}

/** One URL family. Absent members mean "this dialect cannot do that". */
export interface Dialect {
  /** Endpoint for an object Par. */
  object?(secret: string, context: DialectContext): ObjectEndpoint;
  /** Endpoint for a bucket Par. */
  bucket?(secret: string, context: DialectContext): BucketEndpoint;
  /** Endpoint for an executable (calculation) Par. */
  runner?(secret: string, context: DialectContext): RunnerEndpoint;
  /** Revoke the grant at its issuer. */
  close?(secret: string, context: DialectContext): Promise<void>;
}
