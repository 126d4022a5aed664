/**
 * Byte encodings used by the wire formats (internal): base64, base64url and lowercase base32,
 * all strict on input so that one text has exactly one meaning.
 *
 * @internal
 * @module
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function lookup(alphabet: string): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}
const BASE64_LOOKUP = lookup(BASE64);
const BASE64URL_LOOKUP = lookup(BASE64URL);
const BASE32_LOOKUP = lookup(BASE32);

function encodeBits(bytes: Uint8Array, alphabet: string, bitsPerChar: number): string {
  const mask = (1 << bitsPerChar) - 1;
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= bitsPerChar) {
      bits -= bitsPerChar;
      out += alphabet[(buffer >> bits) & mask];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += alphabet[(buffer << (bitsPerChar - bits)) & mask];
  return out;
}

function decodeBits(text: string, table: Int16Array, bitsPerChar: number): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * bitsPerChar) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (table[code] ?? -1) : -1;
    if (value < 0) return undefined;
    buffer = ((buffer << bitsPerChar) | value) & 0xffff;
    bits += bitsPerChar;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (buffer >> bits) & 0xff;
    }
  }
  // Canonical form only: leftover bits must be fewer than a character's worth, and zero.
  if (bits >= bitsPerChar || (buffer & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  const text = encodeBits(bytes, BASE64, 6);
  return text + '='.repeat((4 - (text.length % 4)) % 4);
}

/** Strict standard base64 (padding required); undefined when not canonical. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const body = text.replace(/={1,2}$/, '');
  if (body.includes('=')) return undefined;
  return decodeBits(body, BASE64_LOOKUP, 6);
}

/** Base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return encodeBits(bytes, BASE64URL, 6);
}

/** Strict base64url without padding; undefined when not canonical. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  return decodeBits(text, BASE64URL_LOOKUP, 6);
}

/** Lowercase RFC 4648 base32 without padding. */
export function toBase32(bytes: Uint8Array): string {
  return encodeBits(bytes, BASE32, 5);
}

/** Strict lowercase base32 without padding; undefined when not canonical. */
export function fromBase32(text: string): Uint8Array | undefined {
  return decodeBits(text, BASE32_LOOKUP, 5);
}

/** Concatenate byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
