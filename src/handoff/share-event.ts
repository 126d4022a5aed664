/**
 * The parkit share event: a CloudEvents 1.0 event of type `dev.parkit.par.shared` whose data is
 * the sealed Par token plus its non-secret metadata (fingerprint, expiry, target, driver,
 * permissions). The token is sealed: only its recipients can open what it grants, so the event
 * may travel over any bus. What is consumed is checked strictly: the metadata must agree with
 * the token, so a relabelled event is refused rather than believed.
 *
 * This module builds and checks plain objects, with no dependency on the CloudEvents SDK, so it
 * runs wherever the core runs; `node-events.ts` wraps it with the SDK for HTTP.
 *
 * @module
 */
import type { Driver } from '../par/driver.js';
import { FormatError } from '../par/errors.js';
import { isoUtc } from '../par/metadata.js';
import { type DecodeOptions, Par } from '../par/par.js';
import type { Permission } from '../par/permissions.js';
import type { Target } from '../par/target.js';

/** The CloudEvents `type` of a share event. */
export const SHARE_EVENT_TYPE = 'dev.parkit.par.shared';

/** The version of the share event's data written by this release. */
export const SHARE_EVENT_VERSION = 1;

/** What a share event carries: the sealed token and what may be said about it in the clear. */
export interface ShareEventData {
  readonly v: 1;
  /** The sealed Par (`par1…`); only its recipients can open it. */
  readonly token: string;
  readonly fingerprint: string;
  /** ISO 8601 UTC. */
  readonly expires: string;
  readonly target: Target;
  readonly driver: Driver;
  readonly permissions: readonly Permission[];
  readonly name?: string;
}

/** The attributes of a share event besides `data` (CloudEvents 1.0 context attributes). */
export interface ShareEventAttributes {
  readonly specversion: '1.0';
  readonly type: typeof SHARE_EVENT_TYPE;
  readonly id: string;
  readonly source: string;
  readonly time: string;
  /** The Par's fingerprint, so routers can filter without reading data. */
  readonly subject: string;
  readonly datacontenttype: 'application/json';
}

/** A share event as a plain object (CloudEvents 1.0 JSON form). */
export interface ShareEvent extends ShareEventAttributes {
  readonly data: ShareEventData;
}

/** Options when building a share event. */
export interface ShareEventOptions {
  /** The CloudEvents `source` (default `urn:parkit`). */
  readonly source?: string;
  /** The event id (default a random UUID). */
  readonly id?: string;
  /** The event time (default now). */
  readonly time?: Date;
}

/** A share event that checked out, and the Par it carries. */
export interface ReceivedShare {
  readonly par: Par;
  readonly data: ShareEventData;
  /** The event's `id` and `source`, when the event had them. */
  readonly id?: string;
  readonly source?: string;
}

const DATA_KEYS = new Set([
  'v',
  'token',
  'fingerprint',
  'expires',
  'target',
  'driver',
  'permissions',
  'name',
]);
const MAX_TOKEN_LENGTH = 64 * 1024;

/**
 * The data of a share event for a Par.
 *
 * @param par - the sealed Par to share
 * @throws TypeError for a null Par (nothing sealed to share)
 */
export function shareEventData(par: Par): ShareEventData {
  if (!(par instanceof Par)) throw new TypeError('par must be a Par');
  if (par.isNull()) throw new TypeError('a null Par has nothing sealed to share');
  return {
    v: SHARE_EVENT_VERSION,
    token: par.toToken(),
    fingerprint: par.fingerprint(),
    expires: isoUtc(par.expires),
    target: par.target,
    driver: par.driver,
    permissions: par.permissions,
    ...(par.name === undefined ? {} : { name: par.name }),
  };
}

/**
 * A share event for a Par, as a plain CloudEvents 1.0 object.
 *
 * @param par - the sealed Par
 * @param options - source, id and time
 * @example
 * ```ts
 * const event = shareEvent(par, { source: 'urn:team:analytics' });
 * await fetch(sink, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(event) });
 * ```
 */
export function shareEvent(par: Par, options: ShareEventOptions = {}): ShareEvent {
  const data = shareEventData(par);
  return {
    specversion: '1.0',
    type: SHARE_EVENT_TYPE,
    id: options.id ?? crypto.randomUUID(),
    source: options.source ?? 'urn:parkit',
    time: (options.time ?? new Date()).toISOString(),
    subject: data.fingerprint,
    datacontenttype: 'application/json',
    data,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Key order does not matter (another sender may write `target` fields in another order).
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical(value[key])]),
  );
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * Check a share event's data and decode its Par. Every metadata field must agree with the token.
 *
 * @param data - untrusted data (an object, or its JSON text)
 * @param options - clock for the Par's later expiry checks
 * @throws FormatError naming the bad field (`data.token`, `data.fingerprint`, …)
 */
export function readShareEventData(data: unknown, options: DecodeOptions = {}): ReceivedShare {
  let value = data;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new FormatError('the share event data is not JSON', { field: 'data' });
    }
  }
  if (value instanceof Uint8Array)
    throw new FormatError('the share event data must be JSON, not bytes', { field: 'data' });
  if (!isRecord(value)) throw new FormatError('the share event data must be an object', { field: 'data' });
  for (const key of Object.keys(value)) {
    if (!DATA_KEYS.has(key))
      throw new FormatError(`the share event data has an unknown field`, {
        field: `data.${key.slice(0, 50)}`,
      });
  }
  if (value.v !== SHARE_EVENT_VERSION)
    throw new FormatError(`unsupported share event version (this release reads v${SHARE_EVENT_VERSION})`, {
      field: 'data.v',
    });
  const token = value.token;
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH)
    throw new FormatError('the share event has no token', { field: 'data.token' });
  let par: Par;
  try {
    par = Par.fromToken(token, options);
  } catch (cause) {
    throw new FormatError('the share event token is not a valid Par token', { field: 'data.token', cause });
  }
  if (par.isNull())
    throw new FormatError('the share event token carries no sealed secret', { field: 'data.token' });
  const expected = shareEventData(par);
  for (const field of ['fingerprint', 'expires', 'driver', 'target', 'permissions', 'name'] as const) {
    if (!sameJson(value[field], expected[field])) {
      throw new FormatError(`the share event's ${field} does not match its token`, {
        field: `data.${field}`,
      });
    }
  }
  return { par, data: expected };
}

/**
 * Check a whole share event (CloudEvents 1.0 attributes and data) and decode its Par.
 *
 * @param event - a decoded CloudEvent (SDK instance or plain object)
 * @param options - clock for the Par's later expiry checks
 * @throws FormatError for another spec version or type, a missing id or source, a content type
 *   other than JSON, or bad data (see {@link readShareEventData})
 */
export function readShareEvent(event: unknown, options: DecodeOptions = {}): ReceivedShare {
  if (!isRecord(event)) throw new FormatError('the event is not an object', { field: 'event' });
  if (event.specversion !== '1.0')
    throw new FormatError('the event is not a CloudEvents 1.0 event', { field: 'specversion' });
  if (event.type !== SHARE_EVENT_TYPE)
    throw new FormatError(`the event is not a parkit share event (type must be ${SHARE_EVENT_TYPE})`, {
      field: 'type',
    });
  if (typeof event.id !== 'string' || event.id === '')
    throw new FormatError('the event has no id', { field: 'id' });
  if (typeof event.source !== 'string' || event.source === '')
    throw new FormatError('the event has no source', { field: 'source' });
  const type = event.datacontenttype;
  if (
    type !== undefined &&
    (typeof type !== 'string' || !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type))
  ) {
    throw new FormatError('the share event data must be JSON', { field: 'datacontenttype' });
  }
  const received = readShareEventData(event.data, options);
  if (event.subject !== undefined && event.subject !== received.data.fingerprint) {
    throw new FormatError("the event's subject is not its Par's fingerprint", { field: 'subject' });
  }
  return { ...received, id: event.id, source: event.source };
}
