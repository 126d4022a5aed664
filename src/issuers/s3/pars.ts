/**
 * `S3Issuer.createPar`: what each kind of Par carries.
 *
 * - object Par: one pre-signed URL per method its permissions need (GET + HEAD for read, PUT for
 *   write — with the signed content type and checksum — DELETE for delete), and optionally a
 *   multipart upload started here with its parts pre-signed;
 * - write-only bucket Par: a POST policy (key prefix and size range enforced by the store);
 * - any other bucket Par (or `via: 'credentials'`): temporary STS credentials whose session
 *   policy allows only the Par's actions under its prefix until its expiry.
 *
 * @internal
 * @module
 */
import { DateTime } from 'luxon';
import type { CredentialsSecret, PostSecret, UrlSetSecret } from '../../access/dialects/s3/secret.js';
import { Par } from '../../par/par.js';
import { normalisePermissions, type Permission } from '../../par/permissions.js';
import { MAX_KEY_BYTES, type Target } from '../../par/target.js';
import type { Recipient } from '../../seal/keys.js';
import type { Pair } from '../sigv4/canonical.js';
import { checkLifetime } from '../sigv4/lifetime.js';
import { checkUrlKey } from '../sigv4/request-input.js';
import type { S3Issuer } from './issuer.js';
import { POLICY_UNSAFE, sessionPolicy } from './session-policy.js';
import { assumeRole } from './sts.js';

/** What to grant. */
export interface S3ParOptions {
  readonly bucket: string;
  /** One object (an object Par). */
  readonly key?: string;
  /** Or the keys under this prefix (a bucket Par; absent or `''`: the whole bucket). */
  readonly prefix?: string;
  readonly permissions: readonly Permission[];
  /**
   * Lifetime in whole seconds: up to 604 800 (7 days) for pre-signed URLs and POST policies, up
   * to `sts.maxSessionSeconds` for temporary credentials.
   */
  readonly expiresIn: number;
  /** Who can open it: `age1…` recipients or one `{ passphrase }`. */
  readonly recipients: readonly Recipient[];
  /** A label for the Par. */
  readonly name?: string;
  /** Object write: the content type signed into the PUT (the holder's writes use it). */
  readonly contentType?: string;
  /** Object write: base64 SHA-256 of the content, signed into the PUT as `x-amz-checksum-sha256`. */
  readonly checksumSha256?: string;
  /** Object write: start a multipart upload now and pre-sign this many parts (1–500). */
  readonly multipart?: { readonly parts: number };
  /** Write-only bucket Par: smallest and largest upload in bytes (default 0 and 5 GiB). */
  readonly minSize?: number;
  readonly maxSize?: number;
  /** Force temporary credentials (`'credentials'`) or a POST policy (`'post'`, write-only bucket Pars). */
  readonly via?: 'post' | 'credentials';
  /** Cancels the issuer's own requests (STS, starting a multipart upload). */
  readonly signal?: AbortSignal;
}

/** Most parts a Par may pre-sign: their signatures must fit the 64 KiB sealed secret. */
export const MAX_PRESIGNED_PARTS = 500;
const STS_MIN_SECONDS = 900;
const CHECKSUM = /^[A-Za-z0-9+/]{43}=$/;
const encoder = new TextEncoder();

function checkPrefix(value: unknown): string {
  if (value === undefined || value === '') return '';
  if (typeof value !== 'string' || !value.isWellFormed() || encoder.encode(value).length > MAX_KEY_BYTES) {
    throw new TypeError(`prefix must be well-formed text of at most ${MAX_KEY_BYTES} bytes`);
  }
  return value;
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
}

interface Minted {
  readonly secret: string;
  readonly expires: number;
  readonly id?: string;
}

/**
 * Mint an S3 Par.
 *
 * @param issuer - the issuer (credentials, clock, STS)
 * @param options - what to grant
 * @internal
 */
export async function createS3Par(issuer: S3Issuer, options: S3ParOptions): Promise<Par> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const bucket = issuer.checkBucket(options.bucket);
  if (options.key !== undefined && options.prefix !== undefined)
    throw new TypeError('give either key or prefix, not both');
  if (options.via !== undefined && options.via !== 'post' && options.via !== 'credentials') {
    throw new RangeError("via must be 'post' or 'credentials'");
  }
  const target: Target =
    options.key === undefined
      ? {
          kind: 'bucket',
          bucket,
          ...(checkPrefix(options.prefix) === '' ? {} : { prefix: checkPrefix(options.prefix) }),
        }
      : { kind: 'object', bucket, key: checkUrlKey(options.key) };
  const permissions = normalisePermissions(options.permissions, target);
  const at = issuer.now();
  const kind = grantKind(target, permissions, options.via);
  const minted =
    kind === 'credentials'
      ? await credentialsGrant(issuer, bucket, target, permissions, options, at)
      : kind === 'urls' && target.kind === 'object'
        ? await urlSetGrant(issuer, bucket, target.key, permissions, options, at)
        : postGrant(
            issuer,
            bucket,
            target.kind === 'bucket' ? (target.prefix ?? '') : '',
            permissions,
            options,
          );
  return Par.create({
    url: minted.secret,
    driver: 's3',
    target,
    permissions,
    expires: DateTime.fromMillis(minted.expires, { zone: 'utc' }),
    recipients: options.recipients,
    created: DateTime.fromMillis(at, { zone: 'utc' }),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(minted.id === undefined ? {} : { id: minted.id }),
    ...(issuer.config.now === undefined ? {} : { now: issuer.config.now }),
  });
}

function grantKind(
  target: Target,
  permissions: readonly Permission[],
  via: S3ParOptions['via'],
): 'urls' | 'post' | 'credentials' {
  if (via === 'credentials') return 'credentials';
  if (target.kind === 'object') {
    if (via === 'post') throw new TypeError("via 'post' is for bucket Pars");
    return 'urls';
  }
  const writeOnly = permissions.length === 1 && permissions[0] === 'write';
  return via === 'post' || writeOnly ? 'post' : 'credentials';
}

function writeOnlyOption(options: S3ParOptions, permissions: readonly Permission[]): void {
  if (permissions.includes('write')) return;
  for (const name of ['contentType', 'checksumSha256', 'multipart'] as const) {
    if (options[name] !== undefined) throw new TypeError(`${name} is only for Pars that grant write`);
  }
}

async function urlSetGrant(
  issuer: S3Issuer,
  bucket: string,
  key: string,
  permissions: readonly Permission[],
  options: S3ParOptions,
  at: number,
): Promise<Minted> {
  writeOnlyOption(options, permissions);
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

function postGrant(
  issuer: S3Issuer,
  bucket: string,
  prefix: string,
  permissions: readonly Permission[],
  options: S3ParOptions,
): Minted {
  if (permissions.length !== 1 || permissions[0] !== 'write') {
    throw new TypeError("via 'post' makes write-only Pars: permissions must be ['write']");
  }
  const form = issuer.presignPost({
    bucket,
    prefix,
    expiresIn: options.expiresIn,
    ...(options.minSize === undefined ? {} : { minSize: options.minSize }),
    ...(options.maxSize === undefined ? {} : { maxSize: options.maxSize }),
  });
  const secret: PostSecret = {
    v: 1,
    kind: 'post',
    url: form.url,
    fields: form.fields,
    minSize: options.minSize ?? 0,
    maxSize: options.maxSize ?? 5 * 1024 ** 3,
  };
  const at = issuer.now();
  return { secret: JSON.stringify(secret), expires: Math.floor(at / 1000) * 1000 + options.expiresIn * 1000 };
}

async function credentialsGrant(
  issuer: S3Issuer,
  bucket: string,
  target: Target,
  permissions: readonly Permission[],
  options: S3ParOptions,
  at: number,
): Promise<Minted> {
  const { sts, endpoint, region, accessKeyId, sessionToken, fetch } = issuer.config;
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
