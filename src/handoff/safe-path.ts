/**
 * Paths that come from outside (tar entries, cart entries, object keys) turned into safe
 * relative paths below a download location: no absolute paths, drive letters, `..`, backslashes,
 * NUL or control characters can take a file out of it.
 *
 * @module
 */
import { FormatError } from '../par/errors.js';

const MAX_PATH_BYTES = 4096;
const encoder = new TextEncoder();

/**
 * Check an untrusted relative path and return its `/`-separated segments (empty and `.`
 * segments dropped; a trailing `/` allowed, as tar writes directory names).
 *
 * @param path - the path from the archive, event or listing
 * @param what - what it is, for the error ("tar entry", "cart file", "key")
 * @returns the segments, at least one
 * @throws FormatError naming the rule broken (the path is quoted, it is not a secret)
 */
export function safeSegments(path: unknown, what: string): string[] {
  if (typeof path !== 'string' || path === '') throw new FormatError(`${what} has no path`, { field: what });
  const shown = JSON.stringify(path.slice(0, 200));
  const refuse = (why: string): never => {
    throw new FormatError(`${what} ${shown} ${why}; refused`, { field: what });
  };
  if (!path.isWellFormed() || encoder.encode(path).length > MAX_PATH_BYTES) refuse('is not a usable path');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(path)) refuse('contains control characters');
  if (path.includes('\\')) refuse('contains a backslash');
  if (path.startsWith('/')) refuse('is an absolute path');
  if (/^[A-Za-z]:/.test(path)) refuse('names a drive');
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) refuse('climbs out with ".."');
  if (segments.length === 0) refuse('names no file');
  return segments;
}

/**
 * {@link safeSegments} joined back with `/`.
 *
 * @param path - the untrusted path
 * @param what - what it is, for the error
 */
export function safeRelativePath(path: unknown, what: string): string {
  return safeSegments(path, what).join('/');
}
