/**
 * Object Pars of pre-signed URLs: one per method the permissions need (GET + HEAD for read, PUT
 * for write — with the signed content type and checksum —, DELETE for delete), and optionally a
 * multipart upload started at issue time with its parts pre-signed.
 *
 * @internal
 * @module
 */
import type { UrlSetSecret } from '../../access/dialects/s3/secret.js';
import type { Permission } from '../../par/permissions.js';
import type { Pair } from '../sigv4/canonical.js';
import { checkLifetime } from '../sigv4/lifetime.js';
import type { S3Issuer } from './issuer.js';
import type { Minted, S3ParOptions } from './pars.js';

/** Most parts a Par may pre-sign: their signatures must fit the 64 KiB sealed secret. */
export const MAX_PRESIGNED_PARTS = 500;
const CHECKSUM = /^[A-Za-z0-9+/]{43}=$/;

function checkWriteOptions(options: S3ParOptions, permissions: readonly Permission[]): void {
  if (permissions.includes('write')) return;
  for (const name of ['contentType', 'checksumSha256', 'multipart'] as const) {
    if (options[name] !== undefined) throw new TypeError(`${name} is only for Pars that grant write`);
  }
}

/**
 * The URL set of an object Par.
 *
 * @internal
 */
export async function urlSetGrant(
  issuer: S3Issuer,
  bucket: string,
  key: string,
  permissions: readonly Permission[],
  options: S3ParOptions,
  at: number,
): Promise<Minted> {
  checkWriteOptions(options, permissions);
  const expiresIn = checkLifetime(options.expiresIn);
  const presigner = issuer.presignerFor(bucket);
  const sign = (method: string, headers?: readonly Pair[], query?: readonly Pair[]) =>
    presigner.url({
      method,
      bucket,
      key,
      expiresIn,
      at,
      ...(headers === undefined ? {} : { headers }),
      ...(query === undefined ? {} : { query }),
    });
  const set: { -readonly [K in keyof UrlSetSecret]: UrlSetSecret[K] } = { v: 1, kind: 'urls' };
  if (permissions.includes('read')) {
    set.get = sign('GET');
    set.head = sign('HEAD');
  }
  if (permissions.includes('delete')) set.delete = sign('DELETE');
  if (permissions.includes('write')) {
    const putHeaders: Record<string, string> = {};
    if (options.contentType !== undefined) {
      if (typeof options.contentType !== 'string' || !/^[\x21-\x7e][\x20-\x7e]*$/.test(options.contentType)) {
        throw new TypeError('contentType must be a printable ASCII media type');
      }
      putHeaders['content-type'] = options.contentType;
    }
    if (options.checksumSha256 !== undefined) {
      if (typeof options.checksumSha256 !== 'string' || !CHECKSUM.test(options.checksumSha256)) {
        throw new TypeError('checksumSha256 must be the base64 SHA-256 of the content (44 characters)');
      }
      putHeaders['x-amz-checksum-sha256'] = options.checksumSha256;
    }
    const signed = Object.entries(putHeaders);
    set.put = sign('PUT', signed);
    if (signed.length > 0) set.putHeaders = putHeaders;
    if (options.multipart !== undefined) set.parts = await prepareParts(issuer, bucket, key, options, sign);
  }
  return { secret: JSON.stringify(set), expires: Math.floor(at / 1000) * 1000 + expiresIn * 1000 };
}

async function prepareParts(
  issuer: S3Issuer,
  bucket: string,
  key: string,
  options: S3ParOptions,
  sign: (method: string, headers?: readonly Pair[], query?: readonly Pair[]) => string,
): Promise<NonNullable<UrlSetSecret['parts']>> {
  const count = options.multipart?.parts;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_PRESIGNED_PARTS) {
    throw new RangeError(`multipart.parts must be a whole number from 1 to ${MAX_PRESIGNED_PARTS}`);
  }
  const uploadId = await issuer.createMultipartUpload({
    bucket,
    key,
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const id: Pair = ['uploadId', uploadId];
  const part = (n: number) => sign('PUT', undefined, [['partNumber', String(n)], id]);
  // Every part URL is the same but for its part number and signature: keep one template.
  const first = part(1);
  const partUrl = `${first.slice(0, -64).replace('&partNumber=1&', '&partNumber={partNumber}&')}{signature}`;
  const signatures = Array.from({ length: count }, (_, index) =>
    (index === 0 ? first : part(index + 1)).slice(-64),
  );
  const last = part(count);
  if (partUrl.replace('{partNumber}', String(count)).replace('{signature}', last.slice(-64)) !== last) {
    throw new Error('internal error: part URLs do not follow one template');
  }
  return {
    partUrl,
    signatures,
    complete: sign('POST', undefined, [id]),
    abort: sign('DELETE', undefined, [id]),
  };
}
