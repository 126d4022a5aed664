/**
 * GOOG4-RSA-SHA256 signatures: RSASSA-PKCS1-v1_5 with SHA-256 over the string to sign, with a
 * service account's private key through WebCrypto (so it works in browsers, Deno, Bun and Node).
 *
 * @internal
 * @module
 */
import { toHex } from '../sigv4/hex.js';

const PEM = /-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END PRIVATE KEY-----/;
const encoder = new TextEncoder();

function pkcs8Bytes(pem: string): Uint8Array<ArrayBuffer> {
  const body = PEM.exec(pem)?.[1];
  if (body === undefined) {
    throw new TypeError(
      'serviceAccount.private_key must be a PEM "BEGIN PRIVATE KEY" (PKCS #8) block, as in a service-account JSON key file',
    );
  }
  const text = atob(body.replace(/\s+/g, ''));
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

/** Signs strings to sign with an RSA private key. */
export class RsaSigner {
  readonly #key: Promise<CryptoKey>;

  /**
   * @param pem - the PKCS #8 PEM private key (kept private, never shown)
   * @throws TypeError when it is not a PKCS #8 PEM block
   */
  constructor(pem: string) {
    const der = pkcs8Bytes(pem);
    this.#key = crypto.subtle
      .importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'])
      .catch(() => {
        throw new TypeError('serviceAccount.private_key is not a usable RSA private key');
      });
    // Keep an import failure from being reported as unhandled before the first signature.
    this.#key.catch(() => undefined);
  }

  /**
   * The hex RSA signature of a string to sign.
   *
   * @param stringToSign - the string to sign
   * @returns lower-case hex (512 digits for a 2048-bit key)
   * @throws TypeError when the key could not be imported
   */
  async sign(stringToSign: string): Promise<string> {
    const signature = await crypto.subtle.sign(
      'RSASSA-PKCS1-v1_5',
      await this.#key,
      encoder.encode(stringToSign),
    );
    return toHex(new Uint8Array(signature));
  }
}
