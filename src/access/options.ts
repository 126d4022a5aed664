/**
 * Options shared by readers, writers and runners, and the checked settings made from them.
 *
 * @module
 */

import type { Clock } from '../par/expiry.js';
import { DEFAULT_BUFFER_SECONDS } from '../par/expiry.js';
import { type RetryOptions, type RetryPolicy, retryPolicy } from './retry.js';

const MiB = 1024 * 1024;

/** How large uploads are split when the store takes uploads in parts. */
export interface PartOptions {
  /** Uploads of at least this many bytes go in parts (default 64 MiB). */
  readonly threshold?: number;
  /** Size of each part but the last, raised to the store's minimum when smaller (default 16 MiB). */
  readonly size?: number;
  /** Parts in flight at once (default 4). Memory used is about `size × (concurrency + 1)`. */
  readonly concurrency?: number;
}

/** How large downloads to a file are fetched as parallel byte ranges. */
export interface RangeOptions {
  /** Objects of at least this many bytes are fetched in ranges (default 64 MiB). */
  readonly threshold?: number;
  /** Bytes per range request (default 16 MiB). */
  readonly size?: number;
  /** Range requests in flight at once (default 4). */
  readonly concurrency?: number;
}

/** How a reader, writer or runner reaches the network and reads the time. */
export interface AccessOptions {
  /**
   * The fetch to use. By default parkit uses the runtime's own HTTP stack: on Node its
   * `node:http`/`node:https` client (keep-alive, uploads streamed with bounded memory), the web
   * `fetch` elsewhere. A fetch given here is used for every request.
   */
  readonly fetch?: typeof fetch;
  /** Clock for the expiry check made before every request (defaults to the Par's own). */
  readonly now?: Clock;
  /** Safety buffer in seconds: requests are refused when no more than this remains (default 30). */
  readonly buffer?: number;
  /** Retries of failed requests (network errors, timeouts, 408, 429, 5xx). */
  readonly retry?: RetryOptions;
  /**
   * Milliseconds a request may go without progress (no answer, no byte sent or received) before
   * it is abandoned and, if allowed, retried (default 30 000).
   */
  readonly timeout?: number;
  /** Uploads in parts, for stores that take them. */
  readonly parts?: PartOptions;
  /** Parallel byte ranges for large downloads to a file; `false` turns them off. */
  readonly ranges?: RangeOptions | false;
}

/** Options every single operation accepts. */
export interface OperationOptions {
  /** Cancels the operation. */
  readonly signal?: AbortSignal;
}

/** {@link AccessOptions} checked, with every default filled in. */
export interface TransferSettings {
  readonly retry: RetryPolicy;
  readonly timeout: number;
  readonly parts: Required<PartOptions>;
  readonly ranges: Required<RangeOptions> | undefined;
  readonly buffer: number;
  readonly now: Clock | undefined;
}

function positive(value: number | undefined, fallback: number, name: string, integer = true): number {
  if (value === undefined) return fallback;
  const ok = integer ? Number.isSafeInteger(value) : Number.isFinite(value);
  if (typeof value !== 'number' || !ok || value <= 0) {
    throw new RangeError(`${name} must be a positive ${integer ? 'integer' : 'number'}`);
  }
  return value;
}

const cache = new WeakMap<AccessOptions, TransferSettings>();

/**
 * Check access options once and fill in the defaults.
 *
 * @param options - what the caller gave
 * @throws RangeError naming the option that is wrong
 */
export function transferSettings(options: AccessOptions = {}): TransferSettings {
  const cached = cache.get(options);
  if (cached !== undefined) return cached;
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new TypeError('fetch must be a function');
  }
  const buffer = options.buffer ?? DEFAULT_BUFFER_SECONDS;
  if (typeof buffer !== 'number' || !Number.isFinite(buffer) || buffer < 0) {
    throw new RangeError('buffer must be a non-negative number of seconds');
  }
  const ranges = options.ranges === false ? undefined : (options.ranges ?? {});
  const settings: TransferSettings = {
    retry: retryPolicy(options.retry),
    timeout: positive(options.timeout, 30_000, 'timeout', false),
    parts: {
      threshold: positive(options.parts?.threshold, 64 * MiB, 'parts.threshold'),
      size: positive(options.parts?.size, 16 * MiB, 'parts.size'),
      concurrency: positive(options.parts?.concurrency, 4, 'parts.concurrency'),
    },
    ranges:
      ranges === undefined
        ? undefined
        : {
            threshold: positive(ranges.threshold, 64 * MiB, 'ranges.threshold'),
            size: positive(ranges.size, 16 * MiB, 'ranges.size'),
            concurrency: positive(ranges.concurrency, 4, 'ranges.concurrency'),
          },
    buffer,
    now: options.now,
  };
  cache.set(options, settings);
  return settings;
}
