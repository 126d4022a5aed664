/**
 * From what a caller asks for (container, blob, letters, times, limits) to validated
 * {@link SasFields}. Each mistake is a TypeError/RangeError naming the field.
 *
 * @internal
 * @module
 */
import { type DateTime, Duration, type DurationLikeObject } from 'luxon';
import { toUtc } from '../../par/expiry.js';
import { checkBlobName, checkContainerName } from './names.js';
import type { AzureResponseHeaders, SasFields } from './sas.js';
import {
  type AzureIpRange,
  type AzureSasProtocol,
  canonicalLetters,
  checkPolicyId,
  checkProtocol,
  checkResponseHeaders,
  formatIpRange,
  LATEST_SAS_TIME,
  sasTime,
} from './sas-fields.js';

/** A lifetime: seconds, a luxon Duration, or an object such as `{ hours: 2 }`. */
export type AzureLifetime = number | Duration | DurationLikeObject;

/** An instant: a luxon DateTime, a Date, or epoch milliseconds. */
export type AzureInstant = DateTime | Date | number;

/** The fields of a service SAS, as a caller gives them. */
export interface AzureSasOptions {
  /** The container. */
  readonly container: string;
  /** The blob; absent for a SAS on the whole container (`sr=c`). */
  readonly blob?: string;
  /**
   * SAS permission letters, any order: `r` read, `a` add (append blocks), `c` create, `w` write,
   * `d` delete, and for a container `l` list. Required unless the stored policy sets them.
   */
  readonly permissions?: string;
  /** When the SAS starts to work (default: at once). */
  readonly start?: AzureInstant;
  /** When the SAS stops working. Give this or `expiresIn`, unless the stored policy sets it. */
  readonly expires?: AzureInstant;
  /** How long the SAS works from now. */
  readonly expiresIn?: AzureLifetime;
  /** Bind the SAS to this stored access policy of the container (`si`). */
  readonly policy?: string;
  /** Accept requests only from this IPv4 address or range (`sip`). */
  readonly ipRange?: AzureIpRange;
  /** Accept `https` only, or `https,http` (default: `https` for an https endpoint). */
  readonly protocol?: AzureSasProtocol;
  /** Response headers the store sends on reads through this SAS (`rscd`, `rsct`, …). */
  readonly responseHeaders?: AzureResponseHeaders;
}

/** The issuer's side of a SAS: account, clock, version, default protocol. */
export interface SasContext {
  readonly account: string;
  readonly version: string;
  readonly now: DateTime;
  readonly defaultProtocol: AzureSasProtocol;
}

/** Validated SAS fields plus what the URL needs. */
export interface ResolvedSas {
  readonly fields: SasFields;
  readonly container: string;
  readonly blob: string | undefined;
  /** The SAS expiry (`se`, whole seconds), when the SAS states one. */
  readonly expires: DateTime | undefined;
}

/**
 * Resolve an expiry from `expires` or `expiresIn` (exactly one may be given).
 *
 * @param options - the two fields
 * @param now - the current time
 * @returns the instant, or undefined when neither is given
 * @throws TypeError / RangeError naming the field
 */
export function resolveSasExpiry(
  options: { readonly expires?: AzureInstant; readonly expiresIn?: AzureLifetime },
  now: DateTime,
): DateTime | undefined {
  if (options.expires !== undefined && options.expiresIn !== undefined) {
    throw new TypeError('give expires or expiresIn, not both');
  }
  if (options.expires !== undefined) return toUtc(options.expires, 'expires');
  if (options.expiresIn === undefined) return undefined;
  const lifetime = options.expiresIn;
  if (typeof lifetime === 'number') {
    if (!Number.isFinite(lifetime) || lifetime <= 0)
      throw new RangeError('expiresIn must be a positive number of seconds');
    return now.plus({ milliseconds: Math.round(lifetime * 1000) });
  }
  let duration: Duration;
  try {
    duration = Duration.isDuration(lifetime) ? lifetime : Duration.fromObject(lifetime);
  } catch (cause) {
    throw new TypeError('expiresIn must be seconds, a luxon Duration or an object such as { hours: 2 }', {
      cause,
    });
  }
  if (!duration.isValid || duration.toMillis() <= 0)
    throw new RangeError('expiresIn must be a positive duration');
  return now.plus(duration);
}

/**
 * Check a validity window: expiry in the future (at whole-second precision), after the start,
 * and no later than 9999-12-31.
 *
 * @param start - the start, if any
 * @param expires - the expiry
 * @param now - the current time
 * @returns the expiry truncated to whole seconds (what the SAS says)
 * @throws RangeError naming the field
 */
export function checkWindow(start: DateTime | undefined, expires: DateTime, now: DateTime): DateTime {
  const expiry = expires.toUTC().startOf('second');
  if (expiry <= now) throw new RangeError('expires must be at least one second in the future');
  if (expiry > LATEST_SAS_TIME) throw new RangeError('expires must be no later than 9999-12-31T23:59:59Z');
  if (start !== undefined && start.toUTC().startOf('second') >= expiry) {
    throw new RangeError('expires must be after start');
  }
  return expiry;
}

/**
 * Validate SAS options into signable fields.
 *
 * @param options - what the caller asks for
 * @param context - account, version, clock, default protocol
 * @returns the fields and facts for the URL
 * @throws TypeError / RangeError naming the bad field
 */
export function resolveSas(options: AzureSasOptions, context: SasContext): ResolvedSas {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const container = checkContainerName(options.container);
  const blob = options.blob === undefined ? undefined : checkBlobName(options.blob);
  const resource = blob === undefined ? 'c' : 'b';
  const policy = options.policy === undefined ? undefined : checkPolicyId(options.policy);
  const permissions =
    options.permissions === undefined ? undefined : canonicalLetters(options.permissions, resource);
  const start = options.start === undefined ? undefined : toUtc(options.start, 'start');
  const requested = resolveSasExpiry(options, context.now);
  if (policy === undefined && (permissions === undefined || requested === undefined)) {
    throw new TypeError('a SAS without a stored policy needs permissions and expires (or expiresIn)');
  }
  const expires = requested === undefined ? undefined : checkWindow(start, requested, context.now);
  const protocol = options.protocol === undefined ? context.defaultProtocol : checkProtocol(options.protocol);
  const ip = options.ipRange === undefined ? undefined : formatIpRange(options.ipRange);
  const responseHeaders =
    options.responseHeaders === undefined ? undefined : checkResponseHeaders(options.responseHeaders);
  const fields: SasFields = {
    canonicalizedResource: `/blob/${context.account}/${container}${blob === undefined ? '' : `/${blob}`}`,
    version: context.version,
    resource,
    protocol,
    ...(permissions === undefined ? {} : { permissions }),
    ...(start === undefined ? {} : { start: sasTime(start) }),
    ...(expires === undefined ? {} : { expiry: sasTime(expires) }),
    ...(policy === undefined ? {} : { identifier: policy }),
    ...(ip === undefined ? {} : { ip }),
    ...(responseHeaders === undefined ? {} : { responseHeaders }),
  };
  return { fields, container, blob, expires };
}
