/**
 * What the storage layer refuses, with a stable code the HTTP layer turns into a status.
 *
 * @module
 */

/** Stable codes of storage failures. */
export type StoreErrorCode =
  | 'NOT_FOUND'
  | 'PRECONDITION_FAILED'
  | 'KEY_CONFLICT'
  | 'INVALID_KEY'
  | 'KEY_TOO_LONG'
  | 'BODY_TOO_LARGE'
  | 'INCOMPLETE_BODY'
  | 'CHECKSUM_MISMATCH'
  | 'DATA_DIR_IN_USE';

/** A refusal of the storage layer. Messages never name host paths. */
export class StoreError extends Error {
  override name = 'StoreError';
  /** Stable machine code. */
  readonly code: StoreErrorCode;

  /**
   * @param code - the stable code
   * @param message - a sentence without host paths or secrets
   */
  constructor(code: StoreErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
