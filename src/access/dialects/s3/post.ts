/**
 * A bucket endpoint for a pre-signed POST policy: write-only, each object sent as an HTML form
 * upload. The policy fixes the key prefix and the size range; the store enforces both.
 *
 * @internal
 * @module
 */
import { NotSupportedError, PermissionError } from '../../../par/errors.js';
import type { BucketEndpoint, ObjectEndpoint } from '../../endpoint.js';
import { send, statFromHeaders } from '../../http.js';
import type { DialectContext } from '../dialect.js';
import type { PostSecret } from './secret.js';

const writeOnly = (what: string) => () =>
  Promise.reject(new NotSupportedError(`an upload policy Par is write-only: it cannot ${what}`));

function postObject(secret: PostSecret, key: string, context: DialectContext): ObjectEndpoint {
  return {
    read: writeOnly('read'),
    stat: writeOnly('check objects'),
    remove: writeOnly('delete'),
    async write(body, request) {
      // A form upload needs the whole file up front (the policy is checked before the body is stored).
      const file =
        body instanceof Uint8Array
          ? new Blob([body as Uint8Array<ArrayBuffer>])
          : await new Response(body).blob();
      if (file.size < secret.minSize || file.size > secret.maxSize) {
        throw new PermissionError(
          `this Par accepts uploads of ${secret.minSize} to ${secret.maxSize} bytes; this one has ${file.size}`,
        );
      }
      const fixedKey = secret.fields.key;
      if (fixedKey !== undefined && fixedKey !== key) {
        throw new PermissionError('this upload policy is for another key');
      }
      const form = new FormData();
      for (const [name, value] of Object.entries(secret.fields)) form.append(name, value);
      if (fixedKey === undefined) form.append('key', key);
      if (secret.fields['Content-Type'] === undefined) {
        form.append('Content-Type', request.contentType ?? 'application/octet-stream');
      }
      form.append('file', file);
      const response = await send(context, secret.url, {
        method: 'POST',
        body: form,
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      await response.body?.cancel();
      const { size: _bodySize, ...stat } = statFromHeaders(response.headers);
      return { ...stat, size: file.size };
    },
  };
}

/**
 * The bucket endpoint of a POST policy grant.
 *
 * @param secret - the policy and its signed fields
 * @param context - transport
 */
export function postBucket(secret: PostSecret, context: DialectContext): BucketEndpoint {
  return {
    object: (key) => postObject(secret, key, context),
    list: () => Promise.reject(new NotSupportedError('an upload policy Par is write-only: it cannot list')),
  };
}
