/**
 * The contract of a dialect: how one family of secrets (a URL shape) becomes endpoints.
 *
 * @module
 */
import type { Par } from '../../par/par.js';
import type { BucketEndpoint, ObjectEndpoint } from '../endpoint.js';
import type { RunnerEndpoint } from '../job-endpoint.js';

/** What a dialect is given besides the secret. */
export interface DialectContext {
  /** The Par being used (metadata only). */
  readonly par: Par;
  /** The fetch to use. */
  readonly fetch: typeof fetch;
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
