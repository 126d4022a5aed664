/**
 * Lower-case hex of bytes through a 256-entry table (several times faster than
 * `toString(16)` per byte on the signing hot path).
 *
 * @internal
 * @module
 */

const TABLE = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * Lower-case hex of `bytes`.
 *
 * @param bytes - the bytes
 * @returns two hex digits per byte
 */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let index = 0; index < bytes.length; index++) out += TABLE[bytes[index] as number];
  return out;
}
