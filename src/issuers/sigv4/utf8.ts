/**
 * UTF-8 encoding and SHA-256 for the signing hot path, without allocating a new buffer for
 * every string.
 *
 * @internal
 * @module
 */
import { type _SHA256, sha256 } from '@noble/hashes/sha2.js';
import { toHex } from './hex.js';

const encoder = new TextEncoder();
let scratch = new Uint8Array(8192);

/**
 * The UTF-8 bytes of `text` in a shared scratch buffer: valid only until the next call, so hash
 * or copy them at once.
 *
 * @param text - any well-formed string
 * @returns a view of the scratch buffer
 */
export function utf8View(text: string): Uint8Array {
  // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, scratch);
  return scratch.subarray(0, written);
}

// One hasher reused from a pristine state, and one digest buffer: no allocation per hash.
const pristine = sha256.create();
let work: _SHA256 | undefined;
const digest = new Uint8Array(32);

/**
 * Hex SHA-256 of the UTF-8 of `text`.
 *
 * @param text - the text
 * @returns 64 lower-case hex digits
 */
export function sha256Hex(text: string): string {
  work = pristine._cloneInto(work);
  work.update(utf8View(text)).digestInto(digest);
  return toHex(digest);
}
