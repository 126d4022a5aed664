/**
 * Write-only bucket Pars as POST policies: the store enforces the key prefix and the size range.
 *
 * @internal
 * @module
 */
import type { PostSecret } from '../../access/dialects/s3/secret.js';
import type { Permission } from '../../par/permissions.js';
import type { S3Issuer } from './issuer.js';
import type { Minted, S3ParOptions } from './pars.js';

/**
 * The POST policy of a write-only bucket Par.
 *
 * @internal
 */
export function postGrant(
  issuer: S3Issuer,
  bucket: string,
  prefix: string,
  permissions: readonly Permission[],
  options: S3ParOptions,
  at: number,
): Minted {
  if (permissions.length !== 1 || permissions[0] !== 'write') {
    throw new TypeError("via 'post' makes write-only Pars: permissions must be ['write']");
  }
  const form = issuer.presignPostAt(
    {
      bucket,
      prefix,
      expiresIn: options.expiresIn,
      ...(options.minSize === undefined ? {} : { minSize: options.minSize }),
      ...(options.maxSize === undefined ? {} : { maxSize: options.maxSize }),
    },
    at,
  );
  const secret: PostSecret = {
    v: 1,
    kind: 'post',
    url: form.url,
    fields: form.fields,
    minSize: options.minSize ?? 0,
    maxSize: options.maxSize ?? 5 * 1024 ** 3,
  };
  return { secret: JSON.stringify(secret), expires: Math.floor(at / 1000) * 1000 + options.expiresIn * 1000 };
}
