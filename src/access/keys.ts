/**
 * Rules for object keys used through a bucket Par: the scope check (a prefix Par never reaches
 * outside its prefix) and the path-safety check for stores that map keys to files.
 *
 * @module
 */
import { PermissionError } from '../par/errors.js';
import { MAX_KEY_BYTES } from '../par/target.js';

const encoder = new TextEncoder();

/**
 * Validate a key argument.
 *
 * @param key - the key
 * @param argument - the argument name for errors
 * @throws TypeError / RangeError
 */
export function checkKey(key: unknown, argument = 'key'): string {
  if (typeof key !== 'string') throw new TypeError(`${argument} must be a string`);
  if (key.length === 0) throw new RangeError(`${argument} must not be empty`);
  if (!key.isWellFormed()) throw new RangeError(`${argument} must be well-formed Unicode`);
  // A UTF-16 code unit is at most 3 UTF-8 bytes: only long keys need encoding to be measured.
  if (key.length * 3 > MAX_KEY_BYTES && encoder.encode(key).length > MAX_KEY_BYTES)
    throw new RangeError(`${argument} must be at most ${MAX_KEY_BYTES} bytes`);
  return key;
}

/**
 * Validate a key that a file-backed store will turn into a path: no empty, `.` or `..`
 * segments, no leading `/`, no backslash, no NUL or other control characters.
 *
 * @param key - the key
 * @param argument - the argument name for errors
 * @throws RangeError naming the rule broken
 */
export function checkPathSafeKey(key: unknown, argument = 'key'): string {
  const checked = checkKey(key, argument);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(checked)) {
    throw new RangeError(`${argument} must not contain backslashes or control characters`);
  }
  if (checked.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new RangeError(`${argument} must not start or end with "/" or contain empty, "." or ".." segments`);
  }
  return checked;
}

/**
 * Throw unless `key` lies inside the Par's prefix.
 *
 * @param key - a full key in the bucket
 * @param prefix - the Par's prefix, if any
 * @throws PermissionError when outside
 */
export function checkInScope(key: string, prefix: string | undefined): void {
  if (prefix !== undefined && !key.startsWith(prefix)) {
    throw new PermissionError(`key is outside this Par's prefix ${JSON.stringify(prefix)}`);
  }
}

/**
 * The listing prefix that satisfies both the Par's prefix and the one asked for, or undefined
 * when they cannot overlap.
 *
 * @param parPrefix - the Par's prefix
 * @param asked - the caller's prefix
 * @returns `{ prefix }` to list with, or undefined for "nothing can match"
 */
export function narrowPrefix(
  parPrefix: string | undefined,
  asked: string | undefined,
): { readonly prefix: string | undefined } | undefined {
  if (asked === undefined || asked === '') return { prefix: parPrefix };
  if (parPrefix === undefined || asked.startsWith(parPrefix)) return { prefix: asked };
  if (parPrefix.startsWith(asked)) return { prefix: parPrefix };
  return undefined;
}
