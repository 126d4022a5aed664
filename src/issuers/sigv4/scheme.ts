/**
 * The names that differ between AWS SigV4 and Google's V4 signing, which otherwise share one
 * algorithm: canonical request → string to sign → signature over a dated credential scope.
 *
 * @internal
 * @module
 */

/** What one signing family calls things. */
export interface SigningScheme {
  /** The `X-…-Algorithm` value and first line of the string to sign. */
  readonly algorithm: 'AWS4-HMAC-SHA256' | 'GOOG4-HMAC-SHA256' | 'GOOG4-RSA-SHA256';
  /** Prefix of the query parameters (`X-Amz-Date`, `X-Goog-Date`, …). */
  readonly paramPrefix: 'X-Amz-' | 'X-Goog-';
  /** Prefix of the secret when deriving the HMAC signing key (`AWS4` + secret). */
  readonly keyPrefix: 'AWS4' | 'GOOG4';
  /** Last element of the credential scope. */
  readonly terminator: 'aws4_request' | 'goog4_request';
}

/** AWS Signature Version 4 (S3, STS and every other AWS service). */
export const AWS_SIGV4: SigningScheme = Object.freeze({
  algorithm: 'AWS4-HMAC-SHA256',
  paramPrefix: 'X-Amz-',
  keyPrefix: 'AWS4',
  terminator: 'aws4_request',
});

/** Google Cloud Storage V4 signing with an HMAC key. */
export const GOOG4_HMAC: SigningScheme = Object.freeze({
  algorithm: 'GOOG4-HMAC-SHA256',
  paramPrefix: 'X-Goog-',
  keyPrefix: 'GOOG4',
  terminator: 'goog4_request',
});

/** Google Cloud Storage V4 signing with a service account's RSA key. */
export const GOOG4_RSA: SigningScheme = Object.freeze({ ...GOOG4_HMAC, algorithm: 'GOOG4-RSA-SHA256' });
