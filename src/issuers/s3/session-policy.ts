/**
 * The session policy attached to temporary credentials for a bucket Par: exactly the S3 actions
 * the Par's permissions need, on the bucket's keys under the prefix, until the Par's expiry.
 *
 * @internal
 * @module
 */
import type { Permission } from '../../par/permissions.js';

/** What the credentials are for. */
export interface PolicyScope {
  /** IAM partition (`aws`, `aws-cn`, …), taken from the role ARN. */
  readonly partition: string;
  readonly bucket: string;
  /** Key prefix (`''` for the whole bucket). */
  readonly prefix: string;
  /** Or exactly one key. */
  readonly key?: string;
  readonly permissions: readonly Permission[];
  /** The Par's expiry: the policy stops allowing anything then (`aws:CurrentTime`). */
  readonly expires: Date;
}

// S3 actions per Par permission, on objects. Multipart needs the upload actions too.
const OBJECT_ACTIONS: Partial<Record<Permission, readonly string[]>> = {
  read: ['s3:GetObject'],
  write: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
  delete: ['s3:DeleteObject'],
};

/**
 * Characters that IAM reads as wildcards or policy variables in resources and `StringLike`
 * conditions: a prefix holding them would grant more than it says, so such prefixes are refused.
 */
export const POLICY_UNSAFE = /[*?$]/;

/**
 * The policy document (JSON text) for one scope.
 *
 * @param scope - bucket, prefix or key, permissions and expiry
 * @returns the policy JSON
 */
export function sessionPolicy(scope: PolicyScope): string {
  const arn = `arn:${scope.partition}:s3:::${scope.bucket}`;
  const until = { DateLessThan: { 'aws:CurrentTime': scope.expires.toISOString() } };
  const statements: unknown[] = [];
  const actions = scope.permissions.flatMap((permission) => OBJECT_ACTIONS[permission] ?? []);
  if (actions.length > 0) {
    statements.push({
      Effect: 'Allow',
      Action: actions,
      Resource: [scope.key === undefined ? `${arn}/${scope.prefix}*` : `${arn}/${scope.key}`],
      Condition: until,
    });
  }
  if (scope.permissions.includes('list')) {
    statements.push({
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [arn],
      Condition:
        scope.prefix === '' ? until : { ...until, StringLike: { 's3:prefix': [`${scope.prefix}*`] } },
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}
