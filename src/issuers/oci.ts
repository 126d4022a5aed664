/**
 * OCI Object Storage pre-authenticated requests as Pars. OCI mints its PARs itself (with the
 * tenancy's IAM credentials); parkit wraps the URL it returns — `…/p/{token}/n/{namespace}/b/
 * {bucket}/o/{object}`, or the bucket form ending in `/o/` — sealed to recipients, with the
 * target and permissions that OCI's access type grants. The `oci` dialect then reads, lists and
 * writes through it. OCI PARs cannot be revoked by their holder (only through the OCI API), so
 * `close()` on an `oci` Par says so.
 *
 * @module
 */
import type { Clock, ExpiresInput } from '../par/expiry.js';
import { Par } from '../par/par.js';
import type { Permission } from '../par/permissions.js';
import type { BucketTarget, ObjectTarget } from '../par/target.js';
import type { Recipient } from '../seal/keys.js';

/** OCI's PAR access types. */
export const OCI_ACCESS_TYPES = Object.freeze([
  'ObjectRead',
  'ObjectWrite',
  'ObjectReadWrite',
  'AnyObjectRead',
  'AnyObjectWrite',
  'AnyObjectReadWrite',
] as const);

/** What an OCI PAR allows. */
export type OciAccessType = (typeof OCI_ACCESS_TYPES)[number];

/** Whether a bucket PAR may list (OCI's `bucketListingAction`). */
export type OciBucketListing = 'Deny' | 'ListObjects';

/** The parts of an OCI PAR URL (no secret among them). */
export interface OciParUrl {
  /** Scheme and host, e.g. `https://objectstorage.eu-frankfurt-1.oraclecloud.com`. */
  readonly origin: string;
  readonly namespace: string;
  readonly bucket: string;
  /** The decoded object name; undefined for the bucket form. */
  readonly object?: string;
}

/** Options of {@link wrapOciPar}. */
export interface WrapOciParOptions {
  /** The full PAR URL OCI returned (a secret). */
  readonly url: string;
  /** The PAR's access type. */
  readonly accessType: OciAccessType;
  /** Whether listing is allowed (bucket PARs with read access only; default `Deny`). */
  readonly bucketListing?: OciBucketListing;
  /** The object-name prefix an `AnyObject…` PAR was limited to, if any. */
  readonly prefix?: string;
  /** The PAR's `timeExpires` (required: OCI PARs always expire). */
  readonly expires: ExpiresInput;
  /** Who can open the Par. */
  readonly recipients: readonly Recipient[];
  /** A label. */
  readonly name?: string;
  /** OCI's id of the PAR (to revoke it later through the OCI API). */
  readonly id?: string;
  /** Clock for expiry checks. */
  readonly now?: Clock;
}

const PAR_PATH = /^\/p\/([^/]+)\/n\/([^/]+)\/b\/([^/]+)\/o(?:\/(.*))?$/;

function decodePart(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new TypeError(`url: the ${what} is not valid percent-encoding`);
  }
}

/**
 * Split an OCI PAR URL into its parts. Never echoes the URL in errors.
 *
 * @param url - the PAR URL
 * @throws TypeError naming what is wrong
 */
export function parseOciParUrl(url: string): OciParUrl {
  if (typeof url !== 'string') throw new TypeError('url must be a string');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError('url must be an absolute URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new TypeError('url must be an https URL');
  if (parsed.search !== '' || parsed.hash !== '')
    throw new TypeError('url must not carry a query or fragment');
  const match = PAR_PATH.exec(parsed.pathname);
  if (match === null) {
    throw new TypeError('url is not an OCI PAR URL (…/p/{token}/n/{namespace}/b/{bucket}/o/{object})');
  }
  const [, , namespace = '', bucket = '', object = ''] = match;
  return {
    origin: parsed.origin,
    namespace: decodePart(namespace, 'namespace'),
    bucket: decodePart(bucket, 'bucket name'),
    ...(object === '' ? {} : { object: decodePart(object, 'object name') }),
  };
}

/**
 * The permissions an access type grants.
 *
 * @param accessType - OCI's access type
 * @param listing - the bucket listing action
 * @throws RangeError for an unknown type or listing on a PAR that cannot list
 */
export function ociPermissions(accessType: OciAccessType, listing: OciBucketListing = 'Deny'): Permission[] {
  if (!OCI_ACCESS_TYPES.includes(accessType)) {
    throw new RangeError(`accessType must be one of ${OCI_ACCESS_TYPES.join(', ')}`);
  }
  if (listing !== 'Deny' && listing !== 'ListObjects')
    throw new RangeError("bucketListing must be 'Deny' or 'ListObjects'");
  const permissions: Permission[] = [];
  if (accessType.endsWith('Read') || accessType.endsWith('ReadWrite')) permissions.push('read');
  if (accessType.endsWith('Write')) permissions.push('write');
  if (listing === 'ListObjects') {
    if (accessType !== 'AnyObjectRead' && accessType !== 'AnyObjectReadWrite') {
      throw new RangeError('bucketListing ListObjects is only for AnyObjectRead and AnyObjectReadWrite PARs');
    }
    permissions.push('list');
  }
  return permissions;
}

/**
 * Wrap an OCI PAR URL as a sealed Par (driver `oci`).
 *
 * @param options - the URL, what OCI said it grants, its expiry, and the recipients
 * @returns the sealed Par
 * @throws TypeError / RangeError naming a bad option (the URL is never echoed)
 * @example
 * ```ts
 * const par = await wrapOciPar({
 *   url: parUrlFromOci,
 *   accessType: 'AnyObjectRead',
 *   bucketListing: 'ListObjects',
 *   expires: new Date('2026-12-31T00:00:00Z'),
 *   recipients: [recipient],
 * });
 * ```
 */
export async function wrapOciPar(options: WrapOciParOptions): Promise<Par<ObjectTarget | BucketTarget>> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  if (options.expires === undefined) throw new TypeError('expires is required (OCI PARs always expire)');
  const parts = parseOciParUrl(options.url);
  const permissions = ociPermissions(options.accessType, options.bucketListing);
  const anyObject = options.accessType.startsWith('AnyObject');
  let target: ObjectTarget | BucketTarget;
  if (anyObject) {
    if (parts.object !== undefined) throw new TypeError(`url: an ${options.accessType} PAR URL ends in /o/`);
    target = {
      kind: 'bucket',
      bucket: parts.bucket,
      ...(options.prefix === undefined || options.prefix === '' ? {} : { prefix: options.prefix }),
    };
  } else {
    if (parts.object === undefined)
      throw new TypeError(`url: an ${options.accessType} PAR URL names an object`);
    if (options.prefix !== undefined) throw new TypeError('prefix applies only to AnyObject… PARs');
    target = { kind: 'object', bucket: parts.bucket, key: parts.object };
  }
  return Par.create<ObjectTarget | BucketTarget>({
    url: options.url,
    driver: 'oci',
    target,
    permissions,
    expires: options.expires,
    recipients: options.recipients,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.id === undefined ? {} : { id: options.id }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
}
