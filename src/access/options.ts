/**
 * Options shared by readers, writers and runners.
 *
 * @module
 */
import type { Clock } from '../par/expiry.js';

/** How a reader, writer or runner reaches the network and reads the time. */
export interface AccessOptions {
  /** The fetch to use (defaults to the global one). */
  readonly fetch?: typeof fetch;
  /** Clock for the expiry check made before every request (defaults to the Par's own). */
  readonly now?: Clock;
  /** Safety buffer in seconds: requests are refused when no more than this remains (default 30). */
  readonly buffer?: number;
}

/** Options every single operation accepts. */
export interface OperationOptions {
  /** Cancels the operation. */
  readonly signal?: AbortSignal;
}
