/**
 * The admin key: given (option, or `PARKIT_ADMIN_KEY` in the CLI), or created at first start as
 * `admin.key` in the data directory with owner-only permissions (0600) and read from there.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { chmod, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file name of the admin key in a data directory. */
export const ADMIN_KEY_FILE = 'admin.key';
const KEY = /^[A-Za-z0-9._~+/=-]{16,512}$/;

/**
 * Whether text is acceptable as an admin key (16–512 token characters).
 *
 * @param key - the candidate
 */
export function isAdminKey(key: unknown): key is string {
  return typeof key === 'string' && KEY.test(key);
}

/**
 * Read the admin key of a data directory.
 *
 * @param dataDir - the data directory
 * @returns the key, or undefined when there is no key file
 * @throws TypeError when the file holds no valid key
 */
export async function readAdminKey(dataDir: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, ADMIN_KEY_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const key = text.trim();
  if (!isAdminKey(key))
    throw new TypeError(`the ${ADMIN_KEY_FILE} file of the data directory holds no valid admin key`);
  return key;
}

/**
 * The admin key of a data directory, created (0600) when missing.
 *
 * @param dataDir - the data directory (exists)
 * @returns the key and whether it was just created
 */
export async function loadOrCreateAdminKey(dataDir: string): Promise<{ key: string; created: boolean }> {
  const path = join(dataDir, ADMIN_KEY_FILE);
  const existing = await readAdminKey(dataDir);
  if (existing !== undefined) {
    await chmod(path, 0o600);
    return { key: existing, created: false };
  }
  const key = `pkadm_${randomBytes(32).toString('base64url')}`;
  const file = await open(path, 'wx', 0o600);
  try {
    await file.writeFile(`${key}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  return { key, created: true };
}
