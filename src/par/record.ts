/**
 * Everything a Par is made of, in the shape the encoders share.
 *
 * @internal
 * @module
 */
import type { ParMetadata } from './metadata.js';

/** Longest encoded input (data or token) accepted, in characters. */
export const MAX_ENCODED_LENGTH = 256 * 1024;

/** Metadata, the binding tag, and the sealed secret (absent for a null Par). */
export interface ParRecord {
  readonly metadata: ParMetadata;
  readonly bindingTag: Uint8Array;
  readonly sealed: Uint8Array | undefined;
}
