/**
 * The compact token: one line of lowercase letters and digits that survives chat, email and
 * terminals (no punctuation for markdown to eat, whole-word double-click selection, line breaks
 * and case changes tolerated), with a checksum that catches copy-paste damage.
 *
 * Layout (docs/format.md): `par1` + base32( 0x01 | varint(len) | canonical metadata JSON |
 * 32-byte binding tag | varint(len) | age file | first 4 bytes of SHA-256 of all before ).
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, fromBase32, toBase32 } from './encoding.js';
import { FormatError } from './errors.js';
import { assertSafeKeys, canonicalMetadata, parseIsoUtc, parseMetadata } from './metadata.js';
import { MAX_ENCODED_LENGTH, type ParRecord } from './record.js';

/** Every token starts with this. */
export const TOKEN_PREFIX = 'par1';
const LAYOUT_VERSION = 1;
const CHECKSUM_BYTES = 4;
const TAG_BYTES = 32;
const FIELDS = new Set(['v', 'uid', 'name', 'id', 'driver', 'target', 'permissions', 'created', 'expires']);
const encoder = new TextEncoder();

function varint(value: number): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

/**
 * Encode a Par record as a token.
 *
 * @param record - the record
 * @returns the token text
 */
export function recordToToken(record: ParRecord): string {
  const metadata = encoder.encode(canonicalMetadata(record.metadata));
  const sealed = record.sealed ?? new Uint8Array(0);
  const body = concatBytes(
    Uint8Array.of(LAYOUT_VERSION),
    varint(metadata.length),
    metadata,
    record.bindingTag,
    varint(sealed.length),
    sealed,
  );
  return TOKEN_PREFIX + toBase32(concatBytes(body, sha256(body).subarray(0, CHECKSUM_BYTES)));
}

class Reader {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}
  varint(field: string): number {
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const byte = this.bytes[this.offset++];
      if (byte === undefined) break;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) {
        if (byte === 0 && shift > 0) break; // non-minimal encoding
        return value;
      }
    }
    throw new FormatError('token is malformed (bad length)', { field });
  }
  take(length: number, field: string): Uint8Array {
    if (this.offset + length > this.bytes.length) throw new FormatError('token is truncated', { field });
    const part = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return part;
  }
}

/**
 * Decode and validate a token made by {@link recordToToken}. Whitespace anywhere and letter case
 * are ignored.
 *
 * @param text - untrusted token text
 * @returns the record
 * @throws FormatError for anything not a well-formed, undamaged token
 */
export function tokenToRecord(text: unknown): ParRecord {
  if (typeof text !== 'string') throw new FormatError('token must be a string', { field: 'token' });
  if (text.length > MAX_ENCODED_LENGTH) {
    throw new FormatError(`token is longer than ${MAX_ENCODED_LENGTH} characters`, { field: 'token' });
  }
  const compact = text.replace(/\s+/g, '').toLowerCase();
  if (!compact.startsWith(TOKEN_PREFIX)) {
    throw new FormatError(`not a parkit token (tokens start with "${TOKEN_PREFIX}")`, { field: 'token' });
  }
  const bytes = fromBase32(compact.slice(TOKEN_PREFIX.length));
  if (bytes === undefined || bytes.length <= CHECKSUM_BYTES) {
    throw new FormatError('token is damaged (not valid base32)', { field: 'token' });
  }
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  const checksum = sha256(body).subarray(0, CHECKSUM_BYTES);
  if (!checksum.every((byte, i) => byte === bytes[body.length + i])) {
    throw new FormatError('token is damaged (checksum mismatch): copy it again in full', { field: 'token' });
  }
  const reader = new Reader(body);
  if (reader.take(1, 'token')[0] !== LAYOUT_VERSION) {
    throw new FormatError('unsupported token version (this release reads 1)', { field: 'v' });
  }
  const metadataBytes = reader.take(reader.varint('metadata'), 'metadata');
  let plain: unknown;
  try {
    plain = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(metadataBytes));
  } catch (cause) {
    throw new FormatError('token metadata is not JSON', { field: 'metadata', cause });
  }
  assertSafeKeys(plain);
  const metadata = parseMetadata(plain, parseIsoUtc, FIELDS);
  const bindingTag = reader.take(TAG_BYTES, 'bind').slice();
  const sealedLength = reader.varint('sealed');
  const sealed = sealedLength === 0 ? undefined : reader.take(sealedLength, 'sealed').slice();
  if (reader.offset !== body.length) throw new FormatError('token has trailing bytes', { field: 'token' });
  return { metadata, bindingTag, sealed };
}
