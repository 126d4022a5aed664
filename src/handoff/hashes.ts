/**
 * The hash algorithms a Pacifica `hashtype` may name (Python `hashlib` names, as cartd uses
 * them), computed incrementally with @noble/hashes.
 *
 * @module
 */
import { blake2b, blake2s } from '@noble/hashes/blake2.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { sha3_224, sha3_256, sha3_384, sha3_512 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { FormatError } from '../par/errors.js';

/** An incremental hash: feed chunks, then read the hex digest once. */
export interface Hasher {
  update(chunk: Uint8Array): void;
  /** Lower-case hex digest. */
  hexDigest(): string;
}

/** What parkit needs of a noble hash: its digest length and an incremental state. */
interface Algorithm {
  readonly outputLen: number;
  create(): { update(chunk: Uint8Array): unknown; digest(): Uint8Array };
}

const ALGORITHMS: Record<HashType, Algorithm> = {
  md5,
  sha1,
  sha224,
  sha256,
  sha384,
  sha512,
  sha3_224,
  sha3_256,
  sha3_384,
  sha3_512,
  blake2b,
  blake2s,
};

/** A supported hash name (Python `hashlib` spelling). */
export type HashType =
  | 'md5'
  | 'sha1'
  | 'sha224'
  | 'sha256'
  | 'sha384'
  | 'sha512'
  | 'sha3_224'
  | 'sha3_256'
  | 'sha3_384'
  | 'sha3_512'
  | 'blake2b'
  | 'blake2s';

/** Every supported `hashtype`, as cartd and Python's `hashlib` name them. */
export const HASH_TYPES: readonly HashType[] = Object.freeze(Object.keys(ALGORITHMS) as HashType[]);

/**
 * Normalise a `hashtype` (case, `-` for `_`, `sha-256` for `sha256`) to a supported name.
 *
 * @param hashtype - what the event or cart entry says
 * @param field - the field, for the error
 * @throws FormatError for an unknown algorithm
 */
export function checkHashType(hashtype: unknown, field = 'hashtype'): HashType {
  const name =
    typeof hashtype === 'string'
      ? hashtype
          .toLowerCase()
          .replace(/^sha-(\d)/, 'sha$1')
          .replace(/-/g, '_')
      : '';
  if (!(name in ALGORITHMS)) {
    throw new FormatError(`unsupported hashtype (supported: ${HASH_TYPES.join(', ')})`, { field });
  }
  return name as HashType;
}

/**
 * Check a hex digest's form against its algorithm's length.
 *
 * @param hashtype - a supported algorithm
 * @param hashsum - the expected digest
 * @param field - the field, for the error
 * @returns the digest in lower case
 * @throws FormatError when it is not hex of the right length
 */
export function checkHashSum(hashtype: HashType, hashsum: unknown, field = 'hashsum'): string {
  const length = ALGORITHMS[hashtype].outputLen * 2;
  if (typeof hashsum !== 'string' || !new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hashsum)) {
    throw new FormatError(`hashsum must be ${length} hex digits for ${hashtype}`, { field });
  }
  return hashsum.toLowerCase();
}

/**
 * Start an incremental hash.
 *
 * @param hashtype - a supported algorithm
 * @example
 * ```ts
 * const hasher = createHasher('sha1');
 * hasher.update(new TextEncoder().encode('abc'));
 * hasher.hexDigest(); // 'a9993e36…'
 * ```
 */
export function createHasher(hashtype: HashType): Hasher {
  const state = ALGORITHMS[hashtype].create();
  return {
    update(chunk) {
      state.update(chunk);
    },
    hexDigest() {
      return bytesToHex(state.digest());
    },
  };
}
