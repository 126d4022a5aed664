/**
 * What a Par points at: one object, a bucket (optionally narrowed to a key prefix), or a
 * calculation on a compute service.
 *
 * @module
 */

/** One object, addressed by key (and by bucket, when the issuer names one). */
export interface ObjectTarget {
  readonly kind: 'object';
  readonly key: string;
  readonly bucket?: string;
}

/** A whole bucket, or only the keys under `prefix`. */
export interface BucketTarget {
  readonly kind: 'bucket';
  readonly bucket?: string;
  readonly prefix?: string;
}

/** A named calculation on a compute service. */
export interface CalculationTarget {
  readonly kind: 'calculation';
  readonly name: string;
}

/** What a Par points at. */
export type Target = ObjectTarget | BucketTarget | CalculationTarget;

/** Longest object key, in UTF-8 bytes (the S3 and Azure limit). */
export const MAX_KEY_BYTES = 1024;
/** Longest bucket or calculation name, in characters. */
export const MAX_NAME_LENGTH = 255;

const encoder = new TextEncoder();

function checkText(value: unknown, argument: string, maxBytes: number): string {
  if (typeof value !== 'string') throw new TypeError(`${argument} must be a string`);
  if (value.length === 0) throw new RangeError(`${argument} must not be empty`);
  if (!value.isWellFormed()) throw new RangeError(`${argument} must be well-formed Unicode`);
  if (encoder.encode(value).length > maxBytes)
    throw new RangeError(`${argument} must be at most ${maxBytes} bytes`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new RangeError(`${argument} must not contain control characters`);
  return value;
}

/**
 * Validate a target and return a frozen copy holding only the known fields.
 *
 * @param target - the target to check
 * @returns a normalised, frozen target
 * @throws TypeError or RangeError naming the bad field
 */
export function normaliseTarget(target: Target): Target {
  if (typeof target !== 'object' || target === null) throw new TypeError('target must be an object');
  switch (target.kind) {
    case 'object': {
      const key = checkText(target.key, 'target.key', MAX_KEY_BYTES);
      return Object.freeze(
        target.bucket === undefined
          ? { kind: 'object', key }
          : { kind: 'object', key, bucket: checkText(target.bucket, 'target.bucket', MAX_NAME_LENGTH) },
      );
    }
    case 'bucket': {
      const result: { kind: 'bucket'; bucket?: string; prefix?: string } = { kind: 'bucket' };
      if (target.bucket !== undefined)
        result.bucket = checkText(target.bucket, 'target.bucket', MAX_NAME_LENGTH);
      if (target.prefix !== undefined && target.prefix !== '') {
        result.prefix = checkText(target.prefix, 'target.prefix', MAX_KEY_BYTES);
      }
      return Object.freeze(result);
    }
    case 'calculation':
      return Object.freeze({
        kind: 'calculation',
        name: checkText(target.name, 'target.name', MAX_NAME_LENGTH),
      });
    default:
      throw new RangeError("target.kind must be 'object', 'bucket' or 'calculation'");
  }
}

/**
 * A short, non-secret description of a target for messages and `toString`.
 *
 * @param target - the target to describe
 */
export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'object':
      return `object ${JSON.stringify(target.bucket === undefined ? target.key : `${target.bucket}/${target.key}`)}`;
    case 'bucket': {
      const where = `${target.bucket ?? ''}${target.prefix === undefined ? '' : `/${target.prefix}`}`;
      return where === '' ? 'bucket' : `bucket ${JSON.stringify(where)}`;
    }
    case 'calculation':
      return `calculation ${JSON.stringify(target.name)}`;
  }
}
