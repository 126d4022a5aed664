/**
 * Rules for bucket names and object keys on the server. Keys become file paths in the
 * filesystem store, so anything that could climb out of a bucket, or that a filesystem cannot
 * hold, is refused before any file is touched.
 *
 * @module
 */
import { StoreError } from './errors.js';

/** Longest object key, in UTF-8 bytes (the S3 and OCI limit). */
export const MAX_KEY_BYTES = 1024;
/** Longest segment between slashes, in UTF-8 bytes (what filesystems allow in one name). */
export const MAX_SEGMENT_BYTES = 255;

const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f\\]/;

/**
 * Whether `name` is a valid user bucket name: 1–63 letters, digits, `_`, `.` or `-`, starting
 * with a letter or digit (so never the reserved `.parkit`).
 *
 * @param name - the candidate
 */
export function isBucketName(name: unknown): name is string {
  return typeof name === 'string' && BUCKET_NAME.test(name) && name !== '.' && !name.includes('..');
}

/**
 * Validate an object key: non-empty well-formed Unicode, at most 1024 UTF-8 bytes, no control
 * characters or backslashes, no leading or trailing `/`, no empty, `.` or `..` segment, no
 * segment over 255 bytes.
 *
 * @param key - the decoded key
 * @returns the key
 * @throws StoreError `INVALID_KEY` or `KEY_TOO_LONG`
 */
export function checkKey(key: string): string {
  if (key.length === 0) throw new StoreError('INVALID_KEY', 'the object name is empty');
  if (!key.isWellFormed()) throw new StoreError('INVALID_KEY', 'the object name is not well-formed Unicode');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new StoreError('KEY_TOO_LONG', `the object name is longer than ${MAX_KEY_BYTES} bytes`);
  }
  if (FORBIDDEN.test(key)) {
    throw new StoreError('INVALID_KEY', 'the object name contains a control character or a backslash');
  }
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new StoreError(
        'INVALID_KEY',
        'the object name must not start or end with "/" or contain empty, "." or ".." segments',
      );
    }
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      throw new StoreError(
        'KEY_TOO_LONG',
        `a part of the object name is longer than ${MAX_SEGMENT_BYTES} bytes`,
      );
    }
  }
  return key;
}

/**
 * Validate a listing prefix or bound: like a key, but it may end with `/` and may be empty.
 *
 * @param prefix - the decoded prefix
 * @throws StoreError `INVALID_KEY` or `KEY_TOO_LONG`
 */
export function checkPrefix(prefix: string): string {
  if (prefix === '') return prefix;
  if (!prefix.isWellFormed() || FORBIDDEN.test(prefix)) {
    throw new StoreError(
      'INVALID_KEY',
      'the prefix contains a control character, a backslash or broken Unicode',
    );
  }
  if (Buffer.byteLength(prefix) > MAX_KEY_BYTES) {
    throw new StoreError('KEY_TOO_LONG', `the prefix is longer than ${MAX_KEY_BYTES} bytes`);
  }
  return prefix;
}
