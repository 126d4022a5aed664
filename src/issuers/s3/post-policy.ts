/**
 * Pre-signed POST policies (AWS S3 "Browser-based uploads using POST", Signature Version 4): a
 * base64 JSON policy — expiry, bucket, key prefix or exact key, size range — signed with the
 * derived signing key, and the form fields that carry it.
 *
 * @module
 */
import type { HmacSigner } from '../sigv4/hmac-signer.js';
import { signingTime } from '../sigv4/time.js';
import { base64Utf8 } from './base64.js';

/** A form upload, ready to send. */
export interface S3PostForm {
  /** Where to POST the form (the bucket URL). */
  readonly url: string;
  /**
   * Fields to send, in any order, before the `file` field (which must come last). Add `key`
   * (starting with the prefix) unless the policy was made for one exact key, and `Content-Type`.
   */
  readonly fields: Readonly<Record<string, string>>;
}

/** What a policy allows. @internal */
export interface PolicyGrant {
  readonly url: string;
  readonly bucket: string;
  /** Keys must start with this (`''`: any key). */
  readonly prefix?: string;
  /** Or exactly this key. */
  readonly key?: string;
  readonly minSize: number;
  readonly maxSize: number;
  /** Content type the upload must declare, or undefined for any. */
  readonly contentType?: string;
  readonly expiresIn: number;
  /** Signing time, epoch milliseconds. */
  readonly at: number;
}

/** Who signs. @internal */
export interface PolicySigner {
  readonly hmac: HmacSigner;
  readonly accessKeyId: string;
  readonly region: string;
  readonly sessionToken: string | undefined;
}

/**
 * Build and sign a POST policy.
 *
 * @param grant - what the upload may be
 * @param signer - credentials
 * @returns the URL and fields
 * @internal
 */
export function signPostPolicy(grant: PolicyGrant, signer: PolicySigner): S3PostForm {
  const time = signingTime(grant.at);
  const date = time.slice(0, 8);
  const credential = `${signer.accessKeyId}/${date}/${signer.region}/s3/aws4_request`;
  const fields: Record<string, string> = {
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': credential,
    'x-amz-date': time,
  };
  if (signer.sessionToken !== undefined) fields['x-amz-security-token'] = signer.sessionToken;
  const conditions: unknown[] = [
    { bucket: grant.bucket },
    grant.key === undefined ? ['starts-with', '$key', grant.prefix ?? ''] : { key: grant.key },
    ['content-length-range', grant.minSize, grant.maxSize],
    grant.contentType === undefined
      ? ['starts-with', '$Content-Type', '']
      : { 'Content-Type': grant.contentType },
    ...Object.entries(fields).map(([name, value]) => ({ [name]: value })),
  ];
  const expiration = new Date(Math.floor(grant.at / 1000) * 1000 + grant.expiresIn * 1000).toISOString();
  const policy = base64Utf8(JSON.stringify({ expiration, conditions }));
  const signature = signer.hmac.sign(policy, date, signer.region, 's3');
  return {
    url: grant.url,
    fields: {
      ...(grant.key === undefined ? {} : { key: grant.key }),
      ...(grant.contentType === undefined ? {} : { 'Content-Type': grant.contentType }),
      ...fields,
      policy,
      'x-amz-signature': signature,
    },
  };
}
