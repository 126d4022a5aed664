/**
 * The `gcs` dialect: GCS V4 signed URLs — one URL, or one per method of an object (the same
 * URL-set bundle as S3's, since both sign the method into the URL). Each URL goes through the
 * `signed-url` dialect.
 *
 * @module
 */
import { FormatError } from '../../par/errors.js';
import type { Dialect } from './dialect.js';
import { parseS3Secret } from './s3/secret.js';
import { singleUrlObject, urlSetObject } from './s3/url-set.js';

/** The dialect of `gcs` Pars. */
export const gcsDialect: Dialect = {
  object(secret, context) {
    const grant = parseS3Secret(secret);
    if (typeof grant === 'string') return singleUrlObject(grant, context);
    if (grant.kind === 'urls' && grant.parts === undefined) return urlSetObject(grant, context);
    throw new FormatError('a GCS Par carries signed URLs only', { field: 'kind' });
  },
};
