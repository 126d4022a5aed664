/**
 * A Par's plain metadata: its one canonical JSON form (what the binding tag, the fingerprint and
 * the token are computed over) and the strict validation every decoder shares.
 *
 * @module
 */
import { DateTime } from 'luxon';
import { DRIVERS, type Driver, isDriver } from './driver.js';
import { FormatError } from './errors.js';
import { normalisePermissions, type Permission } from './permissions.js';
import { normaliseTarget, type Target } from './target.js';

/** The wire format version written by this release. */
export const FORMAT_VERSION = 1;

/** Longest `name` or `id`, in characters. */
export const MAX_LABEL_LENGTH = 256;

/** The non-secret description of a grant. */
export interface ParMetadata {
  readonly uid: string;
  readonly name?: string;
  readonly id?: string;
  readonly driver: Driver;
  readonly target: Target;
  readonly permissions: readonly Permission[];
  readonly created: DateTime;
  readonly expires: DateTime;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A time in its one canonical text form: ISO 8601, UTC, milliseconds, `Z`.
 *
 * @param time - the instant
 */
export function isoUtc(time: DateTime): string {
  // Date's ISO form is exactly this for years 0000–9999 (the only ones a Par can hold), and
  // much cheaper than luxon's formatter on the seal/open path.
  return new Date(time.toMillis()).toISOString();
}

/**
 * Parse a canonical UTC timestamp strictly (no other offsets, no impossible dates).
 *
 * @param text - the candidate text
 * @param field - the field name for errors
 * @throws FormatError when the text is not canonical
 */
export function parseIsoUtc(text: unknown, field: string): DateTime {
  if (typeof text !== 'string' || !ISO_UTC.test(text)) {
    throw new FormatError(`${field} must be a UTC timestamp like 2026-01-31T12:00:00.000Z`, { field });
  }
  const time = DateTime.fromISO(text, { zone: 'utc' });
  if (!time.isValid || isoUtc(time) !== text) throw new FormatError(`${field} is not a real date`, { field });
  return time;
}

/**
 * The canonical JSON text of a Par's metadata: fixed key order, optional fields omitted, times
 * in {@link isoUtc} form. Two Pars describe the same grant exactly when these texts are equal.
 *
 * @param metadata - validated metadata
 * @returns the canonical JSON text
 */
export function canonicalMetadata(metadata: ParMetadata): string {
  const { target } = metadata;
  let canonicalTarget: Record<string, string>;
  switch (target.kind) {
    case 'object':
      canonicalTarget = { kind: 'object', key: target.key };
      if (target.bucket !== undefined) canonicalTarget.bucket = target.bucket;
      break;
    case 'bucket':
      canonicalTarget = { kind: 'bucket' };
      if (target.bucket !== undefined) canonicalTarget.bucket = target.bucket;
      if (target.prefix !== undefined) canonicalTarget.prefix = target.prefix;
      break;
    case 'calculation':
      canonicalTarget = { kind: 'calculation', name: target.name };
      break;
  }
  const record: Record<string, unknown> = { v: FORMAT_VERSION, uid: metadata.uid };
  if (metadata.name !== undefined) record.name = metadata.name;
  if (metadata.id !== undefined) record.id = metadata.id;
  record.driver = metadata.driver;
  record.target = canonicalTarget;
  record.permissions = metadata.permissions;
  record.created = isoUtc(metadata.created);
  record.expires = isoUtc(metadata.expires);
  return JSON.stringify(record);
}

/**
 * Throw if any object inside `value` has an own key that could reach a prototype.
 *
 * @param value - parsed, untrusted data
 * @param path - where we are, for the error
 * @throws FormatError naming the offending key
 */
export function assertSafeKeys(value: unknown, path = ''): void {
  if (typeof value !== 'object' || value === null) return;
  // JSON.parse turns "__proto__" into an own, enumerable key, so Object.keys sees it.
  for (const key of Object.keys(value)) {
    const here = path === '' ? key : `${path}.${key}`;
    if (FORBIDDEN_KEYS.has(key)) throw new FormatError(`forbidden key "${key}"`, { field: here });
    assertSafeKeys((value as Record<string, unknown>)[key], here);
  }
}

function label(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > MAX_LABEL_LENGTH ||
    !value.isWellFormed()
  ) {
    throw new FormatError(`${field} must be a non-empty string of at most ${MAX_LABEL_LENGTH} characters`, {
      field,
    });
  }
  return value;
}

function rethrowAsFormat<T>(field: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      const named = /^(target\.\w+|permissions)/.exec(error.message)?.[1] ?? field;
      throw new FormatError(error.message, { field: named, cause: error });
    }
    throw error;
  }
}

/**
 * Validate untrusted metadata fields (already free of forbidden keys) into {@link ParMetadata}.
 *
 * @param record - the decoded object
 * @param readTime - how times are represented in this encoding
 * @param allowed - every key the encoding may carry (others are rejected)
 * @throws FormatError naming the first bad field
 */
export function parseMetadata(
  record: unknown,
  readTime: (value: unknown, field: string) => DateTime,
  allowed: ReadonlySet<string>,
): ParMetadata {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new FormatError('Par data must be an object');
  }
  const fields = record as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!allowed.has(key)) throw new FormatError(`unknown field "${key}"`, { field: key });
  }
  if (fields.v !== FORMAT_VERSION) {
    throw new FormatError(
      `unsupported Par format version ${JSON.stringify(fields.v)} (this release reads 1)`,
      {
        field: 'v',
      },
    );
  }
  if (typeof fields.uid !== 'string' || !UUID.test(fields.uid)) {
    throw new FormatError('uid must be a lowercase UUID', { field: 'uid' });
  }
  const name = label(fields.name, 'name');
  const id = label(fields.id, 'id');
  if (!isDriver(fields.driver)) {
    throw new FormatError(`driver must be one of ${DRIVERS.join(', ')}`, { field: 'driver' });
  }
  const rawTarget = fields.target;
  if (typeof rawTarget !== 'object' || rawTarget === null || Array.isArray(rawTarget)) {
    throw new FormatError('target must be an object', { field: 'target' });
  }
  const targetKeys = new Set(['kind', 'key', 'bucket', 'prefix', 'name']);
  for (const key of Object.keys(rawTarget)) {
    if (!targetKeys.has(key))
      throw new FormatError(`unknown field "target.${key}"`, { field: `target.${key}` });
  }
  const target = rethrowAsFormat('target', () => normaliseTarget(rawTarget as Target));
  if (target.kind === 'bucket' && (rawTarget as { prefix?: unknown }).prefix === '') {
    throw new FormatError('target.prefix must be omitted rather than empty', { field: 'target.prefix' });
  }
  if (!Array.isArray(fields.permissions) || !fields.permissions.every((p) => typeof p === 'string')) {
    throw new FormatError('permissions must be an array of strings', { field: 'permissions' });
  }
  const permissions = rethrowAsFormat('permissions', () =>
    normalisePermissions(fields.permissions as Permission[], target),
  );
  const created = readTime(fields.created, 'created');
  const expires = readTime(fields.expires, 'expires');
  if (expires.toMillis() <= created.toMillis()) {
    throw new FormatError('expires must be after created', { field: 'expires' });
  }
  const metadata: {
    -readonly [K in keyof ParMetadata]: ParMetadata[K];
  } = { uid: fields.uid, driver: fields.driver, target, permissions, created, expires };
  if (name !== undefined) metadata.name = name;
  if (id !== undefined) metadata.id = id;
  return Object.freeze(metadata);
}
