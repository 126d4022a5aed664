/**
 * Bucket (and `via: 'credentials'` object) Pars as temporary STS credentials whose session
 * policy allows only the Par's actions under its prefix, until its expiry.
 *
 * @internal
 * @module
 */
import type { CredentialsSecret } from '../../access/dialects/s3/secret.js';
import type { Permission } from '../../par/permissions.js';
import type { Target } from '../../par/target.js';
import type { S3Issuer } from './issuer.js';
import type { Minted, S3ParOptions } from './pars.js';
import { POLICY_UNSAFE, sessionPolicy } from './session-policy.js';
import { assumeRole } from './sts.js';

// STS grants no less than 15 minutes.
const STS_MIN_SECONDS = 900;

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
}

/**
 * Temporary credentials for a Par.
 *
 * @internal
 */
export async function credentialsGrant(
  issuer: S3Issuer,
  bucket: string,
  target: Target,
  permissions: readonly Permission[],
  options: S3ParOptions,
  at: number,
): Promise<Minted> {
  const { sts, endpoint, region, accessKeyId, sessionToken, fetch } = issuer.settings;
  if (sts === undefined) {
    throw new TypeError(
      'S3Issuer: sts (a role to assume) is needed for bucket Pars that read, list or delete, and for via: credentials (see docs/s3.md)',
    );
  }
  if (
    options.contentType !== undefined ||
    options.checksumSha256 !== undefined ||
    options.multipart !== undefined
  ) {
    throw new TypeError('contentType, checksumSha256 and multipart are for pre-signed object Pars');
  }
  const expiresIn = options.expiresIn;
  if (
    typeof expiresIn !== 'number' ||
    !Number.isInteger(expiresIn) ||
    expiresIn < 1 ||
    expiresIn > sts.maxSessionSeconds
  ) {
    throw new RangeError(
      `expiresIn must be a whole number of seconds from 1 to ${sts.maxSessionSeconds} (sts.maxSessionSeconds) for temporary credentials`,
    );
  }
  const prefix = target.kind === 'bucket' ? (target.prefix ?? '') : '';
  const key = target.kind === 'object' ? target.key : undefined;
  if (POLICY_UNSAFE.test(key ?? prefix)) {
    throw new RangeError(
      'prefix and key must not contain "*", "?" or "$" for temporary credentials (IAM reads them as wildcards)',
    );
  }
  const expires = Math.floor(at / 1000) * 1000 + expiresIn * 1000;
  const sessionName = `parkit-${randomHex(8)}`;
  const credentials = await assumeRole({
    endpoint: sts.endpoint,
    region,
    accessKeyId,
    signer: issuer.presignerFor(bucket).hmac,
    sessionToken,
    roleArn: sts.roleArn,
    sessionName,
    policy: sessionPolicy({
      partition: sts.roleArn.split(':')[1] ?? 'aws',
      bucket,
      prefix,
      ...(key === undefined ? {} : { key }),
      permissions,
      expires: new Date(expires),
    }),
    // STS grants at least 15 minutes; the policy's aws:CurrentTime condition ends it on time.
    durationSeconds: Math.max(expiresIn, STS_MIN_SECONDS),
    at,
    fetch,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const secret: CredentialsSecret = {
    v: 1,
    kind: 'credentials',
    endpoint: endpoint.origin,
    region,
    bucket,
    pathStyle: issuer.pathStyleFor(bucket),
    ...(key === undefined ? {} : { key }),
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    expires: new Date(Math.min(expires, credentials.expiration.toMillis())).toISOString(),
  };
  return { secret: JSON.stringify(secret), expires: Date.parse(secret.expires), id: sessionName };
}
