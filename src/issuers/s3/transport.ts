/**
 * The issuer's own requests (STS, starting and finishing multipart uploads) go through the same
 * `send()` as every dialect, so they get the same typed errors, redaction, retries and timeouts.
 *
 * @internal
 * @module
 */
import type { SendContext } from '../../access/dialects/dialect.js';

/**
 * The context of a request made on no Par's behalf (no expiry to check).
 *
 * @param fetcher - the fetch to use (default: the global one)
 */
export function issuerContext(fetcher: typeof fetch | undefined): SendContext {
  return { fetch: fetcher ?? globalThis.fetch.bind(globalThis) };
}
