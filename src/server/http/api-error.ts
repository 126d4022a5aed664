/**
 * Refusals of the HTTP API: a status, a stable code and a message, sent as
 * `{ "code": "…", "message": "…" }`. Messages never carry a token, key or host path.
 *
 * @module
 */
import { StoreError, type StoreErrorCode } from '../storage/errors.js';

/** A refusal with its HTTP status and stable code. */
export class ApiError extends Error {
  override name = 'ApiError';
  /** HTTP status. */
  readonly status: number;
  /** Stable machine code (documented in docs/server.md). */
  readonly code: string;
  /** Extra non-secret fields sent with the refusal (e.g. `argument`). */
  readonly details: Readonly<Record<string, string>> | undefined;

  /**
   * @param status - HTTP status
   * @param code - stable code
   * @param message - a sentence without secrets or host paths
   * @param details - extra non-secret fields for the JSON body
   */
  constructor(status: number, code: string, message: string, details?: Readonly<Record<string, string>>) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const STORE_STATUS: Record<StoreErrorCode, number> = {
  NOT_FOUND: 404,
  PRECONDITION_FAILED: 412,
  KEY_CONFLICT: 409,
  INVALID_KEY: 400,
  KEY_TOO_LONG: 400,
  BODY_TOO_LARGE: 413,
  INCOMPLETE_BODY: 400,
  CHECKSUM_MISMATCH: 400,
  DATA_DIR_IN_USE: 503,
};

/**
 * The API error for anything thrown while handling a request: API and store errors keep their
 * code; anything else becomes a bare 500 (its details go to the log, never to the client).
 *
 * @param error - what was thrown
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreError) return new ApiError(STORE_STATUS[error.code], error.code, error.message);
  return new ApiError(500, 'INTERNAL', 'the server failed to handle the request');
}
