/**
 * The options of {@link S3Issuer} and their checks: every mistake fails at construction with a
 * TypeError or RangeError naming the field, and no message ever shows a credential.
 *
 * @module
 */
import type { Clock } from '../../par/expiry.js';
import { checkEndpoint } from '../sigv4/request-input.js';

/** Temporary credentials for bucket Pars, minted with STS `AssumeRole` and a session policy. */
export interface S3StsOptions {
  /** The role to assume (AWS: `arn:aws:iam::123456789012:role/name`; Ceph RGW: `arn:aws:iam:::role/name`). */
  readonly roleArn: string;
  /** The STS endpoint (default: `https://sts.{region}.amazonaws.com` for AWS endpoints, else the S3 endpoint, as Ceph RGW and MinIO serve STS there). */
  readonly endpoint?: string;
  /** The role's maximum session duration in seconds (default 3600, the AWS and Ceph default). */
  readonly maxSessionSeconds?: number;
}

/** How to reach an S3-compatible store and sign for it. */
export interface S3IssuerOptions {
  /** The store's origin, e.g. `https://s3.eu-west-1.amazonaws.com` or `http://127.0.0.1:7480`. */
  readonly endpoint: string;
  /** The signing region (`us-east-1`, `eu-west-1`, `auto` for R2, the zone group for Ceph). */
  readonly region: string;
  /** Access key id. */
  readonly accessKeyId: string;
  /** Secret access key (kept private; never shown). */
  readonly secretAccessKey: string;
  /** Session token, when the keys are temporary credentials. */
  readonly sessionToken?: string;
  /**
   * `true`: `endpoint/bucket/key`; `false`: `bucket.endpoint/key`. Default: virtual-hosted for
   * bucket names without dots on a named host, path-style for IP addresses, `localhost` and dotted names.
   */
  readonly forcePathStyle?: boolean;
  /** Clock for signing times and Par expiry (default: the system clock). */
  readonly now?: Clock;
  /** Enables bucket Pars that read, list or delete (see `docs/s3.md`). */
  readonly sts?: S3StsOptions;
  /** Fetch for the issuer's own requests (STS, starting multipart uploads). */
  readonly fetch?: typeof fetch;
}

/** The checked configuration. @internal */
export interface S3Config {
  readonly endpoint: URL;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string | undefined;
  readonly forcePathStyle: boolean | undefined;
  readonly now: Clock | undefined;
  readonly sts:
    | { readonly roleArn: string; readonly endpoint: URL; readonly maxSessionSeconds: number }
    | undefined;
  readonly fetch: typeof fetch | undefined;
}

const REGION = /^[a-z0-9]+(-[a-z0-9]+)*$/;
// The access key id goes in the credential scope, where "/" separates fields.
const ACCESS_KEY_ID = /^[\x21-\x2e\x30-\x7e]{1,128}$/;
const ROLE_ARN = /^arn:[a-z-]+:iam::\d{0,12}:role\/[\w+=,.@/-]{1,512}$/;

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new TypeError(`S3Issuer: ${field} must be a non-empty string`);
  if (/[^\x21-\x7e]/.test(value)) {
    throw new TypeError(`S3Issuer: ${field} must be printable ASCII without spaces`);
  }
  return value;
}

/**
 * Check the issuer options.
 *
 * @param options - what the caller gave
 * @returns the checked configuration
 * @throws TypeError / RangeError naming the field
 * @internal
 */
export function resolveS3Options(options: S3IssuerOptions): S3Config {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('S3Issuer: options must be an object');
  const endpoint = checkEndpoint(options.endpoint, 'S3Issuer: endpoint');
  if (typeof options.region !== 'string' || options.region.length > 32 || !REGION.test(options.region)) {
    throw new RangeError(
      'S3Issuer: region must be a region name such as us-east-1 (lower-case letters, digits, "-")',
    );
  }
  const accessKeyId = text(options.accessKeyId, 'accessKeyId');
  if (!ACCESS_KEY_ID.test(accessKeyId)) {
    throw new TypeError('S3Issuer: accessKeyId must be printable ASCII without "/" (at most 128 characters)');
  }
  const secretAccessKey = text(options.secretAccessKey, 'secretAccessKey');
  const sessionToken =
    options.sessionToken === undefined ? undefined : text(options.sessionToken, 'sessionToken');
  if (options.forcePathStyle !== undefined && typeof options.forcePathStyle !== 'boolean') {
    throw new TypeError('S3Issuer: forcePathStyle must be a boolean');
  }
  if (options.now !== undefined && typeof options.now !== 'function')
    throw new TypeError('S3Issuer: now must be a function');
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new TypeError('S3Issuer: fetch must be a function');
  }
  return {
    endpoint,
    region: options.region,
    accessKeyId,
    secretAccessKey,
    sessionToken,
    forcePathStyle: options.forcePathStyle,
    now: options.now,
    sts: options.sts === undefined ? undefined : resolveSts(options.sts, endpoint, options.region),
    fetch: options.fetch,
  };
}

function resolveSts(sts: S3StsOptions, endpoint: URL, region: string): NonNullable<S3Config['sts']> {
  if (typeof sts !== 'object' || sts === null) throw new TypeError('S3Issuer: sts must be an object');
  if (typeof sts.roleArn !== 'string' || !ROLE_ARN.test(sts.roleArn)) {
    throw new TypeError('S3Issuer: sts.roleArn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)');
  }
  const max = sts.maxSessionSeconds ?? 3600;
  if (!Number.isInteger(max) || max < 900 || max > 43_200) {
    throw new RangeError(
      'S3Issuer: sts.maxSessionSeconds must be a whole number of seconds from 900 to 43200',
    );
  }
  const aws = endpoint.hostname.endsWith('.amazonaws.com');
  const stsEndpoint =
    sts.endpoint !== undefined
      ? checkEndpoint(sts.endpoint, 'S3Issuer: sts.endpoint')
      : aws
        ? new URL(`https://sts.${region}.amazonaws.com`)
        : endpoint;
  return { roleArn: sts.roleArn, endpoint: stsEndpoint, maxSessionSeconds: max };
}

/**
 * Milliseconds since the epoch from a clock, without luxon on the hot path.
 *
 * @param now - the clock, or undefined for the system clock
 * @internal
 */
export function clockMillis(now: Clock | undefined): number {
  if (now === undefined) return Date.now();
  const value = now();
  const ms =
    typeof value === 'number' ? value : value instanceof Date ? value.getTime() : value?.toMillis?.();
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new TypeError('now must return a luxon DateTime, a Date or epoch milliseconds');
  }
  return ms;
}
