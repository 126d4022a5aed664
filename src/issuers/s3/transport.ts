/**
 * The issuer's own requests (STS, starting and finishing multipart uploads) go through the same
 * `send()` as every dialect, so they get the same typed errors, redaction, retries and timeouts.
 *
 * @internal
 * @module
 */
import type { DialectContext } from '../../access/dialects/dialect.js';

/**
 * A dialect context for requests made on no Par's behalf. `send()` uses only `fetch`.
 *
 * @param fetcher - the fetch to use (default: the global one)
 */
export function issuerContext(fetcher: typeof fetch | undefined): DialectContext {
  return { fetch: fetcher ?? globalThis.fetch.bind(globalThis) } as unknown as DialectContext;
}
