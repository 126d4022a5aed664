/**
 * The fingerprint: a short, stable, non-secret name for a grant, as used by audit logs,
 * revocation lists and authorisations.
 *
 * It is computed from the canonical metadata and the binding tag (which commits to the secret),
 * so it needs no key, survives re-sealing and data round trips, changes with any change of the
 * grant including the URL, and reveals nothing of the URL. Format and vectors: `docs/format.md`.
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase32, toBase64Url } from './encoding.js';

const DOMAIN = 'parkit/fingerprint/v1\n';
/** Bytes of hash kept: 120 bits, 24 base32 characters. */
const FINGERPRINT_BYTES = 15;
const encoder = new TextEncoder();

/**
 * Compute a fingerprint.
 *
 * @param canonical - the canonical metadata JSON (`canonicalMetadata`)
 * @param bindingTag - the 32-byte binding tag
 * @returns 24 lowercase base32 characters
 */
export function computeFingerprint(canonical: string, bindingTag: Uint8Array): string {
  const digest = sha256(encoder.encode(`${DOMAIN}${canonical}\n${toBase64Url(bindingTag)}`));
  return toBase32(digest.subarray(0, FINGERPRINT_BYTES));
}
