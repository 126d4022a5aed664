/**
 * Incremental digests for verifying downloads against the checksum a store reports. On Node,
 * Deno and Bun the runtime's native hashing (`node-hash.ts`, loaded dynamically) keeps up with
 * the network; in a browser @noble/hashes does the work.
 *
 * @module
 */
import { md5 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { hasLocalFiles } from './files.js';

/** The digests parkit checks. */
export type DigestAlgorithm = 'sha256' | 'md5';

/** A running digest. */
export interface Hasher {
  update(bytes: Uint8Array): void;
  /** The digest of everything given, as lowercase hex. Ends the hasher. */
  digestHex(): string;
}

function nobleHasher(algorithm: DigestAlgorithm): Hasher {
  const state = algorithm === 'sha256' ? sha256.create() : md5.create();
  return {
    update: (bytes) => void state.update(bytes),
    digestHex: () => bytesToHex(state.digest()),
  };
}

let native: Promise<((algorithm: DigestAlgorithm) => Hasher) | undefined> | undefined;

/**
 * A new hasher for `algorithm`.
 *
 * @param algorithm - `sha256` or `md5`
 */
export async function createHasher(algorithm: DigestAlgorithm): Promise<Hasher> {
  if (hasLocalFiles()) {
    const specifier = './node-hash.js';
    native ??= (
      import(/* @vite-ignore */ specifier) as Promise<{ nodeHasher: (a: DigestAlgorithm) => Hasher }>
    )
      .then((m) => m.nodeHasher)
      .catch(() => undefined);
    const make = await native;
    if (make !== undefined) return make(algorithm);
  }
  return nobleHasher(algorithm);
}
