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
import { Par } from '../../par/par.js';
import { normalisePermissions, type Permission } from '../../par/permissions.js';
import { MAX_KEY_BYTES, type Target } from '../../par/target.js';
import type { Recipient } from '../../seal/keys.js';
import { checkUrlKey } from '../sigv4/request-input.js';
import { credentialsGrant } from './grant-credentials.js';
import { postGrant } from './grant-post.js';
import { urlSetGrant } from './grant-urls.js';
import type { S3Issuer } from './issuer.js';

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

const encoder = new TextEncoder();

function checkPrefix(value: unknown): string {
  if (value === undefined || value === '') return '';
  if (typeof value !== 'string' || !value.isWellFormed() || encoder.encode(value).length > MAX_KEY_BYTES) {
    throw new TypeError(`prefix must be well-formed text of at most ${MAX_KEY_BYTES} bytes`);
  }
  return value;
}

/** What a grant puts in the Par. @internal */
export interface Minted {
  /** The secret to seal. */
  readonly secret: string;
  /** When the grant ends, epoch milliseconds. */
  readonly expires: number;
  /** The issuer's id for the grant, if any. */
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
            at,
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
    ...(issuer.settings.now === undefined ? {} : { now: issuer.settings.now }),
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
