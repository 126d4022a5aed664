/**
 * The lifetime rule shared by SigV4 and GCS V4 pre-signed URLs: whole seconds, from 1 to
 * 604 800 (7 days), the most either service accepts.
 *
 * @internal
 * @module
 */

/** The longest validity of a pre-signed URL: 7 days, in seconds (AWS S3 and GCS documentation). */
export const MAX_PRESIGN_SECONDS = 604_800;

/**
 * Validate a pre-signed URL lifetime. Longer lifetimes are refused rather than silently
 * shortened, so that a link never dies earlier than its creator was told.
 *
 * @param value - seconds
 * @param argument - the argument's name for the message
 * @returns the lifetime
 * @throws TypeError when not a number; RangeError when not a whole number of seconds in 1…604 800
 */
export function checkLifetime(value: unknown, argument = 'expiresIn'): number {
  if (typeof value !== 'number') throw new TypeError(`${argument} must be a number of seconds`);
  if (!Number.isInteger(value) || value < 1 || value > MAX_PRESIGN_SECONDS) {
    throw new RangeError(
      `${argument} must be a whole number of seconds from 1 to ${MAX_PRESIGN_SECONDS} (7 days, the longest a pre-signed URL can live)`,
    );
  }
  return value;
}
