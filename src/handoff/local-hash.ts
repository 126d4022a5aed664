/**
 * Hashing a local file, to tell whether a download is already complete and verified.
 *
 * @internal
 * @module
 */
import { localFiles } from '../platform/files.js';
import { createHasher, type HashType } from './hashes.js';

/**
 * The hex digest of a local file.
 *
 * @param path - native path
 * @param hashtype - the algorithm
 * @param signal - cancellation
 */
export async function hashLocalFile(path: string, hashtype: HashType, signal?: AbortSignal): Promise<string> {
  const hasher = createHasher(hashtype);
  const reader = (await localFiles()).readStream(path).getReader();
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { value, done } = await reader.read();
      if (done) break;
      hasher.update(value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return hasher.hexDigest();
}
