/**
 * Base64 of UTF-8 text (POST policies are base64 JSON that may hold any Unicode prefix).
 *
 * @internal
 * @module
 */

const encoder = new TextEncoder();

/**
 * Standard base64 of the UTF-8 of `text`.
 *
 * @param text - any well-formed text
 */
export function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
