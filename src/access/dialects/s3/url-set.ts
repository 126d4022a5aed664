/**
 * An object endpoint from one pre-signed URL per method (S3 and GCS sign the method into the
 * URL, so reading, checking, writing and deleting one object take up to four URLs). Each URL
 * is used through the `signed-url` dialect; a prepared multipart upload adds `parts`.
 *
 * @internal
 * @module
 */
import { ConflictError, NotSupportedError } from '../../../par/errors.js';
import type { ObjectEndpoint, PartUploader } from '../../endpoint.js';
import type { DialectContext } from '../dialect.js';
import { signedUrlObject } from '../signed-url.js';
import { expiryAware, signedUntil } from './expiry.js';
import { type PartRequests, S3_PART_LIMITS, s3PartUpload } from './multipart.js';
import type { PresignedParts, UrlSetSecret } from './secret.js';

const missing = (what: string) => () =>
  Promise.reject(new NotSupportedError(`this Par carries no link to ${what} the object`));

/**
 * A context whose fetch adds headers that were signed into the URL (content type, checksum).
 *
 * @param context - transport
 * @param headers - the signed headers
 */
function withHeaders(context: DialectContext, headers: Readonly<Record<string, string>>): DialectContext {
  return {
    ...context,
    fetch: (input, init) => {
      const merged = new Headers(init?.headers);
      for (const [name, value] of Object.entries(headers)) merged.set(name, value);
      return context.fetch(input, { ...init, headers: merged });
    },
  };
}

/**
 * The multipart upload the issuer prepared: one upload id, a bounded number of pre-signed parts.
 * It can be started once.
 *
 * @param parts - the prepared upload
 * @param context - transport
 */
function presignedParts(parts: PresignedParts, context: DialectContext): PartUploader {
  let started = false;
  const requests: PartRequests = {
    part: (partNumber) =>
      parts.partUrl
        .replace('{partNumber}', String(partNumber))
        .replace('{signature}', parts.signatures[partNumber - 1] ?? ''),
    complete: () => parts.complete,
    abort: () => parts.abort,
  };
  return {
    limits: { ...S3_PART_LIMITS, maxParts: parts.signatures.length },
    async begin() {
      if (started)
        throw new ConflictError("this Par's multipart upload was already started; ask for a new Par");
      started = true;
      return s3PartUpload(requests, parts.signatures.length, context);
    },
  };
}

/**
 * The object endpoint of a URL set.
 *
 * @param set - the pre-signed URLs
 * @param context - transport
 */
export function urlSetObject(set: UrlSetSecret, context: DialectContext): ObjectEndpoint {
  const get = set.get === undefined ? undefined : signedUrlObject(set.get, context);
  const head = set.head === undefined ? undefined : signedUrlObject(set.head, context);
  const put =
    set.put === undefined ? undefined : signedUrlObject(set.put, withHeaders(context, set.putHeaders ?? {}));
  const remove = set.delete === undefined ? undefined : signedUrlObject(set.delete, context);
  // A content type signed into the PUT URL is the one the store will accept.
  const signedType = set.putHeaders?.['content-type'];
  const endpoint: ObjectEndpoint = {
    read: get === undefined ? missing('read') : (request) => get.read(request),
    stat: head === undefined ? missing('check') : (request) => head.stat(request),
    write:
      put === undefined
        ? missing('write')
        : (body, request) =>
            put.write(body, signedType === undefined ? request : { ...request, contentType: signedType }),
    remove: remove === undefined ? missing('delete') : (request) => remove.remove(request),
    ...(set.parts === undefined ? {} : { parts: presignedParts(set.parts, context) }),
  };
  const until = (url: string | undefined) => (url === undefined ? undefined : signedUntil(url));
  return expiryAware(endpoint, {
    read: until(set.get),
    stat: until(set.head),
    write: until(set.put),
    remove: until(set.delete),
  });
}

/**
 * The object endpoint of one pre-signed URL (whatever its method), expiry-aware.
 *
 * @param url - the URL
 * @param context - transport
 */
export function singleUrlObject(url: string, context: DialectContext): ObjectEndpoint {
  const until = signedUntil(url);
  return expiryAware(signedUrlObject(url, context), {
    read: until,
    stat: until,
    write: until,
    remove: until,
  });
}
