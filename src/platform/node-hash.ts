/**
 * Native incremental digests through `node:crypto` (Node, Deno and Bun).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { DigestAlgorithm, Hasher } from './hash.js';

/**
 * A `node:crypto` hasher.
 *
 * @param algorithm - `sha256` or `md5`
 */
export function nodeHasher(algorithm: DigestAlgorithm): Hasher {
  const hash = createHash(algorithm);
  return {
    update: (bytes) => void hash.update(bytes),
    digestHex: () => hash.digest('hex'),
  };
}
