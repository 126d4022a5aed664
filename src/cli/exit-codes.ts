/**
 * The `parkit` command's exit codes (documented in docs/cli.md).
 *
 * @module
 */
import { isParkitError, type ParkitErrorCode } from '../par/errors.js';

/** Exit codes by meaning. */
export const EXIT = Object.freeze({
  ok: 0,
  /** Anything not listed below. */
  failure: 1,
  /** Bad arguments or options. */
  usage: 2,
  expired: 3,
  denied: 4,
  notFound: 5,
  /** Wrong identity, or the Par was altered. */
  decryption: 6,
  /** Malformed token or data. */
  format: 7,
  /** Network or store failure. */
  transfer: 8,
  /** The driver cannot do this (e.g. revoke a plain pre-signed URL). */
  notSupported: 9,
  /** The operation conflicts with the current state. */
  conflict: 10,
  /** A calculation refused its arguments. */
  argumentRejected: 11,
  /** An executable Par's runs are used up. */
  quotaExhausted: 12,
  /** A job failed (threw, ran out of memory, crashed, or was interrupted). */
  jobFailed: 13,
  /** A job ran past its time limit. */
  jobTimedOut: 14,
  /** A job was stopped (by `stop()` from elsewhere; Ctrl-C in `parkit run` exits 130). */
  jobStopped: 15,
  /** Stopped by Ctrl-C (SIGINT), as shells count it. */
  interrupted: 130,
});

const BY_CODE: Partial<Record<ParkitErrorCode, number>> = {
  PARKIT_EXPIRED: EXIT.expired,
  PARKIT_PERMISSION_DENIED: EXIT.denied,
  PARKIT_NOT_FOUND: EXIT.notFound,
  PARKIT_DECRYPTION_FAILED: EXIT.decryption,
  PARKIT_TAMPERED: EXIT.decryption,
  PARKIT_INVALID_FORMAT: EXIT.format,
  PARKIT_TRANSFER_FAILED: EXIT.transfer,
  PARKIT_REMOTE_SERVICE: EXIT.transfer,
  PARKIT_NOT_SUPPORTED: EXIT.notSupported,
  PARKIT_CONFLICT: EXIT.conflict,
  PARKIT_ARGUMENT_REJECTED: EXIT.argumentRejected,
  PARKIT_QUOTA_EXHAUSTED: EXIT.quotaExhausted,
};

function jobExit(reason: unknown): number {
  if (reason === 'timed-out') return EXIT.jobTimedOut;
  if (reason === 'stopped') return EXIT.jobStopped;
  return EXIT.jobFailed;
}

/**
 * The exit code for an error.
 *
 * @param error - what was thrown
 */
export function exitCodeFor(error: unknown): number {
  if (isParkitError(error, 'PARKIT_JOB_FAILED')) return jobExit((error as { reason?: unknown }).reason);
  if (isParkitError(error)) return BY_CODE[error.code] ?? EXIT.failure;
  if (error instanceof Error && error.name === 'AbortError') return EXIT.interrupted;
  if (error instanceof TypeError || error instanceof RangeError) return EXIT.usage;
  return EXIT.failure;
}
