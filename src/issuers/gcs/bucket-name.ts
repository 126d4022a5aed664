/**
 * GCS bucket naming rules (Cloud Storage "Bucket naming requirements").
 *
 * @internal
 * @module
 */

const SHAPE = /^[a-z0-9][a-z0-9._-]*[a-z0-9]$/;

/**
 * Validate a GCS bucket name.
 *
 * @param value - the name
 * @returns the name
 * @throws TypeError when not a string; RangeError naming the rule broken
 */
export function checkGcsBucketName(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError('bucket must be a string');
  const dotted = value.includes('.');
  if (value.length < 3 || value.length > (dotted ? 222 : 63) || !SHAPE.test(value)) {
    throw new RangeError(
      'bucket must be 3–63 characters (222 with dots) of lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
    );
  }
  if (value.split('.').some((label) => label.length === 0 || label.length > 63)) {
    throw new RangeError('bucket must not have empty dot-separated parts or parts longer than 63 characters');
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) throw new RangeError('bucket must not be an IP address');
  if (value.startsWith('goog') || /g[o0]{2}gle/.test(value)) {
    throw new RangeError('bucket must not start with "goog" or contain "google"');
  }
  return value;
}
