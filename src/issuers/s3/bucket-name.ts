/**
 * S3 bucket naming rules (AWS S3 "General purpose bucket naming rules"), checked before a
 * request is signed so that a bad name fails here, clearly, instead of as a signature error.
 *
 * @internal
 * @module
 */

const SHAPE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_LIKE = /^\d{1,3}(\.\d{1,3}){3}$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/**
 * Validate an S3 bucket name.
 *
 * @param value - the name
 * @param argument - the argument name for messages
 * @returns the name
 * @throws TypeError when not a string; RangeError naming the rule broken
 */
export function checkS3BucketName(value: unknown, argument = 'bucket'): string {
  if (typeof value !== 'string') throw new TypeError(`${argument} must be a string`);
  if (!SHAPE.test(value)) {
    throw new RangeError(
      `${argument} must be 3–63 characters of lower-case letters, digits, "." and "-", starting and ending with a letter or digit`,
    );
  }
  if (value.includes('..')) throw new RangeError(`${argument} must not contain two adjacent periods`);
  if (IP_LIKE.test(value)) throw new RangeError(`${argument} must not be formatted as an IP address`);
  if (RESERVED_PREFIXES.some((prefix) => value.startsWith(prefix))) {
    throw new RangeError(`${argument} must not start with ${RESERVED_PREFIXES.join(', ')}`);
  }
  if (RESERVED_SUFFIXES.some((suffix) => value.endsWith(suffix))) {
    throw new RangeError(`${argument} must not end with ${RESERVED_SUFFIXES.join(', ')}`);
  }
  return value;
}

/**
 * Whether a bucket can be the first label of a virtual-hosted host name over TLS (no dots, which
 * would break the wildcard certificate).
 *
 * @param bucket - a valid bucket name
 */
export function isVirtualHostable(bucket: string): boolean {
  return !bucket.includes('.');
}
