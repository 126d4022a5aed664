/**
 * When and how long to wait before trying a request again: exponential backoff with full jitter,
 * `Retry-After` honoured, and which failures are worth another attempt at all.
 *
 * @module
 */

/** How requests are retried. Every field is optional; the defaults suit object stores. */
export interface RetryOptions {
  /** Most attempts per request, the first included (default 4; 1 turns retries off). */
  readonly attempts?: number;
  /** Backoff base in milliseconds: attempt n waits up to `baseDelay × 2^(n-1)` (default 250). */
  readonly baseDelay?: number;
  /** Longest backoff wait in milliseconds (default 10 000). */
  readonly maxDelay?: number;
  /**
   * Longest `Retry-After` a server may ask for, in milliseconds (default 60 000). A longer one is
   * not waited for: the request fails at once with the server's status.
   */
  readonly maxRetryAfter?: number;
  /** Randomness for the jitter, in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
  /** How to wait (default a timer); tests inject one that records the delays. */
  readonly sleep?: (milliseconds: number, signal: AbortSignal | undefined) => Promise<void>;
}

/** {@link RetryOptions} with every default filled in. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelay: number;
  readonly maxDelay: number;
  readonly maxRetryAfter: number;
  readonly random: () => number;
  readonly sleep: (milliseconds: number, signal: AbortSignal | undefined) => Promise<void>;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`retry.${name} must be a non-negative number of milliseconds`);
  }
  return value;
}

/**
 * Wait `milliseconds`, or less if `signal` aborts (then reject with its reason).
 *
 * @param milliseconds - how long
 * @param signal - cancels the wait
 */
export function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Fill in and check retry options.
 *
 * @param options - what the caller asked for
 * @throws RangeError naming a bad field
 */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const attempts = options.attempts ?? 4;
  if (!Number.isSafeInteger(attempts) || attempts < 1) {
    throw new RangeError('retry.attempts must be a positive integer');
  }
  return {
    attempts,
    baseDelay: nonNegative(options.baseDelay, 250, 'baseDelay'),
    maxDelay: nonNegative(options.maxDelay, 10_000, 'maxDelay'),
    maxRetryAfter: nonNegative(options.maxRetryAfter, 60_000, 'maxRetryAfter'),
    random: options.random ?? Math.random,
    sleep: options.sleep ?? sleep,
  };
}

/**
 * Whether an HTTP status is worth another attempt: 408, 429 and the 5xx that mean "try later"
 * (not 501 Not Implemented or 505 Version Not Supported). Denied, expired and not-found answers
 * never are.
 *
 * @param status - the status received
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds (RFC 9110 §10.2.3: delay seconds or
 * an HTTP date), or undefined when absent or unreadable.
 *
 * @param header - the header's value
 * @param now - the current time, epoch milliseconds
 */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before attempt `attempt + 1` after attempt `attempt` failed: the server's
 * `Retry-After` when it gave one, otherwise full jitter, a uniform draw in
 * `[0, min(maxDelay, baseDelay × 2^(attempt-1)))`.
 *
 * @param attempt - the attempt that just failed, from 1
 * @param policy - the retry policy
 * @param retryAfter - what the server asked for, in milliseconds
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, retryAfter?: number): number {
  if (retryAfter !== undefined) return retryAfter;
  const ceiling = Math.min(policy.maxDelay, policy.baseDelay * 2 ** (attempt - 1));
  return Math.floor(policy.random() * ceiling);
}
