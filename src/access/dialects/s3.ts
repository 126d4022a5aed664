/**
 * The `s3` dialect: whatever an S3Issuer sealed into a Par — a plain pre-signed URL, a set of
 * per-method URLs (with an optional prepared multipart upload), a POST policy for write-only
 * prefix Pars, or temporary credentials for bucket Pars — as object and bucket endpoints.
 * Single URLs always go through the `signed-url` dialect.
 *
 * @module
 */
import { FormatError } from '../../par/errors.js';
import type { Dialect } from './dialect.js';
import { credentialsBucket, credentialsObject } from './s3/credentials.js';
import { postBucket } from './s3/post.js';
import { parseS3Secret } from './s3/secret.js';
import { singleUrlObject, urlSetObject } from './s3/url-set.js';

/** The dialect of `s3` Pars. */
export const s3Dialect: Dialect = {
  object(secret, context) {
    const grant = parseS3Secret(secret);
    if (typeof grant === 'string') return singleUrlObject(grant, context);
    if (grant.kind === 'urls') return urlSetObject(grant, context);
    if (grant.kind === 'credentials' && grant.key !== undefined) {
      return credentialsObject({ ...grant, key: grant.key }, context);
    }
    throw new FormatError('this S3 grant is for a bucket, not one object', { field: 'kind' });
  },
  bucket(secret, context) {
    const grant = parseS3Secret(secret);
    if (typeof grant !== 'string' && grant.kind === 'post') return postBucket(grant, context);
    if (typeof grant !== 'string' && grant.kind === 'credentials' && grant.key === undefined) {
      return credentialsBucket(grant, context);
    }
    throw new FormatError('this S3 grant is for one object, not a bucket', { field: 'kind' });
  },
};
