/**
 * Azure Blob Storage naming rules (account, container, blob) and how blob names go into URLs.
 * Every check throws a TypeError/RangeError naming the argument, never echoing a secret.
 *
 * Rules from Microsoft's "Naming and referencing containers, blobs, and metadata".
 *
 * @internal
 * @module
 */

/** Longest blob name, in characters (Azure Storage). */
export const MAX_BLOB_NAME_LENGTH = 1024;

// Storage account names: 3 to 24 characters, digits and lowercase letters only.
const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;
// Container names: 3 to 63 characters; lowercase letters, digits and single hyphens; starting and
// ending with a letter or digit. `$root` and `$web` are the two special containers one may address.
const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SPECIAL_CONTAINERS = new Set(['$root', '$web']);

/**
 * Validate a storage account name.
 *
 * @param value - the name
 * @param argument - the argument name for errors
 * @throws TypeError / RangeError naming the argument
 */
export function checkAccountName(value: unknown, argument = 'accountName'): string {
  if (typeof value !== 'string' || value === '')
    throw new TypeError(`${argument} must be a non-empty string`);
  if (!ACCOUNT_NAME.test(value)) {
    throw new RangeError(`${argument} must be 3 to 24 lowercase letters and digits (Azure's rule)`);
  }
  return value;
}

/**
 * Validate a container name.
 *
 * @param value - the name
 * @param argument - the argument name for errors
 * @throws TypeError / RangeError naming the argument
 */
export function checkContainerName(value: unknown, argument = 'container'): string {
  if (typeof value !== 'string' || value === '')
    throw new TypeError(`${argument} must be a non-empty string`);
  if (!CONTAINER_NAME.test(value) && !SPECIAL_CONTAINERS.has(value)) {
    throw new RangeError(
      `${argument} ${JSON.stringify(value.slice(0, 80))} is not a valid Azure container name: 3 to 63 lowercase ` +
        'letters, digits and single hyphens, starting and ending with a letter or digit',
    );
  }
  return value;
}

/**
 * Validate a blob name: 1 to 1024 characters, well-formed Unicode, no control characters, and
 * no `.` or `..` path segment nor a trailing `.` or `/` (URL normalisation would change such a
 * name on its way to the store, so Azure advises against them and parkit refuses them).
 *
 * @param value - the name
 * @param argument - the argument name for errors
 * @throws TypeError / RangeError naming the argument
 */
export function checkBlobName(value: unknown, argument = 'blob'): string {
  if (typeof value !== 'string' || value === '')
    throw new TypeError(`${argument} must be a non-empty string`);
  if (!value.isWellFormed()) throw new RangeError(`${argument} must be well-formed Unicode`);
  if (value.length > MAX_BLOB_NAME_LENGTH) {
    throw new RangeError(`${argument} must be at most ${MAX_BLOB_NAME_LENGTH} characters (Azure's limit)`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new RangeError(`${argument} must not contain control characters`);
  if (value.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new RangeError(`${argument} must not contain "." or ".." path segments`);
  }
  if (value.endsWith('.') || value.endsWith('/')) {
    throw new RangeError(`${argument} must not end with "." or "/" (Azure's naming advice)`);
  }
  return value;
}

/**
 * A blob name as a URL path: each `/`-separated segment percent-encoded, the slashes kept.
 * The store decodes it back to exactly `name`.
 *
 * @param name - a valid blob name
 */
export function blobPath(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}
