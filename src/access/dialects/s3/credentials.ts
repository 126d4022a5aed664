/**
 * Endpoints for a Par that carries temporary credentials: every request is pre-signed here, at
 * the moment it is made, for a few minutes — so listings page with continuation tokens, any key
 * under the prefix can be read or written, and large writes go in multipart uploads. What the
 * credentials may do is fixed by the session policy the issuer attached; the store enforces it.
 *
 * @internal
 * @module
 */
import { S3Presigner } from '../../../issuers/s3/presigner.js';
import type { Pair } from '../../../issuers/sigv4/canonical.js';
import type { BucketEndpoint, ListRequest, ObjectEndpoint, PartUploader } from '../../endpoint.js';
import { send } from '../../http.js';
import type { DialectContext } from '../dialect.js';
import { signedUrlObject } from '../signed-url.js';
import { expiryAware, refusalAfter } from './expiry.js';
import { parseListing } from './listing.js';
import { createUpload, S3_PART_LIMITS, s3PartUpload } from './multipart.js';
import type { CredentialsSecret } from './secret.js';

// Each request's own URL lives this long: enough for a slow start, short if it leaks.
const REQUEST_LIFETIME_SECONDS = 300;

type Sign = (method: string, key: string | undefined, query?: readonly Pair[]) => string;

function signerFor(secret: CredentialsSecret): Sign {
  const presigner = new S3Presigner({
    endpoint: new URL(secret.endpoint),
    region: secret.region,
    accessKeyId: secret.accessKeyId,
    secretAccessKey: secret.secretAccessKey,
    sessionToken: secret.sessionToken,
    pathStyle: secret.pathStyle,
  });
  return (method, key, query) =>
    presigner.url({
      method,
      bucket: secret.bucket,
      ...(key === undefined ? {} : { key }),
      ...(query === undefined ? {} : { query }),
      expiresIn: REQUEST_LIFETIME_SECONDS,
      at: Date.now(),
    });
}

function multipart(sign: Sign, key: string, context: DialectContext): PartUploader {
  return {
    limits: S3_PART_LIMITS,
    async begin(request) {
      const uploadId = await createUpload(
        sign('POST', key, [['uploads', '']]),
        request.contentType,
        context,
        request.signal,
      );
      const id: Pair = ['uploadId', uploadId];
      return s3PartUpload(
        {
          part: (partNumber) => sign('PUT', key, [['partNumber', String(partNumber)], id]),
          complete: () => sign('POST', key, [id]),
          abort: () => sign('DELETE', key, [id]),
        },
        S3_PART_LIMITS.maxParts,
        context,
      );
    },
  };
}

function objectEndpoint(sign: Sign, key: string, until: number, context: DialectContext): ObjectEndpoint {
  const endpoint: ObjectEndpoint = {
    read: (request) => signedUrlObject(sign('GET', key), context).read(request),
    stat: (request) => signedUrlObject(sign('HEAD', key), context).stat(request),
    write: (body, request) => signedUrlObject(sign('PUT', key), context).write(body, request),
    remove: (request) => signedUrlObject(sign('DELETE', key), context).remove(request),
    parts: multipart(sign, key, context),
  };
  return expiryAware(endpoint, { read: until, stat: until, write: until, remove: until });
}

async function list(sign: Sign, request: ListRequest, context: DialectContext) {
  const query: Pair[] = [['list-type', '2']];
  if (request.prefix !== undefined) query.push(['prefix', request.prefix]);
  if (request.delimiter !== undefined) query.push(['delimiter', request.delimiter]);
  if (request.pageSize !== undefined) query.push(['max-keys', String(Math.min(request.pageSize, 1000))]);
  if (request.continuation !== undefined) query.push(['continuation-token', request.continuation]);
  const response = await send(context, sign('GET', undefined, query), {
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  });
  return parseListing(await response.text());
}

/**
 * The bucket endpoint of a credentials grant.
 *
 * @param secret - the grant
 * @param context - transport
 */
export function credentialsBucket(secret: CredentialsSecret, context: DialectContext): BucketEndpoint {
  const sign = signerFor(secret);
  const until = Date.parse(secret.expires);
  return {
    object: (key) => objectEndpoint(sign, key, until, context),
    list: (request) => refusalAfter(until, () => list(sign, request, context)),
  };
}

/**
 * The object endpoint of a credentials grant for one key.
 *
 * @param secret - the grant (with `key`)
 * @param context - transport
 */
export function credentialsObject(
  secret: CredentialsSecret & { readonly key: string },
  context: DialectContext,
): ObjectEndpoint {
  return objectEndpoint(signerFor(secret), secret.key, Date.parse(secret.expires), context);
}
