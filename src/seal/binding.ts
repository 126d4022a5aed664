/**
 * Binding the plain metadata to the sealed secret, so that a changed expiry, permission,
 * target, driver or uid is detected when the Par is opened.
 *
 * The age format has no associated data, and a Par's sealed plaintext is the bare secret (so
 * `age -d` prints the URL). The binding tag therefore travels beside the metadata:
 * `HMAC-SHA256(key = SHA-256("parkit/bind/v1\n" || secret), canonical metadata)`. Only someone
 * who knows the secret can make a valid tag for changed metadata, and whoever knows the secret
 * already holds the access it grants.
 *
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

const DOMAIN = 'parkit/bind/v1\n';
const encoder = new TextEncoder();

/**
 * Compute the binding tag of a secret and metadata.
 *
 * @param secret - the plaintext secret (URL or token)
 * @param canonical - the canonical metadata JSON
 * @returns 32 bytes
 */
export function bindingTag(secret: string, canonical: string): Uint8Array {
  const key = sha256(encoder.encode(DOMAIN + secret));
  return hmac(sha256, key, encoder.encode(canonical));
}

/**
 * Compare two byte strings in time independent of where they differ.
 *
 * @param a - first
 * @param b - second
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}
